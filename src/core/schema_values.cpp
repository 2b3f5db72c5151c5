// zro — shared live objects over ZeroMQ.
// Value checks: whether a Value fits a schema type (accepts / check, on the replica's hot path:
// every property event), and the zero value of a type.
#include "schema_rules.hpp"

#include <limits>

namespace zro::schema_rules {
namespace {

struct IntRange {
    std::int64_t lo;
    std::uint64_t hi;
};

IntRange int_range(Type::Kind k) noexcept {
    using L = std::numeric_limits<std::int64_t>;
    switch (k) {
    case Type::Kind::int8: return {-128, 127};
    case Type::Kind::int16: return {-32768, 32767};
    case Type::Kind::int32: return {-2147483648LL, 2147483647};
    case Type::Kind::int64: return {L::min(), static_cast<std::uint64_t>(L::max())};
    case Type::Kind::uint8: return {0, 255};
    case Type::Kind::uint16: return {0, 65535};
    case Type::Kind::uint32: return {0, 4294967295ULL};
    default: return {0, std::numeric_limits<std::uint64_t>::max()};  // uint64
    }
}

bool in_range(const Value& v, IntRange r) noexcept {
    if (auto* i = std::get_if<std::int64_t>(&v.storage()))
        return *i >= r.lo && (*i < 0 || static_cast<std::uint64_t>(*i) <= r.hi);
    if (auto* u = std::get_if<std::uint64_t>(&v.storage())) return *u <= r.hi;
    return false;
}

bool is_enumerator(const EnumDef& e, const Value& v) noexcept {
    if (auto* i = std::get_if<std::int64_t>(&v.storage())) {
        for (const auto& kv : e.values)
            if (kv.second == *i) return true;
    } else if (auto* u = std::get_if<std::uint64_t>(&v.storage())) {
        for (const auto& kv : e.values)
            if (kv.second >= 0 && static_cast<std::uint64_t>(kv.second) == *u) return true;
    }
    return false;
}

bool fail(const Type& t, const Value& v, std::string* why, std::string_view detail = {}) {
    if (why) {
        *why = "expected " + t.spelling() + ", got " + detail::describe(v);
        if (!detail.empty()) *why += " (" + std::string(detail) + ")";
    }
    return false;
}

[[gnu::noinline]] bool fits_list(const Schema& s, const Type& t, const Value& v, std::string* why) {
    if (!v.is_list()) return fail(t, v, why);
    const Type& element = t.element();
    const auto& items = v.as_list();
    if (!why) {  // the hot path: no message to build
        for (const auto& item : items)
            if (!fits(s, element, item, nullptr)) return false;
        return true;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string inner;
        if (!fits(s, element, items[i], &inner))
            return fail(t, v, why, "element " + std::to_string(i) + ": " + inner);
    }
    return true;
}

[[gnu::noinline]] bool fits_map(const Schema& s, const Type& t, const Value& v, std::string* why) {
    if (!v.is_map()) return fail(t, v, why);
    const Type& key = t.key();
    const Type& mapped = t.mapped();
    const auto& entries = v.as_map();
    if (!why) {
        for (const auto& [k, item] : entries)
            if (!fits(s, key, k, nullptr) || !fits(s, mapped, item, nullptr)) return false;
        return true;
    }
    for (std::size_t i = 0; i < entries.size(); ++i) {
        std::string inner;
        if (!fits(s, key, entries[i].first, &inner))
            return fail(t, v, why, "key of entry " + std::to_string(i) + ": " + inner);
        if (!fits(s, mapped, entries[i].second, &inner))
            return fail(t, v, why, "value of entry " + std::to_string(i) + ": " + inner);
    }
    return true;
}

[[gnu::noinline]] bool fits_enum(const Schema& s, const Type& t, const Value& v, std::string* why) {
    if (is_enumerator(s.enums()[t.definition()], v)) return true;
    return fail(t, v, why, v.is_integer() ? "not a value of enum " + t.name() : std::string());
}

// A POD's value is the list of its fields' values, in declaration order.
[[gnu::noinline]] bool fits_pod(const Schema& s, const Type& t, const Value& v, std::string* why) {
    const PodDef& pod = s.pods()[t.definition()];
    if (!v.is_list()) return fail(t, v, why, "a POD is a list of its " + std::to_string(pod.fields.size()) + " fields");
    const auto& items = v.as_list();
    if (items.size() != pod.fields.size())
        return fail(t, v, why, std::to_string(items.size()) + " fields, want " + std::to_string(pod.fields.size()));
    if (!why) {
        for (std::size_t i = 0; i < items.size(); ++i)
            if (!fits(s, pod.fields[i].parsed_type, items[i], nullptr)) return false;
        return true;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string inner;
        if (!fits(s, pod.fields[i].parsed_type, items[i], &inner))
            return fail(t, v, why, "field " + pod.fields[i].name + ": " + inner);
    }
    return true;
}

} // namespace

// Why a scalar `v` does not fit `t` (kept out of line: fits() stays small on the hot path).
[[gnu::noinline]] bool scalar_mismatch(const Schema& s, const Type& t, const Value& v, std::string* why) {
    if (!why) return false;
    if (t.is_integer() && v.is_integer()) return fail(t, v, why, "out of range");
    if (t.kind() == Type::Kind::named) return fail(t, v, why, "not a type of " + s.type_name());
    return fail(t, v, why);
}

bool fits(const Schema& s, const Type& t, const Value& v, std::string* why) {
    switch (t.kind()) {
    case Type::Kind::boolean:
        if (v.is_bool()) return true;
        break;
    case Type::Kind::int8:
    case Type::Kind::int16:
    case Type::Kind::int32:
    case Type::Kind::int64:
    case Type::Kind::uint8:
    case Type::Kind::uint16:
    case Type::Kind::uint32:
    case Type::Kind::uint64:
        if (in_range(v, int_range(t.kind()))) return true;
        break;
    case Type::Kind::float32:
    case Type::Kind::float64:
        if (v.is_number()) return true;
        break;
    case Type::Kind::string:
        if (v.is_string()) return true;
        break;
    case Type::Kind::bytes:
        if (v.is_bytes()) return true;
        break;
    case Type::Kind::var: return true;
    case Type::Kind::list: return fits_list(s, t, v, why);
    case Type::Kind::map: return fits_map(s, t, v, why);
    case Type::Kind::enumeration: return fits_enum(s, t, v, why);
    case Type::Kind::pod: return fits_pod(s, t, v, why);
    case Type::Kind::none:  // a method's empty result
        if (v.is_nil()) return true;
        break;
    case Type::Kind::named: break;  // not resolved: nothing fits
    }
    return scalar_mismatch(s, t, v, why);
}

Value zero_of(const Schema& s, const Type& t) {
    switch (t.kind()) {
    case Type::Kind::boolean: return Value(false);
    case Type::Kind::int8:
    case Type::Kind::int16:
    case Type::Kind::int32:
    case Type::Kind::int64: return Value(std::int64_t{0});
    case Type::Kind::uint8:
    case Type::Kind::uint16:
    case Type::Kind::uint32:
    case Type::Kind::uint64: return Value(std::uint64_t{0});
    case Type::Kind::float32:
    case Type::Kind::float64: return Value(0.0);
    case Type::Kind::string: return Value(std::string());
    case Type::Kind::bytes: return Value(Value::Bytes{});
    case Type::Kind::list: return Value(Value::List{});
    case Type::Kind::map: return Value(Value::Map{});
    case Type::Kind::enumeration: {
        const EnumDef& e = s.enums()[t.definition()];
        return e.values.empty() ? Value(std::int64_t{0}) : Value(e.values.front().second);
    }
    case Type::Kind::pod: {
        Value::List fields;
        for (const auto& f : s.pods()[t.definition()].fields) fields.push_back(zero_of(s, f.parsed_type));
        return Value(std::move(fields));
    }
    default: return Value();  // var, void
    }
}

} // namespace zro::schema_rules

namespace zro {

bool Schema::accepts(const Type& type, const Value& v) const noexcept {
    return schema_rules::fits(*this, type, v, nullptr);
}

bool Schema::accepts(std::string_view type, const Value& v) const noexcept {
    try {
        return accepts(parse_type(type), v);
    } catch (...) {
        return false;  // not a type of this schema (or bad_alloc)
    }
}

void Schema::check(const Type& type, const Value& v, std::string_view what) const {
    std::string why;
    if (!schema_rules::fits(*this, type, v, &why))
        throw Error(ErrorCode::bad_arguments, std::string(what) + ": " + why);
}

void Schema::check(std::string_view type, const Value& v, std::string_view what) const {
    Type parsed;
    try {
        parsed = parse_type(type);
    } catch (const Error& e) {
        // A type the schema does not define is the schema's fault, not the value's.
        throw Error(ErrorCode::invalid_schema, std::string(what) + ": " + e.what());
    }
    check(parsed, v, what);
}

Value Schema::zero_value(const Type& type) const { return schema_rules::zero_of(*this, type); }

Value Schema::zero_value(std::string_view type) const { return zero_value(parse_type(type)); }

} // namespace zro
