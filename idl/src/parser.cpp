// zro — shared live objects over ZeroMQ.
// The .rep parser: recursive descent over the lexer's tokens, producing a Document. Grammar
// (QtRO's parser.g, docs/IDL.md): top-level `#` lines, `class`, `POD`, `ENUM`, `FLAG`,
// `USE_ENUM`; class members `PROP`, `SLOT`, `SIGNAL`, `ENUM`, `FLAG`, `CLASS`, `MODEL`.
// Semantic checks (types, defaults, names) run afterwards (check.cpp).

#include "lexer.hpp"
#include "model.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace zro::idl {

std::string to_string(const Location& loc) {
    return loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

ParseError::ParseError(Location loc, std::string message)
    : std::runtime_error(to_string(loc) + ": error: " + message), loc_(std::move(loc)), message_(std::move(message)) {}

std::string Diagnostic::to_string() const { return idl::to_string(loc) + ": warning: " + message; }

std::string TypeName::text() const {
    std::string out = name;
    if (!args.empty()) {
        out.push_back('<');
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (i) out.push_back(',');
            out += args[i].text();
        }
        out.push_back('>');
    }
    return out;
}

const ClassDecl* Document::find_class(std::string_view name) const noexcept {
    for (const auto& c : classes)
        if (c.name == name) return &c;
    return nullptr;
}

namespace detail {
namespace {

constexpr std::array<std::string_view, 6> modifier_words{"READPUSH", "READWRITE", "READONLY", "CONSTANT",
                                                         "SOURCEONLYSETTER", "PERSISTED"};
bool is_modifier(std::string_view w) {
    return std::find(modifier_words.begin(), modifier_words.end(), w) != modifier_words.end();
}

// Multi-word builtin C++ types ("unsigned long long int"): the valid spellings.
constexpr std::array<std::string_view, 27> multiword_types{
    "char", "signed char", "unsigned char", "short", "short int", "signed short", "signed short int",
    "unsigned short", "unsigned short int", "int", "signed", "signed int", "unsigned", "unsigned int",
    "long", "long int", "signed long", "unsigned long", "unsigned long int", "long long", "long long int",
    "signed long long", "unsigned long long", "unsigned long long int", "double", "long double", "float"};
bool is_type_word(std::string_view w) {
    return w == "signed" || w == "unsigned" || w == "char" || w == "short" || w == "int" || w == "long" ||
           w == "double" || w == "float";
}
bool valid_prefix(const std::string& s) {
    for (auto t : multiword_types)
        if (t == s || (t.size() > s.size() && t.substr(0, s.size()) == s && t[s.size()] == ' ')) return true;
    return false;
}
bool valid_multiword(const std::string& s) {
    return std::find(multiword_types.begin(), multiword_types.end(), s) != multiword_types.end();
}

std::string describe(const Token& t) {
    switch (t.kind) {
    case Tok::end: return "end of file";
    case Tok::string: return "a string literal";
    case Tok::directive: return "'" + t.text + "'";
    default: return "'" + t.text + "'";
    }
}

/// A window [pos, end) over the token vector; `end_tok` is the token just after the window
/// (a closing bracket or the end of file), used to locate "missing ..." errors.
struct Cursor {
    const std::vector<Token>* toks;
    std::size_t pos;
    std::size_t end;

    const Token& end_tok() const { return (*toks)[end]; }
    bool done() const { return pos >= end; }
    const Token& cur() const { return done() ? end_tok() : (*toks)[pos]; }
    const Token& at(std::size_t k) const { return pos + k < end ? (*toks)[pos + k] : end_tok(); }
    const Token& next() {
        const Token& t = cur();
        if (!done()) ++pos;
        return t;
    }
    bool accept_punct(std::string_view p) {
        if (!done() && cur().is_punct(p)) return ++pos, true;
        return false;
    }
    bool accept_ident(std::string_view w) {
        if (!done() && cur().is_ident(w)) return ++pos, true;
        return false;
    }
};

class Parser {
public:
    Parser(std::string_view source, std::string file, Document& doc)
        : src_(source), file_(std::move(file)), toks_(lex(source, file_)), doc_(doc) {
        doc_.file = file_;
    }

