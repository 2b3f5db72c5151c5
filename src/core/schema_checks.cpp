// zro — shared live objects over ZeroMQ.
// Schema validation: names, member types, defaults. The add_* calls check one member at a time;
// validate() (and from_value, through it) checks a whole schema.
#include "schema_rules.hpp"

#include <unordered_set>

namespace zro::schema_rules {
namespace {

constexpr std::string_view name_rule = " (want [A-Za-z_][A-Za-z0-9_]*, at most 255 bytes)";

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

// A name a type spelling could not refer to: a keyword of the grammar.
bool is_reserved_type_name(std::string_view name) {
    if (name == "list" || name == "map") return true;
    try {
        return Type::parse(name).kind() != Type::Kind::named;
    } catch (const Error&) {
        return false;  // not a type spelling at all; check_name reports it
    }
}

void check_name(const Schema& s, const std::string& where, std::string_view name) {
    if (!is_identifier(name)) invalid(s, where, "invalid name " + quoted(name) + std::string(name_rule));
}

void check_count(const Schema& s, const std::string& what, std::size_t n) {
    if (n > max_members) invalid(s, what, std::to_string(n) + " entries (at most 65535)");
}

// `text` parsed against `s`; void only where `allow_void`.
Type member_type(const Schema& s, const std::string& where, std::string_view text, bool allow_void) {
    Type t;
    try {
        t = s.parse_type(text);
    } catch (const Error& e) {
        invalid(s, where, e.what());
    }
    if (t.kind() == Type::Kind::none && !allow_void)
        invalid(s, where, "'void' is only allowed as a method return type");
    return t;
}

// The first POD `t` refers to at position `index` or later, or nullptr.
const PodDef* later_pod(const Schema& s, const Type& t, std::size_t index) {
    switch (t.kind()) {
    case Type::Kind::pod: return t.definition() >= index ? &s.pods()[t.definition()] : nullptr;
    case Type::Kind::list: return later_pod(s, t.element(), index);
    case Type::Kind::map:
        if (const PodDef* p = later_pod(s, t.key(), index)) return p;
        return later_pod(s, t.mapped(), index);
    default: return nullptr;
    }
}

std::vector<Type> check_params(const Schema& s, const std::string& where,
                               const std::vector<Parameter>& ps, std::string_view item) {
    check_count(s, where, ps.size());
    std::vector<Type> types;
    types.reserve(ps.size());
    std::unordered_set<std::string_view> names;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const std::string at = where + ": " + std::string(item) + " " + std::to_string(i + 1);
        if (!ps[i].name.empty()) {  // unnamed parameters are fine, as in .rep files
            check_name(s, at, ps[i].name);
            if (!names.insert(ps[i].name).second)
                invalid(s, at, "duplicate " + std::string(item) + " name " + quoted(ps[i].name));
        }
        types.push_back(member_type(s, at, ps[i].type, false));
    }
    return types;
}

template <class Def>
void check_unique(const Schema& s, std::string_view kind, const std::vector<Def>& items) {
    check_count(s, std::string(kind) + "s", items.size());
    std::unordered_set<std::string_view> seen;
    for (const auto& d : items)
        if (!seen.insert(d.name).second)
            invalid(s, std::string(kind) + " " + quoted(d.name), "duplicate name");
}

} // namespace

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

void invalid(const Schema& s, const std::string& where, const std::string& what) {
    throw Error(ErrorCode::invalid_schema, s.type_name() + ": " + where + ": " + what);
}

