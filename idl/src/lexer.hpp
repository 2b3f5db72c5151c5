// zro — shared live objects over ZeroMQ.
#pragma once
// The .rep lexer: identifiers, numbers, strings, punctuation and whole `#` lines. Comments and
// whitespace (including newlines) are skipped; every token knows its line and column.

#include <zro/idl/ast.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace zro::idl::detail {

enum class Tok : unsigned char {
    ident,      // [A-Za-z_][A-Za-z0-9_]*
    number,     // 12, 0x1F, 1.5, 1e-3, 10u, 2.0f (sign is a separate '-' token)
    string,     // "..." (text holds the decoded bytes)
    punct,      // ( ) { } < > , ; = : :: & * - + | . [ ] ~ !
    directive,  // a line starting with '#' (text: the whole line without the newline)
    end,
};

struct Token {
    Tok kind = Tok::end;
    std::string text;     // identifier / punctuation / directive text, or decoded string
    std::size_t begin = 0;  // byte offsets in the source: [begin, end)
    std::size_t end = 0;
    Location loc;

    bool is(Tok k, std::string_view t) const { return kind == k && text == t; }
    bool is_punct(std::string_view t) const { return is(Tok::punct, t); }
    bool is_ident(std::string_view t) const { return is(Tok::ident, t); }
};

/// Splits `source` into tokens, ending with one Tok::end. Throws ParseError for an
/// unterminated comment or string, or a character that has no place in a .rep file.
std::vector<Token> lex(std::string_view source, const std::string& file);

} // namespace zro::idl::detail
