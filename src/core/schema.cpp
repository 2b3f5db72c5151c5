// zro — shared live objects over ZeroMQ.
//
// Canonical text (docs/PROTOCOL.md, "Signature")
// ----------------------------------------------
// The signature is FNV-1a 64 (offset basis 14695981039346656037, prime 1099511628211) over the
// bytes of the canonical text, written as 16 lowercase hex digits. The canonical text is one
// item per line, each line ending in '\n' (also the last), no other whitespace than the single
// spaces shown. Sections come in this order, and items within a section in declaration order:
//
//     class <TypeName>
//     enum <Name> <k1>=<v1>,<k2>=<v2>          one line per enum
//     prop <name> <type> <MODE>                 one line per property
//     signal <name>(<type1>,<type2>)            one line per signal
//     method <name>(<type1>,<type2>) <return>   one line per method
//
// - Enumerator values are signed decimal integers ("-1", "0", "7"); an enum without
//   enumerators is written "enum <Name> " (the space stays, the list is empty).
// - <MODE> is one of READPUSH, READWRITE, READONLY, CONSTANT, SOURCEONLYSETTER.
// - Types are in canonical spelling (normalize_type): no spaces, "int" written "int32", "uint"
//   written "uint32", e.g. "map<string,list<int32>>"; enum types by their name.
// - A member without parameters is written "name()"; <return> is "void" when there is none.
// - Parameter names, property defaults and the coalesce flag are NOT part of the text: they
//   do not change the shape two peers must agree on.
//
// Example (the SimpleSwitch demo):
//
//     class SimpleSwitch
//     prop currState bool READPUSH
//     method server_slot(bool) void
//
// whose signature is 0e72a8443efa7f05 (pinned by tests/unit/schema_test.cpp).
//
// Schema as a Value (Schema::to_value / from_value; carried by SNAPSHOT to dynamic replicas)
// -------------------------------------------------------------------------------------------
// A map with string keys, in this order:
//
//     {"type":       <class name: string>,
//      "enums":      [[<name>, [[<key>, <value: int>], ...]], ...],
//      "properties": [[<name>, <type>, <mode: uint 0..4>, <default: any, nil = zero value>,
//                      <coalesce: bool>], ...],
//      "signals":    [[<name>, [[<param name>, <param type>], ...]], ...],
//      "methods":    [[<name>, [[<param name>, <param type>], ...], <return type>], ...]}
//
// Types are written in canonical spelling; from_value also accepts other spellings ("int")
// and normalises them. Enumerator values may arrive as int or uint (the wire decodes
// non-negative integers as uint) but must fit int64. Modes are PropertyMode's numbers
// (0 READPUSH .. 4 SOURCEONLYSETTER). Every key must be present and every entry must have
// exactly the number of fields shown; unknown extra keys in the top-level map are ignored.
// Lists hold at most 65535 entries. Anything else is rejected with
// Error(malformed_message, "schema: ..."), and a readable shape is then validate()d
// (Error(invalid_schema, ...)).
#include <zro/schema.hpp>

#include <array>
#include <limits>
#include <unordered_set>

