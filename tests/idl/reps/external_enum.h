// zro — shared live objects over ZeroMQ.
// A C++ enum declared outside any .rep file, for USE_ENUM in qtro_forms.rep.
#pragma once

#include <cstdint>

namespace NS {
enum class NamespaceEnum : std::int16_t { Alpha = 1, Beta = 2 };
} // namespace NS

#define QTRO_FORMS_EXPORT
