// zro — shared live objects over ZeroMQ.
// `zro get OBJ MODEL --rows A:B [--roles r,...] [--parent PATH]`: the rows of an item model.

#include "model_access.hpp"
#include "model_verbs.hpp"

#include <zro/dynamic_replica.hpp>

namespace zro::cli {

int print_model_rows(const CommonOptions& common, Node& node, Acquired& a, const std::string& object,
                     const std::string& model_name, const ModelTarget& target, Clock::time_point deadline) {
    const Schema& s = a.replica->schema();
    const ModelDef& def = choose_model(s, object, model_name);
    const ModelPath parent = parse_path(target.parent);
    RowRange range = target.rows.empty() ? RowRange{0, default_model_rows} : parse_rows(target.rows);
    const std::vector<std::size_t> roles = parse_roles(def, target.roles);
    ModelReplica& m = a.replica->model(def.name);

    load_parent(node, m, parent, deadline);
    const std::size_t row_count = m.row_count(parent);
    const std::size_t end = std::min(range.end.value_or(row_count), row_count);
    load_rows(node, m, parent, range.first, end, deadline);
    const std::size_t columns = m.column_count(parent);

    auto child = [&](std::size_t row) {
        ModelPath p = parent;
        p.push_back(row);
        return p;
    };
    if (common.json) {
        Value::List rows;
        for (std::size_t r = range.first; r < end; ++r) {
            Value::List cells;
            for (std::size_t c = 0; c < columns; ++c) {
                Value::Map cell;
                for (std::size_t role : roles) cell.emplace_back(Value(def.roles[role]), m.data(parent, r, c, role));
                cells.push_back(Value(std::move(cell)));
            }
            rows.push_back(Value::map_of({{"row", r},
                                          {"cells", Value(std::move(cells))},
                                          {"children", Value::map_of({{"rows", m.row_count(child(r))}, {"columns", m.column_count(child(r))}})}}));
        }
        Value::List path(parent.begin(), parent.end());
        Value::List role_names;
        for (std::size_t role : roles) role_names.push_back(Value(def.roles[role]));
        print_line(json_text(Value::map_of({{"object", object},
                                          {"model", def.name},
                                          {"parent", Value(std::move(path))},
                                          {"roles", Value(std::move(role_names))},
                                          {"row_count", row_count},
                                          {"column_count", columns},
                                          {"first", range.first},
                                          {"rows", Value(std::move(rows))}})));
        return 0;
    }
    const Style st = style_for(common);
    Table t;
    std::vector<std::string> header{"ROW"};
    for (std::size_t c = 0; c < columns; ++c)
        for (std::size_t role : roles) header.push_back(columns > 1 ? std::to_string(c) + "." + def.roles[role] : def.roles[role]);
    bool any_children = false;
    for (std::size_t r = range.first; r < end; ++r) any_children = any_children || m.row_count(child(r)) > 0;
    if (any_children) header.push_back("CHILDREN");
    t.header(std::move(header));
    for (std::size_t r = range.first; r < end; ++r) {
        std::vector<std::string> cells{std::to_string(r)};
        for (std::size_t c = 0; c < columns; ++c)
            for (std::size_t role : roles) cells.push_back(st.cyan(json_text(m.data(parent, r, c, role))));
        if (any_children) {
            const std::size_t n = m.row_count(child(r));
            cells.push_back(n ? std::to_string(n) : "");
        }
        t.row(std::move(cells));
    }
    t.print(stdout, st);
    return 0;
}

} // namespace zro::cli