namespace zro {
namespace {

// Longest member, enum or class name (so names fit a one-byte length on any future wire form).
constexpr std::size_t max_name_bytes = 255;
// Most entries per member list, enumerators or parameters accepted from a peer or a builder.
constexpr std::size_t max_members = 65535;
// Deepest type nesting: the wire codec decodes values at most 32 levels deep anyway.
constexpr int max_type_depth = 32;

// ---- type grammar ---------------------------------------------------------------------------

enum class Base : std::uint8_t {
    boolean, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
    float32, float64, string, bytes, var, list, map, named,
};

struct Builtin {
    std::string_view name;
    Base base;
};
// Canonical spellings first; the aliases at the end normalise to int32 / uint32.
constexpr std::array<Builtin, 16> builtins{{
    {"bool", Base::boolean}, {"int8", Base::int8}, {"int16", Base::int16},
    {"int32", Base::int32}, {"int64", Base::int64}, {"uint8", Base::uint8},
    {"uint16", Base::uint16}, {"uint32", Base::uint32}, {"uint64", Base::uint64},
    {"float", Base::float32}, {"double", Base::float64}, {"string", Base::string},
    {"bytes", Base::bytes}, {"var", Base::var}, {"int", Base::int32}, {"uint", Base::uint32},
}};

std::optional<Base> builtin_base(std::string_view name) noexcept {
    for (const auto& b : builtins)
        if (b.name == name) return b.base;
    return std::nullopt;
}

std::string_view canonical_name(Base base) noexcept {
    for (const auto& b : builtins)
        if (b.base == base) return b.name;  // the first match is the canonical spelling
    return base == Base::list ? "list" : "map";
}

struct ParsedType {
    Base base = Base::var;
    std::string name;               // for Base::named: the enum (or "void") it refers to
    std::vector<ParsedType> args;   // list: {T}; map: {K, V}
};

bool is_ident_start(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_ident_char(char c) noexcept { return is_ident_start(c) || (c >= '0' && c <= '9'); }

bool is_identifier(std::string_view s) noexcept {
    if (s.empty() || s.size() > max_name_bytes || !is_ident_start(s[0])) return false;
    for (char c : s)
        if (!is_ident_char(c)) return false;
    return true;
}

// Recursive descent over: type := ident | "list" "<" type ">" | "map" "<" type "," type ">".
// Whitespace may separate tokens but never splits an identifier ("in t32" is not "int32").
class TypeParser {
public:
    explicit TypeParser(std::string_view text) : s_(text) {}

    std::optional<ParsedType> parse_all() {
        auto t = parse(0);
        skip_space();
        if (!t || pos_ != s_.size()) return std::nullopt;
        return t;
    }

private:
    std::optional<ParsedType> parse(int depth) {
        if (depth > max_type_depth) return std::nullopt;
        const std::string_view word = identifier();
        if (word.empty()) return std::nullopt;
        ParsedType t;
        if (word == "list" || word == "map") {
            t.base = word == "list" ? Base::list : Base::map;
            if (!expect('<')) return std::nullopt;
            if (!push_arg(t, depth)) return std::nullopt;
            if (t.base == Base::map && !(expect(',') && push_arg(t, depth))) return std::nullopt;
            if (!expect('>')) return std::nullopt;
        } else if (auto b = builtin_base(word)) {
            t.base = *b;
        } else {
            t.base = Base::named;
            t.name = std::string(word);
        }
        return t;
    }

    bool push_arg(ParsedType& t, int depth) {
        auto arg = parse(depth + 1);
        if (!arg) return false;
        t.args.push_back(std::move(*arg));
        return true;
    }

    std::string_view identifier() {
        skip_space();
        const std::size_t start = pos_;
        if (pos_ < s_.size() && is_ident_start(s_[pos_]))
            while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
        return s_.substr(start, pos_ - start);
    }

    bool expect(char c) {
        skip_space();
        if (pos_ >= s_.size() || s_[pos_] != c) return false;
        ++pos_;
        return true;
    }

    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

void render_type(const ParsedType& t, std::string& out) {
    if (t.base == Base::named) {
        out += t.name;
    } else if (t.base == Base::list || t.base == Base::map) {
        out += canonical_name(t.base);
        out.push_back('<');
        for (std::size_t i = 0; i < t.args.size(); ++i) {
            if (i) out.push_back(',');
            render_type(t.args[i], out);
        }
        out.push_back('>');
    } else {
        out += canonical_name(t.base);
    }
}

std::string canonical_type(std::string_view type) {
    auto n = normalize_type(type);
    return n ? std::move(*n) : std::string(type);
}

// ---- value checks ---------------------------------------------------------------------------

struct IntRange {
    std::int64_t lo;
    std::uint64_t hi;
};

std::optional<IntRange> int_range(Base b) noexcept {
    using L = std::numeric_limits<std::int64_t>;
    switch (b) {
    case Base::int8: return IntRange{-128, 127};
    case Base::int16: return IntRange{-32768, 32767};
    case Base::int32: return IntRange{-2147483648LL, 2147483647};
    case Base::int64: return IntRange{L::min(), static_cast<std::uint64_t>(L::max())};
    case Base::uint8: return IntRange{0, 255};
    case Base::uint16: return IntRange{0, 65535};
    case Base::uint32: return IntRange{0, 4294967295ULL};
    case Base::uint64: return IntRange{0, std::numeric_limits<std::uint64_t>::max()};
    default: return std::nullopt;
    }
}

bool in_range(const Value& v, IntRange r) noexcept {
    if (auto* i = std::get_if<std::int64_t>(&v.storage()))
        return *i >= r.lo && (*i < 0 || static_cast<std::uint64_t>(*i) <= r.hi);
    if (auto* u = std::get_if<std::uint64_t>(&v.storage())) return *u <= r.hi;
    return false;
}

bool is_enumerator(const EnumDef& e, const Value& v) noexcept {
    if (!v.is_integer()) return false;
    for (const auto& [key, value] : e.values)
        if (Value(value) == v) return true;
    return false;
}

std::string type_text(const ParsedType& t) {
    std::string s;
    render_type(t, s);
    return s;
}

// Whether `v` fits `t`. On failure, and only when `why` is given, says why (the cold path
// builds strings; accepts() passes nullptr and allocates nothing for scalar types).
bool fits(const Schema& schema, const ParsedType& t, const Value& v, std::string* why);

bool fail(const ParsedType& t, const Value& v, std::string* why, std::string_view detail = {}) {
    if (why) {
        *why = "expected " + type_text(t) + ", got " + detail::describe(v);
        if (!detail.empty()) *why += " (" + std::string(detail) + ")";
    }
    return false;
}

bool fits_list(const Schema& schema, const ParsedType& t, const Value& v, std::string* why) {
    if (!v.is_list()) return fail(t, v, why);
    const auto& items = v.as_list();
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string inner;
        if (!fits(schema, t.args[0], items[i], why ? &inner : nullptr))
            return fail(t, v, why, "element " + std::to_string(i) + ": " + inner);
    }
    return true;
}

bool fits_map(const Schema& schema, const ParsedType& t, const Value& v, std::string* why) {
    if (!v.is_map()) return fail(t, v, why);
    const auto& entries = v.as_map();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        std::string inner;
        if (!fits(schema, t.args[0], entries[i].first, why ? &inner : nullptr))
            return fail(t, v, why, "key of entry " + std::to_string(i) + ": " + inner);
        if (!fits(schema, t.args[1], entries[i].second, why ? &inner : nullptr))
            return fail(t, v, why, "value of entry " + std::to_string(i) + ": " + inner);
    }
    return true;
}

bool fits_named(const Schema& schema, const ParsedType& t, const Value& v, std::string* why) {
    // "void" is a method's empty return: only nil fits it.
    if (t.name == "void") return v.is_nil() || fail(t, v, why);
    const EnumDef* e = schema.find_enum(t.name);
    if (!e) return fail(t, v, why, "no such type in " + schema.type_name());
    if (is_enumerator(*e, v)) return true;
    return fail(t, v, why, v.is_integer() ? "not a value of enum " + t.name : std::string());
}

bool fits(const Schema& schema, const ParsedType& t, const Value& v, std::string* why) {
    if (auto range = int_range(t.base)) {
        if (in_range(v, *range)) return true;
        return fail(t, v, why, v.is_integer() ? "out of range" : "");
    }
    switch (t.base) {
    case Base::boolean: return v.is_bool() || fail(t, v, why);
    case Base::float32:
    case Base::float64: return v.is_number() || fail(t, v, why);
    case Base::string: return v.is_string() || fail(t, v, why);
    case Base::bytes: return v.is_bytes() || fail(t, v, why);
    case Base::var: return true;
    case Base::list: return fits_list(schema, t, v, why);
    case Base::map: return fits_map(schema, t, v, why);
    case Base::named: return fits_named(schema, t, v, why);
    default: return fail(t, v, why);
    }
}

Value zero_of(const Schema& schema, const ParsedType& t) {
    if (auto range = int_range(t.base)) {
        if (range->lo < 0) return Value(std::int64_t{0});
        return Value(std::uint64_t{0});
    }
    switch (t.base) {
    case Base::boolean: return Value(false);
    case Base::float32:
    case Base::float64: return Value(0.0);
    case Base::string: return Value(std::string());
    case Base::bytes: return Value(Value::Bytes{});
    case Base::list: return Value(Value::List{});
    case Base::map: return Value(Value::Map{});
    case Base::named:
        if (const EnumDef* e = schema.find_enum(t.name); e && !e->values.empty())
            return Value(e->values.front().second);
        return t.name == "void" ? Value() : Value(std::int64_t{0});  // an empty enum
    default: return Value();  // var
    }
}

// ---- validation -----------------------------------------------------------------------------

// A name as error messages show it: quoted, control bytes replaced, long names cut.
std::string quoted(std::string_view s) {
    constexpr std::size_t max_shown = 64;
    std::string out = "'";
    for (std::size_t i = 0; i < s.size() && i < max_shown; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        out.push_back(c < 0x20 || c == 0x7f ? '?' : s[i]);
    }
    if (s.size() > max_shown) out += "...";
    out += "'";
    return out;
}

[[noreturn]] void invalid(const Schema& s, const std::string& where, const std::string& what) {
    throw Error(ErrorCode::invalid_schema, s.type_name() + ": " + where + ": " + what);
}

bool is_reserved_type_name(std::string_view name) noexcept {
    return builtin_base(name) || name == "list" || name == "map" || name == "void";
}

constexpr std::string_view name_rule = " (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)";

void check_class_name(std::string_view name) {
    if (!is_identifier(name))
        throw Error(ErrorCode::invalid_schema,
                    "invalid class name " + quoted(name) + std::string(name_rule));
}

void check_name(const Schema& s, const std::string& where, std::string_view name) {
    if (!is_identifier(name)) invalid(s, where, "invalid name " + quoted(name) + std::string(name_rule));
}

// The first name in `t` that is neither a builtin nor an enum of `s`, or nullptr.
const std::string* unknown_name(const Schema& s, const ParsedType& t) {
    if (t.base == Base::named && !s.find_enum(t.name)) return &t.name;
    for (const auto& a : t.args)
        if (const std::string* n = unknown_name(s, a)) return n;
    return nullptr;
}

std::string unknown_type(std::string_view type, const std::string& name) {
    if (name == type) return "unknown type " + quoted(type);
    return "unknown type " + quoted(name) + " in " + quoted(type);
}

// `type` parsed, with every name in it resolved against `s` ("void" only at the top).
std::optional<ParsedType> resolve(const Schema& s, std::string_view type, std::string* why) {
    auto parsed = TypeParser(type).parse_all();
    if (!parsed) {
        if (why) *why = "invalid type " + quoted(type);
        return std::nullopt;
    }
    if (parsed->base == Base::named && parsed->name == "void") return parsed;
    if (const std::string* name = unknown_name(s, *parsed)) {
        if (why) *why = unknown_type(type, *name);
        return std::nullopt;
    }
    return parsed;
}

ParsedType check_type(const Schema& s, const std::string& where, std::string_view type,
                      bool allow_void) {
    auto parsed = TypeParser(type).parse_all();
    if (!parsed) invalid(s, where, "invalid type " + quoted(type));
    if (parsed->base == Base::named && parsed->name == "void") {
        if (allow_void) return *parsed;
        invalid(s, where, "'void' is only allowed as a method return type");
    }
    if (const std::string* name = unknown_name(s, *parsed))
        invalid(s, where, unknown_type(type, *name));
    return *parsed;
}

void check_count(const Schema& s, std::string_view what, std::size_t n) {
    if (n > max_members)
        invalid(s, std::string(what), std::to_string(n) + " entries (at most 65535)");
}

void check_enum(const Schema& s, const EnumDef& e) {
    const std::string where = "enum " + quoted(e.name);
    check_name(s, where, e.name);
    if (is_reserved_type_name(e.name)) invalid(s, where, "name is a builtin type");
    check_count(s, where, e.values.size());
    std::unordered_set<std::string_view> keys;
    for (const auto& [key, value] : e.values) {
        check_name(s, where, key);
        if (!keys.insert(key).second) invalid(s, where, "duplicate enumerator " + quoted(key));
    }
}

void check_params(const Schema& s, const std::string& where, const std::vector<Parameter>& ps) {
    check_count(s, where, ps.size());
    std::unordered_set<std::string_view> names;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const std::string at = where + ": parameter " + std::to_string(i + 1);
        if (!ps[i].name.empty()) {  // unnamed parameters are fine, as in .rep files
            check_name(s, at, ps[i].name);
            if (!names.insert(ps[i].name).second)
                invalid(s, at, "duplicate parameter name " + quoted(ps[i].name));
        }
        check_type(s, at, ps[i].type, false);
    }
}

void check_property(const Schema& s, const PropertyDef& p) {
    const std::string where = "property " + quoted(p.name);
    check_name(s, where, p.name);
    const ParsedType t = check_type(s, where, p.type, false);
    if (static_cast<unsigned>(p.mode) > static_cast<unsigned>(PropertyMode::source_only_setter))
        invalid(s, where, "invalid mode " + std::to_string(static_cast<unsigned>(p.mode)));
    std::string why;
    if (!p.default_value.is_nil() && !fits(s, t, p.default_value, &why))
        invalid(s, where, "bad default: " + why);
}

void check_signal(const Schema& s, const SignalDef& sig) {
    const std::string where = "signal " + quoted(sig.name);
    check_name(s, where, sig.name);
    check_params(s, where, sig.params);
}

void check_method(const Schema& s, const MethodDef& m) {
    const std::string where = "method " + quoted(m.name);
    check_name(s, where, m.name);
    check_params(s, where, m.params);
    check_type(s, where + ": return type", m.return_type, true);
}

// Checks that no two entries of `items` share a name (hash set: from_value may see 65535).
template <class Def>
void check_unique(const Schema& s, std::string_view kind, const std::vector<Def>& items) {
    check_count(s, std::string(kind) + "s", items.size());
    std::unordered_set<std::string_view> seen;
    for (const auto& d : items)
        if (!seen.insert(d.name).second)
            invalid(s, std::string(kind) + " " + quoted(d.name), "duplicate name");
}

// The add_* check for one more member: linear, which is fine for hand-built schemas.
template <class Def>
void check_new_name(const Schema& s, std::string_view kind, const std::vector<Def>& items,
                    std::string_view name) {
    if (items.size() >= max_members) check_count(s, std::string(kind) + "s", items.size() + 1);
    for (const auto& d : items)
        if (d.name == name) invalid(s, std::string(kind) + " " + quoted(name), "duplicate name");
}

// ---- canonical text and hashing -------------------------------------------------------------

std::string joined_types(const std::vector<Parameter>& params) {
    std::string out = "(";
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i) out.push_back(',');
        out += canonical_type(params[i].type);
    }
    out.push_back(')');
    return out;
}

