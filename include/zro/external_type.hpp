// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::external_type<T>`: how a type declared in a C++ header (not in the .rep file) joins
/// generated code. QtRO .rep files `#include "temperature.h"` and use `Temperature` as a PROP,
/// parameter or return type; zroc cannot see the header, so the type tells zro two things:
///
/// - its MessagePack encoding: the conversions every zro value uses (zro/convert.hpp),
///   `zro_to_value(const T&)` and `zro_from_value(const Value&, T&)`, found by ADL;
/// - its schema type: how it appears in the class schema and signature, a spelling of zro's
///   type grammar without names (docs/PROTOCOL.md §3), in canonical form (`double`, `int32`,
///   `list<int64>`, `map<string,var>`, `var`), given by specializing this template:
///
///         template <> struct zro::external_type<Temperature> {
///             static constexpr std::string_view schema_type = "double";
///         };
///
/// Generated code static_asserts both, naming the type, so a missing one fails to compile with
/// a message instead of a wall of template errors. docs/IDL.md ("Types from C++ headers") has a
/// complete example.

#include <zro/convert.hpp>

#include <array>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace zro {

/// Specialize for each type a .rep file uses from a C++ header (see the file comment). The
/// primary template is deliberately empty: an unspecialized type is not an external type.
template <class T> struct external_type {};

/// Whether `T` can be used as a .rep type from a C++ header: `external_type<T>::schema_type`
/// and the two conversions exist.
template <class T>
concept is_external_type = requires {
    { external_type<T>::schema_type } -> std::convertible_to<std::string_view>;
} && detail::has_adl_to_value<T> && detail::has_adl_from_value<T>;

namespace detail {

/// FNV-1a 64 of the concatenated `parts`, as 16 lowercase hex digits: the class signature
/// (docs/PROTOCOL.md §10). constexpr so generated classes whose canonical text contains
/// external schema types still have a compile-time `signature`; Schema::signature() uses it too.
constexpr std::array<char, 16> fnv1a64_digits(std::initializer_list<std::string_view> parts) noexcept {
    std::uint64_t h = 14695981039346656037ULL;
    for (std::string_view part : parts)
        for (char c : part) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ULL;
        }
    constexpr char hex[] = "0123456789abcdef";
    std::array<char, 16> out{};
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 15];
    return out;
}

} // namespace detail
} // namespace zro
