// zro — shared live objects over ZeroMQ.
// Types declared in C++, outside any .rep file, for external.rep: what a QtRO user has in
// "temperature.h". Each joins generated code through zro::external_type<T> (its schema type)
// and zro_to_value / zro_from_value (its MessagePack encoding), as docs/IDL.md shows.
#pragma once

#include <zro/external_type.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace weather {

/// A class with behaviour, not a POD: travels as one double (degrees Celsius).
class Temperature {
public:
    Temperature() = default;
    explicit Temperature(double celsius) : celsius_(celsius) {}
    double celsius() const { return celsius_; }
    double fahrenheit() const { return celsius_ * 9 / 5 + 32; }
    friend bool operator==(const Temperature&, const Temperature&) = default;

    friend zro::Value zro_to_value(const Temperature& t) { return zro::Value(t.celsius_); }
    friend void zro_from_value(const zro::Value& v, Temperature& t) { t.celsius_ = v.as<double>(); }

private:
    double celsius_ = 0;
};

} // namespace weather

/// A struct with the fields of QtRO's ExtPOD, travelling as [i, f, s].
struct ExtPOD {
    std::int32_t i = 0;
    float f = 0;
    std::string s;
    friend bool operator==(const ExtPOD&, const ExtPOD&) = default;
};
inline zro::Value zro_to_value(const ExtPOD& p) { return zro::Value{zro::to_value(p.i), zro::to_value(p.f), zro::Value(p.s)}; }
inline void zro_from_value(const zro::Value& v, ExtPOD& p) {
    if (!v.is_list() || v.size() != 3) throw zro::Error(zro::ErrorCode::type_mismatch, "ExtPOD: expected [i, f, s]");
    p.i = zro::from_value<std::int32_t>(v.at(std::size_t{0}));
    p.f = zro::from_value<float>(v.at(std::size_t{1}));
    p.s = zro::from_value<std::string>(v.at(std::size_t{2}));
}

template <> struct zro::external_type<weather::Temperature> {
    static constexpr std::string_view schema_type = "double";
};
template <> struct zro::external_type<ExtPOD> {
    static constexpr std::string_view schema_type = "list<var>";
};
