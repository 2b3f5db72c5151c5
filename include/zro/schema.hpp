// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Schema`: the shape of a remotable class — enums, PODs, properties, signals and methods —
/// and its signature, the hash both ends compare before a replica may attach to a source.
///
/// Types are written as strings in a small canonical grammar (docs/PROTOCOL.md, "Types"):
///
///     bool | int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64
///     float | double | string | bytes | var
///     list<T> | map<K,V> | <Name> (an enum or a POD declared earlier in the same schema)
///
/// `var` accepts any value. `int` is accepted as an alias of `int32` and normalised.
/// Each member's type is parsed once, when the member is added (`parsed_type`, a `zro::Type`):
/// checking a value against it (`accepts`) parses nothing.
/// The signature is order-sensitive: reordering, adding, removing or retyping any member
/// changes it (the IDL compiler computes the same hash from a .rep file).

#include <zro/type.hpp>
#include <zro/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zro {

/// How a property may change (QtRO's PROP modes).
enum class PropertyMode : std::uint8_t {
    read_push = 0,           ///< replicas may ask the source to set it (push); the default
    read_write = 1,          ///< replicas may set it directly
    read_only = 2,           ///< only the source changes it
    constant = 3,            ///< set once when the source is created; never changes
    source_only_setter = 4,  ///< like read_only, and the source API exposes no public setter
};
std::string_view to_string(PropertyMode m) noexcept;  ///< "READPUSH", "READWRITE", ...
/// Parses "READPUSH" / "READWRITE" / "READONLY" / "CONSTANT" / "SOURCEONLYSETTER".
std::optional<PropertyMode> property_mode_from_string(std::string_view s) noexcept;

// In the definitions below, `type` is the canonical spelling and `parsed_type` the same type
// parsed and resolved against the schema. The Schema fills `parsed_type` in when it stores a
// definition (a definition built by hand leaves it `var`); comparisons look at the spelling.

/// A method or signal parameter, or a POD field.
struct Parameter {
    std::string name;  ///< may be empty for parameters (as in .rep files), not for POD fields
    std::string type;
    Type parsed_type{};
    bool operator==(const Parameter& o) const { return name == o.name && type == o.type; }
};

struct PropertyDef {
    std::string name;
    std::string type;
    Value default_value;                     ///< nil means "the type's zero value"
    PropertyMode mode = PropertyMode::read_push;
    /// Opt-in latest-value-wins coalescing within one loop turn (for high-rate sensors).
    /// Not part of the signature: it changes delivery, not the shape.
    bool coalesce = false;
    Type parsed_type{};
    bool operator==(const PropertyDef& o) const {
        return name == o.name && type == o.type && default_value == o.default_value &&
               mode == o.mode && coalesce == o.coalesce;
    }
};

struct SignalDef {
    std::string name;
    std::vector<Parameter> params;
    bool operator==(const SignalDef&) const = default;
};

struct MethodDef {
    std::string name;
    std::vector<Parameter> params;
    std::string return_type = "void";  ///< "void" for none
    Type parsed_return_type{Type::Kind::none};
    bool operator==(const MethodDef& o) const {
        return name == o.name && params == o.params && return_type == o.return_type;
    }
};

struct EnumDef {
    std::string name;
    std::vector<std::pair<std::string, std::int64_t>> values;
    bool operator==(const EnumDef&) const = default;
};

/// A plain value type (a .rep POD): its value is a list of its fields' values, in order.
struct PodDef {
    std::string name;
    std::vector<Parameter> fields;  ///< named; types may name enums and earlier PODs
    bool operator==(const PodDef&) const = default;
};

/// A MODEL member (an item model the source shares as part of the object, docs/MODELS.md): its
/// name (in the namespace of properties) and the roles replicas see, in order.
struct ModelDef {
    std::string name;
    std::vector<std::string> roles;  ///< at least one; names as for members
    bool operator==(const ModelDef&) const = default;
};

/// A class schema. Build it with the fluent `add_*` calls (each validates and throws
/// `Error(invalid_schema)` on a duplicate or invalid name or type; a type may name only the
/// enums and PODs added before it), or read one with `from_value`.
class Schema {
public:
    Schema() = default;
    explicit Schema(std::string type_name);

    Schema& add_enum(std::string name, std::vector<std::pair<std::string, std::int64_t>> values);
    /// A POD; its fields' types may name the enums and PODs added before it.
    Schema& add_pod(std::string name, std::vector<Parameter> fields);
    Schema& add_property(std::string name, std::string type, Value default_value = {},
                         PropertyMode mode = PropertyMode::read_push, bool coalesce = false);
    Schema& add_signal(std::string name, std::vector<Parameter> params = {});
    Schema& add_method(std::string name, std::vector<Parameter> params = {},
                       std::string return_type = "void");
    /// A MODEL member with its roles (at least one); its name may not be a property's.
    Schema& add_model(std::string name, std::vector<std::string> roles);

