// zro — shared live objects over ZeroMQ.
// The type grammar (docs/PROTOCOL.md §3): the one parser and printer of type spellings. The
// schema, zroc and the CLI all read types through Type::parse / Schema::parse_type.
#include <zro/type.hpp>

#include <zro/error.hpp>

#include <array>
#include <vector>

namespace zro {

struct Type::Parts {
    std::string name;         // enumeration, pod, named
    std::vector<Type> args;   // list: {element}; map: {key, mapped}
};

namespace {

// Deepest type nesting: the wire codec decodes values at most 32 levels deep anyway.
constexpr int max_type_depth = 32;

struct Keyword {
    std::string_view spelling;
    Type::Kind kind;
};
// Canonical spellings first; the aliases at the end normalise to int32 / uint32.
constexpr std::array<Keyword, 17> keywords{{
    {"bool", Type::Kind::boolean}, {"int8", Type::Kind::int8}, {"int16", Type::Kind::int16},
    {"int32", Type::Kind::int32}, {"int64", Type::Kind::int64}, {"uint8", Type::Kind::uint8},
    {"uint16", Type::Kind::uint16}, {"uint32", Type::Kind::uint32}, {"uint64", Type::Kind::uint64},
    {"float", Type::Kind::float32}, {"double", Type::Kind::float64},
    {"string", Type::Kind::string}, {"bytes", Type::Kind::bytes}, {"var", Type::Kind::var},
    {"void", Type::Kind::none}, {"int", Type::Kind::int32}, {"uint", Type::Kind::uint32},
}};

const Keyword* keyword(std::string_view word) noexcept {
    for (const auto& k : keywords)
        if (k.spelling == word) return &k;
    return nullptr;
}

bool is_ident_start(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
bool is_ident_char(char c) noexcept { return is_ident_start(c) || (c >= '0' && c <= '9'); }

// Recursive descent over: type := ident | "list" "<" type ">" | "map" "<" type "," type ">".
// Whitespace may separate tokens but never splits an identifier ("in t32" is not "int32").
class Parser {
public:
    explicit Parser(std::string_view text) : s_(text) {}

    Type parse_all() {
        Type t = parse(0);
        skip_space();
        if (pos_ != s_.size()) fail("unexpected '" + std::string(1, s_[pos_]) + "'");
        return t;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        // The text is cut and control bytes replaced so a hostile spelling stays one short line.
        constexpr std::size_t max_shown = 64;
        std::string shown;
        for (std::size_t i = 0; i < s_.size() && i < max_shown; ++i) {
            const auto c = static_cast<unsigned char>(s_[i]);
            shown.push_back(c < 0x20 || c == 0x7f ? '?' : s_[i]);
        }
        if (s_.size() > max_shown) shown += "...";
        throw Error(ErrorCode::invalid_schema,
                    "invalid type '" + shown + "': " + what + " at offset " + std::to_string(pos_));
    }

    Type parse(int depth) {
        if (depth > max_type_depth) fail("nested deeper than 32");
        const std::string_view word = identifier();
        if (word.empty())
            fail(pos_ < s_.size() ? "expected a type name, found '" + std::string(1, s_[pos_]) + "'"
                                  : "expected a type name");
        if (word == "list") {
            expect('<');
            Type element = parse(depth + 1);
            expect('>');
            return Type::list_of(std::move(element));
        }
        if (word == "map") {
            expect('<');
            Type key = parse(depth + 1);
            expect(',');
            Type mapped = parse(depth + 1);
            expect('>');
            return Type::map_of(std::move(key), std::move(mapped));
        }
        if (const Keyword* k = keyword(word)) return Type(k->kind);
        return Type::named(std::string(word));
    }

    std::string_view identifier() {
        skip_space();
        const std::size_t start = pos_;
        if (pos_ < s_.size() && is_ident_start(s_[pos_]))
            while (pos_ < s_.size() && is_ident_char(s_[pos_])) ++pos_;
        return s_.substr(start, pos_ - start);
    }

    void expect(char c) {
        skip_space();
        if (pos_ < s_.size() && s_[pos_] == c) {
            ++pos_;
            return;
        }
        std::string what = std::string("expected '") + c + "'";
        if (pos_ < s_.size()) what += ", found '" + std::string(1, s_[pos_]) + "'";
        fail(what);
    }

    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

bool has_parts(Type::Kind k) noexcept {
    return k == Type::Kind::list || k == Type::Kind::map || k == Type::Kind::enumeration ||
           k == Type::Kind::pod || k == Type::Kind::named;
}

} // namespace

// ---- construction ---------------------------------------------------------------------------

Type::Type(Kind kind, std::shared_ptr<const Parts> parts, std::uint32_t definition) noexcept
    : kind_(kind), definition_(definition), parts_(std::move(parts)) {}

Type::Type(Kind scalar) : kind_(scalar) {
    if (has_parts(scalar))
        throw Error(ErrorCode::invalid_schema,
                    "Type(" + std::string(to_string(scalar)) + ") needs its parts: use list_of, map_of or named");
}

Type Type::list_of(Type element) {
    return Type(Kind::list, std::make_shared<const Parts>(Parts{{}, {std::move(element)}}));
}

Type Type::map_of(Type key, Type mapped) {
    return Type(Kind::map, std::make_shared<const Parts>(Parts{{}, {std::move(key), std::move(mapped)}}));
}

Type Type::named(std::string name) {
    return Type(Kind::named, std::make_shared<const Parts>(Parts{std::move(name), {}}));
}

Type Type::parse(std::string_view text) { return Parser(text).parse_all(); }

// ---- reading --------------------------------------------------------------------------------

const Type::Parts& Type::parts(Kind want, const char* accessor) const {
    const bool named_kind = want == Kind::named;
    const bool ok = named_kind ? (kind_ == Kind::enumeration || kind_ == Kind::pod || kind_ == Kind::named)
                               : kind_ == want;
    if (!ok)
        throw Error(ErrorCode::invalid_state,
                    std::string("Type::") + accessor + "() on a " + std::string(to_string(kind_)) + " type");
    return *parts_;
}

const Type& Type::element() const { return parts(Kind::list, "element").args[0]; }
const Type& Type::key() const { return parts(Kind::map, "key").args[0]; }
const Type& Type::mapped() const { return parts(Kind::map, "mapped").args[1]; }
const std::string& Type::name() const { return parts(Kind::named, "name").name; }

void Type::append_spelling(std::string& out) const {
    switch (kind_) {
    case Kind::list:
        out += "list<";
        element().append_spelling(out);
        out.push_back('>');
        return;
    case Kind::map:
        out += "map<";
        key().append_spelling(out);
        out.push_back(',');
        mapped().append_spelling(out);
        out.push_back('>');
        return;
    case Kind::enumeration:
    case Kind::pod:
    case Kind::named: out += parts_->name; return;
    default: out += to_string(kind_); return;
    }
}

std::string Type::spelling() const {
    std::string out;
    append_spelling(out);
    return out;
}

bool Type::operator==(const Type& o) const noexcept {
    if (kind_ != o.kind_ || definition_ != o.definition_) return false;
    if (!has_parts(kind_) || parts_ == o.parts_) return true;
    return parts_->name == o.parts_->name && parts_->args == o.parts_->args;
}

std::string_view to_string(Type::Kind kind) noexcept {
    for (const auto& k : keywords)
        if (k.kind == kind) return k.spelling;  // the first match is the canonical spelling
    switch (kind) {
    case Type::Kind::list: return "list";
    case Type::Kind::map: return "map";
    case Type::Kind::enumeration: return "enum";
    case Type::Kind::pod: return "POD";
    default: return "name";
    }
}

} // namespace zro
