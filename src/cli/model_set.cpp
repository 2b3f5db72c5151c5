// zro — shared live objects over ZeroMQ.
// `zro set OBJ MODEL --row R [--column C] [--parent PATH] ROLE=VALUE`: edit one cell of a model.

#include "model_access.hpp"
#include "model_verbs.hpp"

#include <zro/dynamic_replica.hpp>

namespace zro::cli {

int set_model_cell(const CommonOptions& common, Node&, Acquired& a, const std::string& object,
                   const std::string& model_name, const ModelTarget& target, const std::string& assignment,
                   Clock::time_point deadline, std::chrono::milliseconds timeout) {
    const Schema& s = a.replica->schema();
    const ModelDef& def = choose_model(s, object, model_name);
    if (!target.row) throw CliError(Exit::usage, "editing model '" + def.name + "' needs --row R (and ROLE=VALUE)");
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw CliError(Exit::usage, "'" + assignment + "': expected ROLE=VALUE (roles of '" + def.name + "': " + join_names(def.roles) + ")");
    const std::string role_name = assignment.substr(0, eq);
    const std::size_t role = find_role(def, role_name);
    const Value value = arg_value(assignment.substr(eq + 1), Type(), s);  // roles are untyped
    const ModelPath parent = parse_path(target.parent);
    const std::size_t row = *target.row, column = target.column;

    // The source checks the item against its counts and its flags, and answers with the reason.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 1) left = std::chrono::milliseconds(1);
    auto reply = a.replica->model(def.name).set_data(parent, row, column, role, value, left);
    reply.wait(left + std::chrono::milliseconds(100));
    const std::string what = object + "." + def.name + " " + path_text(parent) + " row " + std::to_string(row) + " column " +
                             std::to_string(column) + " " + role_name;
    if (!reply.finished() || (reply.error() && reply.error()->code == ErrorCode::timeout))
        throw CliError(Exit::timeout, "no answer to setting " + what + " within " + format_duration(timeout));
    if (auto err = reply.error())
        throw CliError(exit_for(err->code), "setting " + what + " to " + json_text(value) + " failed: " + err->message + " (" +
                                                std::string(to_string(err->code)) + ")");
    if (common.json) {
        Value::List path(parent.begin(), parent.end());
        print_line(json_text(Value::map_of({{"object", object},
                                          {"model", def.name},
                                          {"parent", Value(std::move(path))},
                                          {"row", row},
                                          {"column", column},
                                          {"role", role_name},
                                          {"value", value},
                                          {"ok", true}})));
    }
    return 0;
}

} // namespace zro::cli
