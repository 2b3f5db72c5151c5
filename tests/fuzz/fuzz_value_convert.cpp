// zro — libFuzzer target: arbitrary bytes → zro::Value (wire::decode) → the typed conversions of
// include/zro/convert.hpp and Value::as<T>(), Schema::accepts() and Schema::from_value().
//
// Invariants checked (abort() on violation, so every engine and sanitizer reports it):
//  * from_value<T>(v) either returns or throws zro::Error(type_mismatch): nothing else escapes;
//  * from_value<T> agrees with Value::as<T>() for every T both support (same value, or both throw);
//  * round trip: for every T that converted, from_value<T>(to_value(t)) == t, and
//    to_value(t) survives MessagePack (decode(encode(to_value(t))) == to_value(t));
//  * the schema's type check and the converter agree: Schema::accepts(type, v) implies that
//    from_value<T>(v) succeeds for that type's C++ type T;
//  * describe()/to_string() never throw; describe() stays short (it goes into error messages);
//  * Schema::from_value(v) either returns a schema or throws zro::Error; a returned schema
//    validates, and converting it back gives an equal schema with the same signature.
//
// The input is decoded as one MessagePack value; an input wire::decode refuses is done.
//
// Build: cmake -DZRO_BUILD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (tests/fuzz/CMakeLists.txt), then
//   scripts/fuzz.sh value_convert SECONDS   (or build/tests/fuzz/fuzz_value_convert CORPUS)
// Without a fuzzing engine (e.g. GCC), link replay_main.cpp for a main() that replays the
// files and directories given on the command line once each (the fuzz_<name>_replay binary).

#include "wire/codec.hpp"

#include <zro/convert.hpp>
#include <zro/schema.hpp>
#include <zro/value.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "fuzz_value_convert: invariant violated: %s %s\n", what, detail.c_str());
    std::abort();
}

enum class Colour : std::int16_t { red = 1, green = 2 };
enum class Bit : std::uint8_t { a = 1, b = 2, c = 4 };

/// NaN-aware equality for the round-trip check (NaN is never == itself).
template <class T> bool same(const T& a, const T& b) {
    if constexpr (std::is_floating_point_v<T>) return (std::isnan(a) && std::isnan(b)) || a == b;
    else return a == b;
}
bool same(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i])) return false;
    return true;
}
bool same(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
        if (i->first != j->first || !same(i->second, j->second)) return false;
    return true;
}
bool has_nan(const zro::Value& v) {
    switch (v.kind()) {
    case zro::Value::Kind::float64: return std::isnan(v.as<double>());
    case zro::Value::Kind::list:
        for (const auto& e : v.as_list())
            if (has_nan(e)) return true;
        return false;
    case zro::Value::Kind::map:
        for (const auto& [k, e] : v.as_map())
            if (has_nan(k) || has_nan(e)) return true;
        return false;
    default: return false;
    }
}

/// from_value<T>(v): the value, or nullopt for type_mismatch; any other outcome fails.
template <class T> std::optional<T> convert(const zro::Value& v, const char* name) {
    try {
        return zro::from_value<T>(v);
    } catch (const zro::Error& e) {
        if (e.code() != zro::ErrorCode::type_mismatch) fail("from_value threw a code other than type_mismatch for", name);
        if (std::string(e.what()).empty()) fail("type_mismatch without a message for", name);
        return std::nullopt;
    } catch (const std::exception& e) {
        fail("from_value threw a non-zro exception for", std::string(name) + ": " + e.what());
    }
}

/// Converts, round-trips, and (when `type` is given) compares with Schema::accepts.
template <class T> void check(const zro::Value& v, const char* name, const char* type = nullptr) {
    static const zro::Schema schema = [] {
        zro::Schema s("Types");
        return s;
    }();
    const auto t = convert<T>(v, name);
    if (type && schema.accepts(type, v) && !t) fail("Schema::accepts says yes but from_value fails for", type);
    if (!t) return;
    zro::Value back;
    try {
        back = zro::to_value(*t);
    } catch (const std::exception& e) {
        fail("to_value threw for", std::string(name) + ": " + e.what());
    }
    const auto again = convert<T>(back, name);
    if (!again) fail("from_value(to_value(t)) fails for", std::string(name) + " " + back.to_string());
    if (!same(*again, *t)) fail("from_value(to_value(t)) != t for", name);
    const std::string bytes = zro::detail::wire::encode(back);
    auto re = zro::detail::wire::decode(bytes.data(), bytes.size());
    if (!std::holds_alternative<zro::Value>(re)) fail("to_value(t) does not survive MessagePack for", name);
    if (!has_nan(back) && !(std::get<zro::Value>(re) == back)) fail("decode(encode(to_value(t))) != to_value(t) for", name);
}

