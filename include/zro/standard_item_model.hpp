// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::StandardItemModel`: a ready-made `ItemModel` that holds its data, a tree of values like
/// QStandardItemModel.
///
///     zro::StandardItemModel files({"display", "size"}, 2);
///     files.set_header(0, 0, "Name");
///     const auto docs = files.append_row({}, {"docs"});     // row 0 of the root
///     files.append_row({docs}, {"GUIDE.md", 14200});        // row 0 under [0]
///     files.set_value({docs}, 0, 1, 0, "14 kB");             // column 1 of that row
///     host.enable_remoting(files, "Files", files.role_names());
///
/// Shape: every node — the root, and every row — has its own list of child rows and its own
/// column count, which every one of its child rows has. A new row's children start with the
/// model's child column count (the constructor's `columns`, unless `child_columns` says
/// otherwise); `insert_columns` and `remove_columns` change one node's count, rows or not.
/// Children belong to their row (they hang on its column 0): removing or moving columns leaves
/// them where they are, removing or moving a row takes its whole subtree with it.
///
/// Every cell has one `Value` per role (nil when new) and its flags (`default_flags` when new).
/// The horizontal header has one `Value` per root column and role (nil when new); inserting,
/// removing and moving root columns does the same to the header sections.
///
/// Editing calls check every argument before changing anything: a refused call throws
/// `Error(bad_arguments)`, naming what is out of range ("remove_rows: rows 6 to 9 of parent [3]
/// out of range (8 rows)"), and leaves the model as it was with nothing reported. A call that
/// changes something reports it through `on_change` after the change; a call that changes
/// nothing (a value set to what it was, a row moved to where it is) reports nothing.
/// Counts must be at least 1.
///
/// Thread contract: as for every shared model, use it on its host's loop thread.

#include <zro/item_model.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace zro {

class StandardItemModel : public ItemModel {
public:
    /// The flags of a new cell.
    static constexpr ItemFlags default_flags = item_selectable | item_enabled | item_editable;

    /// A model without rows: `roles` (non-empty names, none twice; else `Error(bad_arguments)`),
    /// `columns` columns at the root and on every new row's children.
    explicit StandardItemModel(std::vector<std::string> roles, std::size_t columns = 1);
    /// The same, with `child_columns` columns on every new row's children.
    StandardItemModel(std::vector<std::string> roles, std::size_t columns, std::size_t child_columns);
    ~StandardItemModel() override;

    // ---- ItemModel. Items, paths and roles out of range throw Error(bad_arguments). ----------
    const std::vector<std::string>& role_names() const override { return roles_; }
    std::size_t row_count(const ModelPath& parent) const override;
    std::size_t column_count(const ModelPath& parent) const override;
    Value data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role) const override;
    ItemFlags flags(const ModelPath& parent, std::size_t row, std::size_t column) const override;
    Value header_data(std::size_t section, std::size_t role) const override;
    /// A replica's write: refused with `read_only` when the item's flags lack `item_editable`,
    /// else stored and reported as `set_value` does.
    void set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                  Value value) override;

    // ---- rows --------------------------------------------------------------------------------
    /// Inserts `count` empty rows before `row` of `parent` (`row` may be the row count: append).
    void insert_rows(const ModelPath& parent, std::size_t row, std::size_t count);
    /// Appends one row to `parent`, its column 0 holding `values` (one per role, in role order;
    /// missing roles nil), and returns its index. One `rows_inserted` reports it, values and all.
    std::size_t append_row(const ModelPath& parent, std::vector<Value> values = {});
    void remove_rows(const ModelPath& parent, std::size_t row, std::size_t count);
    /// Moves rows [first, first + count) of `parent`, subtrees and all, to `to_parent`, so that
    /// the first of them is row `destination` of `to_parent` after the move. `to_parent` is named
    /// as it is before the move (the path the `rows_moved` change carries too). Refused when
    /// `to_parent` is one of the moved rows or under one, and when the two parents have different
    /// column counts (a row's cells fit only a parent with as many columns).
    void move_rows(const ModelPath& parent, std::size_t first, std::size_t count, const ModelPath& to_parent,
                   std::size_t destination);

    // ---- columns (of one node: the cells of every row of `parent`) --------------------------
    void insert_columns(const ModelPath& parent, std::size_t column, std::size_t count);
    void remove_columns(const ModelPath& parent, std::size_t column, std::size_t count);
    /// Moves columns [first, first + count) of `parent` so that the first of them is column
    /// `destination` after the move.
    void move_columns(const ModelPath& parent, std::size_t first, std::size_t count, std::size_t destination);

    // ---- values ------------------------------------------------------------------------------
    /// Sets one role of a cell; reports `data_changed` with that role, or nothing when the cell
    /// already held `value`. Unlike `set_data`, ignores the flags: the source may always write.
    void set_value(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role, Value value);
    /// Sets every role of a cell (`values` in role order, missing roles nil); reports
    /// `data_changed` with the roles whose value changed, or nothing when none did.
    void set_row_values(const ModelPath& parent, std::size_t row, std::size_t column, std::vector<Value> values);
    /// Sets a cell's flags; reports `data_changed` with no roles (all of them), or nothing when
    /// they were already `flags`.
    void set_flags(const ModelPath& parent, std::size_t row, std::size_t column, ItemFlags flags);
    /// Sets one role of a horizontal header section (a root column); reports `header_changed`,
    /// or nothing when it already held `value`.
    void set_header(std::size_t section, std::size_t role, Value value);
    /// Removes every row (the root keeps its columns and header); reports `reset`.
    void clear();

private:
    struct Cell;
    struct Node;
    Node& node(const ModelPath& path, const char* call) const;
    Cell& cell(const ModelPath& parent, std::size_t row, std::size_t column, const char* call) const;
    void check_role(std::size_t role, const char* call) const;
    std::unique_ptr<Node> new_row(std::size_t columns) const;
    Cell new_cell() const;
    void store(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role, Value value);

    std::vector<std::string> roles_;
    std::size_t child_columns_;
    std::unique_ptr<Node> root_;
    std::vector<std::vector<Value>> header_;  ///< [section][role], one section per root column
};

} // namespace zro
