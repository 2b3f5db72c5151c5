// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Value`: a dynamic value that maps one-to-one onto MessagePack.
///
/// | MessagePack            | Value kind        | C++ held          |
/// |------------------------|-------------------|-------------------|
/// | nil                    | Kind::nil         | std::monostate    |
/// | true / false           | Kind::boolean     | bool              |
/// | negative int           | Kind::int64       | std::int64_t      |
/// | positive int           | Kind::uint64      | std::uint64_t     |
/// | float 32 / float 64    | Kind::float64     | double            |
/// | str                    | Kind::string      | std::string       |
/// | bin                    | Kind::bytes       | Value::Bytes      |
/// | array                  | Kind::list        | Value::List       |
/// | map                    | Kind::map         | Value::Map        |
///
/// Integers: a Value built from a signed C++ integer holds int64, from an unsigned one uint64.
/// MessagePack itself only knows "negative" and "positive", so a decoded non-negative integer is
/// always uint64. Equality therefore compares integers by numeric value across the two kinds,
/// and `as<T>()` converts either kind to any integer type when the value fits.
///
/// Maps keep insertion order (MessagePack maps are ordered on the wire) and may have any key.
///
/// Thread contract: a Value is a plain value type; distinct Values may be used from any thread.

#include <zro/error.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace zro {

class Value {
public:
    enum class Kind : std::uint8_t { nil, boolean, int64, uint64, float64, string, bytes, list, map };

    /// Raw bytes (MessagePack bin).
    struct Bytes {
        std::vector<std::uint8_t> data;
        bool operator==(const Bytes&) const = default;
    };
    using List = std::vector<Value>;
    using Map = std::vector<std::pair<Value, Value>>;

    Value() noexcept = default;                            ///< nil
    Value(std::nullptr_t) noexcept {}                      ///< nil
    Value(bool b) noexcept : v_(b) {}
    template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> &&
                                            !std::is_same_v<I, char>, int> = 0>
    Value(I i) noexcept {
        if constexpr (std::is_signed_v<I>) v_ = static_cast<std::int64_t>(i);
        else v_ = static_cast<std::uint64_t>(i);
    }
    Value(double d) noexcept : v_(d) {}
    Value(float f) noexcept : v_(static_cast<double>(f)) {}
    Value(std::string s) noexcept : v_(std::move(s)) {}
    Value(std::string_view s) : v_(std::string(s)) {}
    Value(const char* s) : v_(std::string(s)) {}
    Value(Bytes b) noexcept : v_(std::move(b)) {}
    Value(List l) noexcept : v_(std::move(l)) {}
    Value(Map m) noexcept : v_(std::move(m)) {}
    /// A list from a brace list: `Value{1, "two", 3.0}` is a list of three.
    Value(std::initializer_list<Value> items) : v_(List(items)) {}

    /// Builds a list from any range of convertible elements, e.g. `Value::list_of(std::vector<int>{...})`.
    template <class Range> static Value list_of(const Range& r) {
        List l;
        for (const auto& e : r) l.emplace_back(e);
        return Value(std::move(l));
    }
    /// Builds a string-keyed map, e.g. `Value::map_of({{"a", 1}, {"b", true}})`.
    static Value map_of(std::initializer_list<std::pair<std::string, Value>> items);

    Kind kind() const noexcept { return static_cast<Kind>(v_.index()); }
    bool is_nil() const noexcept { return kind() == Kind::nil; }
    bool is_bool() const noexcept { return kind() == Kind::boolean; }
    bool is_integer() const noexcept { return kind() == Kind::int64 || kind() == Kind::uint64; }
    bool is_number() const noexcept { return is_integer() || kind() == Kind::float64; }
    bool is_string() const noexcept { return kind() == Kind::string; }
    bool is_bytes() const noexcept { return kind() == Kind::bytes; }
    bool is_list() const noexcept { return kind() == Kind::list; }
    bool is_map() const noexcept { return kind() == Kind::map; }

    /// Typed conversion. Supported T: bool, every integer type (range-checked), float, double
    /// (from any number), std::string, Bytes, List, Map, Value, and std::vector<U> /
    /// std::map<std::string, U> of supported U. Throws `zro::Error(ErrorCode::type_mismatch)`
    /// with a message such as "expected int32, got string \"abc\"" when the value does not
    /// hold (or does not fit) T.
    template <class T> T as() const;

