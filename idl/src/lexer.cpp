// zro — shared live objects over ZeroMQ.
#include "lexer.hpp"

#include <cctype>

namespace zro::idl::detail {
namespace {

bool ident_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool ident_char(char c) { return ident_start(c) || digit(c); }

// A printable rendering of one byte for messages.
std::string shown(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    static const char* hex = "0123456789abcdef";
    return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

class Lexer {
public:
    Lexer(std::string_view s, const std::string& file) : s_(s), file_(file) {}

    std::vector<Token> run() {
        std::vector<Token> out;
        bool line_start = true;  // only whitespace (or comments) so far on this line
        while (true) {
            // whitespace and comments
            while (i_ < s_.size()) {
                const char c = s_[i_];
                if (c == '\n') {
                    advance();
                    line_start = true;
                } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                    advance();
                } else if (c == '/' && peek(1) == '/') {
                    while (i_ < s_.size() && s_[i_] != '\n') advance();
                } else if (c == '/' && peek(1) == '*') {
                    const Location at = here();
                    advance(), advance();
                    while (i_ < s_.size() && !(s_[i_] == '*' && peek(1) == '/')) advance();
                    if (i_ >= s_.size()) throw ParseError(at, "unterminated comment: '/*' without '*/'");
                    advance(), advance();
                } else {
                    break;
                }
            }
            Token t;
            t.loc = here();
            t.begin = i_;
            if (i_ >= s_.size()) {
                t.kind = Tok::end;
                t.end = i_;
                out.push_back(std::move(t));
                return out;
            }
            const char c = s_[i_];
            if (c == '#') {
                if (!line_start)
                    throw ParseError(t.loc, "'#' must start a line (a preprocessor line or #HEADER / #FOOTER)");
                t.kind = Tok::directive;
                while (i_ < s_.size() && s_[i_] != '\n') advance();
                std::size_t e = i_;
                while (e > t.begin && (s_[e - 1] == '\r' || s_[e - 1] == ' ' || s_[e - 1] == '\t')) --e;
                t.text = std::string(s_.substr(t.begin, e - t.begin));
            } else if (ident_start(c)) {
                t.kind = Tok::ident;
                while (i_ < s_.size() && ident_char(s_[i_])) advance();
                t.text = std::string(s_.substr(t.begin, i_ - t.begin));
            } else if (digit(c) || (c == '.' && digit(peek(1)))) {
                t.kind = Tok::number;
                const bool hex = c == '0' && (peek(1) == 'x' || peek(1) == 'X');
                while (i_ < s_.size()) {
                    const char d = s_[i_];
                    if (ident_char(d) || d == '.') {
                        advance();
                    } else if ((d == '+' || d == '-') && !hex && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E')) {
                        advance();
                    } else {
                        break;
                    }
                }
                t.text = std::string(s_.substr(t.begin, i_ - t.begin));
            } else if (c == '"') {
                t.kind = Tok::string;
                t.text = string_literal(t.loc);
            } else if (c == ':' && peek(1) == ':') {
                t.kind = Tok::punct;
                t.text = "::";
                advance(), advance();
            } else if (std::string_view("(){}<>,;=:&*-+|.[]~!").find(c) != std::string_view::npos) {
                t.kind = Tok::punct;
                t.text = std::string(1, c);
                advance();
            } else {
                throw ParseError(t.loc, "unexpected character " + shown(c));
            }
            t.end = i_;
            line_start = false;
            out.push_back(std::move(t));
        }
    }

private:
    char peek(std::size_t ahead) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
    Location here() const { return Location{file_, line_, col_}; }
    void advance() {
        if (s_[i_] == '\n') {
            ++line_;
            col_ = 1;
        } else {
            ++col_;
        }
        ++i_;
    }

    // Reads "..." (C escapes) starting at the opening quote; returns the decoded bytes.
    std::string string_literal(const Location& at) {
        std::string out;
        advance();  // opening quote
        while (true) {
            if (i_ >= s_.size() || s_[i_] == '\n') throw ParseError(at, "unterminated string literal");
            const char c = s_[i_];
            if (c == '"') {
                advance();
                return out;
            }
            if (c != '\\') {
                out.push_back(c);
                advance();
                continue;
            }
            const Location esc = here();
            advance();
            if (i_ >= s_.size()) throw ParseError(at, "unterminated string literal");
            const char e = s_[i_];
            advance();
            switch (e) {
            case 'n': out.push_back('\n'); break;
            case 't': out.push_back('\t'); break;
            case 'r': out.push_back('\r'); break;
            case '0': out.push_back('\0'); break;
            case '\\': out.push_back('\\'); break;
            case '"': out.push_back('"'); break;
            case '\'': out.push_back('\''); break;
            case 'x': {
                int v = 0, n = 0;
                while (n < 2 && i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) {
                    const char h = s_[i_];
                    v = v * 16 + (digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
                    advance();
                    ++n;
                }
                if (n == 0) throw ParseError(esc, "\\x needs hex digits");
                out.push_back(static_cast<char>(v));
                break;
            }
            default: throw ParseError(esc, std::string("unknown escape sequence '\\") + e + "'");
            }
        }
    }

    std::string_view s_;
    const std::string& file_;
    std::size_t i_ = 0;
    int line_ = 1;
    int col_ = 1;
};

} // namespace

std::vector<Token> lex(std::string_view source, const std::string& file) {
    return Lexer(source, file).run();
}

} // namespace zro::idl::detail
