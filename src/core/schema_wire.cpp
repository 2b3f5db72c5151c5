// zro — shared live objects over ZeroMQ.
//
// Schema as a Value (Schema::to_value / from_value; carried by SNAPSHOT to dynamic replicas,
// docs/PROTOCOL.md §10)
// -------------------------------------------------------------------------------------------
// A map with string keys, in this order:
//
//     {"type":       <class name: string>,
//      "enums":      [[<name>, [[<key>, <value: int>], ...]], ...],
//      "pods":       [[<name>, [[<field name>, <field type>], ...]], ...],
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
#include "schema_rules.hpp"

#include <limits>

namespace zro {
namespace {

using schema_rules::max_members;

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
                       string_at(p[1], at + " type")});
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
    return PropertyDef{string_at(t[0], what + " name"), string_at(t[1], what + " type"), t[3],
                       mode_at(t[2], what + " mode"), bool_at(t[4], what + " coalesce"), {}};
}

PodDef pod_at(const Value& v, const std::string& what) {
    const auto& t = tuple_at(v, 2, what);
    return PodDef{string_at(t[0], what + " name"), params_at(t[1], what + " fields")};
}

SignalDef signal_at(const Value& v, const std::string& what) {
    const auto& t = tuple_at(v, 2, what);
    return SignalDef{string_at(t[0], what + " name"), params_at(t[1], what + " params")};
}

MethodDef method_at(const Value& v, const std::string& what) {
    const auto& t = tuple_at(v, 3, what);
    return MethodDef{string_at(t[0], what + " name"), params_at(t[1], what + " params"),
                     string_at(t[2], what + " return type"), {}};
}

ModelDef model_at(const Value& v, const std::string& what) {
    const auto& t = tuple_at(v, 2, what);
    ModelDef m{string_at(t[0], what + " name"), {}};
    const auto& roles = list_at(t[1], what + " roles");
    for (std::size_t i = 0; i < roles.size(); ++i)
        m.roles.push_back(string_at(roles[i], what + " roles[" + std::to_string(i) + "]"));
    return m;
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

} // namespace

Value Schema::to_value() const {
    Value::List enums, pods, props, sigs, methods, models;
    for (const auto& e : enums_) {
        Value::List values;
        for (const auto& [k, v] : e.values) values.push_back(Value{k, v});
        enums.push_back(Value{e.name, Value(std::move(values))});
    }
    for (const auto& p : pods_) pods.push_back(Value{p.name, params_value(p.fields)});
    for (const auto& p : properties_)
        props.push_back(Value{p.name, p.type, static_cast<std::uint64_t>(p.mode), p.default_value,
                              p.coalesce});
    for (const auto& s : signals_) sigs.push_back(Value{s.name, params_value(s.params)});
    for (const auto& m : methods_)
        methods.push_back(Value{m.name, params_value(m.params), m.return_type});
    for (const auto& m : models_) {
        Value::List roles(m.roles.begin(), m.roles.end());
        models.push_back(Value{m.name, Value(std::move(roles))});
    }
    return Value::map_of({{"type", type_name_},
                          {"enums", std::move(enums)},
                          {"pods", std::move(pods)},
                          {"properties", std::move(props)},
                          {"signals", std::move(sigs)},
                          {"methods", std::move(methods)},
                          {"models", std::move(models)}});
}

Schema Schema::from_value(const Value& v) {
    if (!v.is_map()) malformed("expected a map, got " + detail::describe(v));
    Schema s;
    s.type_name_ = string_at(field(v, "type"), "type");
    s.enums_ = section_at<EnumDef>(v, "enums", enum_at);
    s.pods_ = section_at<PodDef>(v, "pods", pod_at);
    s.properties_ = section_at<PropertyDef>(v, "properties", property_at);
    s.signals_ = section_at<SignalDef>(v, "signals", signal_at);
    s.methods_ = section_at<MethodDef>(v, "methods", method_at);
    // "models" came with protocol 3; a schema without models may leave the key out.
    if (v.find("models")) s.models_ = section_at<ModelDef>(v, "models", model_at);
    s.resolve_all();
    s.signature();  // computed now, so the (const, shared) schema never writes it later
    return s;
}

} // namespace zro
