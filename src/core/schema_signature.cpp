// zro — shared live objects over ZeroMQ.
//
// The signature (docs/PROTOCOL.md §10): FNV-1a 64 (offset basis 14695981039346656037, prime
// 1099511628211) over the bytes of the canonical text, written as 16 lowercase hex digits. The
// canonical text is one item per line, each line ending in '\n' (also the last), no other
// whitespace than the single spaces shown. Sections come in this order, and items within a
// section in declaration order:
//
//     class <TypeName>
//     enum <Name> <k1>=<v1>,<k2>=<v2>          one line per enum
//     pod <Name>(<type1>,<type2>)               one line per POD (its fields' types)
//     prop <name> <type> <MODE>                 one line per property
//     signal <name>(<type1>,<type2>)            one line per signal
//     method <name>(<type1>,<type2>) <return>   one line per method
//
// - Enumerator values are signed decimal integers ("-1", "0", "7"); an enum without
//   enumerators is written "enum <Name> " (the space stays, the list is empty).
// - <MODE> is one of READPUSH, READWRITE, READONLY, CONSTANT, SOURCEONLYSETTER.
// - Types are in canonical spelling (Type::spelling): no spaces, "int" written "int32", "uint"
//   written "uint32", e.g. "map<string,list<int32>>"; enums and PODs by their name.
// - A member without parameters is written "name()"; <return> is "void" when there is none.
// - Parameter and field names, property defaults and the coalesce flag are NOT part of the
//   text: they do not change the shape two peers must agree on (values are positional).
// - A schema without PODs has no "pod" lines, so its text is the one of protocol version 1.
//
// Example (the SimpleSwitch demo):
//
//     class SimpleSwitch
//     prop currState bool READPUSH
//     method server_slot(bool) void
//
// whose signature is 0e72a8443efa7f05 (pinned by tests/unit/schema_test.cpp).
#include <zro/external_type.hpp>  // detail::fnv1a64_digits, shared with generated code
#include <zro/schema.hpp>

namespace zro {
namespace {

// Member types are stored in canonical spelling (the add_* calls and from_value normalise them).
std::string joined_types(const std::vector<Parameter>& params) {
    std::string out = "(";
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i) out.push_back(',');
        out += params[i].type;
    }
    out.push_back(')');
    return out;
}

std::string fnv1a64_hex(std::string_view text) {
    const auto digits = detail::fnv1a64_digits({text});
    return std::string(digits.data(), digits.size());
}

} // namespace

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
    for (const auto& p : pods_) out += "pod " + p.name + joined_types(p.fields) + "\n";
    for (const auto& p : properties_)
        out += "prop " + p.name + " " + p.type + " " + std::string(to_string(p.mode)) + "\n";
    for (const auto& s : signals_) out += "signal " + s.name + joined_types(s.params) + "\n";
    for (const auto& m : methods_)
        out += "method " + m.name + joined_types(m.params) + " " + m.return_type + "\n";
    for (const auto& m : models_) {
        out += "model " + m.name + "(";
        for (std::size_t i = 0; i < m.roles.size(); ++i) out += (i ? "," : "") + m.roles[i];
        out += ")\n";
    }
    return out;
}

const std::string& Schema::signature() const {
    // Not synchronised: a Schema shared between threads must have its signature computed
    // before it is shared (from_value does so).
    if (signature_.empty()) signature_ = fnv1a64_hex(canonical_text());
    return signature_;
}

} // namespace zro