    void run() {
        Cursor c{&toks_, 0, toks_.size() - 1};
        while (!c.done()) top_level(c);
    }

private:
    [[noreturn]] void fail(const Location& at, const std::string& msg) const { throw ParseError(at, msg); }
    [[noreturn]] void fail(const Token& at, const std::string& msg) const { throw ParseError(at.loc, msg); }

    std::string source_text(std::size_t first, std::size_t last_exclusive) const {
        if (first >= last_exclusive) return {};
        const std::size_t b = toks_[first].begin, e = toks_[last_exclusive - 1].end;
        return std::string(src_.substr(b, e - b));
    }

    // ---- top level ----------------------------------------------------------------------------

    void top_level(Cursor& c) {
        const Token& t = c.cur();
        if (t.kind == Tok::directive) return directive(c.next());
        if (t.is_punct(";")) return void(c.next());
        if (t.kind == Tok::ident) {
            if (t.text == "class") return class_decl(c);
            if (t.text == "POD") return pod_decl(c);
            if (t.text == "ENUM") {
                c.next();
                doc_.enums.push_back(enum_decl(c, t, ""));
                return;
            }
            if (t.text == "FLAG") {
                c.next();
                doc_.flags.push_back(flag_decl(c, t, "", doc_.enums));
                return;
            }
            if (t.text == "USE_ENUM") return use_enum(c);
            if (t.text == "PROP" || t.text == "SLOT" || t.text == "SIGNAL" || t.text == "CLASS" || t.text == "MODEL")
                fail(t, t.text + " can only be used inside a class");
        }
        fail(t, "expected a declaration (class, POD, ENUM, FLAG, USE_ENUM or a '#' line), found " + describe(t));
    }

    void directive(const Token& t) {
        // "#HEADER text" / "#FOOTER text": the keyword and one space are stripped.
        std::string_view s = t.text;
        s.remove_prefix(1);
        const std::size_t word_start = s.find_first_not_of(" \t");
        std::string_view rest = word_start == std::string_view::npos ? std::string_view{} : s.substr(word_start);
        for (std::string_view kw : {std::string_view("HEADER"), std::string_view("FOOTER")}) {
            if (rest.substr(0, kw.size()) == kw && (rest.size() == kw.size() || rest[kw.size()] == ' ' || rest[kw.size()] == '\t')) {
                std::string_view body = rest.substr(kw.size());
                if (!body.empty()) body.remove_prefix(1);
                (kw == "HEADER" ? doc_.header : doc_.footer).emplace_back(body);
                return;
            }
        }
        doc_.directives.push_back(Directive{t.loc, t.text});
    }

    void use_enum(Cursor& c) {
        const Token& kw = c.next();
        Cursor g = group(c, kw);
        UseEnum u;
        u.loc = g.cur().loc;
        if (g.done()) fail(kw, "empty USE_ENUM(): expected USE_ENUM(Scope::Enum)");
        u.name = qualified_name(g, "an enum name");
        if (!g.done()) fail(g.cur(), "unexpected " + describe(g.cur()) + " in USE_ENUM");
        c.accept_punct(";");
        doc_.use_enums.push_back(std::move(u));
    }

    // ---- brackets -----------------------------------------------------------------------------

    /// Expects '(' at the cursor and returns a cursor over the tokens up to the matching ')';
    /// the outer cursor moves past it. An unmatched '}', ';' or a '#' line ends it with an error.
    Cursor group(Cursor& c, const Token& owner) {
        const Token& open = c.cur();
        if (!open.is_punct("(")) fail(open, "expected '(' after " + owner.text + ", found " + describe(open));
        c.next();
        const std::size_t begin = c.pos;
        int depth = 0, braces = 0;
        while (true) {
            if (c.done()) fail(open, "unbalanced parentheses: this '(' of " + owner.text + " is never closed");
            const Token& t = c.cur();
            if (t.is_punct("{")) ++braces;  // a default value such as {}
            if (t.is_punct("}") && braces > 0) {
                --braces;
                c.next();
                continue;
            }
            if (t.kind == Tok::directive || t.is_punct("}") || t.is_punct(";"))
                fail(open, "unbalanced parentheses: this '(' of " + owner.text + " is not closed before " + describe(t) +
                               " at " + std::to_string(t.loc.line) + ":" + std::to_string(t.loc.column));
            if (t.is_punct("(")) ++depth;
            if (t.is_punct(")")) {
                if (depth == 0) break;
                --depth;
            }
            c.next();
        }
        Cursor inner{&toks_, begin, c.pos};
        c.next();  // ')'
        return inner;
    }

