// zro — shared live objects over ZeroMQ.
#include <zro/item_model.hpp>

#include "model/model_text.hpp"

#include <limits>
#include <utility>

namespace zro {

namespace detail {

std::string path_text(const ModelPath& path) {
    std::string out = "[";
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (i) out += ", ";
        out += std::to_string(path[i]);
    }
    return out + "]";
}

std::string parent_text(const ModelPath& parent) {
    return parent.empty() ? "the root" : "parent " + path_text(parent);
}

std::string item_text(const ModelPath& parent, std::size_t row, std::size_t column) {
    return "item (row " + std::to_string(row) + ", column " + std::to_string(column) + ") of " +
           parent_text(parent);
}

std::string count_text(std::size_t n, std::string_view unit) {
    return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

std::string span_text(std::string_view unit, std::size_t first, std::size_t count) {
    if (count == 1) return std::string(unit) + " " + std::to_string(first);
    if (count - 1 > std::numeric_limits<std::size_t>::max() - first)  // no last one to name
        return std::to_string(count) + " " + std::string(unit) + "s from " + std::string(unit) + " " +
               std::to_string(first);
    return std::string(unit) + "s " + std::to_string(first) + " to " + std::to_string(first + count - 1);
}

} // namespace detail

ItemModel::~ItemModel() = default;

ItemFlags ItemModel::flags(const ModelPath&, std::size_t, std::size_t) const {
    return item_selectable | item_enabled;
}

Value ItemModel::header_data(std::size_t, std::size_t) const { return {}; }

void ItemModel::set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t, Value) {
    throw Error(ErrorCode::read_only, detail::item_text(parent, row, column) + " is read-only");
}

Connection ItemModel::on_change(std::function<void(const ModelChange&)> fn) {
    return Connection(changed_, changed_.add(std::move(fn)));
}

std::size_t ItemModel::role_index(std::string_view role) const {
    const auto& names = role_names();
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == role) return i;
    return names.size();
}

bool ItemModel::valid_path(const ModelPath& parent) const {
    // Walk down from the root: row_count is only asked of paths already found valid.
    ModelPath prefix;
    prefix.reserve(parent.size());
    for (std::size_t row : parent) {
        if (row >= row_count(prefix)) return false;
        prefix.push_back(row);
    }
    return true;
}

void ItemModel::notify_reset() { notify(ModelChange{}); }

void ItemModel::notify_rows_inserted(const ModelPath& parent, std::size_t first, std::size_t count) {
    notify(ModelChange::of(ModelChange::Kind::rows_inserted, parent, first, count));
}

void ItemModel::notify_rows_removed(const ModelPath& parent, std::size_t first, std::size_t count) {
    notify(ModelChange::of(ModelChange::Kind::rows_removed, parent, first, count));
}

void ItemModel::notify_rows_moved(const ModelPath& parent, std::size_t first, std::size_t count,
                                  const ModelPath& to_parent, std::size_t destination) {
    ModelChange c = ModelChange::of(ModelChange::Kind::rows_moved, parent, first, count);
    c.to_parent = to_parent;
    c.destination = destination;
    notify(c);
}

void ItemModel::notify_columns_inserted(const ModelPath& parent, std::size_t first, std::size_t count) {
    notify(ModelChange::of(ModelChange::Kind::columns_inserted, parent, first, count));
}

void ItemModel::notify_columns_removed(const ModelPath& parent, std::size_t first, std::size_t count) {
    notify(ModelChange::of(ModelChange::Kind::columns_removed, parent, first, count));
}

void ItemModel::notify_columns_moved(const ModelPath& parent, std::size_t first, std::size_t count,
                                     std::size_t destination) {
    ModelChange c = ModelChange::of(ModelChange::Kind::columns_moved, parent, first, count);
    c.destination = destination;
    notify(c);
}

void ItemModel::notify_data_changed(const ModelPath& parent, std::size_t first_row, std::size_t last_row,
                                    std::size_t first_column, std::size_t last_column,
                                    std::vector<std::size_t> roles) {
    ModelChange c = ModelChange::of(ModelChange::Kind::data_changed, parent, first_row, last_row - first_row + 1);
    c.first_column = first_column;
    c.last_column = last_column;
    c.roles = std::move(roles);
    notify(c);
}

void ItemModel::notify_header_changed(std::size_t first_section, std::size_t last_section) {
    notify(ModelChange::of(ModelChange::Kind::header_changed, {}, first_section, last_section - first_section + 1));
}

} // namespace zro
