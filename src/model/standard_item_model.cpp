// zro — shared live objects over ZeroMQ.
#include <zro/standard_item_model.hpp>

#include "model/model_text.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace zro {

// A row owns its cells and its children, and is held by a unique_ptr in its parent's list: a
// move hands over the pointers, so a subtree moves in O(rows moved) whatever its size, and a
// Node& stays valid while rows around it come and go.
struct StandardItemModel::Cell {
    std::vector<Value> values;  ///< one per role
    ItemFlags flags;
};

struct StandardItemModel::Node {
    std::vector<Cell> cells;                  ///< this row's cells, one per column of its parent
    std::vector<std::unique_ptr<Node>> rows;  ///< the children
    std::size_t columns = 0;                  ///< the children's column count
};

namespace {

std::string prefix(std::string_view call) { return call.empty() ? std::string() : std::string(call) + ": "; }

[[noreturn]] void refuse(std::string_view call, const std::string& what) {
    throw Error(ErrorCode::bad_arguments, prefix(call) + what);
}

// "rows 6 to 9 of parent [3] out of range (8 rows)"
[[noreturn]] void out_of_range(std::string_view call, std::string_view unit, std::size_t first, std::size_t count,
                               const ModelPath& parent, std::size_t size) {
    refuse(call, detail::span_text(unit, first, count) + " of " + detail::parent_text(parent) + " out of range (" +
                     detail::count_text(size, unit) + ")");
}

// Checks a span [first, first + count) of `size` rows or columns.
void check_span(std::string_view call, std::string_view unit, std::size_t first, std::size_t count,
                const ModelPath& parent, std::size_t size) {
    if (count == 0) refuse(call, "count 0: at least one " + std::string(unit) + " is needed");
    if (first >= size || count > size - first) out_of_range(call, unit, first, count, parent, size);
}

// Checks an insert position (the size itself is one: append).
void check_position(std::string_view call, std::string_view unit, std::size_t at, std::size_t count,
                    const ModelPath& parent, std::size_t size) {
    if (count == 0) refuse(call, "count 0: at least one " + std::string(unit) + " is needed");
    if (at > size) out_of_range(call, unit, at, 1, parent, size);
}

void check_destination(std::string_view call, std::size_t destination, const ModelPath& parent, std::size_t most) {
    if (destination > most)
        refuse(call, "destination " + std::to_string(destination) + " of " + detail::parent_text(parent) +
                         " out of range (at most " + std::to_string(most) + ")");
}

template <class V> auto iter(V& v, std::size_t i) { return v.begin() + static_cast<std::ptrdiff_t>(i); }

// Moves [first, first + count) of `v` so that it starts at `destination` afterwards.
template <class V> void move_span(V& v, std::size_t first, std::size_t count, std::size_t destination) {
    if (destination < first) std::rotate(iter(v, destination), iter(v, first), iter(v, first + count));
    else std::rotate(iter(v, first), iter(v, first + count), iter(v, destination + count));
}

void check_role_names(const std::vector<std::string>& roles) {
    for (std::size_t i = 0; i < roles.size(); ++i) {
        if (roles[i].empty()) refuse("StandardItemModel", "role " + std::to_string(i) + " has no name");
        if (std::find(roles.begin(), iter(roles, i), roles[i]) != iter(roles, i))
            refuse("StandardItemModel", "role '" + roles[i] + "' named twice");
    }
}

// `values` made one per role: missing roles nil, too many refused.
std::vector<Value> per_role(std::string_view call, std::vector<Value> values, std::size_t roles) {
    if (values.size() > roles)
        refuse(call, std::to_string(values.size()) + " values for " + detail::count_text(roles, "role"));
    values.resize(roles);
    return values;
}

} // namespace

StandardItemModel::StandardItemModel(std::vector<std::string> roles, std::size_t columns)
    : StandardItemModel(std::move(roles), columns, columns) {}

StandardItemModel::StandardItemModel(std::vector<std::string> roles, std::size_t columns, std::size_t child_columns)
    : roles_(std::move(roles)), child_columns_(child_columns), root_(std::make_unique<Node>()) {
    check_role_names(roles_);
    root_->columns = columns;
    header_.assign(columns, std::vector<Value>(roles_.size()));
}

StandardItemModel::~StandardItemModel() = default;

// ---- lookups --------------------------------------------------------------------------------