    /// Splits a cursor at top-level commas (not inside <>, (), {}).
    std::vector<Cursor> split_commas(Cursor c) {
        std::vector<Cursor> parts;
        if (c.done()) return parts;
        std::size_t start = c.pos;
        int depth = 0;
        for (std::size_t i = c.pos; i < c.end; ++i) {
            const Token& t = toks_[i];
            if (t.kind != Tok::punct) continue;
            if (t.text == "<" || t.text == "(" || t.text == "{") ++depth;
            else if ((t.text == ">" || t.text == ")" || t.text == "}") && depth > 0) --depth;
            else if (t.text == "," && depth == 0) {
                parts.push_back(Cursor{&toks_, start, i});
                start = i + 1;
            }
        }
        parts.push_back(Cursor{&toks_, start, c.end});
        return parts;
    }

    // ---- names and types ----------------------------------------------------------------------

    std::string identifier(Cursor& c, const std::string& what) {
        const Token& t = c.cur();
        if (t.kind != Tok::ident) fail(t, "expected " + what + ", found " + describe(t));
        c.next();
        return t.text;
    }

    std::string qualified_name(Cursor& c, const std::string& what) {
        std::string name;
        if (c.accept_punct("::")) name = "::";
        name += identifier(c, what);
        while (c.cur().is_punct("::")) {
            c.next();
            name += "::" + identifier(c, what);
        }
        return name;
    }

    TypeName type_name(Cursor& c, int depth = 0) {
        if (depth > max_type_depth) fail(c.cur(), "type nested too deeply (more than " + std::to_string(max_type_depth) + " levels)");
        c.accept_ident("const");
        TypeName t;
        t.loc = c.cur().loc;
        if (c.cur().kind == Tok::ident && is_type_word(c.cur().text)) {
            std::string words = c.next().text;
            while (c.cur().kind == Tok::ident && is_type_word(c.cur().text) && valid_prefix(words + " " + c.cur().text))
                words += " " + c.next().text;
            if (!valid_multiword(words)) fail(t.loc, "'" + words + "' is not a complete type");
            t.name = words;
        } else {
            if (c.cur().kind != Tok::ident && !c.cur().is_punct("::")) fail(c.cur(), "expected a type, found " + describe(c.cur()));
            t.name = qualified_name(c, "a type name");
            if (c.cur().is_punct("<")) {
                const Token& open = c.next();
                while (true) {
                    t.args.push_back(type_name(c, depth + 1));
                    if (c.accept_punct(",")) continue;
                    if (c.accept_punct(">")) break;
                    if (c.done()) fail(open, "unbalanced '<' in type '" + t.name + "<...': missing '>'");
                    fail(c.cur(), "expected ',' or '>' in the type arguments of '" + t.name + "', found " + describe(c.cur()));
                }
            }
        }
        c.accept_ident("const");
        if (c.cur().is_punct("*")) fail(c.cur(), "pointer types are not supported ('" + t.text() + " *')");
        c.accept_punct("&");
        return t;
    }

    // ---- default values -----------------------------------------------------------------------

