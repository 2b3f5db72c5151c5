// zro — shared live objects over ZeroMQ.
// JSON <-> zro::Value for the command line.

#include "json.hpp"

#include "cli.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>

namespace zro::cli {

namespace {

constexpr int max_depth = 200;

class Parser {
public:
    explicit Parser(std::string_view text) : s_(text) {}

    Value document() {
        Value v = value(0);
        skip_ws();
        if (pos_ != s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "' after the value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw CliError(Exit::usage, "bad JSON: " + why + " at offset " + std::to_string(pos_) + " in '" +
                                        std::string(s_.substr(0, 200)) + "'");
    }
    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
    }
    bool eat(char c) {
        skip_ws();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c) {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }
    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) == word) {
            pos_ += word.size();
            return true;
        }
        return false;
    }

    Value value(int depth) {
        if (depth > max_depth) fail("nested too deeply");
        skip_ws();
        if (pos_ >= s_.size()) fail("unexpected end");
        const char c = s_[pos_];
        if (c == '{') {
            ++pos_;
            Value::Map m;
            if (eat('}')) return Value(std::move(m));
            do {
                skip_ws();
                if (pos_ >= s_.size() || s_[pos_] != '"') fail("expected a string key");
                std::string key = string();
                expect(':');
                Value v = value(depth + 1);
                m.emplace_back(Value(std::move(key)), std::move(v));
            } while (eat(','));
            expect('}');
            return Value(std::move(m));
        }
        if (c == '[') {
            ++pos_;
            Value::List l;
            if (eat(']')) return Value(std::move(l));
            do l.push_back(value(depth + 1));
            while (eat(','));
            expect(']');
            return Value(std::move(l));
        }
        if (c == '"') return Value(string());
        if (literal("true")) return Value(true);
        if (literal("false")) return Value(false);
        if (literal("null")) return Value();
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        fail(std::string("unexpected '") + c + "'");
    }

    Value number() {
        const std::size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        auto digits = [&] {
            const std::size_t d = pos_;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
            return pos_ - d;
        };
        if (digits() == 0) fail("bad number");
        bool is_float = false;
        if (pos_ < s_.size() && s_[pos_] == '.') {
            ++pos_;
            is_float = true;
            if (digits() == 0) fail("bad number");
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            ++pos_;
            is_float = true;
            if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
            if (digits() == 0) fail("bad number");
        }
        const std::string text(s_.substr(start, pos_ - start));
        if (!is_float) {
            if (text[0] == '-') {
                std::int64_t i = 0;
                auto r = std::from_chars(text.data(), text.data() + text.size(), i);
                if (r.ec == std::errc()) return Value(i);
            } else {
                std::uint64_t u = 0;
                auto r = std::from_chars(text.data(), text.data() + text.size(), u);
                if (r.ec == std::errc()) {
                    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                        return Value(static_cast<std::int64_t>(u));
                    return Value(u);
                }
            }
        }
        return Value(std::strtod(text.c_str(), nullptr));
    }

    static void put_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) out += static_cast<char>(cp);
        else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    std::uint32_t hex4() {
        if (pos_ + 4 > s_.size()) fail("bad \\u escape");
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            const char h = s_[pos_++];
            v <<= 4;
            if (h >= '0' && h <= '9') v |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') v |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') v |= static_cast<std::uint32_t>(h - 'A' + 10);
            else fail("bad \\u escape");
        }
        return v;
    }
    std::string string() {
        ++pos_;  // opening quote
        std::string out;
        while (true) {
            if (pos_ >= s_.size()) fail("unterminated string");
            const char c = s_[pos_++];
            if (c == '"') return out;
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= s_.size()) fail("unterminated string");
            const char e = s_[pos_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t cp = hex4();
                if (cp >= 0xD800 && cp < 0xDC00 && s_.substr(pos_, 2) == "\\u") {
                    pos_ += 2;
                    const std::uint32_t lo = hex4();
                    if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    else fail("bad surrogate pair");
                }
                put_utf8(out, cp);
                break;
            }
            default: fail(std::string("bad escape '\\") + e + "'");
            }
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