// Const so that the ItemModel reads can use it too; only the editing calls change a Node through it.
StandardItemModel::Node& StandardItemModel::node(const ModelPath& path, const char* call) const {
    Node* n = root_.get();
    for (std::size_t depth = 0; depth < path.size(); ++depth) {
        const std::size_t row = path[depth];
        if (row >= n->rows.size()) {
            const ModelPath above(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(depth));
            refuse(call, detail::parent_text(path) + " does not exist: row " + std::to_string(row) + " of " +
                             detail::parent_text(above) + " out of range (" +
                             detail::count_text(n->rows.size(), "row") + ")");
        }
        n = n->rows[row].get();
    }
    return *n;
}

StandardItemModel::Cell& StandardItemModel::cell(const ModelPath& parent, std::size_t row, std::size_t column,
                                                 const char* call) const {
    Node& n = node(parent, call);
    if (row >= n.rows.size()) out_of_range(call, "row", row, 1, parent, n.rows.size());
    if (column >= n.columns) out_of_range(call, "column", column, 1, parent, n.columns);
    return n.rows[row]->cells[column];
}

void StandardItemModel::check_role(std::size_t role, const char* call) const {
    if (role >= roles_.size())
        refuse(call, "role " + std::to_string(role) + " out of range (" + detail::count_text(roles_.size(), "role") +
                         ")");
}

StandardItemModel::Cell StandardItemModel::new_cell() const {
    return Cell{std::vector<Value>(roles_.size()), default_flags};
}

std::unique_ptr<StandardItemModel::Node> StandardItemModel::new_row(std::size_t columns) const {
    auto row = std::make_unique<Node>();
    row->cells.assign(columns, new_cell());
    row->columns = child_columns_;
    return row;
}

// ---- ItemModel ------------------------------------------------------------------------------

std::size_t StandardItemModel::row_count(const ModelPath& parent) const { return node(parent, "").rows.size(); }

std::size_t StandardItemModel::column_count(const ModelPath& parent) const { return node(parent, "").columns; }

Value StandardItemModel::data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role) const {
    const Cell& c = cell(parent, row, column, "");
    check_role(role, "");
    return c.values[role];
}

ItemFlags StandardItemModel::flags(const ModelPath& parent, std::size_t row, std::size_t column) const {
    return cell(parent, row, column, "").flags;
}

Value StandardItemModel::header_data(std::size_t section, std::size_t role) const {
    if (section >= header_.size()) out_of_range("", "section", section, 1, {}, header_.size());
    check_role(role, "");
    return header_[section][role];
}

void StandardItemModel::set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                                 Value value) {
    const Cell& c = cell(parent, row, column, "");
    check_role(role, "");
    if (!(c.flags & item_editable))
        throw Error(ErrorCode::read_only, detail::item_text(parent, row, column) + " is not editable");
    store(parent, row, column, role, std::move(value));
}

// ---- rows -----------------------------------------------------------------------------------