void check_class_name(std::string_view name) {
    if (!is_identifier(name))
        throw Error(ErrorCode::invalid_schema,
                    "invalid class name " + quoted(name) + std::string(name_rule));
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

std::vector<Type> check_pod(const Schema& s, const PodDef& p, std::size_t index) {
    const std::string where = "POD " + quoted(p.name);
    check_name(s, where, p.name);
    if (is_reserved_type_name(p.name)) invalid(s, where, "name is a builtin type");
    for (std::size_t i = 0; i < p.fields.size(); ++i)
        if (p.fields[i].name.empty())
            invalid(s, where + ": field " + std::to_string(i + 1), "a POD field needs a name");
    std::vector<Type> types = check_params(s, where, p.fields, "field");
    for (std::size_t i = 0; i < types.size(); ++i)
        if (const PodDef* later = later_pod(s, types[i], index))
            invalid(s, where + ": field " + std::to_string(i + 1),
                    later->name == p.name ? "a POD cannot contain itself"
                                          : "POD " + quoted(later->name) + " is declared after it");
    return types;
}

Type check_property(const Schema& s, const PropertyDef& p) {
    const std::string where = "property " + quoted(p.name);
    check_name(s, where, p.name);
    Type t = member_type(s, where, p.type, false);
    if (static_cast<unsigned>(p.mode) > static_cast<unsigned>(PropertyMode::source_only_setter))
        invalid(s, where, "invalid mode " + std::to_string(static_cast<unsigned>(p.mode)));
    std::string why;
    if (!p.default_value.is_nil() && !fits(s, t, p.default_value, &why))
        invalid(s, where, "bad default: " + why);
    return t;
}

std::vector<Type> check_signal(const Schema& s, const SignalDef& sig) {
    const std::string where = "signal " + quoted(sig.name);
    check_name(s, where, sig.name);
    return check_params(s, where, sig.params, "parameter");
}

std::vector<Type> check_method(const Schema& s, const MethodDef& m) {
    const std::string where = "method " + quoted(m.name);
    check_name(s, where, m.name);
    std::vector<Type> types = check_params(s, where, m.params, "parameter");
    types.push_back(member_type(s, where + ": return type", m.return_type, true));
    return types;
}

void check_model(const Schema& s, const ModelDef& m) {
    const std::string where = "model " + quoted(m.name);
    check_name(s, where, m.name);
    if (m.roles.empty()) invalid(s, where, "needs at least one role");
    check_count(s, where + " roles", m.roles.size());
    std::unordered_set<std::string_view> seen;
    for (const auto& r : m.roles) {
        check_name(s, where + ": role " + quoted(r), r);
        if (!seen.insert(r).second) invalid(s, where, "duplicate role " + quoted(r));
    }
}

void check_new_type_name(const Schema& s, std::string_view kind, std::string_view name) {
    if (s.find_enum(name) || s.find_pod(name))
        invalid(s, std::string(kind) + " " + quoted(name), "duplicate name");
}

void check_unique_names(const Schema& s) {
    check_count(s, "enums", s.enums().size());
    check_count(s, "PODs", s.pods().size());
    std::unordered_set<std::string_view> types;
    for (const auto& e : s.enums())
        if (!types.insert(e.name).second) invalid(s, "enum " + quoted(e.name), "duplicate name");
    for (const auto& p : s.pods())
        if (!types.insert(p.name).second) invalid(s, "POD " + quoted(p.name), "duplicate name");
    check_unique(s, "property", s.properties());
    check_unique(s, "signal", s.signals());
    check_unique(s, "method", s.methods());
    check_unique(s, "model", s.models());
    for (const auto& m : s.models())
        if (s.property_index(m.name)) invalid(s, "model " + quoted(m.name), "a property has that name");
}

} // namespace zro::schema_rules

namespace zro {

void Schema::validate() const {
    using namespace schema_rules;
    check_class_name(type_name_);
    check_unique_names(*this);
    for (const auto& e : enums_) check_enum(*this, e);
    for (std::size_t i = 0; i < pods_.size(); ++i) check_pod(*this, pods_[i], i);
    for (const auto& p : properties_) check_property(*this, p);
    for (const auto& s : signals_) check_signal(*this, s);
    for (const auto& m : methods_) check_method(*this, m);
    for (const auto& m : models_) check_model(*this, m);
}

} // namespace zro
