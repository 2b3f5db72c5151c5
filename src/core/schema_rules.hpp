// zro — shared live objects over ZeroMQ.
#pragma once
// What the schema's source files share (src/core/schema*.cpp): the limits of a schema, the
// member checks add_* and validate() make, and the value checks behind accepts().

#include <zro/schema.hpp>

#include <string>
#include <string_view>

namespace zro::schema_rules {

// Longest member, enum, POD or class name (so names fit a one-byte length on any future wire form).
inline constexpr std::size_t max_name_bytes = 255;
// Most entries per member list, enumerators, fields or parameters accepted from a peer or a builder.
inline constexpr std::size_t max_members = 65535;

/// A name as error messages show it: quoted, control bytes replaced, long names cut.
std::string quoted(std::string_view s);
/// Throws Error(invalid_schema, "<class>: <where>: <what>").
[[noreturn]] void invalid(const Schema& s, const std::string& where, const std::string& what);

// ---- member checks (schema_checks.cpp) ------------------------------------------------------
// Each throws invalid_schema naming the member, and returns the types it parsed so the caller
// can store them.

void check_class_name(std::string_view name);
void check_enum(const Schema& s, const EnumDef& e);
/// The fields' types; PODs may name only the PODs before them (`index` is this POD's position).
std::vector<Type> check_pod(const Schema& s, const PodDef& p, std::size_t index);
Type check_property(const Schema& s, const PropertyDef& p);
std::vector<Type> check_signal(const Schema& s, const SignalDef& sig);
/// The parameters' types, then the return type.
std::vector<Type> check_method(const Schema& s, const MethodDef& m);
/// Name and roles (at least one, valid and distinct names).
void check_model(const Schema& s, const ModelDef& m);
/// `name` is free for one more enum / POD (they share one namespace) or member of `kind`.
void check_new_type_name(const Schema& s, std::string_view kind, std::string_view name);
template <class Def>
void check_new_name(const Schema& s, std::string_view kind, const std::vector<Def>& items,
                    std::string_view name);
/// No two entries share a name (a hash set: from_value may see 65535 of them).
void check_unique_names(const Schema& s);

// ---- value checks (schema_values.cpp) -------------------------------------------------------

/// Whether `v` fits `t`. On failure, and only when `why` is given, says why (the cold path
/// builds strings; accepts() passes nullptr and allocates nothing).
bool fits(const Schema& s, const Type& t, const Value& v, std::string* why);
/// The value of type `t` a property starts with when it has no default.
Value zero_of(const Schema& s, const Type& t);

// ---- template definitions -------------------------------------------------------------------

template <class Def>
void check_new_name(const Schema& s, std::string_view kind, const std::vector<Def>& items,
                    std::string_view name) {
    if (items.size() >= max_members)
        invalid(s, std::string(kind) + "s", std::to_string(items.size() + 1) + " entries (at most 65535)");
    for (const auto& d : items)
        if (d.name == name) invalid(s, std::string(kind) + " " + quoted(name), "duplicate name");
}

} // namespace zro::schema_rules