    const std::string& type_name() const noexcept { return type_name_; }
    const std::vector<PropertyDef>& properties() const noexcept { return properties_; }
    const std::vector<SignalDef>& signals() const noexcept { return signals_; }
    const std::vector<MethodDef>& methods() const noexcept { return methods_; }
    const std::vector<EnumDef>& enums() const noexcept { return enums_; }
    const std::vector<PodDef>& pods() const noexcept { return pods_; }
    const std::vector<ModelDef>& models() const noexcept { return models_; }

    /// Index of a member by name, or nullopt.
    std::optional<std::size_t> property_index(std::string_view name) const noexcept;
    std::optional<std::size_t> signal_index(std::string_view name) const noexcept;
    std::optional<std::size_t> method_index(std::string_view name) const noexcept;
    std::optional<std::size_t> model_index(std::string_view name) const noexcept;
    const EnumDef* find_enum(std::string_view name) const noexcept;
    const PodDef* find_pod(std::string_view name) const noexcept;

    /// Checks names (non-empty, [A-Za-z_][A-Za-z0-9_]*, ≤ 255 bytes, unique per kind; enums and
    /// PODs share one kind), types and defaults. Throws `Error(invalid_schema)` naming the offending member.
    void validate() const;

    /// The canonical text the signature is computed from (docs/PROTOCOL.md, "Signature").
    std::string canonical_text() const;
    /// 16 lowercase hex digits: FNV-1a 64 of `canonical_text()`. Cached after first use.
    const std::string& signature() const;

    /// `text` parsed and its names resolved against this schema's enums and PODs (e.g. to
    /// convert user input to a member's type). Throws `Error(invalid_schema)` naming the text
    /// for a spelling outside the grammar, an unknown name, or `void` below the top.
    Type parse_type(std::string_view text) const;

    /// Whether `v` is acceptable for `type`, a type of this schema (a member's `parsed_type` or
    /// a `parse_type` result): enums accept their integer values, a POD a list of its fields.
    /// Allocates nothing; a `named` type (not resolved) accepts nothing.
    bool accepts(const Type& type, const Value& v) const noexcept;
    /// The same for a spelling, parsed first (false when it is not a type of this schema).
    bool accepts(std::string_view type, const Value& v) const noexcept;
    /// Like `accepts`, but throws `Error(bad_arguments)` with a message naming `what`
    /// (e.g. "argument 1 of server_slot"), the expected type and the value seen; a spelling that
    /// is not a type of this schema throws `Error(invalid_schema)`.
    void check(const Type& type, const Value& v, std::string_view what) const;
    void check(std::string_view type, const Value& v, std::string_view what) const;
    /// The value a property of `type` starts with when no default is given (false, 0, "", [],
    /// the first enumerator, a POD's fields' zero values, ...).
    Value zero_value(const Type& type) const;
    Value zero_value(std::string_view type) const;

    /// Lossless conversion to and from a Value (the form SNAPSHOT carries to dynamic replicas;
    /// layout in docs/PROTOCOL.md). `from_value` validates and throws `Error(invalid_schema)`
    /// or `Error(malformed_message)` for a shape it cannot read.
    Value to_value() const;
    static Schema from_value(const Value& v);

    bool operator==(const Schema& o) const;

private:
    void invalidate_cache() noexcept { signature_.clear(); }
    // `t` with its named parts turned into enumeration / pod references; the first name that
    // is neither (or a void below the top) is put in `unknown` and nullopt returned.
    std::optional<Type> resolve(const Type& t, bool top, std::string& unknown) const;
    // Validates, then stores every member's parsed type and canonical spelling (from_value
    // fills the vectors with the spellings it read).
    void resolve_all();

    std::string type_name_;
    std::vector<PropertyDef> properties_;
    std::vector<SignalDef> signals_;
    std::vector<MethodDef> methods_;
    std::vector<EnumDef> enums_;
    std::vector<PodDef> pods_;
    std::vector<ModelDef> models_;
    mutable std::string signature_;
};

/// Normalises a type spelling ("int" → "int32", spaces removed in "map<string, int>");
/// returns nullopt when it is not in the grammar above (`Type::parse` says why). Enum and POD
/// names are not checked here.
std::optional<std::string> normalize_type(std::string_view type);

} // namespace zro