std::string fnv1a64_hex(std::string_view text) {
    std::uint64_t h = 14695981039346656037ULL;
    for (char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 15];
    return out;
}

// ---- reading a schema Value -----------------------------------------------------------------

[[noreturn]] void malformed(const std::string& what) {
    throw Error(ErrorCode::malformed_message, "schema: " + what);
}

const Value::List& list_at(const Value& v, const std::string& what) {
    if (!v.is_list()) malformed(what + ": expected a list, got " + detail::describe(v));
    if (v.size() > max_members)
        malformed(what + ": " + std::to_string(v.size()) + " entries (at most 65535)");
    return v.as_list();
}

const Value::List& tuple_at(const Value& v, std::size_t n, const std::string& what) {
    const auto& l = list_at(v, what);
    if (l.size() != n)
        malformed(what + ": expected " + std::to_string(n) + " fields, got " +
                  std::to_string(l.size()));
    return l;
}

const std::string& string_at(const Value& v, const std::string& what) {
    if (!v.is_string()) malformed(what + ": expected a string, got " + detail::describe(v));
    return v.as_string();
}

std::int64_t int64_at(const Value& v, const std::string& what) {
    if (auto* i = std::get_if<std::int64_t>(&v.storage())) return *i;
    auto* u = std::get_if<std::uint64_t>(&v.storage());
    if (!u || *u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        malformed(what + ": expected an int64, got " + detail::describe(v));
    return static_cast<std::int64_t>(*u);
}

PropertyMode mode_at(const Value& v, const std::string& what) {
    const auto* u = std::get_if<std::uint64_t>(&v.storage());
    const auto* i = std::get_if<std::int64_t>(&v.storage());
    const std::uint64_t max = static_cast<std::uint64_t>(PropertyMode::source_only_setter);
    if (u && *u <= max) return static_cast<PropertyMode>(*u);
    if (i && *i >= 0 && static_cast<std::uint64_t>(*i) <= max) return static_cast<PropertyMode>(*i);
    malformed(what + ": expected a mode 0..4, got " + detail::describe(v));
}

bool bool_at(const Value& v, const std::string& what) {
    if (!v.is_bool()) malformed(what + ": expected a bool, got " + detail::describe(v));
    return v.as<bool>();
}

const Value& field(const Value& v, std::string_view key) {
    const Value* f = v.find(key);
    if (!f) malformed("missing key '" + std::string(key) + "'");
    return *f;
}

std::string entry(std::string_view section, std::size_t i) {
    return std::string(section) + "[" + std::to_string(i) + "]";
}

std::vector<Parameter> params_at(const Value& v, const std::string& what) {
    std::vector<Parameter> out;
    const auto& l = list_at(v, what);
    out.reserve(l.size());
    for (std::size_t i = 0; i < l.size(); ++i) {
        const std::string at = what + "[" + std::to_string(i) + "]";
        const auto& p = tuple_at(l[i], 2, at);
        out.push_back({string_at(p[0], at + " name"),
                       canonical_type(string_at(p[1], at + " type"))});
    }
    return out;
}

EnumDef enum_at(const Value& v, const std::string& what) {
    const auto& t = tuple_at(v, 2, what);
    EnumDef e{string_at(t[0], what + " name"), {}};
    const auto& values = list_at(t[1], what + " values");
    e.values.reserve(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string at = what + " values[" + std::to_string(i) + "]";
        const auto& kv = tuple_at(values[i], 2, at);
        e.values.emplace_back(string_at(kv[0], at + " key"), int64_at(kv[1], at + " value"));
    }
    return e;
}

PropertyDef property_at(const Value& v, const std::string& what) {
    const auto& t = tuple_at(v, 5, what);
    return PropertyDef{string_at(t[0], what + " name"),
                       canonical_type(string_at(t[1], what + " type")), t[3],
                       mode_at(t[2], what + " mode"), bool_at(t[4], what + " coalesce")};
}

SignalDef signal_at(const Value& v, const std::string& what) {
    const auto& t = tuple_at(v, 2, what);
    return SignalDef{string_at(t[0], what + " name"), params_at(t[1], what + " params")};
}

MethodDef method_at(const Value& v, const std::string& what) {
    const auto& t = tuple_at(v, 3, what);
    return MethodDef{string_at(t[0], what + " name"), params_at(t[1], what + " params"),
                     canonical_type(string_at(t[2], what + " return type"))};
}

template <class Def, class Read>
std::vector<Def> section_at(const Value& v, std::string_view key, Read read) {
    const auto& l = list_at(field(v, key), std::string(key));
    std::vector<Def> out;
    out.reserve(l.size());
    for (std::size_t i = 0; i < l.size(); ++i) out.push_back(read(l[i], entry(key, i)));
    return out;
}

Value params_value(const std::vector<Parameter>& params) {
    Value::List l;
    l.reserve(params.size());
    for (const auto& p : params) l.push_back(Value{p.name, p.type});
    return Value(std::move(l));
}

template <class Def>
std::optional<std::size_t> index_of(const std::vector<Def>& items, std::string_view name) {
    for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].name == name) return i;
    return std::nullopt;
}

} // namespace