    Literal literal(Cursor c) {
        Literal lit;
        if (c.done()) fail(c.end_tok(), "missing value after '='");
        lit.loc = c.cur().loc;
        lit.source = source_text(c.pos, c.end);
        const std::size_t n = c.end - c.pos;
        const Token& first = c.cur();
        if (n == 1 && first.kind == Tok::ident && (first.text == "true" || first.text == "false")) {
            lit.kind = Literal::Kind::boolean;
            lit.boolean = first.text == "true";
            return lit;
        }
        if ((n == 1 && first.kind == Tok::number) ||
            (n == 2 && (first.is_punct("-") || first.is_punct("+")) && c.at(1).kind == Tok::number)) {
            const bool neg = first.is_punct("-");
            number(n == 1 ? first : c.at(1), neg, lit);
            return lit;
        }
        if (first.kind == Tok::string) {
            bool all = true;
            for (std::size_t i = c.pos; i < c.end; ++i) all = all && toks_[i].kind == Tok::string;
            if (all) {
                lit.kind = Literal::Kind::string;
                for (std::size_t i = c.pos; i < c.end; ++i) lit.text += toks_[i].text;
                return lit;
            }
        }
        if (n == 2 && first.is_punct("{") && c.at(1).is_punct("}")) {
            lit.kind = Literal::Kind::empty_braces;
            return lit;
        }
        if (first.kind == Tok::ident || first.is_punct("::")) {
            Cursor q = c;
            bool ok = true;
            std::string name;
            try {
                name = qualified_name(q, "a name");
            } catch (const ParseError&) {
                ok = false;
            }
            if (ok && q.done()) {
                lit.kind = Literal::Kind::name;
                lit.text = name;
                return lit;
            }
        }
        lit.kind = Literal::Kind::raw;
        lit.text = lit.source;
        return lit;
    }

