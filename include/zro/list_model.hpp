// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::ListModel<Row>`: a ready-made `ItemModel` for the common case, a list of typed rows —
/// one column, no children, each role read from a row by a function you give.
///
///     struct Track { std::string title; int rating; };
///     zro::ListModel<Track> playlist(
///         {"title", "rating"},
///         [](const Track& t, std::size_t role) -> zro::Value {
///             return role == 0 ? zro::Value(t.title) : zro::Value(t.rating);
///         },
///         [](Track& t, std::size_t role, const zro::Value& v) {  // replicas may rate, not rename
///             if (role != 1) throw zro::Error(zro::ErrorCode::read_only, "titles are fixed");
///             t.rating = v.as<int>();
///         });
///     playlist.append({"Blue in Green", 5});
///     host.enable_remoting(playlist, "Playlist", playlist.role_names());
///
/// Without a write function every item is read-only and a replica's write is refused with
/// `read_only`; with one, items are editable and a replica's write goes through it.
///
/// Every editing call checks its arguments before changing anything: an index out of range
/// throws `Error(bad_arguments)` naming the index and the size ("insert: index 9 out of range
/// (8 rows)") and leaves the list as it was, with nothing reported. Counts must be at least 1.
/// A change is reported through `on_change` after it is made.
///
/// Thread contract: as for every shared model, use it on its host's loop thread.

#include <zro/item_model.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace zro {

template <class Row> class ListModel : public ItemModel {
public:
    /// The value of one role of a row.
    using ReadFunction = std::function<Value(const Row& row, std::size_t role)>;
    /// A replica's write of one role to a row: change the row, or throw `zro::Error` (before
    /// changing it) to refuse; the replica receives the code and message.
    using WriteFunction = std::function<void(Row& row, std::size_t role, const Value& value)>;

    /// An empty list. `roles`: non-empty names, none twice; `read` is required (else
    /// `Error(bad_arguments)`); `write` is optional and makes the items editable.
    ListModel(std::vector<std::string> roles, ReadFunction read, WriteFunction write = {});

    // ---- ItemModel: items only at the root, column 0. Out of range: Error(bad_arguments). ----
    const std::vector<std::string>& role_names() const override { return roles_; }
    /// The rows at the root; a row has no children.
    std::size_t row_count(const ModelPath& parent) const override { return parent.empty() ? rows_.size() : 0; }
    std::size_t column_count(const ModelPath& parent) const override { return parent.empty() ? 1 : 0; }
    Value data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role) const override;
    /// Selectable, enabled, never has children; editable with a write function.
    ItemFlags flags(const ModelPath& parent, std::size_t row, std::size_t column) const override;
    /// Through the write function, then reports `data_changed` with the roles whose value (as
    /// `read` gives it) changed, if any; without one, refused with `read_only`.
    void set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                  Value value) override;

    // ---- the rows ----------------------------------------------------------------------------
    std::size_t size() const noexcept { return rows_.size(); }
    const Row& at(std::size_t i) const;
    const std::vector<Row>& rows() const noexcept { return rows_; }
    void append(Row row) { insert(rows_.size(), std::move(row)); }
    /// Inserts `row` before row `i` (`i` may be `size()`: append).
    void insert(std::size_t i, Row row);
    void remove(std::size_t i, std::size_t count = 1);
    /// Moves rows [first, first + count) so that the first of them is row `destination` after
    /// the move; moving them where they are reports nothing.
    void move(std::size_t first, std::size_t count, std::size_t destination);
    /// Replaces row `i`; reports `data_changed` for that row, all roles.
    void set(std::size_t i, Row row);
    /// Replaces every row; reports `reset`.
    void assign(std::vector<Row> rows);
    /// Removes every row; reports `reset`.
    void clear() { assign({}); }

private:
    [[noreturn]] static void refuse(const std::string& message) { throw Error(ErrorCode::bad_arguments, message); }
    static std::string count_text(std::size_t n, const char* unit) {
        return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
    }
    std::string rows_text() const { return count_text(rows_.size(), "row"); }
    static std::string span_text(std::size_t first, std::size_t count);
    void check_index(const char* call, std::size_t i, std::size_t end) const;
    void check_span(const char* call, std::size_t first, std::size_t count) const;
    void check_item(const ModelPath& parent, std::size_t row, std::size_t column) const;
    void check_role(std::size_t role) const;
    std::vector<Value> read_all(const Row& row) const;

    std::vector<std::string> roles_;
    ReadFunction read_;
    WriteFunction write_;
    std::vector<Row> rows_;
};

// ------------------------------------------------------------------------------------------
// Implementation (here because ListModel is a template).

template <class Row>
ListModel<Row>::ListModel(std::vector<std::string> roles, ReadFunction read, WriteFunction write)
    : roles_(std::move(roles)), read_(std::move(read)), write_(std::move(write)) {
    if (!read_) refuse("ListModel: no read function");
    for (auto it = roles_.begin(); it != roles_.end(); ++it) {
        if (it->empty()) refuse("ListModel: role " + std::to_string(it - roles_.begin()) + " has no name");
        if (std::find(roles_.begin(), it, *it) != it) refuse("ListModel: role '" + *it + "' named twice");
    }
}

