// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Type`: a schema type parsed once, so checking a value against it parses nothing.
///
///     zro::Type t = zro::Type::parse("map<string, list<int>>");
///     t.kind();                    // Type::Kind::map
///     t.mapped().element().kind(); // Type::Kind::int32
///     t.spelling();                // "map<string,list<int32>>" (canonical)
///
/// The grammar (docs/PROTOCOL.md §3) is written in one place, src/core/type.cpp:
///
///     type := bool | int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64
///           | float | double | string | bytes | var
///           | list<type> | map<type,type> | Name
///
/// `int` and `uint` are aliases of `int32` and `uint32`; spaces and tabs may separate tokens.
/// `Name` is an enum or a POD of the schema the type belongs to. `Type::parse` cannot know which
/// and returns it as `Kind::named`; `Schema::parse_type` (and every type stored in a Schema)
/// resolves it to `Kind::enumeration` or `Kind::pod`, with the index of its definition in
/// `Schema::enums()` or `Schema::pods()`. `void` (a method without result) is `Kind::none`.
///
/// A Type is an immutable value: copies share their element types, and it is safe to read one
/// from several threads.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace zro {

class Type {
public:
    enum class Kind : std::uint8_t {
        boolean, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
        float32,      ///< `float`
        float64,      ///< `double`
        string, bytes,
        var,          ///< any value
        list,         ///< `list<T>`: element()
        map,          ///< `map<K,V>`: key(), mapped()
        enumeration,  ///< an enum of the schema: name(), definition()
        pod,          ///< a POD of the schema: name(), definition()
        named,        ///< a name not resolved against a schema yet: name()
        none,         ///< `void`: a method's empty result (only nil fits)
    };

    /// `var`.
    Type() noexcept = default;
    /// A type without arguments or name: a scalar, `var` or `void` (`Kind::none`). Throws
    /// `Error(invalid_schema)` for list, map and the named kinds, which need their parts.
    explicit Type(Kind scalar);
    static Type list_of(Type element);
    static Type map_of(Type key, Type mapped);
    /// An enum or POD by name, to be resolved by a Schema.
    static Type named(std::string name);
    /// Parses `text`; throws `Error(invalid_schema)` naming the text and what is wrong at which
    /// offset ("invalid type 'list<int': expected '>' at offset 8"). Nesting is limited to 32.
    static Type parse(std::string_view text);

    Kind kind() const noexcept { return kind_; }
    bool is_integer() const noexcept { return kind_ >= Kind::int8 && kind_ <= Kind::uint64; }
    /// list: the element type. Throws `Error(invalid_state)` on another kind.
    const Type& element() const;
    /// map: the key and the value type. Throw `Error(invalid_state)` on another kind.
    const Type& key() const;
    const Type& mapped() const;
    /// enumeration, pod and named: the name. Throws `Error(invalid_state)` on another kind.
    const std::string& name() const;
    /// enumeration, pod: the index of the definition in Schema::enums() / Schema::pods().
    std::uint32_t definition() const noexcept { return definition_; }

    /// The canonical spelling: no spaces, aliases replaced ("map<string,list<int32>>").
    std::string spelling() const;
    /// Appends the canonical spelling to `out`.
    void append_spelling(std::string& out) const;

    /// Same kind, same parts, same name and definition.
    bool operator==(const Type& other) const noexcept;

private:
    friend class Schema;  // resolves named types to enumeration / pod
    struct Parts;         // element / key and value types, or the name
    Type(Kind kind, std::shared_ptr<const Parts> parts, std::uint32_t definition = 0) noexcept;
    const Parts& parts(Kind want, const char* accessor) const;

    Kind kind_ = Kind::var;
    std::uint32_t definition_ = 0;
    std::shared_ptr<const Parts> parts_;
};

/// "bool", "int32", ..., "list", "map", "void"; a named kind gives "enum", "POD" or "name".
std::string_view to_string(Type::Kind kind) noexcept;

} // namespace zro
