// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// JSON and zro::Value for the command line (docs/CLI.md, "Values"). nlohmann-json reads and
/// writes the JSON text; this module is zro's own part: fitting JSON to a schema type, and
/// printing a Value as JSON.
///
/// Without a type, null, true/false, numbers, strings, arrays and objects map onto nil, bool,
/// int (uint above int64's range) or double (a literal with '.' or an exponent), string, list and
/// string-keyed map. With a type (a schema type string such as "double", "list<Mode>",
/// "map<int32,string>"), JSON is fitted to it first: integers become doubles for float/double,
/// enumerator names their numbers, {"$bytes":hex} or a hex string bytes, object member names map
/// keys of the key type. What cannot be fitted is converted as without a type, so the schema check
/// that follows names the mismatch. Every use of the type string is in json_value.cpp.

#include <zro/schema.hpp>
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

/// JSON as a Value of schema type `type` (see the file comment); `schema` resolves enum names.
Value to_value(const Json& json, std::string_view type, const Schema& schema);
/// JSON as a Value without a type.
Value to_value(const Json& json);

/// A command-line argument as a Value of `type`: the text as JSON if it parses, else the text as
/// a string (so `zro set Obj name hello` and `zro call Obj setMode Fast` need no quotes).
Value arg_value(std::string_view text, std::string_view type, const Schema& schema);

/// A Value as JSON: bytes as {"$bytes":"<hex>"}, a map whose keys are not strings as an object
/// named by each key's JSON text ({"1":"a"}), NaN and infinities as null (JSON has none).
Json to_json(const Value& value);
/// Compact, one-line JSON text. Strings are escaped by nlohmann-json; bytes that are not UTF-8
/// are printed as U+FFFD.
std::string json_text(const Json& json);
std::string json_text(const Value& value);

/// Human rendering of a value of `type`: its JSON text, enum values with their name ("Eco (1)").
std::string value_text(const Value& value, std::string_view type, const Schema& schema);

/// Whether `v` is an integer (int or uint) equal to `n`.
bool equals_integer(const Value& v, std::int64_t n) noexcept;

/// Splits "list<T>" / "map<K,V>": returns true and fills `base` ("list"/"map") and `args`.
bool split_type(std::string_view type, std::string& base, std::vector<std::string>& args);

} // namespace zro::cli
