// zro — shared live objects over ZeroMQ.
// A zro::Schema printed as a QtRO .rep class.

#include "rep_text.hpp"

#include "json_value.hpp"


namespace zro::cli {

std::string rep_type(const Type& type, const std::string& enum_scope) {
    switch (type.kind()) {
    case Type::Kind::boolean: return "bool";
    case Type::Kind::int8: return "qint8";
    case Type::Kind::int16: return "qint16";
    case Type::Kind::int32: return "int";
    case Type::Kind::int64: return "qint64";
    case Type::Kind::uint8: return "quint8";
    case Type::Kind::uint16: return "quint16";
    case Type::Kind::uint32: return "quint32";
    case Type::Kind::uint64: return "quint64";
    case Type::Kind::float32: return "float";
    case Type::Kind::float64: return "double";
    case Type::Kind::string: return "QString";
    case Type::Kind::bytes: return "QByteArray";
    case Type::Kind::var: return "QVariant";
    case Type::Kind::none: return "void";
    case Type::Kind::list: return "QList<" + rep_type(type.element(), enum_scope) + ">";
    case Type::Kind::map:
        return "QMap<" + rep_type(type.key(), enum_scope) + ", " + rep_type(type.mapped(), enum_scope) + ">";
    case Type::Kind::enumeration: return enum_scope.empty() ? type.name() : enum_scope + "::" + type.name();
    case Type::Kind::pod:
    case Type::Kind::named: break;
    }
    return type.name();
}

namespace {

std::string params_text(const std::vector<Parameter>& params) {
    std::string out;
    for (const auto& p : params) {
        if (!out.empty()) out += ", ";
        out += rep_type(p.parsed_type);
        if (!p.name.empty()) out += " " + p.name;
    }
    return out;
}

// A default as a .rep literal; empty when it cannot be written as one (then it is left out).
std::string default_text(const Schema& s, const PropertyDef& p) {
    const Value& v = p.default_value;
    if (v.is_nil()) return {};
    if (const EnumDef* e = s.find_enum(p.type)) {
        for (const auto& [n, num] : e->values)
            if (equals_integer(v, num)) return e->name + "::" + n;
        return {};
    }
    switch (v.kind()) {
    case Value::Kind::boolean:
    case Value::Kind::int64:
    case Value::Kind::uint64:
    case Value::Kind::float64:
    case Value::Kind::string: return json_text(v);  // JSON scalars are valid C++ literals here
    default: return {};
    }
}

} // namespace

std::string rep_text(const Schema& s) {
    std::string out;
    // PODs are declared before the class; the enums they use are the class's (written in it),
    // so their fields name them through the class.
    for (const auto& pod : s.pods()) {
        out += "POD " + pod.name + "(";
        for (std::size_t i = 0; i < pod.fields.size(); ++i)
            out += (i ? ", " : "") + rep_type(pod.fields[i].parsed_type, s.type_name()) + " " + pod.fields[i].name;
        out += ")\n";
    }
    out += "class " + s.type_name() + "\n{\n";
    for (const auto& e : s.enums()) {
        out += "    ENUM " + e.name + " {";
        bool first = true;
        for (const auto& [n, num] : e.values) {
            out += first ? " " : ", ";
            first = false;
            out += n + "=" + std::to_string(num);
        }
        out += " };\n";
    }
    for (const auto& p : s.properties()) {
        out += "    PROP(" + rep_type(p.parsed_type) + " " + p.name;
        if (auto d = default_text(s, p); !d.empty()) out += "=" + d;
        if (p.mode != PropertyMode::read_push) out += " " + std::string(to_string(p.mode));
        out += ");\n";
    }
    for (const auto& m : s.models()) {
        out += "    MODEL " + m.name + "(";
        for (std::size_t i = 0; i < m.roles.size(); ++i) out += (i ? ", " : "") + m.roles[i];
        out += ");\n";
    }
    for (const auto& sig : s.signals()) out += "    SIGNAL(" + sig.name + "(" + params_text(sig.params) + "));\n";
    for (const auto& m : s.methods()) {
        out += "    SLOT(";
        out += rep_type(m.parsed_return_type) + " ";
        out += m.name + "(" + params_text(m.params) + "));\n";
    }
    out += "};\n";
    return out;
}

} // namespace zro::cli