// ---- free functions -------------------------------------------------------------------------

std::string_view to_string(PropertyMode m) noexcept {
    switch (m) {
    case PropertyMode::read_push: return "READPUSH";
    case PropertyMode::read_write: return "READWRITE";
    case PropertyMode::read_only: return "READONLY";
    case PropertyMode::constant: return "CONSTANT";
    case PropertyMode::source_only_setter: return "SOURCEONLYSETTER";
    }
    return "INVALID";
}

std::optional<PropertyMode> property_mode_from_string(std::string_view s) noexcept {
    for (auto m : {PropertyMode::read_push, PropertyMode::read_write, PropertyMode::read_only,
                   PropertyMode::constant, PropertyMode::source_only_setter})
        if (to_string(m) == s) return m;
    return std::nullopt;
}

std::optional<std::string> normalize_type(std::string_view type) {
    auto parsed = TypeParser(type).parse_all();
    if (!parsed) return std::nullopt;
    std::string out;
    render_type(*parsed, out);
    return out;
}

// ---- building -------------------------------------------------------------------------------

Schema::Schema(std::string type_name) : type_name_(std::move(type_name)) {
    check_class_name(type_name_);
}

// The add_* calls store types in canonical spelling, so properties()[i].type is what the
// signature and the wire carry ("int" comes back as "int32").
Schema& Schema::add_enum(std::string name,
                         std::vector<std::pair<std::string, std::int64_t>> values) {
    EnumDef e{std::move(name), std::move(values)};
    check_enum(*this, e);
    check_new_name(*this, "enum", enums_, e.name);
    enums_.push_back(std::move(e));
    invalidate_cache();
    return *this;
}