/// Value::as<T>() and from_value<T>() agree.
template <class T> void agree(const zro::Value& v, const char* name) {
    std::optional<T> a;
    try {
        a = v.as<T>();
    } catch (const zro::Error& e) {
        if (e.code() != zro::ErrorCode::type_mismatch) fail("as<T> threw a code other than type_mismatch for", name);
    } catch (const std::exception& e) {
        fail("as<T> threw a non-zro exception for", std::string(name) + ": " + e.what());
    }
    const auto b = convert<T>(v, name);
    if (a.has_value() != b.has_value()) fail("as<T> and from_value<T> disagree for", name);
    if (a && !same(*a, *b)) fail("as<T> and from_value<T> give different values for", name);
}

void check_all(const zro::Value& v) {
    check<bool>(v, "bool", "bool");
    check<std::int8_t>(v, "int8", "int8");
    check<std::int16_t>(v, "int16", "int16");
    check<std::int32_t>(v, "int32", "int32");
    check<std::int64_t>(v, "int64", "int64");
    check<std::uint8_t>(v, "uint8", "uint8");
    check<std::uint16_t>(v, "uint16", "uint16");
    check<std::uint32_t>(v, "uint32", "uint32");
    check<std::uint64_t>(v, "uint64", "uint64");
    check<double>(v, "double", "double");
    check<std::string>(v, "string", "string");
    check<zro::Value::Bytes>(v, "bytes", "bytes");
    check<zro::Value>(v, "var", "var");
    check<std::vector<std::int32_t>>(v, "list<int32>", "list<int32>");
    check<std::vector<double>>(v, "list<double>", "list<double>");
    check<std::vector<std::vector<std::string>>>(v, "list<list<string>>", "list<list<string>>");
    check<std::map<std::string, double>>(v, "map<string,double>", "map<string,double>");
    check<std::map<std::int32_t, std::vector<std::string>>>(v, "map<int32,list<string>>", "map<int32,list<string>>");
    check<std::map<std::string, std::map<std::string, bool>>>(v, "map<string,map<string,bool>>", "map<string,map<string,bool>>");
    check<std::vector<zro::Value>>(v, "list<var>", "list<var>");
    check<std::optional<std::int32_t>>(v, "optional<int32>");
    check<std::optional<std::string>>(v, "optional<string>");
    check<Colour>(v, "enum int16");
    check<zro::Flags<Bit>>(v, "Flags<uint8>");
    check<std::chrono::milliseconds>(v, "milliseconds");
    check<std::chrono::duration<std::int32_t>>(v, "duration<int32>");
    check<zro::DateTime>(v, "DateTime");
    check<zro::Date>(v, "Date");

    agree<bool>(v, "bool");
    agree<std::int8_t>(v, "int8");
    agree<std::int32_t>(v, "int32");
    agree<std::uint64_t>(v, "uint64");
    agree<float>(v, "float");
    agree<double>(v, "double");
    agree<std::string>(v, "string");
    agree<std::vector<std::int64_t>>(v, "list<int64>");
    agree<std::map<std::string, std::string>>(v, "map<string,string>");
}

void check_schema(const zro::Value& v) {
    std::optional<zro::Schema> s;
    try {
        s = zro::Schema::from_value(v);
    } catch (const zro::Error&) {
        return;
    } catch (const std::exception& e) {
        fail("Schema::from_value threw a non-zro exception:", e.what());
    }
    try {
        s->validate();
    } catch (const zro::Error& e) {
        fail("Schema::from_value returned a schema that does not validate:", e.what());
    }
    const zro::Value back = s->to_value();
    zro::Schema again = [&] {
        try {
            return zro::Schema::from_value(back);
        } catch (const std::exception& e) {
            fail("Schema::from_value(to_value(s)) throws:", e.what());
        }
    }();
    if (!(again == *s)) fail("Schema::from_value(to_value(s)) != s");
    if (again.signature() != s->signature()) fail("signature changed across to_value/from_value");
    // Every property's default must be one its own type accepts.
    for (const auto& p : s->properties())
        if (!p.default_value.is_nil() && !s->accepts(p.type, p.default_value)) fail("a property default its type refuses:", p.name);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto decoded = zro::detail::wire::decode(data, size);
    if (!std::holds_alternative<zro::Value>(decoded)) return 0;
    const zro::Value& v = std::get<zro::Value>(decoded);
    try {
        const std::string d = zro::detail::describe(v);
        if (d.size() > 200) fail("describe() is longer than 200 bytes");
        (void)v.to_string();
    } catch (const std::exception& e) {
        fail("describe/to_string threw:", e.what());
    }
    check_all(v);
    check_schema(v);
    return 0;
}
