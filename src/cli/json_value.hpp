// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// JSON and zro::Value for the command line (docs/CLI.md, "Values"). nlohmann-json reads and
/// writes the JSON text; this module is zro's own part: fitting JSON to a schema type, and
/// printing a Value as JSON.
///
/// Without a type, null, true/false, numbers, strings, arrays and objects map onto nil, bool,
/// int (uint above int64's range) or double (a literal with '.' or an exponent), string, list and
/// string-keyed map. With a type (a member's parsed `zro::Type`, resolved against its schema),
/// JSON is fitted to it first: integers become doubles for float/double, enumerator names their
/// numbers, {"$bytes":hex} or a hex string bytes, object member names map keys of the key type,
/// and a POD is an object with its field names ({"celsius":21.5,"unit":"C"}) or a list of its
/// fields in order. What cannot be fitted is converted as without a type, so the schema check
/// that follows names the mismatch; a POD object with an unknown or a missing field is refused
/// here, naming the field. Output goes the other way: `with_field_names` turns each POD's field
/// list into an object before a Value is printed. No type string is parsed here: the schema's
/// parsed types are the one type grammar (src/core/type.cpp).

#include <zro/schema.hpp>
#include <zro/type.hpp>
#include <zro/value.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zro::cli {

/// A JSON document. `ordered_json` keeps object members in the order they were written, so
/// output lines read {"time","object","event",...} and stdin lines keep theirs.
using Json = nlohmann::ordered_json;

/// Parses one JSON text. Throws CliError(usage) "bad JSON: <why> at offset N in '<text>'", N the
/// 0-based byte offset where parsing stopped (the text's length for a text that ends too early).
Json parse_json(std::string_view text);

/// JSON as a Value of `type`, a type of `schema` (see the file comment). Throws
/// CliError(bad_value) for a POD object with a field the POD does not have or without one it has.
Value to_value(const Json& json, const Type& type, const Schema& schema);
/// JSON as a Value without a type.
Value to_value(const Json& json);

/// A command-line argument as a Value of `type`: the text as JSON if it parses, else the text as
/// a string (so `zro set Obj name hello` and `zro call Obj setMode Fast` need no quotes).
Value arg_value(std::string_view text, const Type& type, const Schema& schema);

/// `value` (of `type`, a type of `schema`) for printing: every POD inside it, which travels as
/// the list of its fields, becomes a map from field name to field value. What does not have
/// the POD's shape is returned as it is.
Value with_field_names(const Value& value, const Type& type, const Schema& schema);
/// The same for a list of arguments of `params` (a method's or a signal's).
Value with_field_names(const std::vector<Value>& args, const std::vector<Parameter>& params, const Schema& schema);

/// A Value as JSON: bytes as {"$bytes":"<hex>"}, a map whose keys are not strings as an object
/// named by each key's JSON text ({"1":"a"}), NaN and infinities as null (JSON has none).
Json to_json(const Value& value);
/// Compact, one-line JSON text. Strings are escaped by nlohmann-json; bytes that are not UTF-8
/// are printed as U+FFFD.
std::string json_text(const Json& json);
std::string json_text(const Value& value);

/// Human rendering of a value of `type`: its JSON text with PODs as objects, an enum value with
/// its name ("Eco (1)").
std::string value_text(const Value& value, const Type& type, const Schema& schema);

/// Whether `v` is an integer (int or uint) equal to `n`.
bool equals_integer(const Value& v, std::int64_t n) noexcept;

} // namespace zro::cli
