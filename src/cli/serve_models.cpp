// zro — shared live objects over ZeroMQ.
// `zro serve`: the MODEL members of the mock, StandardItemModels driven by stdin lines.

#include "serve_models.hpp"

#include "lookup.hpp"
#include "model_access.hpp"

#include <algorithm>

namespace zro::cli {

namespace {

Value path_value(const ModelPath& p) { return Value(Value::List(p.begin(), p.end())); }

// A path given as JSON: [0,3] (as the output prints paths) or "0/3" (as --parent takes them).
ModelPath path_field(const Json& line, std::string_view key) {
    const Json* p = field(line, key);
    if (!p || p->is_null()) return {};
    if (p->is_string()) return parse_path(p->get<std::string>());
    if (!p->is_array()) throw CliError(Exit::usage, "\"" + std::string(key) + "\" must be a path: [0,3] or \"0/3\"");
    ModelPath out;
    for (const Json& row : *p) {
        if (!row.is_number_unsigned()) throw CliError(Exit::usage, "\"" + std::string(key) + "\": rows are numbers from 0");
        out.push_back(row.get<std::size_t>());
    }
    return out;
}

std::size_t number_field(const Json& line, std::string_view key, std::size_t fallback) {
    const Json* n = field(line, key);
    if (!n) return fallback;
    if (!n->is_number_unsigned()) throw CliError(Exit::usage, "\"" + std::string(key) + "\" must be a number from 0");
    return n->get<std::size_t>();
}

} // namespace

/// A member's model: replicas may edit every editable item; an accepted write is printed.
class ServedModels::Model : public StandardItemModel {
public:
    explicit Model(const ModelDef& def) : StandardItemModel(def.roles), name_(def.name) {}

    void set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role, Value value) override {
        StandardItemModel::set_data(parent, row, column, role, value);  // refuses items not editable
        print_line(json_text(Value::map_of({{"event", "model_write"},
                                          {"model", name_},
                                          {"parent", path_value(parent)},
                                          {"row", row},
                                          {"column", column},
                                          {"role", role_names()[role]},
                                          {"value", value}})));
    }

    /// One role value per role, in role order, from {"role": value, ...} (roles left out: nil).
    std::vector<Value> role_values(const Json& object) const {
        if (!object.is_object()) throw CliError(Exit::usage, "a cell's values are an object {\"role\": value, ...}");
        std::vector<Value> values(role_names().size());
        for (const auto& [key, v] : object.items()) {
            const std::size_t role = role_index(key);
            if (role == role_names().size())
                throw CliError(Exit::not_found, "model '" + name_ + "' has no role '" + key + "'; roles: " + join_names(role_names()));
            values[role] = to_value(v);
        }
        return values;
    }

    void apply(const Json& line) {
        const ModelPath parent = path_field(line, "parent");
        if (const Json* at = field(line, "insert")) return insert(line, parent, *at);
        if (field(line, "set")) {
            const std::size_t row = number_field(line, "set", 0), column = number_field(line, "column", 0);
            if (const Json* values = field(line, "values")) {
                // Only the roles given: the others keep their values.
                const auto given = role_values(*values);
                for (const auto& [key, v] : values->items()) set_value(parent, row, column, role_index(key), given[role_index(key)]);
            }
            if (const Json* editable = field(line, "editable")) {
                if (!editable->is_boolean()) throw CliError(Exit::usage, "\"editable\" must be true or false");
                const ItemFlags f = flags(parent, row, column);
                set_flags(parent, row, column, editable->get<bool>() ? (f | item_editable) : (f & ~ItemFlags{item_editable}));
            }
            return;
        }
        if (field(line, "remove")) return remove_rows(parent, number_field(line, "remove", 0), number_field(line, "count", 1));
        if (field(line, "move"))
            return move_rows(parent, number_field(line, "move", 0), number_field(line, "count", 1), path_field(line, "to_parent"),
                             number_field(line, "to", 0));
        if (field(line, "insert_columns"))
            return insert_columns(parent, number_field(line, "insert_columns", 0), number_field(line, "count", 1));
        if (field(line, "remove_columns"))
            return remove_columns(parent, number_field(line, "remove_columns", 0), number_field(line, "count", 1));
        if (field(line, "move_columns"))
            return move_columns(parent, number_field(line, "move_columns", 0), number_field(line, "count", 1),
                                number_field(line, "to", 0));
        if (field(line, "header")) {
            const std::size_t section = number_field(line, "header", 0);
            const Json* given = field(line, "values");
            if (!given) throw CliError(Exit::usage, "\"header\" needs \"values\": {\"role\": value, ...}");
            const auto v = role_values(*given);
            for (const auto& [key, unused] : given->items()) set_header(section, role_index(key), v[role_index(key)]);
            return;
        }
        if (field(line, "clear")) return clear();
        throw CliError(Exit::usage, "model '" + name_ +
                                        "': expected one of insert, set, remove, move, insert_columns, remove_columns, "
                                        "move_columns, header, clear");
    }

private:
    // {"insert": ROW or "end", "rows": [ROW, ...]}: a ROW is {"role": value} for column 0, or a
    // list of them, one per column. One rows_inserted, then a data_changed per cell given.
    void insert(const Json& line, const ModelPath& parent, const Json& at) {
        std::size_t row = 0;
        if (at.is_string() && at.get<std::string>() == "end") row = row_count(parent);
        else if (at.is_number_unsigned()) row = at.get<std::size_t>();
        else throw CliError(Exit::usage, "\"insert\" must be a row number or \"end\"");
        const Json one_empty_row = Json::array({Json::object()});
        const Json* rows = field(line, "rows");
        if (!rows) rows = &one_empty_row;
        if (!rows->is_array() || rows->empty()) throw CliError(Exit::usage, "\"rows\" must be a non-empty list of rows");
        // Check every row's roles before the model changes, so a bad line changes nothing.
        std::vector<std::vector<std::vector<Value>>> cells;  // [row][column][role]
        for (const Json& r : *rows) {
            std::vector<std::vector<Value>> columns;
            if (r.is_array())
                for (const Json& c : r) columns.push_back(role_values(c));
            else columns.push_back(role_values(r));
            cells.push_back(std::move(columns));
        }
        insert_rows(parent, row, rows->size());
        for (std::size_t i = 0; i < cells.size(); ++i)
            for (std::size_t c = 0; c < cells[i].size(); ++c)
                if (std::any_of(cells[i][c].begin(), cells[i][c].end(), [](const Value& v) { return !v.is_nil(); }))
                    set_row_values(parent, row + i, c, cells[i][c]);
    }

    std::string name_;
};

ServedModels::ServedModels(DynamicSource& source) : source_(source) {
    for (const auto& def : source.schema().models()) {
        auto model = std::make_unique<Model>(def);
        source.set_model(def.name, model.get());
        models_.emplace(def.name, std::move(model));
    }
}

ServedModels::~ServedModels() {
    for (const auto& [name, model] : models_) source_.set_model(name, nullptr);
}

ServedModels::Model& ServedModels::find(const std::string& name) {
    auto it = models_.find(name);
    if (it != models_.end()) return *it->second;
    std::vector<std::string> names;
    for (const auto& [n, m] : models_) names.push_back(n);
    throw CliError(Exit::not_found, "no model '" + name + "'; models: " + join_names(names));
}

void ServedModels::handle_line(const Json& line) { find(field_string(line, "model")).apply(line); }

} // namespace zro::cli