void StandardItemModel::insert_rows(const ModelPath& parent, std::size_t row, std::size_t count) {
    Node& n = node(parent, "insert_rows");
    check_position("insert_rows", "row", row, count, parent, n.rows.size());
    std::vector<std::unique_ptr<Node>> rows;
    rows.reserve(count);
    for (std::size_t i = 0; i < count; ++i) rows.push_back(new_row(n.columns));
    n.rows.insert(iter(n.rows, row), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    notify_rows_inserted(parent, row, count);
}

std::size_t StandardItemModel::append_row(const ModelPath& parent, std::vector<Value> values) {
    Node& n = node(parent, "append_row");
    values = per_role("append_row", std::move(values), roles_.size());
    auto row = new_row(n.columns);
    if (!row->cells.empty()) row->cells[0].values = std::move(values);
    else if (std::any_of(values.begin(), values.end(), [](const Value& v) { return !v.is_nil(); }))
        refuse("append_row", "values for column 0 of " + detail::parent_text(parent) + ", which has no columns");
    n.rows.push_back(std::move(row));
    const std::size_t index = n.rows.size() - 1;
    notify_rows_inserted(parent, index, 1);
    return index;
}

void StandardItemModel::remove_rows(const ModelPath& parent, std::size_t row, std::size_t count) {
    Node& n = node(parent, "remove_rows");
    check_span("remove_rows", "row", row, count, parent, n.rows.size());
    n.rows.erase(iter(n.rows, row), iter(n.rows, row + count));
    notify_rows_removed(parent, row, count);
}

void StandardItemModel::move_rows(const ModelPath& parent, std::size_t first, std::size_t count,
                                  const ModelPath& to_parent, std::size_t destination) {
    const char* call = "move_rows";
    Node& from = node(parent, call);
    check_span(call, "row", first, count, parent, from.rows.size());
    Node& to = node(to_parent, call);
    const bool under_moved = to_parent.size() > parent.size() &&
                             std::equal(parent.begin(), parent.end(), to_parent.begin()) &&
                             to_parent[parent.size()] >= first && to_parent[parent.size()] < first + count;
    if (under_moved)
        refuse(call, detail::parent_text(to_parent) + " is inside the moved " + detail::span_text("row", first, count) +
                         " of " + detail::parent_text(parent));
    if (to.columns != from.columns)
        refuse(call, detail::parent_text(to_parent) + " has " + detail::count_text(to.columns, "column") + ", " +
                         detail::parent_text(parent) + " has " + std::to_string(from.columns));
    const bool same = &to == &from;
    check_destination(call, destination, to_parent, to.rows.size() - (same ? count : 0));
    if (same && destination == first) return;  // every row stays where it is
    std::vector<std::unique_ptr<Node>> moved(std::make_move_iterator(iter(from.rows, first)),
                                             std::make_move_iterator(iter(from.rows, first + count)));
    from.rows.erase(iter(from.rows, first), iter(from.rows, first + count));
    // `to` is still valid: it is not among the moved rows, and rows are held by pointer.
    to.rows.insert(iter(to.rows, destination), std::make_move_iterator(moved.begin()),
                   std::make_move_iterator(moved.end()));
    notify_rows_moved(parent, first, count, to_parent, destination);
}

// ---- columns --------------------------------------------------------------------------------

void StandardItemModel::insert_columns(const ModelPath& parent, std::size_t column, std::size_t count) {
    Node& n = node(parent, "insert_columns");
    check_position("insert_columns", "column", column, count, parent, n.columns);
    for (auto& row : n.rows) row->cells.insert(iter(row->cells, column), count, new_cell());
    if (&n == root_.get()) header_.insert(iter(header_, column), count, std::vector<Value>(roles_.size()));
    n.columns += count;
    notify_columns_inserted(parent, column, count);
}

void StandardItemModel::remove_columns(const ModelPath& parent, std::size_t column, std::size_t count) {
    Node& n = node(parent, "remove_columns");
    check_span("remove_columns", "column", column, count, parent, n.columns);
    for (auto& row : n.rows) row->cells.erase(iter(row->cells, column), iter(row->cells, column + count));
    if (&n == root_.get()) header_.erase(iter(header_, column), iter(header_, column + count));
    n.columns -= count;
    notify_columns_removed(parent, column, count);
}

void StandardItemModel::move_columns(const ModelPath& parent, std::size_t first, std::size_t count,
                                     std::size_t destination) {
    Node& n = node(parent, "move_columns");
    check_span("move_columns", "column", first, count, parent, n.columns);
    check_destination("move_columns", destination, parent, n.columns - count);
    if (destination == first) return;
    for (auto& row : n.rows) move_span(row->cells, first, count, destination);
    if (&n == root_.get()) move_span(header_, first, count, destination);
    notify_columns_moved(parent, first, count, destination);
}

// ---- values ---------------------------------------------------------------------------------

void StandardItemModel::set_value(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                                  Value value) {
    cell(parent, row, column, "set_value");
    check_role(role, "set_value");
    store(parent, row, column, role, std::move(value));
}

// The item and role are checked.
void StandardItemModel::store(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                              Value value) {
    Value& slot = cell(parent, row, column, "").values[role];
    if (slot == value) return;
    slot = std::move(value);
    notify_data_changed(parent, row, row, column, column, {role});
}

void StandardItemModel::set_row_values(const ModelPath& parent, std::size_t row, std::size_t column,
                                       std::vector<Value> values) {
    Cell& c = cell(parent, row, column, "set_row_values");
    values = per_role("set_row_values", std::move(values), roles_.size());
    std::vector<std::size_t> changed;
    for (std::size_t role = 0; role < values.size(); ++role)
        if (c.values[role] != values[role]) changed.push_back(role);
    if (changed.empty()) return;
    c.values = std::move(values);
    notify_data_changed(parent, row, row, column, column, std::move(changed));
}

void StandardItemModel::set_flags(const ModelPath& parent, std::size_t row, std::size_t column, ItemFlags flags) {
    Cell& c = cell(parent, row, column, "set_flags");
    if (c.flags == flags) return;
    c.flags = flags;
    notify_data_changed(parent, row, row, column, column);
}

void StandardItemModel::set_header(std::size_t section, std::size_t role, Value value) {
    if (section >= header_.size()) out_of_range("set_header", "section", section, 1, {}, header_.size());
    check_role(role, "set_header");
    Value& slot = header_[section][role];
    if (slot == value) return;
    slot = std::move(value);
    notify_header_changed(section, section);
}

void StandardItemModel::clear() {
    root_->rows.clear();
    notify_reset();
}

} // namespace zro