    void number(const Token& t, bool negative, Literal& lit) {
        std::string s = t.text;
        const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        std::string digits = s;
        if (!hex && (s.find('.') != std::string::npos || s.find_first_of("eE") != std::string::npos)) {
            while (!digits.empty() && (digits.back() == 'f' || digits.back() == 'F' || digits.back() == 'l' || digits.back() == 'L'))
                digits.pop_back();
            errno = 0;
            char* end = nullptr;
            const double v = std::strtod(digits.c_str(), &end);
            if (end != digits.c_str() + digits.size() || digits.empty()) fail(t, "invalid number '" + s + "'");
            if (errno == ERANGE) fail(t, "number out of range '" + s + "'");
            lit.kind = Literal::Kind::floating;
            lit.floating = negative ? -v : v;
            return;
        }
        while (!digits.empty() && std::string_view("uUlL").find(digits.back()) != std::string_view::npos) digits.pop_back();
        if (hex) digits = digits.substr(2);
        if (digits.empty()) fail(t, "invalid number '" + s + "'");
        std::uint64_t v = 0;
        const unsigned base = hex ? 16 : 10;
        for (char ch : digits) {
            unsigned d;
            if (ch >= '0' && ch <= '9') d = static_cast<unsigned>(ch - '0');
            else if (hex && ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')) d = static_cast<unsigned>((ch | 0x20) - 'a' + 10);
            else fail(t, "invalid number '" + s + "'");
            if (v > (UINT64_MAX - d) / base) fail(t, "integer literal '" + s + "' is out of range");
            v = v * base + d;
        }
        lit.kind = Literal::Kind::integer;
        lit.negative = negative && v != 0;
        lit.magnitude = v;
        lit.floating = negative ? -static_cast<double>(v) : static_cast<double>(v);
    }

    // ---- parameters ---------------------------------------------------------------------------

    std::vector<Param> params(Cursor c, bool allow_defaults, const char* what) {
        std::vector<Param> out;
        if (c.done()) return out;
        if (c.end - c.pos == 1 && c.cur().is_ident("void")) return out;  // f(void)
        for (Cursor p : split_commas(c)) {
            if (p.done()) fail(p.end_tok(), std::string("empty parameter in ") + what);
            Param param;
            param.loc = p.cur().loc;
            param.type = type_name(p);
            if (p.cur().kind == Tok::ident) param.name = p.next().text;
            if (p.cur().is_punct("=")) {
                const Token& eq = p.next();
                if (!allow_defaults) fail(eq, std::string("default values are not allowed in ") + what);
                param.default_value = literal(p);
                p.pos = p.end;
            }
            if (!p.done()) fail(p.cur(), "unexpected " + describe(p.cur()) + " in the parameters of " + what);
            out.push_back(std::move(param));
        }
        return out;
    }

    // ---- class --------------------------------------------------------------------------------

    void class_decl(Cursor& c) {
        const Token& kw = c.next();
        ClassDecl cls;
        cls.loc = kw.loc;
        cls.name = identifier(c, "a class name after 'class'");
        if (c.cur().kind == Tok::ident) {  // class MYLIB_EXPORT Name
            cls.attribute = cls.name;
            cls.name = c.next().text;
        }
        const Token& open = c.cur();
        if (!open.is_punct("{")) fail(open, "expected '{' after 'class " + cls.name + "', found " + describe(open));
        c.next();
        while (true) {
            const Token& t = c.cur();
            if (c.done()) fail(open, "class '" + cls.name + "' is never closed: missing '}'");
            if (t.is_punct("}")) {
                c.next();
                break;
            }
            if (t.is_punct(";")) {
                c.next();
                continue;
            }
            if (t.kind == Tok::directive) fail(t, "'#' lines are not allowed inside a class");
            if (t.kind != Tok::ident) fail(t, "unexpected " + describe(t) + " in class '" + cls.name + "'");
            if (t.text == "PROP") prop(c, cls);
            else if (t.text == "SLOT") slot(c, cls);
            else if (t.text == "SIGNAL") signal(c, cls);
            else if (t.text == "ENUM") {
                c.next();
                cls.enums.push_back(enum_decl(c, t, cls.name));
            } else if (t.text == "FLAG") {
                c.next();
                cls.flags.push_back(flag_decl(c, t, cls.name, cls.enums));
            } else if (t.text == "CLASS") child(c, cls);
            else if (t.text == "MODEL") model(c, cls);
            else if (t.text == "class") fail(t, "classes cannot be nested (class inside class '" + cls.name + "')");
            else if (t.text == "POD") fail(t, "POD can only be declared outside a class");
            else if (t.text == "USE_ENUM") fail(t, "USE_ENUM can only be used outside a class");
            else
                fail(t, "unexpected " + describe(t) + " in class '" + cls.name +
                            "' (expected PROP, SLOT, SIGNAL, ENUM, FLAG, CLASS or MODEL)");
            c.accept_punct(";");
        }
        c.accept_punct(";");
        doc_.classes.push_back(std::move(cls));
    }

    void prop(Cursor& c, ClassDecl& cls) {
        const Token& kw = c.next();
        Cursor g = group(c, kw);
        if (g.done()) fail(kw, "empty PROP(): expected PROP(type name [= default] [MODE] [, PERSISTED])");
        PropertyDecl p;
        p.loc = kw.loc;
        p.type = type_name(g);
        p.name = identifier(g, "a property name after the type '" + p.type.text() + "'");
        if (g.cur().is_punct("=")) {
            const Token& eq = g.next();
            // The default runs to the first modifier word or top-level comma.
            std::size_t stop = g.pos;
            int depth = 0;
            for (; stop < g.end; ++stop) {
                const Token& t = toks_[stop];
                if (t.kind == Tok::punct && (t.text == "(" || t.text == "{" || t.text == "<")) ++depth;
                else if (t.kind == Tok::punct && (t.text == ")" || t.text == "}" || t.text == ">") && depth > 0) --depth;
                else if (depth == 0 && ((t.kind == Tok::ident && is_modifier(t.text)) || t.is_punct(","))) break;
            }
            if (stop == g.pos) fail(stop < g.end ? toks_[stop] : eq, "missing default value after '=' in PROP '" + p.name + "'");
            p.default_value = literal(Cursor{&toks_, g.pos, stop});
            g.pos = stop;
        }
        std::vector<std::pair<std::string, Location>> modes;
        while (!g.done()) {
            if (g.accept_punct(",")) continue;
            const Token& m = g.cur();
            if (m.kind != Tok::ident || !is_modifier(m.text))
                fail(m, "unknown property modifier " + describe(m) +
                            " (expected READPUSH, READWRITE, READONLY, CONSTANT, SOURCEONLYSETTER or PERSISTED)");
            g.next();
            if (m.text == "PERSISTED") {
                if (p.persisted) fail(m, "PERSISTED is given twice");
                p.persisted = true;
                continue;
            }
            for (const auto& [seen, at] : modes)
                if (seen == m.text) fail(m, m.text + " is given twice");
            modes.emplace_back(m.text, m.loc);
        }
        if (modes.size() == 2 && ((modes[0].first == "READONLY" && modes[1].first == "CONSTANT") ||
                                  (modes[0].first == "CONSTANT" && modes[1].first == "READONLY"))) {
            p.mode = PropertyMode::constant;  // QtRO: CONSTANT, READONLY means CONSTANT
        } else if (modes.size() >= 2) {
            fail(modes[1].second, "conflicting property modes " + modes[0].first + " and " + modes[1].first +
                                      " (only CONSTANT with READONLY may be combined)");
        } else if (modes.size() == 1) {
            p.mode = *property_mode_from_string(modes[0].first);
        }
        cls.properties.push_back(std::move(p));
    }

    void slot(Cursor& c, ClassDecl& cls) {
        const Token& kw = c.next();
        Cursor g = group(c, kw);
        if (g.done()) fail(kw, "empty SLOT(): expected SLOT([type] name(params))");
        // The parameter list starts at the first top-level '('.
        std::size_t open = g.pos;
        int angle = 0;
        for (; open < g.end; ++open) {
            const Token& t = toks_[open];
            if (t.is_punct("<")) ++angle;
            else if (t.is_punct(">") && angle > 0) --angle;
            else if (t.is_punct("(") && angle == 0) break;
        }
        if (open == g.end) fail(kw, "SLOT needs a parameter list: SLOT([type] name(params))");
        if (open == g.pos) fail(toks_[open], "SLOT needs a name before '('");
        FunctionDecl f;
        f.loc = kw.loc;
        const Token& name_tok = toks_[open - 1];
        if (name_tok.kind != Tok::ident) fail(name_tok, "expected a slot name before '(', found " + describe(name_tok));
        f.name = name_tok.text;
        if (open - 1 == g.pos) {
            doc_.warnings.push_back(Diagnostic{name_tok.loc, "SLOT '" + f.name + "' has no return type: assuming void"});
        } else {
            Cursor rt{&toks_, g.pos, open - 1};
            TypeName t = type_name(rt);
            if (!rt.done()) fail(rt.cur(), "unexpected " + describe(rt.cur()) + " in the return type of SLOT '" + f.name + "'");
            if (t.name != "void" || !t.args.empty()) f.return_type = std::move(t);
        }
        Cursor rest{&toks_, open, g.end};
        Cursor pg = group(rest, name_tok);
        f.params = params(pg, true, ("SLOT '" + f.name + "'").c_str());
        rest.accept_ident("const");
        if (!rest.done()) fail(rest.cur(), "unexpected " + describe(rest.cur()) + " after the parameters of SLOT '" + f.name + "'");
        cls.slots.push_back(std::move(f));
    }

    void signal(Cursor& c, ClassDecl& cls) {
        const Token& kw = c.next();
        Cursor g = group(c, kw);
        if (g.done()) fail(kw, "empty SIGNAL(): expected SIGNAL(name(params))");
        FunctionDecl f;
        f.loc = kw.loc;
        const Token& name_tok = g.cur();
        if (name_tok.kind != Tok::ident) fail(name_tok, "expected a signal name, found " + describe(name_tok));
        g.next();
        if (g.cur().kind == Tok::ident || g.cur().is_punct("<") || g.cur().is_punct("::"))
            fail(name_tok, "signals have no return type: write SIGNAL(name(params))");
        f.name = name_tok.text;
        Cursor pg = group(g, name_tok);
        f.params = params(pg, true, ("SIGNAL '" + f.name + "'").c_str());
        if (!g.done()) fail(g.cur(), "unexpected " + describe(g.cur()) + " after the parameters of SIGNAL '" + f.name + "'");
        cls.signals.push_back(std::move(f));
    }

    void child(Cursor& c, ClassDecl& cls) {
        const Token& kw = c.next();
        PropertyDecl p;
        p.kind = PropertyDecl::Kind::child;
        p.loc = kw.loc;
        p.mode = PropertyMode::source_only_setter;
        p.name = identifier(c, "a property name after CLASS (CLASS name(ClassName))");
        if (!c.cur().is_punct("(")) fail(c.cur(), "CLASS needs a class: CLASS " + p.name + "(ClassName)");
        Cursor g = group(c, kw);
        if (g.done()) fail(kw, "empty CLASS type: CLASS " + p.name + "(ClassName)");
        p.type = type_name(g);
        if (!g.done()) fail(g.cur(), "unexpected " + describe(g.cur()) + " in CLASS " + p.name);
        cls.properties.push_back(std::move(p));
    }

    void model(Cursor& c, ClassDecl& cls) {
        const Token& kw = c.next();
        PropertyDecl p;
        p.kind = PropertyDecl::Kind::model;
        p.loc = kw.loc;
        p.mode = PropertyMode::source_only_setter;
        p.name = identifier(c, "a property name after MODEL (MODEL name(role, ...))");
        if (!c.cur().is_punct("(")) fail(c.cur(), "MODEL needs its roles: MODEL " + p.name + "(role, ...)");
        Cursor g = group(c, kw);
        for (Cursor r : split_commas(g)) {
            if (r.done()) fail(r.end_tok(), "empty role in MODEL " + p.name);
            p.roles.push_back(identifier(r, "a role name"));
            if (!r.done()) fail(r.cur(), "unexpected " + describe(r.cur()) + " in the roles of MODEL " + p.name);
        }
        if (p.roles.empty()) fail(kw, "MODEL " + p.name + " needs at least one role");
        cls.properties.push_back(std::move(p));
    }

    // ---- enums, flags, PODs -------------------------------------------------------------------

    EnumDecl enum_decl(Cursor& c, const Token& kw, const std::string& scope) {
        EnumDecl e;
        e.loc = kw.loc;
        e.scope = scope;
        if (c.cur().is_ident("class") || c.cur().is_ident("struct")) {
            c.next();
            e.scoped = true;
        }
        e.name = identifier(c, "an enum name after ENUM");
        if (c.accept_punct(":")) {
            Cursor u = c;
            // the underlying type ends at '{'
            std::size_t brace = c.pos;
            while (brace < c.end && !toks_[brace].is_punct("{")) ++brace;
            u.end = brace;
            if (u.done()) fail(c.cur(), "expected the underlying type of enum '" + e.name + "' after ':'");
            e.underlying = type_name(u);
            if (!u.done()) fail(u.cur(), "unexpected " + describe(u.cur()) + " in the underlying type of enum '" + e.name + "'");
            c.pos = brace;
        }
        const Token& open = c.cur();
        if (!open.is_punct("{")) fail(open, "expected '{' after ENUM " + e.name + ", found " + describe(open));
        c.next();
        std::int64_t next_value = 0;
        while (true) {
            if (c.done()) fail(open, "ENUM " + e.name + " is never closed: missing '}'");
            if (c.accept_punct("}")) break;
            Enumerator en;
            en.loc = c.cur().loc;
            en.name = identifier(c, "an enumerator name in ENUM " + e.name);
            if (c.accept_punct("=")) {
                const bool neg = c.cur().is_punct("-");
                if (neg || c.cur().is_punct("+")) c.next();
                const Token& num = c.cur();
                if (num.kind != Tok::number)
                    fail(num, "enumerator values must be integer literals (decimal or hex), found " + describe(num));
                c.next();
                Literal lit;
                number(num, neg, lit);
                if (lit.kind != Literal::Kind::integer) fail(num, "enumerator values must be integers, not '" + num.text + "'");
                if (lit.negative ? lit.magnitude > static_cast<std::uint64_t>(INT64_MAX) + 1 : lit.magnitude > static_cast<std::uint64_t>(INT64_MAX))
                    fail(num, "enumerator value out of range");
                en.value = lit.negative ? static_cast<std::int64_t>(0 - lit.magnitude) : static_cast<std::int64_t>(lit.magnitude);
            } else {
                en.value = next_value;
            }
            if (en.value == INT64_MAX) next_value = INT64_MAX;  // a following implicit value is caught by the range check
            else next_value = en.value + 1;
            e.values.push_back(std::move(en));
            if (c.accept_punct(",")) continue;
            if (c.accept_punct("}")) break;
            if (c.done()) fail(open, "ENUM " + e.name + " is never closed: missing '}'");
            fail(c.cur(), "expected ',' or '}' in ENUM " + e.name + ", found " + describe(c.cur()));
        }
        c.accept_punct(";");
        return e;
    }

    FlagDecl flag_decl(Cursor& c, const Token& kw, const std::string& scope, const std::vector<EnumDecl>& enums) {
        Cursor g = group(c, kw);
        FlagDecl f;
        f.loc = kw.loc;
        f.scope = scope;
        if (g.done()) fail(kw, "empty FLAG(): expected FLAG(FlagsName EnumName)");
        f.name = identifier(g, "the flags name in FLAG(FlagsName EnumName)");
        f.enum_name = identifier(g, "the enum name in FLAG(FlagsName EnumName)");
        if (!g.done()) fail(g.cur(), "unexpected " + describe(g.cur()) + " in FLAG(FlagsName EnumName)");
        bool found = false;
        for (const auto& e : enums) found = found || e.name == f.enum_name;
        if (!found)
            fail(kw, "FLAG " + f.name + ": unknown enum '" + f.enum_name + "' (declare the ENUM first, in the same " +
                         (scope.empty() ? std::string("(global) scope") : "scope '" + scope + "'") + ")");
        c.accept_punct(";");
        return f;
    }

    void pod_decl(Cursor& c) {
        const Token& kw = c.next();
        PodDecl pod;
        pod.loc = kw.loc;
        pod.name = identifier(c, "a POD name after POD");
        if (c.cur().kind == Tok::ident) pod.name = c.next().text;  // POD EXPORT_MACRO Name
        if (c.cur().is_punct("(")) {
            const Token& open = c.cur();
            Cursor g = group(c, kw);
            for (std::size_t i = g.pos; i < g.end; ++i)
                if (toks_[i].is_ident("ENUM") || toks_[i].is_ident("FLAG"))
                    fail(toks_[i], toks_[i].text + " is only allowed in the brace form of POD: POD " + pod.name + "{ " +
                                       toks_[i].text + " ... }");
            pod.fields = params(g, false, ("POD " + pod.name).c_str());
            (void)open;
        } else if (c.cur().is_punct("{")) {
            const Token& open = c.next();
            while (true) {
                if (c.done()) fail(open, "POD " + pod.name + " is never closed: missing '}'");
                const Token& t = c.cur();
                if (c.accept_punct("}")) break;
                if (c.accept_punct(",") || c.accept_punct(";")) continue;
                if (t.kind == Tok::directive) fail(t, "'#' lines are not allowed inside a POD");
                if (t.is_ident("ENUM")) {
                    c.next();
                    pod.enums.push_back(enum_decl(c, t, pod.name));
                    continue;
                }
                if (t.is_ident("FLAG")) {
                    c.next();
                    pod.flags.push_back(flag_decl(c, t, pod.name, pod.enums));
                    continue;
                }
                Param f;
                f.loc = t.loc;
                // a field runs to the next top-level ',' or '}'
                std::size_t stop = c.pos;
                int depth = 0;
                for (; stop < c.end; ++stop) {
                    const Token& s = toks_[stop];
                    if (s.is_punct("<")) ++depth;
                    else if (s.is_punct(">") && depth > 0) --depth;
                    else if (depth == 0 && (s.is_punct(",") || s.is_punct("}") || s.is_punct(";"))) break;
                }
                Cursor fc{&toks_, c.pos, stop};
                f.type = type_name(fc);
                f.name = identifier(fc, "a field name after the type '" + f.type.text() + "' in POD " + pod.name);
                if (!fc.done()) fail(fc.cur(), "unexpected " + describe(fc.cur()) + " in POD " + pod.name);
                c.pos = stop;
                pod.fields.push_back(std::move(f));
            }
        } else {
            fail(c.cur(), "expected '(' or '{' after POD " + pod.name + ", found " + describe(c.cur()));
        }
        c.accept_punct(";");
        doc_.pods.push_back(std::move(pod));
    }

    std::string_view src_;
    std::string file_;
    std::vector<Token> toks_;
    Document& doc_;
};

} // namespace

void parse_into(std::string_view text, const std::string& file, Document& doc) { Parser(text, file, doc).run(); }

} // namespace detail

Document parse_string(std::string_view text, const std::string& file_name) {
    if (text.size() > max_file_bytes)
        throw ParseError(Location{file_name, 1, 1}, "file too large (more than " + std::to_string(max_file_bytes) + " bytes)");
    Document doc;
    detail::parse_into(text, file_name, doc);
    detail::check(doc);
    return doc;
}

Document parse_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ParseError(Location{path, 0, 0}, "cannot open file");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw ParseError(Location{path, 0, 0}, "cannot read file");
    return parse_string(ss.str(), path);
}

} // namespace zro::idl