Schema& Schema::add_property(std::string name, std::string type, Value default_value,
                             PropertyMode mode, bool coalesce) {
    PropertyDef p{std::move(name), canonical_type(type), std::move(default_value), mode, coalesce};
    check_property(*this, p);
    check_new_name(*this, "property", properties_, p.name);
    properties_.push_back(std::move(p));
    invalidate_cache();
    return *this;
}

Schema& Schema::add_signal(std::string name, std::vector<Parameter> params) {
    for (auto& p : params) p.type = canonical_type(p.type);
    SignalDef s{std::move(name), std::move(params)};
    check_signal(*this, s);
    check_new_name(*this, "signal", signals_, s.name);
    signals_.push_back(std::move(s));
    invalidate_cache();
    return *this;
}

Schema& Schema::add_method(std::string name, std::vector<Parameter> params,
                           std::string return_type) {
    for (auto& p : params) p.type = canonical_type(p.type);
    MethodDef m{std::move(name), std::move(params), canonical_type(return_type)};
    check_method(*this, m);
    check_new_name(*this, "method", methods_, m.name);
    methods_.push_back(std::move(m));
    invalidate_cache();
    return *this;
}

// ---- lookups --------------------------------------------------------------------------------

std::optional<std::size_t> Schema::property_index(std::string_view name) const noexcept {
    return index_of(properties_, name);
}

