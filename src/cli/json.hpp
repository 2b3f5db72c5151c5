// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// JSON <-> zro::Value for the command line (docs/CLI.md, "Values").
///
/// null, true/false, numbers, strings, arrays and objects map onto nil, bool, int/uint/double,
/// string, list and string-keyed map. An integer literal is an int (uint above int64's range), a
/// literal with '.' or an exponent is a double. Bytes print as {"$bytes":"<hex>"}. Maps whose keys
/// are not strings print as objects with each key's JSON text as the name ({"1":"a"}); `coerce`
/// turns such names back into keys of the schema's key type.

#include <zro/schema.hpp>
#include <zro/value.hpp>

#include <string>
#include <string_view>

namespace zro::cli {

/// Parses one JSON text. Throws CliError(usage) "bad JSON: ... at offset N".
Value parse_json(std::string_view text);
/// Compact JSON (one line).
std::string to_json(const Value& v);
/// A JSON string literal with escapes.
std::string json_string(std::string_view s);

/// Best-effort conversion of a value parsed from JSON to schema type `type`: integers to double for
/// float/double, enumerator names to their numbers, {"$bytes":hex} or a hex string to bytes, object
/// names to map keys of the key type, recursively through list<> and map<>. Values that cannot be
/// converted are returned unchanged (the schema check then names the mismatch).
Value coerce(const Value& v, std::string_view type, const Schema& schema);

/// A command-line value for `type`: JSON if it parses, else the text as a string (so
/// `zro set Obj name hello` and `zro call Obj setMode Fast` work without quotes), then `coerce`d.
Value parse_arg(std::string_view text, std::string_view type, const Schema& schema);

/// Human rendering: JSON, with enum values shown by name ("Red (0)").
std::string value_text(const Value& v, std::string_view type, const Schema& schema);

/// Whether `v` is an integer (int or uint) equal to `n`.
bool equals_integer(const Value& v, std::int64_t n) noexcept;

/// Splits "list<T>" / "map<K,V>": returns true and fills `base` ("list"/"map") and `args`.
bool split_type(std::string_view type, std::string& base, std::vector<std::string>& args);

} // namespace zro::cli
