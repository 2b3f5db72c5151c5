// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Item models for the command line (docs/CLI.md, "Item models"): choosing a MODEL member of an
/// object, parsing the --parent and --rows arguments, and bringing the rows a verb prints into
/// the replica's cache (a ModelReplica holds only the rows it fetched or watches), with errors
/// that name what was looked for and what exists.

#include "cli.hpp"
#include "lookup.hpp"

#include <zro/item_model.hpp>
#include <zro/model_replica.hpp>
#include <zro/schema.hpp>

#include <optional>
#include <string>
#include <vector>

namespace zro::cli {

/// The MODEL member `name` of `object`; CliError(not_found) naming the object's models.
const ModelDef& find_model(const Schema& s, const std::string& object, const std::string& name);
/// `name` if given, else the object's only model (a top-level model's is `model`);
/// CliError(not_found) when it has none, CliError(usage) when it has several and none was named.
const ModelDef& choose_model(const Schema& s, const std::string& object, const std::string& name);

/// "0/3" -> {0, 3}: the rows of a parent's ancestors from the root; "" or "/" is the root.
/// CliError(usage) for anything but numbers separated by '/'.
ModelPath parse_path(const std::string& text);
/// {0, 3} -> "[0,3]", as the JSON output and messages show paths.
std::string path_text(const ModelPath& path);

/// A --rows argument: "A:B" rows A to B-1 (half-open, as Python slices), "A:" from A to the end,
/// ":B" the first B, "A" row A alone.
struct RowRange {
    std::size_t first = 0;
    std::optional<std::size_t> end;  ///< one past the last; none: to the end
};
RowRange parse_rows(const std::string& text);

/// The roles a verb prints: `wanted` (comma-separated names), or all of the member's.
/// CliError(not_found) for a name the member lacks. Returns role indexes.
std::vector<std::size_t> parse_roles(const ModelDef& model, const std::string& wanted);
/// A role name or CliError(not_found) naming the member's roles.
std::size_t find_role(const ModelDef& model, const std::string& role);

/// Runs `node` until every row of `parent` from `first` to `end` (clipped to the row count) is
/// held by `model`, after asking for them; for a non-root parent, first its ancestors' rows (a
/// parent's counts come with its row). Throws CliError(not_found) for a path row out of range,
/// CliError(timeout) when the rows did not come before `deadline`.
void load_rows(Node& node, ModelReplica& model, const ModelPath& parent, std::size_t first, std::size_t end,
               Clock::time_point deadline);
/// Makes the counts of `parent` known (loads its ancestors' rows); the checks of load_rows.
void load_parent(Node& node, ModelReplica& model, const ModelPath& parent, Clock::time_point deadline);

/// Runs `node` until `done()` or `deadline`; returns done().
bool run_until(Node& node, const std::function<bool()>& done, Clock::time_point deadline);

} // namespace zro::cli