// `i` must be below `end`: the size, or one more for an insert position.
template <class Row> void ListModel<Row>::check_index(const char* call, std::size_t i, std::size_t end) const {
    if (i >= end) refuse(std::string(call) + ": index " + std::to_string(i) + " out of range (" + rows_text() + ")");
}

template <class Row> void ListModel<Row>::check_span(const char* call, std::size_t first, std::size_t count) const {
    if (count == 0) refuse(std::string(call) + ": count 0: at least one row is needed");
    if (first >= rows_.size() || count > rows_.size() - first)
        refuse(std::string(call) + ": " + span_text(first, count) + " out of range (" + rows_text() + ")");
}

// "row 3", "rows 3 to 5", or "40 rows from row 3" when the last would overflow.
template <class Row> std::string ListModel<Row>::span_text(std::size_t first, std::size_t count) {
    if (count == 1) return "row " + std::to_string(first);
    if (count - 1 > std::numeric_limits<std::size_t>::max() - first)
        return std::to_string(count) + " rows from row " + std::to_string(first);
    return "rows " + std::to_string(first) + " to " + std::to_string(first + count - 1);
}

template <class Row>
void ListModel<Row>::check_item(const ModelPath& parent, std::size_t row, std::size_t column) const {
    if (!parent.empty()) refuse("a ListModel has items only at the root (its rows have no children)");
    if (row >= rows_.size())
        refuse("row " + std::to_string(row) + " out of range (" + rows_text() + ")");
    if (column != 0) refuse("column " + std::to_string(column) + " out of range (1 column)");
}

template <class Row> void ListModel<Row>::check_role(std::size_t role) const {
    if (role >= roles_.size())
        refuse("role " + std::to_string(role) + " out of range (" + count_text(roles_.size(), "role") + ")");
}

template <class Row> std::vector<Value> ListModel<Row>::read_all(const Row& row) const {
    std::vector<Value> values;
    values.reserve(roles_.size());
    for (std::size_t role = 0; role < roles_.size(); ++role) values.push_back(read_(row, role));
    return values;
}

template <class Row>
Value ListModel<Row>::data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role) const {
    check_item(parent, row, column);
    check_role(role);
    return read_(rows_[row], role);
}

template <class Row> ItemFlags ListModel<Row>::flags(const ModelPath& parent, std::size_t row, std::size_t column) const {
    check_item(parent, row, column);
    ItemFlags f = item_selectable | item_enabled | item_never_has_children;
    if (write_) f |= item_editable;
    return f;
}

template <class Row>
void ListModel<Row>::set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                              Value value) {
    check_item(parent, row, column);
    check_role(role);
    if (!write_) return ItemModel::set_data(parent, row, column, role, std::move(value));  // refuses: read_only
    // A write may change other roles too (a derived "display"), so compare them all.
    const std::vector<Value> before = read_all(rows_[row]);
    write_(rows_[row], role, value);
    const std::vector<Value> after = read_all(rows_[row]);
    std::vector<std::size_t> changed;
    for (std::size_t r = 0; r < after.size(); ++r)
        if (before[r] != after[r]) changed.push_back(r);
    if (!changed.empty()) notify_data_changed({}, row, row, 0, 0, std::move(changed));
}

template <class Row> const Row& ListModel<Row>::at(std::size_t i) const {
    check_index("at", i, rows_.size());
    return rows_[i];
}

template <class Row> void ListModel<Row>::insert(std::size_t i, Row row) {
    check_index("insert", i, rows_.size() + 1);
    rows_.insert(rows_.begin() + static_cast<std::ptrdiff_t>(i), std::move(row));
    notify_rows_inserted({}, i, 1);
}

template <class Row> void ListModel<Row>::remove(std::size_t i, std::size_t count) {
    check_span("remove", i, count);
    const auto first = rows_.begin() + static_cast<std::ptrdiff_t>(i);
    rows_.erase(first, first + static_cast<std::ptrdiff_t>(count));
    notify_rows_removed({}, i, count);
}

template <class Row> void ListModel<Row>::move(std::size_t first, std::size_t count, std::size_t destination) {
    check_span("move", first, count);
    if (destination > rows_.size() - count)
        refuse("move: destination " + std::to_string(destination) + " out of range (at most " +
               std::to_string(rows_.size() - count) + ")");
    if (destination == first) return;
    const auto row = [this](std::size_t i) { return rows_.begin() + static_cast<std::ptrdiff_t>(i); };
    if (destination < first) std::rotate(row(destination), row(first), row(first + count));
    else std::rotate(row(first), row(first + count), row(destination + count));
    notify_rows_moved({}, first, count, {}, destination);
}

template <class Row> void ListModel<Row>::set(std::size_t i, Row row) {
    check_index("set", i, rows_.size());
    rows_[i] = std::move(row);
    notify_data_changed({}, i, i, 0, 0);
}

template <class Row> void ListModel<Row>::assign(std::vector<Row> rows) {
    rows_ = std::move(rows);
    notify_reset();
}

} // namespace zro
