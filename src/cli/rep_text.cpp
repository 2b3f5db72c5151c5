// zro — shared live objects over ZeroMQ.
// A zro::Schema printed as a QtRO .rep class.

#include "rep_text.hpp"

#include "json_value.hpp"

#include <map>

namespace zro::cli {

std::string rep_type(const std::string& type) {
    static const std::map<std::string, std::string> scalars = {
        {"bool", "bool"},       {"int8", "qint8"},     {"int16", "qint16"},   {"int32", "int"},
        {"int64", "qint64"},    {"uint8", "quint8"},   {"uint16", "quint16"}, {"uint32", "quint32"},
        {"uint64", "quint64"},  {"float", "float"},    {"double", "double"},  {"string", "QString"},
        {"bytes", "QByteArray"}, {"var", "QVariant"},
    };
    if (auto it = scalars.find(type); it != scalars.end()) return it->second;
    std::string base;
    std::vector<std::string> args;
    if (split_type(type, base, args)) {
        if (base == "list" && args.size() == 1) return "QList<" + rep_type(args[0]) + ">";
        if (base == "map" && args.size() == 2) return "QMap<" + rep_type(args[0]) + ", " + rep_type(args[1]) + ">";
    }
    return type;  // an enum name
}

namespace {

std::string params_text(const std::vector<Parameter>& params) {
    std::string out;
    for (const auto& p : params) {
        if (!out.empty()) out += ", ";
        out += rep_type(p.type);
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
    std::string out = "class " + s.type_name() + "\n{\n";
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
        out += "    PROP(" + rep_type(p.type) + " " + p.name;
        if (auto d = default_text(s, p); !d.empty()) out += "=" + d;
        if (p.mode != PropertyMode::read_push) out += " " + std::string(to_string(p.mode));
        out += ");\n";
    }
    for (const auto& sig : s.signals()) out += "    SIGNAL(" + sig.name + "(" + params_text(sig.params) + "));\n";
    for (const auto& m : s.methods()) {
        out += "    SLOT(";
        out += (m.return_type == "void" ? std::string("void") : rep_type(m.return_type)) + " ";
        out += m.name + "(" + params_text(m.params) + "));\n";
    }
    out += "};\n";
    return out;
}

} // namespace zro::cli