std::optional<std::size_t> Schema::signal_index(std::string_view name) const noexcept {
    return index_of(signals_, name);
}

std::optional<std::size_t> Schema::method_index(std::string_view name) const noexcept {
    return index_of(methods_, name);
}

const EnumDef* Schema::find_enum(std::string_view name) const noexcept {
    auto i = index_of(enums_, name);
    return i ? &enums_[*i] : nullptr;
}

// ---- validation -----------------------------------------------------------------------------

void Schema::validate() const {
    check_class_name(type_name_);
    // Enums first: member types are checked against them.
    check_unique(*this, "enum", enums_);
    for (const auto& e : enums_) check_enum(*this, e);
    check_unique(*this, "property", properties_);
    for (const auto& p : properties_) check_property(*this, p);
    check_unique(*this, "signal", signals_);
    for (const auto& s : signals_) check_signal(*this, s);
    check_unique(*this, "method", methods_);
    for (const auto& m : methods_) check_method(*this, m);
}

// ---- signature ------------------------------------------------------------------------------

std::string Schema::canonical_text() const {
    std::string out = "class " + type_name_ + "\n";
    for (const auto& e : enums_) {
        out += "enum " + e.name + " ";
        for (std::size_t i = 0; i < e.values.size(); ++i) {
            if (i) out.push_back(',');
            out += e.values[i].first + "=" + std::to_string(e.values[i].second);
        }
        out.push_back('\n');
    }
    for (const auto& p : properties_)
        out += "prop " + p.name + " " + canonical_type(p.type) + " " +
               std::string(to_string(p.mode)) + "\n";
    for (const auto& s : signals_) out += "signal " + s.name + joined_types(s.params) + "\n";
    for (const auto& m : methods_)
        out += "method " + m.name + joined_types(m.params) + " " + canonical_type(m.return_type) +
               "\n";
    return out;
}

