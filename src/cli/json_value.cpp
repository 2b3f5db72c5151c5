// zro — shared live objects over ZeroMQ.
// JSON and zro::Value for the command line: nlohmann-json for the text, schema types here.

#include "json_value.hpp"

#include "cli.hpp"

#include <cmath>
#include <limits>
#include <optional>

namespace zro::cli {

namespace {

// Deeper documents are refused: the conversions below recurse once per level.
constexpr int max_depth = 200;

// What nlohmann's message says after "[json.exception.parse_error.101] parse error at line 1,
// column 2: ", i.e. the reason alone (the offset is reported separately).
std::string reason_of(const nlohmann::json::exception& e) {
    const std::string what = e.what();
    const auto column = what.find(", column ");
    const auto colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
    if (colon != std::string::npos) return what.substr(colon + 2);
    const auto bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

std::optional<Value::Bytes> from_hex(std::string_view s) {
    if (s.size() % 2) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    Value::Bytes b;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        const int hi = nibble(s[i]), lo = nibble(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        b.data.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return b;
}

std::string to_hex(const Value::Bytes& b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (auto byte : b.data) {
        out += digits[byte >> 4];
        out += digits[byte & 15];
    }
    return out;
}

// A map<K,V> key from an object member name: the name itself for string (and var) keys, else
// the name read as a command-line value of K ("1" -> 1, "Eco" -> an enumerator).
Value map_key(const std::string& name, const Type& key_type, const Schema& schema) {
    if (key_type.kind() == Type::Kind::string || key_type.kind() == Type::Kind::var) return Value(name);
    return arg_value(name, key_type, schema);
}

std::string field_names(const PodDef& pod) {
    std::string out;
    for (const auto& f : pod.fields) out += (out.empty() ? "" : ", ") + f.name;
    return out;
}

// A POD from JSON: an object keyed by field name, or a list of the fields in order.
Value pod_value(const Json& json, const PodDef& pod, const Schema& schema) {
    if (json.is_array() && json.size() == pod.fields.size()) {
        Value::List out;
        for (std::size_t i = 0; i < pod.fields.size(); ++i) out.push_back(to_value(json[i], pod.fields[i].parsed_type, schema));
        return Value(std::move(out));
    }
    if (!json.is_object()) return to_value(json);
    for (const auto& [name, e] : json.items()) {
        bool known = false;
        for (const auto& f : pod.fields) known = known || f.name == name;
        if (!known)
            throw CliError(Exit::bad_value, "POD " + pod.name + " has no field '" + name + "' (fields: " + field_names(pod) + ")");
    }
    Value::List out;
    for (const auto& f : pod.fields) {
        const auto it = json.find(f.name);
        if (it == json.end())
            throw CliError(Exit::bad_value, "POD " + pod.name + ": field '" + f.name + "' (" + f.type + ") is missing (fields: " +
                                                field_names(pod) + ")");
        out.push_back(to_value(*it, f.parsed_type, schema));
    }
    return Value(std::move(out));
}

} // namespace

Json parse_json(std::string_view text) {
    // nlohmann parses iteratively; the depth limit protects the recursive conversions.
    const Json::parser_callback_t limit_depth = [](int depth, Json::parse_event_t event, Json&) {
        if (depth >= max_depth && (event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start))
            throw CliError(Exit::usage, "bad JSON: nested deeper than " + std::to_string(max_depth) + " levels");
        return true;
    };
    const std::string shown(text.substr(0, 200));
    try {
        return Json::parse(text.begin(), text.end(), limit_depth);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte counts the bytes read, the offending one included.
        const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        throw CliError(Exit::usage, "bad JSON: " + reason_of(e) + " at offset " + std::to_string(offset) + " in '" + shown + "'");
    } catch (const nlohmann::json::exception& e) {  // a number out of double's range
        throw CliError(Exit::usage, "bad JSON: " + reason_of(e) + " in '" + shown + "'");
    }
}

Value to_value(const Json& json) {
    switch (json.type()) {
    case Json::value_t::boolean: return Value(json.get<bool>());
    case Json::value_t::number_integer: return Value(json.get<std::int64_t>());
    case Json::value_t::number_unsigned: {
        const auto u = json.get<std::uint64_t>();
        if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return Value(static_cast<std::int64_t>(u));
        return Value(u);
    }
    case Json::value_t::number_float: return Value(json.get<double>());
    case Json::value_t::string: return Value(json.get<std::string>());
    case Json::value_t::binary: return Value(Value::Bytes{json.get_binary()});
    case Json::value_t::array: {
        Value::List list;
        for (const auto& e : json) list.push_back(to_value(e));
        return Value(std::move(list));
    }
    case Json::value_t::object: {
        Value::Map map;
        for (const auto& [name, e] : json.items()) map.emplace_back(Value(name), to_value(e));
        return Value(std::move(map));
    }
    case Json::value_t::null:
    case Json::value_t::discarded: break;
    }
    return Value();
}

Value to_value(const Json& json, const Type& type, const Schema& schema) {
    using K = Type::Kind;
    switch (type.kind()) {
    case K::float32:
    case K::float64:
        if (json.is_number()) return Value(json.get<double>());
        break;
    case K::int8: case K::int16: case K::int32: case K::int64:
    case K::uint8: case K::uint16: case K::uint32: case K::uint64:
        if (json.is_number_float()) {  // 3.0 -> 3
            const double d = json.get<double>();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18) return Value(static_cast<std::int64_t>(d));
        }
        break;
    case K::bytes: {
        const Json* hex = &json;
        if (json.is_object() && json.size() == 1 && json.contains("$bytes")) hex = &json.at("$bytes");
        if (hex->is_string())
            if (auto b = from_hex(hex->get_ref<const std::string&>())) return Value(std::move(*b));
        break;
    }
    case K::enumeration:
        if (json.is_string() && type.definition() < schema.enums().size()) {
            std::string name = json.get<std::string>();
            if (auto sep = name.rfind("::"); sep != std::string::npos) name = name.substr(sep + 2);
            if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
            for (const auto& [n, num] : schema.enums()[type.definition()].values)
                if (n == name) return Value(num);
        }
        break;
    case K::pod:
        if (type.definition() < schema.pods().size()) return pod_value(json, schema.pods()[type.definition()], schema);
        break;
    case K::list:
        if (json.is_array()) {
            Value::List out;
            for (const auto& e : json) out.push_back(to_value(e, type.element(), schema));
            return Value(std::move(out));
        }
        break;
    case K::map:
        if (json.is_object()) {
            Value::Map out;
            for (const auto& [name, e] : json.items())
                out.emplace_back(map_key(name, type.key(), schema), to_value(e, type.mapped(), schema));
            return Value(std::move(out));
        }
        if (json.is_array()) {  // [[k, v], ...] is accepted too
            Value::Map out;
            for (const auto& pair : json) {
                if (!pair.is_array() || pair.size() != 2) return to_value(json);
                out.emplace_back(to_value(pair[0], type.key(), schema), to_value(pair[1], type.mapped(), schema));
            }
            return Value(std::move(out));
        }
        break;
    case K::boolean: case K::string: case K::var: case K::named: case K::none: break;
    }
    return to_value(json);
}

Value arg_value(std::string_view text, const Type& type, const Schema& schema) {
    Json json;
    try {
        json = parse_json(text);
    } catch (const CliError&) {
        json = std::string(text);
    }
    return to_value(json, type, schema);
}

Json to_json(const Value& value) {
    switch (value.kind()) {
    case Value::Kind::nil: return nullptr;
    case Value::Kind::boolean: return value.as<bool>();
    case Value::Kind::int64: return std::get<std::int64_t>(value.storage());
    case Value::Kind::uint64: return std::get<std::uint64_t>(value.storage());
    case Value::Kind::float64: {
        const double d = std::get<double>(value.storage());
        if (!std::isfinite(d)) return nullptr;
        return d;
    }
    case Value::Kind::string: return value.as_string();
    case Value::Kind::bytes: {
        Json out = Json::object();
        out["$bytes"] = to_hex(value.as_bytes());
        return out;
    }
    case Value::Kind::list: {
        Json out = Json::array();
        for (const auto& e : value.as_list()) out.push_back(to_json(e));
        return out;
    }
    case Value::Kind::map: {
        Json out = Json::object();
        for (const auto& [k, e] : value.as_map()) out[k.is_string() ? k.as_string() : json_text(k)] = to_json(e);
        return out;
    }
    }
    return nullptr;
}

std::string json_text(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string json_text(const Value& value) { return json_text(to_json(value)); }

Value with_field_names(const Value& value, const Type& type, const Schema& schema) {
    switch (type.kind()) {
    case Type::Kind::pod: {
        if (type.definition() >= schema.pods().size() || !value.is_list()) return value;
        const PodDef& pod = schema.pods()[type.definition()];
        const auto& fields = value.as_list();
        if (fields.size() != pod.fields.size()) return value;
        Value::Map out;
        for (std::size_t i = 0; i < fields.size(); ++i)
            out.emplace_back(Value(pod.fields[i].name), with_field_names(fields[i], pod.fields[i].parsed_type, schema));
        return Value(std::move(out));
    }
    case Type::Kind::list: {
        if (!value.is_list()) return value;
        Value::List out;
        for (const auto& e : value.as_list()) out.push_back(with_field_names(e, type.element(), schema));
        return Value(std::move(out));
    }
    case Type::Kind::map: {
        if (!value.is_map()) return value;
        Value::Map out;
        for (const auto& [k, e] : value.as_map()) out.emplace_back(k, with_field_names(e, type.mapped(), schema));
        return Value(std::move(out));
    }
    default: return value;
    }
}

Value with_field_names(const std::vector<Value>& args, const std::vector<Parameter>& params, const Schema& schema) {
    Value::List out;
    for (std::size_t i = 0; i < args.size(); ++i)
        out.push_back(i < params.size() ? with_field_names(args[i], params[i].parsed_type, schema) : args[i]);
    return Value(std::move(out));
}

std::string value_text(const Value& value, const Type& type, const Schema& schema) {
    if (type.kind() == Type::Kind::enumeration && value.is_integer() && type.definition() < schema.enums().size())
        for (const auto& [n, num] : schema.enums()[type.definition()].values)
            if (equals_integer(value, num)) return n + " (" + json_text(value) + ")";
    return json_text(with_field_names(value, type, schema));
}

bool equals_integer(const Value& v, std::int64_t n) noexcept {
    if (const auto* i = std::get_if<std::int64_t>(&v.storage())) return *i == n;
    if (const auto* u = std::get_if<std::uint64_t>(&v.storage())) return n >= 0 && *u == static_cast<std::uint64_t>(n);
    return false;
}

} // namespace zro::cli
