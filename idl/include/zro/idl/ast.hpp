// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The IDL front end: QtRO `.rep` files parsed into a `Document` (docs/IDL.md).
///
///     auto doc = zro::idl::parse_file("simpleswitch.rep");      // throws ParseError
///     zro::Schema schema = zro::idl::to_schema(doc, "SimpleSwitch");
///
/// `parse_file` / `parse_string` run the lexer, the parser and the semantic checks, so a
/// Document they return is valid: every type resolves, defaults fit their types, names do not
/// collide in generated code. The first problem found is thrown as a `ParseError` whose
/// `what()` reads like a compiler's: `file.rep:12:5: error: unknown type 'QPoint'`.
///
/// Used by `zroc` (the code generator) and by anything else that wants a `zro::Schema` from a
/// .rep class (e.g. a mock source). Not thread-safe; distinct Documents are independent.

#include <zro/schema.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace zro::idl {

/// A position in a .rep file: 1-based line and column (columns count bytes).
struct Location {
    std::string file;
    int line = 0;
    int column = 0;
};
/// "file:line:col".
std::string to_string(const Location& loc);

/// The error every stage throws; `what()` is "file:line:col: error: message".
class ParseError : public std::runtime_error {
public:
    ParseError(Location loc, std::string message);
    const Location& location() const noexcept { return loc_; }
    /// The message without the location prefix.
    const std::string& message() const noexcept { return message_; }

private:
    Location loc_;
    std::string message_;
};

/// Something worth telling that does not stop compilation ("file:line:col: warning: ...").
struct Diagnostic {
    Location loc;
    std::string message;
    std::string to_string() const;
};

/// A type as written: `QMap<int, QList<int>>` is {name "QMap", args {int, {QList, {int}}}}.
/// `name` may be qualified (`Qt::DateFormat`) or several words (`unsigned int`).
struct TypeName {
    Location loc;
    std::string name;
    std::vector<TypeName> args;
    /// Spelling without spaces around punctuation: "QMap<int,QList<int>>".
    std::string text() const;
};

/// A default value as written. Only literals and enumerator names are meaningful; anything
/// else is kept as `raw` so the checker can name it in an error.
struct Literal {
    enum class Kind : std::uint8_t { boolean, integer, floating, string, name, empty_braces, raw };
    Kind kind = Kind::raw;
    Location loc;
    bool boolean = false;
    bool negative = false;         ///< integer: the magnitude below carries the sign separately
    std::uint64_t magnitude = 0;   ///< integer: absolute value
    double floating = 0;           ///< floating (and integers, for convenience)
    std::string text;              ///< string: the decoded bytes; name: "A::B"; raw: the source text
    std::string source;            ///< as written
};

struct Enumerator {
    Location loc;
    std::string name;
    std::int64_t value = 0;
};

struct EnumDecl {
    Location loc;
    std::string name;
    bool scoped = false;                  ///< `ENUM class X` (zro always generates enum class)
    std::optional<TypeName> underlying;   ///< `: quint16`
    std::vector<Enumerator> values;
    std::string scope;                    ///< "" for a global enum, else the class or POD name
};

struct FlagDecl {
    Location loc;
    std::string name;       ///< the flags type
    std::string enum_name;  ///< the enum it combines (same scope)
    std::string scope;      ///< "" global, else the class or POD name
};

/// A function parameter or a POD field.
struct Param {
    Location loc;
    TypeName type;
    std::string name;                ///< empty when unnamed (zroc names it argN)
    std::optional<Literal> default_value;
};

struct PodDecl {
    Location loc;
    std::string name;
    std::vector<Param> fields;
    std::vector<EnumDecl> enums;     ///< brace form only
    std::vector<FlagDecl> flags;     ///< brace form only
};

struct PropertyDecl {
    enum class Kind : std::uint8_t { value, child, model };
    Kind kind = Kind::value;
    Location loc;
    TypeName type;                    ///< child: the class name; model: empty
    std::string name;
    std::optional<Literal> default_value;
    PropertyMode mode = PropertyMode::read_push;
    bool persisted = false;
    std::vector<std::string> roles;   ///< model only
};

struct FunctionDecl {
    Location loc;
    std::string name;
    std::optional<TypeName> return_type;  ///< none (or `void`) for void
    std::vector<Param> params;
};

struct ClassDecl {
    Location loc;
    std::string name;
    std::string attribute;  ///< `class MYLIB_EXPORT Foo`: "MYLIB_EXPORT"
    std::vector<PropertyDecl> properties;
    std::vector<FunctionDecl> signals;
    std::vector<FunctionDecl> slots;
    std::vector<EnumDecl> enums;
    std::vector<FlagDecl> flags;
};

/// `USE_ENUM(Scope::Enum)`: an enum declared in a C++ header the .rep file includes.
struct UseEnum {
    Location loc;
    std::string name;
};

/// One `#` line outside `#HEADER` / `#FOOTER`, copied to the generated headers.
struct Directive {
    Location loc;
    std::string text;  ///< the whole line, e.g. "#include \"temperature.h\""
};

struct Document {
    std::string file;
    std::vector<Directive> directives;
    std::vector<std::string> header;  ///< `#HEADER` lines (the keyword and one space stripped)
    std::vector<std::string> footer;  ///< `#FOOTER` lines
    std::vector<EnumDecl> enums;      ///< global enums
    std::vector<FlagDecl> flags;      ///< global flags
    std::vector<PodDecl> pods;
    std::vector<ClassDecl> classes;
    std::vector<UseEnum> use_enums;
    std::vector<Diagnostic> warnings;

    const ClassDecl* find_class(std::string_view name) const noexcept;
};

/// Parses and checks a .rep file. Throws ParseError (also for a file that cannot be read,
/// located at "path:0:0").
Document parse_file(const std::string& path);
/// Same for text in memory; `file_name` is what locations show.
Document parse_string(std::string_view text, const std::string& file_name = "<input>");

/// The runtime schema of class `class_name` (its signature is the one generated code embeds).
/// Throws ParseError if the class does not exist or cannot be expressed (e.g. it has a MODEL).
Schema to_schema(const Document& doc, std::string_view class_name);

/// Limits on input a .rep file cannot exceed (fuzzing, hostile input).
inline constexpr std::size_t max_file_bytes = 16u << 20;
inline constexpr int max_type_depth = 32;

} // namespace zro::idl