const std::string& Schema::signature() const {
    // Not synchronised: a Schema shared between threads must have its signature computed
    // before it is shared (from_value does so).
    if (signature_.empty()) signature_ = fnv1a64_hex(canonical_text());
    return signature_;
}

// ---- values ---------------------------------------------------------------------------------

bool Schema::accepts(std::string_view type, const Value& v) const noexcept {
    try {
        // Fast path for the common scalar types: no parse, no allocation.
        if (auto b = builtin_base(type)) return fits(*this, ParsedType{*b, {}, {}}, v, nullptr);
        // A type naming no enum of this schema accepts nothing, not even an empty list<Nope>.
        auto parsed = resolve(*this, type, nullptr);
        return parsed && fits(*this, *parsed, v, nullptr);
    } catch (...) {
        return false;  // only bad_alloc can get here
    }
}

void Schema::check(std::string_view type, const Value& v, std::string_view what) const {
    std::string why;
    auto parsed = resolve(*this, type, &why);
    // A type the schema does not define is the schema's fault, not the value's.
    if (!parsed) throw Error(ErrorCode::invalid_schema, std::string(what) + ": " + why);
    if (!fits(*this, *parsed, v, &why))
        throw Error(ErrorCode::bad_arguments, std::string(what) + ": " + why);
}