void write_json(std::string& out, const Value& v) {
    switch (v.kind()) {
    case Value::Kind::nil: out += "null"; return;
    case Value::Kind::boolean: out += v.as<bool>() ? "true" : "false"; return;
    case Value::Kind::int64: out += std::to_string(std::get<std::int64_t>(v.storage())); return;
    case Value::Kind::uint64: out += std::to_string(std::get<std::uint64_t>(v.storage())); return;
    case Value::Kind::float64: {
        const double d = std::get<double>(v.storage());
        if (!std::isfinite(d)) {
            out += "null";  // JSON has no NaN or infinity
            return;
        }
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        std::string s(buf, r.ptr);
        if (s.find_first_of(".eE") == std::string::npos) s += ".0";  // stays a double when read back
        out += s;
        return;
    }
    case Value::Kind::string: out += json_string(v.as_string()); return;
    case Value::Kind::bytes: {
        static const char* hex = "0123456789abcdef";
        out += "{\"$bytes\":\"";
        for (auto b : v.as_bytes().data) {
            out += hex[b >> 4];
            out += hex[b & 15];
        }
        out += "\"}";
        return;
    }
    case Value::Kind::list: {
        out += '[';
        bool first = true;
        for (const auto& e : v.as_list()) {
            if (!first) out += ',';
            first = false;
            write_json(out, e);
        }
        out += ']';
        return;
    }
    case Value::Kind::map: {
        out += '{';
        bool first = true;
        for (const auto& [k, e] : v.as_map()) {
            if (!first) out += ',';
            first = false;
            out += json_string(k.is_string() ? k.as_string() : to_json(k));
            out += ':';
            write_json(out, e);
        }
        out += '}';
        return;
    }
    }
}

bool is_integer_type(std::string_view t) {
    return t == "int8" || t == "int16" || t == "int32" || t == "int64" || t == "uint8" || t == "uint16" ||
           t == "uint32" || t == "uint64";
}

std::optional<Value::Bytes> from_hex(std::string_view s) {
    if (s.size() % 2) return std::nullopt;
    Value::Bytes b;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        auto nib = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        const int hi = nib(s[i]), lo = nib(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        b.data.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return b;
}

} // namespace

bool equals_integer(const Value& v, std::int64_t n) noexcept {
    if (const auto* i = std::get_if<std::int64_t>(&v.storage())) return *i == n;
    if (const auto* u = std::get_if<std::uint64_t>(&v.storage())) return n >= 0 && *u == static_cast<std::uint64_t>(n);
    return false;
}

Value parse_json(std::string_view text) { return Parser(text).document(); }

std::string to_json(const Value& v) {
    std::string out;
    write_json(out, v);
    return out;
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                out += buf;
            } else out += c;
        }
    }
    out += '"';
    return out;
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

Value coerce(const Value& v, std::string_view type, const Schema& schema) {
    if (type == "float" || type == "double") {
        if (v.is_integer()) return Value(v.as<double>());
        return v;
    }
    if (is_integer_type(type)) {
        if (v.kind() == Value::Kind::float64) {  // 3.0 -> 3
            const double d = std::get<double>(v.storage());
            if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18) return Value(static_cast<std::int64_t>(d));
        }
        return v;
    }
    if (type == "bytes") {
        if (v.is_string())
            if (auto b = from_hex(v.as_string())) return Value(std::move(*b));
        if (v.is_map() && v.size() == 1)
            if (const Value* h = v.find("$bytes"); h && h->is_string())
                if (auto b = from_hex(h->as_string())) return Value(std::move(*b));
        return v;
    }
    if (const EnumDef* e = schema.find_enum(type)) {
        if (v.is_string()) {
            std::string name = v.as_string();
            if (auto sep = name.rfind("::"); sep != std::string::npos) name = name.substr(sep + 2);
            if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
            for (const auto& [n, num] : e->values)
                if (n == name) return Value(num);
        }
        return v;
    }
    std::string base;
    std::vector<std::string> args;
    if (!split_type(type, base, args)) return v;
    if (base == "list" && args.size() == 1 && v.is_list()) {
        Value::List out;
        for (const auto& e : v.as_list()) out.push_back(coerce(e, args[0], schema));
        return Value(std::move(out));
    }
    if (base == "map" && args.size() == 2) {
        if (v.is_map()) {
            Value::Map out;
            for (const auto& [k, e] : v.as_map()) {
                Value key = k;
                if (k.is_string() && args[0] != "string" && args[0] != "var") {
                    try {
                        key = parse_json(k.as_string());
                    } catch (const CliError&) {
                        key = k;  // an enumerator name, say
                    }
                }
                out.emplace_back(coerce(key, args[0], schema), coerce(e, args[1], schema));
            }
            return Value(std::move(out));
        }
        if (v.is_list()) {  // [[k, v], ...] is accepted too
            Value::Map out;
            for (const auto& pair : v.as_list()) {
                if (!pair.is_list() || pair.size() != 2) return v;
                out.emplace_back(coerce(pair.at(0), args[0], schema), coerce(pair.at(1), args[1], schema));
            }
            return Value(std::move(out));
        }
    }
    return v;
}

Value parse_arg(std::string_view text, std::string_view type, const Schema& schema) {
    Value v;
    try {
        v = parse_json(text);
    } catch (const CliError&) {
        v = Value(std::string(text));
    }
    return coerce(v, type, schema);
}

std::string value_text(const Value& v, std::string_view type, const Schema& schema) {
    if (const EnumDef* e = schema.find_enum(type); e && v.is_integer())
        for (const auto& [n, num] : e->values)
            if (equals_integer(v, num)) return n + " (" + to_json(v) + ")";
    return to_json(v);
}

} // namespace zro::cli
