// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The model parts of `zro get`, `zro set` and `zro watch` (docs/CLI.md, "Item models"): each
/// verb decides whether its arguments name a MODEL member, then hands over to these.

#include "lookup.hpp"

#include <zro/item_model.hpp>

#include <string>

namespace zro::cli {

/// Where in a model a verb reads or writes: the --parent, --rows, --roles, --row, --column
/// options as given (empty when not given).
struct ModelTarget {
    std::string parent;  ///< "0/3"
    std::string rows;    ///< "A:B"
    std::string roles;   ///< "title,seconds"
    std::optional<std::size_t> row;
    std::size_t column = 0;
    bool any_given() const { return !parent.empty() || !rows.empty() || !roles.empty() || row.has_value(); }
};

/// Rows shown when --rows is not given: a first screen.
constexpr std::size_t default_model_rows = 50;

/// `zro get OBJ MODEL`: prints the rows of `target` (table, or one JSON object with --json).
int print_model_rows(const CommonOptions& common, Node& node, Acquired& a, const std::string& object,
                     const std::string& model, const ModelTarget& target, Clock::time_point deadline);

/// `zro set OBJ MODEL --row R ROLE=VALUE`: one cell's role through ModelReplica::set_data.
int set_model_cell(const CommonOptions& common, Node& node, Acquired& a, const std::string& object,
                   const std::string& model, const ModelTarget& target, const std::string& assignment,
                   Clock::time_point deadline, std::chrono::milliseconds timeout);

/// A model change as `zro watch` prints it: the JSON fields after "event":"model" (op, parent,
/// first, count, ...), and the human text after "OBJ.MODEL ".
Value::Map model_change_fields(const ModelChange& change, const std::vector<std::string>& roles);
std::string model_change_text(const ModelChange& change, const std::vector<std::string>& roles);

} // namespace zro::cli