Value Schema::zero_value(std::string_view type) const {
    std::string why;
    auto parsed = resolve(*this, type, &why);
    if (!parsed) throw Error(ErrorCode::invalid_schema, why);
    return zero_of(*this, *parsed);
}

Value Schema::to_value() const {
    Value::List enums, props, sigs, methods;
    for (const auto& e : enums_) {
        Value::List values;
        for (const auto& [k, v] : e.values) values.push_back(Value{k, v});
        enums.push_back(Value{e.name, Value(std::move(values))});
    }
    for (const auto& p : properties_)
        props.push_back(Value{p.name, p.type, static_cast<std::uint64_t>(p.mode), p.default_value,
                              p.coalesce});
    for (const auto& s : signals_) sigs.push_back(Value{s.name, params_value(s.params)});
    for (const auto& m : methods_)
        methods.push_back(Value{m.name, params_value(m.params), m.return_type});
    return Value::map_of({{"type", type_name_},
                          {"enums", std::move(enums)},
                          {"properties", std::move(props)},
                          {"signals", std::move(sigs)},
                          {"methods", std::move(methods)}});
}

Schema Schema::from_value(const Value& v) {
    if (!v.is_map()) malformed("expected a map, got " + detail::describe(v));
    Schema s;
    s.type_name_ = string_at(field(v, "type"), "type");
    s.enums_ = section_at<EnumDef>(v, "enums", enum_at);
    s.properties_ = section_at<PropertyDef>(v, "properties", property_at);
    s.signals_ = section_at<SignalDef>(v, "signals", signal_at);
    s.methods_ = section_at<MethodDef>(v, "methods", method_at);
    s.validate();
    s.signature();  // computed now, so the (const, shared) schema never writes it later
    return s;
}

bool Schema::operator==(const Schema& o) const {
    return type_name_ == o.type_name_ && enums_ == o.enums_ && properties_ == o.properties_ &&
           signals_ == o.signals_ && methods_ == o.methods_;
}

} // namespace zro
