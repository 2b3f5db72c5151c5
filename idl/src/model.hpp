// zro — shared live objects over ZeroMQ.
#pragma once
// The checked model of a Document: every type resolved to its C++ spelling and its zro schema
// type, every default evaluated, every generated name chosen. Built by the checker (so errors
// carry locations), used by to_schema and by the C++ generator.

#include <zro/idl/ast.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zro::idl::detail {

enum class Scalar : unsigned char {
    none, boolean, i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, string, bytes, var, date_time, date, time,
};

struct Resolved {
    enum class Kind : unsigned char { scalar, list, map, enumeration, flags, external_enum, external, pod, child };
    Kind kind = Kind::scalar;
    Scalar scalar = Scalar::none;
    std::string cpp;  ///< C++ spelling, valid inside the generated headers' namespace
    Type zro;         ///< schema type (int32, list<string>, an enum or POD by name, ...)
    std::vector<Resolved> args;
    const EnumDecl* enum_decl = nullptr;    ///< enumeration, and flags (its enum)
    const FlagDecl* flag_decl = nullptr;
    const PodDecl* pod = nullptr;
    const ClassDecl* cls = nullptr;          ///< child
    std::string external;                    ///< external_enum: the USE_ENUM name; external: the C++ type
    std::size_t external_index = 0;          ///< external: its index in Model::external_types

    bool is_integer() const;
};

/// A default value turned into a runtime Value and a C++ initializer.
struct Evaluated {
    Value value;      ///< nil when the runtime cannot know it (external enums)
    std::string cpp;  ///< an expression of the property's C++ type
};

struct PropertyModel {
    const PropertyDecl* decl = nullptr;
    std::size_t index = 0;
    Resolved type;
    std::string id;      ///< snake_case name used in generated code
    Evaluated initial;   ///< the default, or the type's zero value
    bool has_default = false;
    /// CLASS sub-object: type.cls is the child class; the value on the wire is the child's
    /// object name (a string) or nil.
    bool is_child() const { return type.kind == Resolved::Kind::child; }
};

/// A MODEL member: an item model the source shares as part of the object (docs/MODELS.md).
struct ModelMemberModel {
    const PropertyDecl* decl = nullptr;
    std::size_t index = 0;           ///< position among the class's models (schema order)
    std::string id;                  ///< snake_case accessor name
    std::vector<std::string> role_ids;  ///< "<id>_role_<role>" constants, one per role
};

struct ParamModel {
    std::string id;      ///< snake_case, or argN for unnamed
    Resolved type;
    std::optional<Evaluated> default_value;
};

struct FunctionModel {
    const FunctionDecl* decl = nullptr;
    std::size_t index = 0;
    std::string id;
    std::vector<ParamModel> params;
    std::optional<Resolved> ret;
};

struct EnumModel {
    const EnumDecl* decl = nullptr;
    std::string cpp;          ///< qualified C++ type name
    std::string underlying;   ///< C++ integer type
    Scalar underlying_scalar = Scalar::i32;
};

struct FlagModel {
    const FlagDecl* decl = nullptr;
    const EnumDecl* enum_decl = nullptr;
};

struct PodModel {
    const PodDecl* decl = nullptr;
    std::vector<ParamModel> fields;  ///< ids are the field names as written
    std::vector<EnumModel> enums;
    std::vector<FlagModel> flags;
};

/// A piece of a schema spelling or canonical text: literal text, or an external type (the
/// C++ spelling of the type whose zro::external_type<T>::schema_type goes there).
struct SpellingPart {
    bool external = false;
    std::string text;
};

struct ClassModel {
    const ClassDecl* decl = nullptr;
    std::vector<PropertyModel> properties;
    std::vector<FunctionModel> signals;
    std::vector<FunctionModel> slots;
    std::vector<ModelMemberModel> models;
    std::vector<EnumModel> enums;            ///< the class's own
    std::vector<FlagModel> flags;
    std::vector<const EnumDecl*> schema_enums;  ///< own enums, then the others it uses
    std::vector<const PodModel*> schema_pods;   ///< the PODs it uses, each after those it contains
    Schema schema;   ///< with externals: their placeholders (see external_placeholder)
    std::vector<std::size_t> externals;      ///< indexes in Model::external_types it uses
    /// With externals: the canonical text cut at each external type, whose schema_type only
    /// C++ knows; generated code hashes the parts at compile time.
    std::vector<SpellingPart> canonical_parts;
    bool has_persisted = false;
    bool has_children = false;
};

struct Model {
    /// Types from C++ headers (docs/IDL.md, "Types from C++ headers"), C++ spelling, in order
    /// of first use.
    std::vector<std::string> external_types;
    std::vector<EnumModel> enums;  ///< global
    std::vector<FlagModel> flags;  ///< global
    std::vector<PodModel> pods;
    std::vector<ClassModel> classes;
    std::vector<Diagnostic> warnings;
};

/// Runs the parser only (no checks).
void parse_into(std::string_view text, const std::string& file, Document& doc);
/// Builds the model; throws ParseError for the first problem.
Model build_model(const Document& doc);
/// Checks the document by building its model; adds the checker's warnings to `doc.warnings`.
void check(Document& doc);

/// The name zroc's own schema gives external type #index ("zro_external_<index>_": .rep names
/// cannot start with zro_, so it never meets a real one).
std::string external_placeholder(std::size_t index);
/// `text` (a type spelling or a canonical text) cut at every placeholder.
std::vector<SpellingPart> split_external(std::string_view text, const std::vector<std::string>& external_types);
/// `#include ...` lines, and those that include a Qt header (`<Q...>` or `"Q..."`).
bool is_include(std::string_view directive);
bool is_qt_include(std::string_view directive);

/// "currState" -> "curr_state", "URLPath" -> "url_path".
std::string snake_case(std::string_view name);
/// C++ keywords and alternative tokens.
bool is_cpp_keyword(std::string_view word);
/// The C++ spelling of a scalar's type.
std::string scalar_cpp(Scalar s);

} // namespace zro::idl::detail
