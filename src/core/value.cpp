// zro — shared live objects over ZeroMQ.
#include <zro/value.hpp>

#include <charconv>
#include <cmath>

namespace zro {
namespace {

// Error messages show at most this many characters of a value; the rest becomes "...".
constexpr std::size_t max_shown_chars = 80;
constexpr std::size_t no_limit = static_cast<std::size_t>(-1);

void append_escaped(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out.push_back('"');
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            // Other control characters would garble a log line; UTF-8 passes through untouched.
            if (u < 0x20 || u == 0x7f) {
                out += "\\u00";
                out.push_back(hex[u >> 4]);
                out.push_back(hex[u & 15]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

void append_double(std::string& out, double d) {
    char buf[64];
    // Shortest text that reads back as the same double.
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    const std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
    out += text;
    // Keep doubles recognisable next to integers: 1.0, not 1 (nan, inf and 1e+20 are clear).
    if (text.find_first_not_of("-0123456789") == std::string_view::npos) out += ".0";
}

void append_bytes(std::string& out, const Value::Bytes& b) {
    static constexpr char hex[] = "0123456789abcdef";
    out += "b\"";
    for (std::uint8_t byte : b.data) {
        out.push_back(hex[byte >> 4]);
        out.push_back(hex[byte & 15]);
    }
    out.push_back('"');
}

// Renders `v` into `out`, giving up on further elements once `out` is longer than `limit`,
// so describing a huge value for an error message costs little.
void render(const Value& v, std::string& out, std::size_t limit) {
    switch (v.kind()) {
    case Value::Kind::nil: out += "nil"; return;
    case Value::Kind::boolean: out += std::get<bool>(v.storage()) ? "true" : "false"; return;
    case Value::Kind::int64: out += std::to_string(std::get<std::int64_t>(v.storage())); return;
    case Value::Kind::uint64: out += std::to_string(std::get<std::uint64_t>(v.storage())); return;
    case Value::Kind::float64: append_double(out, std::get<double>(v.storage())); return;
    case Value::Kind::string: append_escaped(out, v.as_string()); return;
    case Value::Kind::bytes: append_bytes(out, v.as_bytes()); return;
    case Value::Kind::list: {
        out.push_back('[');
        const char* sep = "";
        for (const auto& e : v.as_list()) {
            if (out.size() > limit) return;
            out += sep;
            render(e, out, limit);
            sep = ", ";
        }
        out.push_back(']');
        return;
    }
    case Value::Kind::map: {
        out.push_back('{');
        const char* sep = "";
        for (const auto& [k, e] : v.as_map()) {
            if (out.size() > limit) return;
            out += sep;
            render(k, out, limit);
            out += ": ";
            render(e, out, limit);
            sep = ", ";
        }
        out.push_back('}');
        return;
    }
    }
}

// Cuts a rendering to max_shown_chars, "..." included, without splitting a UTF-8 sequence.
std::string shorten(std::string s) {
    if (s.size() <= max_shown_chars) return s;
    std::size_t cut = max_shown_chars - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    s += "...";
    return s;
}

bool is_integer_type_name(std::string_view name) {
    return name.starts_with("int") || name.starts_with("uint");
}

bool integers_equal(const Value& a, const Value& b) noexcept {
    const auto& sa = a.storage();
    const auto& sb = b.storage();
    if (a.kind() == b.kind()) return sa == sb;
    // One int64 and one uint64: equal only when the signed one is non-negative and matches.
    const std::int64_t i = a.kind() == Value::Kind::int64 ? std::get<std::int64_t>(sa)
                                                          : std::get<std::int64_t>(sb);
    const std::uint64_t u = a.kind() == Value::Kind::uint64 ? std::get<std::uint64_t>(sa)
                                                            : std::get<std::uint64_t>(sb);
    return i >= 0 && static_cast<std::uint64_t>(i) == u;
}

} // namespace

namespace detail {

std::string_view integer_type_name(std::size_t bytes, bool is_signed) noexcept {
    switch (bytes) {
    case 1: return is_signed ? "int8" : "uint8";
    case 2: return is_signed ? "int16" : "uint16";
    case 4: return is_signed ? "int32" : "uint32";
    case 8: return is_signed ? "int64" : "uint64";
    default: return is_signed ? "int" : "uint";  // no such C++ integer today; keep it readable
    }
}

std::string describe(const Value& v) {
    if (v.is_nil()) return "nil";  // "nil nil" would read like a typo
    std::string text;
    render(v, text, max_shown_chars);
    return std::string(Value::kind_name(v.kind())) + " " + shorten(std::move(text));
}

} // namespace detail

Value Value::map_of(std::initializer_list<std::pair<std::string, Value>> items) {
    Map m;
    m.reserve(items.size());
    for (const auto& [k, v] : items) m.emplace_back(Value(k), v);
    return Value(std::move(m));
}

const std::string& Value::as_string() const {
    if (auto* s = std::get_if<std::string>(&v_)) return *s;
    fail_as("string");
}

const Value::List& Value::as_list() const {
    if (auto* l = std::get_if<List>(&v_)) return *l;
    fail_as("list");
}

Value::List& Value::as_list() {
    if (auto* l = std::get_if<List>(&v_)) return *l;
    fail_as("list");
}

const Value::Map& Value::as_map() const {
    if (auto* m = std::get_if<Map>(&v_)) return *m;
    fail_as("map");
}

Value::Map& Value::as_map() {
    if (auto* m = std::get_if<Map>(&v_)) return *m;
    fail_as("map");
}

const Value::Bytes& Value::as_bytes() const {
    if (auto* b = std::get_if<Bytes>(&v_)) return *b;
    fail_as("bytes");
}

const Value* Value::find(std::string_view key) const noexcept {
    const auto* m = std::get_if<Map>(&v_);
    if (!m) return nullptr;
    for (const auto& [k, v] : *m) {
        const auto* s = std::get_if<std::string>(&k.v_);
        if (s && *s == key) return &v;
    }
    return nullptr;
}

const Value& Value::at(std::string_view key) const {
    if (!is_map()) fail_as("map");
    if (const Value* v = find(key)) return *v;
    std::string quoted;
    append_escaped(quoted, key);
    throw Error(ErrorCode::unknown_property, "no key " + shorten(std::move(quoted)) + " in map");
}

const Value& Value::at(std::size_t index) const {
    const auto& l = as_list();
    if (index < l.size()) return l[index];
    throw Error(ErrorCode::type_mismatch, "index " + std::to_string(index) +
                                              " out of range (list of " +
                                              std::to_string(l.size()) + ")");
}

std::size_t Value::size() const noexcept {
    switch (kind()) {
    case Kind::string: return std::get<std::string>(v_).size();
    case Kind::bytes: return std::get<Bytes>(v_).data.size();
    case Kind::list: return std::get<List>(v_).size();
    case Kind::map: return std::get<Map>(v_).size();
    default: return 0;
    }
}

std::string_view Value::kind_name(Kind k) noexcept {
    switch (k) {
    case Kind::nil: return "nil";
    case Kind::boolean: return "bool";
    case Kind::int64: return "int";
    case Kind::uint64: return "uint";
    case Kind::float64: return "double";
    case Kind::string: return "string";
    case Kind::bytes: return "bytes";
    case Kind::list: return "list";
    case Kind::map: return "map";
    }
    return "?";
}

std::string Value::to_string() const {
    std::string out;
    render(*this, out, no_limit);
    return out;
}

bool operator==(const Value& a, const Value& b) noexcept {
    if (a.is_integer() && b.is_integer()) return integers_equal(a, b);
    if (a.kind() != b.kind()) return false;  // so 1 != 1.0: doubles equal only doubles
    switch (a.kind()) {
    case Value::Kind::float64: {
        const double x = std::get<double>(a.v_), y = std::get<double>(b.v_);
        // NaN equals NaN here so that a value always equals itself (change detection relies
        // on it: a NaN property must not look changed on every write).
        return x == y || (std::isnan(x) && std::isnan(y));
    }
    case Value::Kind::list: {
        const auto& x = std::get<Value::List>(a.v_);
        const auto& y = std::get<Value::List>(b.v_);
        if (x.size() != y.size()) return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (x[i] != y[i]) return false;
        return true;
    }
    case Value::Kind::map: {
        // Maps are ordered (as on the wire), so the same pairs in another order differ.
        const auto& x = std::get<Value::Map>(a.v_);
        const auto& y = std::get<Value::Map>(b.v_);
        if (x.size() != y.size()) return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (x[i].first != y[i].first || x[i].second != y[i].second) return false;
        return true;
    }
    default: return a.v_ == b.v_;
    }
}

void Value::fail_as(std::string_view wanted) const {
    std::string msg = "expected " + std::string(wanted) + ", got " + detail::describe(*this);
    // An integer that reaches here had the right kind but did not fit the wanted width.
    if (is_integer() && is_integer_type_name(wanted)) msg += " (out of range)";
    throw Error(ErrorCode::type_mismatch, msg);
}

} // namespace zro
