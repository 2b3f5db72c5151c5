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

bool is_integer_type(std::string_view t) {
    return t == "int8" || t == "int16" || t == "int32" || t == "int64" || t == "uint8" || t == "uint16" ||
           t == "uint32" || t == "uint64";
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
Value map_key(const std::string& name, const std::string& key_type, const Schema& schema) {
    if (key_type == "string" || key_type == "var") return Value(name);
    return arg_value(name, key_type, schema);
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

Value to_value(const Json& json, std::string_view type, const Schema& schema) {
    if (type == "float" || type == "double") {
        if (json.is_number()) return Value(json.get<double>());
        return to_value(json);
    }
    if (is_integer_type(type)) {
        if (json.is_number_float()) {  // 3.0 -> 3
            const double d = json.get<double>();
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18) return Value(static_cast<std::int64_t>(d));
        }
        return to_value(json);
    }
    if (type == "bytes") {
        const Json* hex = &json;
        if (json.is_object() && json.size() == 1 && json.contains("$bytes")) hex = &json.at("$bytes");
        if (hex->is_string())
            if (auto b = from_hex(hex->get_ref<const std::string&>())) return Value(std::move(*b));
        return to_value(json);
    }
    if (const EnumDef* e = schema.find_enum(type)) {
        if (json.is_string()) {
            std::string name = json.get<std::string>();
            if (auto sep = name.rfind("::"); sep != std::string::npos) name = name.substr(sep + 2);
            if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
            for (const auto& [n, num] : e->values)
                if (n == name) return Value(num);
        }
        return to_value(json);
    }
    std::string base;
    std::vector<std::string> args;
    if (!split_type(type, base, args)) return to_value(json);  // var, string, bool, a POD name
    if (base == "list" && args.size() == 1 && json.is_array()) {
        Value::List out;
        for (const auto& e : json) out.push_back(to_value(e, args[0], schema));
        return Value(std::move(out));
    }
    if (base == "map" && args.size() == 2) {
        if (json.is_object()) {
            Value::Map out;
            for (const auto& [name, e] : json.items())
                out.emplace_back(map_key(name, args[0], schema), to_value(e, args[1], schema));
            return Value(std::move(out));
        }
        if (json.is_array()) {  // [[k, v], ...] is accepted too
            Value::Map out;
            for (const auto& pair : json) {
                if (!pair.is_array() || pair.size() != 2) return to_value(json);
                out.emplace_back(to_value(pair[0], args[0], schema), to_value(pair[1], args[1], schema));
            }
            return Value(std::move(out));
        }
    }
    return to_value(json);
}

Value arg_value(std::string_view text, std::string_view type, const Schema& schema) {
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

std::string value_text(const Value& value, std::string_view type, const Schema& schema) {
    if (const EnumDef* e = schema.find_enum(type); e && value.is_integer())
        for (const auto& [n, num] : e->values)
            if (equals_integer(value, num)) return n + " (" + json_text(value) + ")";
    return json_text(value);
}

bool equals_integer(const Value& v, std::int64_t n) noexcept {
    if (const auto* i = std::get_if<std::int64_t>(&v.storage())) return *i == n;
    if (const auto* u = std::get_if<std::uint64_t>(&v.storage())) return n >= 0 && *u == static_cast<std::uint64_t>(n);
    return false;
}

bool split_type(std::string_view type, std::string& base, std::vector<std::string>& args) {
    const auto lt = type.find('<');
    if (lt == std::string_view::npos || type.back() != '>') return false;
    base = std::string(type.substr(0, lt));
    args.clear();
    const std::string_view inner = type.substr(lt + 1, type.size() - lt - 2);
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '<') ++depth;
        else if (inner[i] == '>') --depth;
        else if (inner[i] == ',' && depth == 0) {
            args.emplace_back(inner.substr(start, i - start));
            start = i + 1;
        }
    }
    args.emplace_back(inner.substr(start));
    return true;
}

} // namespace zro::cli