    /// Direct access without conversion; throw `type_mismatch` on the wrong kind.
    const std::string& as_string() const;
    const List& as_list() const;
    List& as_list();
    const Map& as_map() const;
    Map& as_map();
    const Bytes& as_bytes() const;

    /// Map lookup by string key; nullptr when absent (or when this is not a map).
    const Value* find(std::string_view key) const noexcept;
    /// Map lookup by string key; throws `type_mismatch` if not a map, `unknown_property` if absent.
    const Value& at(std::string_view key) const;
    /// List element; throws `type_mismatch` if not a list or out of range.
    const Value& at(std::size_t index) const;
    /// Number of elements of a list or map, bytes of a string or bin, 0 otherwise.
    std::size_t size() const noexcept;

    /// The kind's name as used in messages: "nil", "bool", "int", "uint", "double", "string",
    /// "bytes", "list", "map".
    static std::string_view kind_name(Kind k) noexcept;
    /// A short JSON-like rendering for logs and error messages (bytes as `b"hex"`).
    std::string to_string() const;

    /// Deep equality; integers compare by numeric value across int64/uint64.
    friend bool operator==(const Value& a, const Value& b) noexcept;
    friend bool operator!=(const Value& a, const Value& b) noexcept { return !(a == b); }

    /// The raw variant, for visitors. Index order matches `Kind`.
    using Storage = std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double,
                                 std::string, Bytes, List, Map>;
    const Storage& storage() const noexcept { return v_; }

private:
    [[noreturn]] void fail_as(std::string_view wanted) const;
    Storage v_;
};

// ------------------------------------------------------------------------------------------
// Implementation of the as<T>() template (kept here because it is a template).
namespace detail {
template <class T> struct is_std_vector : std::false_type {};
template <class U, class A> struct is_std_vector<std::vector<U, A>> : std::true_type {};
template <class T> struct is_string_map : std::false_type {};
template <class U, class C, class A>
struct is_string_map<std::map<std::string, U, C, A>> : std::true_type {};
std::string_view integer_type_name(std::size_t bytes, bool is_signed) noexcept;
/// "int 3", "string \"abc\"", "nil": a value as error messages show it (kind, then a
/// rendering cut to about 80 characters so a huge value cannot flood a message or a log).
std::string describe(const Value& v);
} // namespace detail

template <class T> T Value::as() const {
    if constexpr (std::is_same_v<T, Value>) {
        return *this;
    } else if constexpr (std::is_same_v<T, bool>) {
        if (auto* b = std::get_if<bool>(&v_)) return *b;
        fail_as("bool");
    } else if constexpr (std::is_integral_v<T>) {
        const auto name = detail::integer_type_name(sizeof(T), std::is_signed_v<T>);
        if (auto* i = std::get_if<std::int64_t>(&v_)) {
            if constexpr (std::is_signed_v<T>) {
                if (*i >= std::numeric_limits<T>::min() && *i <= std::numeric_limits<T>::max())
                    return static_cast<T>(*i);
            } else {
                if (*i >= 0 && static_cast<std::uint64_t>(*i) <= std::numeric_limits<T>::max())
                    return static_cast<T>(*i);
            }
        } else if (auto* u = std::get_if<std::uint64_t>(&v_)) {
            if (*u <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
                return static_cast<T>(*u);
        }
        fail_as(name);
    } else if constexpr (std::is_floating_point_v<T>) {
        if (auto* d = std::get_if<double>(&v_)) return static_cast<T>(*d);
        if (auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<T>(*i);
        if (auto* u = std::get_if<std::uint64_t>(&v_)) return static_cast<T>(*u);
        fail_as(sizeof(T) == sizeof(float) ? "float" : "double");
    } else if constexpr (std::is_same_v<T, std::string>) {
        return as_string();
    } else if constexpr (std::is_same_v<T, Bytes>) {
        return as_bytes();
    } else if constexpr (std::is_same_v<T, List>) {
        return as_list();
    } else if constexpr (std::is_same_v<T, Map>) {
        return as_map();
    } else if constexpr (detail::is_std_vector<T>::value) {
        T out;
        const auto& l = as_list();
        out.reserve(l.size());
        for (const auto& e : l) out.push_back(e.template as<typename T::value_type>());
        return out;
    } else if constexpr (detail::is_string_map<T>::value) {
        T out;
        for (const auto& [k, v] : as_map())
            out.emplace(k.as_string(), v.template as<typename T::mapped_type>());
        return out;
    } else {
        static_assert(sizeof(T) == 0, "zro::Value::as<T>: unsupported type");
    }
}

} // namespace zro
