// zro — unit tests for the source-side item models: zro::ItemModel (include/zro/item_model.hpp),
// zro::StandardItemModel (standard_item_model.hpp) and zro::ListModel (list_model.hpp).
//
// Every editing call is checked twice: the data the model answers afterwards, and the exact
// ModelChange it reported (all fields, rendered by show()). Refusals are checked to leave the
// whole model (dump()) as it was and to report nothing.

#include <zro/item_model.hpp>
#include <zro/list_model.hpp>
#include <zro/standard_item_model.hpp>

#include <gtest/gtest.h>

#include "support/errors.hpp"

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace {

using zro::ErrorCode;
using zro::ItemModel;
using zro::ModelChange;
using zro::ModelPath;
using zro::StandardItemModel;
using zro::Value;
using Kind = zro::ModelChange::Kind;

// ---- helpers --------------------------------------------------------------------------------

std::string kind_name(Kind k) {
    switch (k) {
    case Kind::reset: return "reset";
    case Kind::rows_inserted: return "rows_inserted";
    case Kind::rows_removed: return "rows_removed";
    case Kind::rows_moved: return "rows_moved";
    case Kind::columns_inserted: return "columns_inserted";
    case Kind::columns_removed: return "columns_removed";
    case Kind::columns_moved: return "columns_moved";
    case Kind::data_changed: return "data_changed";
    case Kind::header_changed: return "header_changed";
    }
    return "?";
}

std::string list(const std::vector<std::size_t>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
    return out + "]";
}

// Every field, whatever the kind, so that a stray value in an unused field fails too.
std::string show(const ModelChange& c) {
    return kind_name(c.kind) + " parent=" + list(c.parent) + " first=" + std::to_string(c.first) +
           " count=" + std::to_string(c.count) + " to=" + list(c.to_parent) +
           " destination=" + std::to_string(c.destination) + " columns=" + std::to_string(c.first_column) + ".." +
           std::to_string(c.last_column) + " roles=" + list(c.roles);
}

ModelChange change(Kind kind, ModelPath parent = {}, std::size_t first = 0, std::size_t count = 0) {
    return ModelChange::of(kind, std::move(parent), first, count);
}
ModelChange reset() { return change(Kind::reset); }
ModelChange rows_inserted(ModelPath p, std::size_t first, std::size_t count) {
    return change(Kind::rows_inserted, std::move(p), first, count);
}
ModelChange rows_removed(ModelPath p, std::size_t first, std::size_t count) {
    return change(Kind::rows_removed, std::move(p), first, count);
}
ModelChange rows_moved(ModelPath p, std::size_t first, std::size_t count, ModelPath to, std::size_t destination) {
    ModelChange c = change(Kind::rows_moved, std::move(p), first, count);
    c.to_parent = std::move(to);
    c.destination = destination;
    return c;
}
ModelChange columns_inserted(ModelPath p, std::size_t first, std::size_t count) {
    return change(Kind::columns_inserted, std::move(p), first, count);
}
ModelChange columns_removed(ModelPath p, std::size_t first, std::size_t count) {
    return change(Kind::columns_removed, std::move(p), first, count);
}
ModelChange columns_moved(ModelPath p, std::size_t first, std::size_t count, std::size_t destination) {
    ModelChange c = change(Kind::columns_moved, std::move(p), first, count);
    c.destination = destination;
    return c;
}
ModelChange data_changed(ModelPath p, std::size_t row, std::size_t count, std::size_t first_column,
                         std::size_t last_column, std::vector<std::size_t> roles) {
    ModelChange c = change(Kind::data_changed, std::move(p), row, count);
    c.first_column = first_column;
    c.last_column = last_column;
    c.roles = std::move(roles);
    return c;
}
ModelChange header_changed(std::size_t first, std::size_t count) { return change(Kind::header_changed, {}, first, count); }

std::vector<std::string> shown(std::initializer_list<ModelChange> changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.push_back(show(c));
    return out;
}

/// Records every change of a model, as show() renders it.
struct Recorder {
    explicit Recorder(ItemModel& model)
        : connection(model.on_change([this](const ModelChange& c) { changes.push_back(show(c)); })) {}
    std::vector<std::string> take() { return std::exchange(changes, {}); }
    std::vector<std::string> changes;
    zro::Connection connection;
};

// A string as itself, anything else as Value::to_string() renders it.
std::string text(const Value& v) { return v.is_string() ? v.as_string() : v.to_string(); }

/// Role 0 of column `column` of every row of `parent`.
std::vector<std::string> names(const ItemModel& m, const ModelPath& parent, std::size_t column = 0) {
    std::vector<std::string> out;
    for (std::size_t r = 0; r < m.row_count(parent); ++r) out.push_back(text(m.data(parent, r, column, 0)));
    return out;
}

void dump_node(const ItemModel& m, ModelPath path, std::string& out) {
    const std::size_t rows = m.row_count(path), columns = m.column_count(path);
    out += list(path) + " " + std::to_string(rows) + "x" + std::to_string(columns) + "\n";
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < columns; ++c) {
            out += "  (" + std::to_string(r) + "," + std::to_string(c) + ") flags " +
                   std::to_string(m.flags(path, r, c)) + ":";
            for (std::size_t role = 0; role < m.role_names().size(); ++role) out += " " + text(m.data(path, r, c, role));
            out += "\n";
        }
        path.push_back(r);
        dump_node(m, path, out);
        path.pop_back();
    }
}

/// The whole model: the header, then every node, cell, flag and value.
std::string dump(const ItemModel& m) {
    std::string out = "header:";
    for (std::size_t s = 0; s < m.column_count({}); ++s)
        for (std::size_t role = 0; role < m.role_names().size(); ++role) out += " " + text(m.header_data(s, role));
    out += "\n";
    dump_node(m, {}, out);
    return out;
}

constexpr zro::ItemFlags standard_flags = zro::item_selectable | zro::item_enabled | zro::item_editable;

// ---- ItemModel ------------------------------------------------------------------------------

// Two rows at the root, each with one child; the notify_* helpers made public.
class FixedModel : public ItemModel {
public:
    const std::vector<std::string>& role_names() const override { return roles_; }
    std::size_t row_count(const ModelPath& parent) const override { return parent.size() < 2 ? 2 - parent.size() : 0; }
    std::size_t column_count(const ModelPath&) const override { return 1; }
    Value data(const ModelPath&, std::size_t row, std::size_t, std::size_t) const override {
        return static_cast<int>(row);
    }
    using ItemModel::notify;
    using ItemModel::notify_columns_inserted;
    using ItemModel::notify_columns_moved;
    using ItemModel::notify_columns_removed;
    using ItemModel::notify_data_changed;
    using ItemModel::notify_header_changed;
    using ItemModel::notify_reset;
    using ItemModel::notify_rows_inserted;
    using ItemModel::notify_rows_moved;
    using ItemModel::notify_rows_removed;

private:
    std::vector<std::string> roles_{"display", "edit"};
};

TEST(ItemModel, DefaultsAreSelectableEnabledNilHeaderAndReadOnly) {
    FixedModel m;
    EXPECT_EQ(m.flags({}, 0, 0), zro::item_selectable | zro::item_enabled);
    EXPECT_TRUE(m.header_data(0, 0).is_nil());
    EXPECT_ZRO_ERROR(m.set_data({0}, 0, 0, 1, "x"), ErrorCode::read_only, "item (row 0, column 0) of parent [0] is read-only");
    EXPECT_ZRO_ERROR(m.set_data({}, 1, 0, 0, "x"), ErrorCode::read_only, "item (row 1, column 0) of the root is read-only");
}

TEST(ItemModel, RoleIndexFindsARoleOrAnswersTheRoleCount) {
    FixedModel m;
    EXPECT_EQ(m.role_index("display"), 0u);
    EXPECT_EQ(m.role_index("edit"), 1u);
    EXPECT_EQ(m.role_index("decoration"), 2u);
    EXPECT_EQ(m.role_index(""), 2u);
}

TEST(ItemModel, ValidPathChecksEveryRowAgainstItsParent) {
    FixedModel m;  // the root has 2 rows, their children 1, the grandchildren none
    EXPECT_TRUE(m.valid_path({}));
    EXPECT_TRUE(m.valid_path({1}));
    EXPECT_TRUE(m.valid_path({0, 0}));
    EXPECT_FALSE(m.valid_path({2}));
    EXPECT_FALSE(m.valid_path({0, 1}));
    EXPECT_FALSE(m.valid_path({1, 0, 0}));
    EXPECT_FALSE(m.valid_path({5, 0}));
}

TEST(ItemModel, NotifyHelpersReportTheChangesTheyName) {
    FixedModel m;
    Recorder rec(m);
    m.notify_reset();
    m.notify_rows_inserted({1}, 0, 3);
    m.notify_rows_removed({0, 4}, 2, 1);
    m.notify_rows_moved({0}, 1, 2, {1, 0}, 5);
    m.notify_columns_inserted({}, 1, 2);
    m.notify_columns_removed({3}, 0, 1);
    m.notify_columns_moved({}, 2, 1, 0);
    m.notify_data_changed({2}, 3, 6, 1, 2, {0, 1});
    m.notify_data_changed({}, 0, 0, 0, 0);
    m.notify_header_changed(2, 4);
    EXPECT_EQ(rec.take(), shown({reset(), rows_inserted({1}, 0, 3), rows_removed({0, 4}, 2, 1),
                                 rows_moved({0}, 1, 2, {1, 0}, 5), columns_inserted({}, 1, 2),
                                 columns_removed({3}, 0, 1), columns_moved({}, 2, 1, 0),
                                 data_changed({2}, 3, 4, 1, 2, {0, 1}), data_changed({}, 0, 1, 0, 0, {}),
                                 header_changed(2, 3)}));
}

TEST(ItemModel, DisconnectStopsNotificationsAndDroppingTheHandleDoesNot) {
    FixedModel m;
    int kept = 0, dropped = 0;
    zro::Connection c = m.on_change([&](const ModelChange&) { ++kept; });
    m.on_change([&](const ModelChange&) { ++dropped; });  // handle dropped: still connected
    m.notify_reset();
    EXPECT_EQ(kept, 1);
    EXPECT_EQ(dropped, 1);
    c.disconnect();
    EXPECT_FALSE(c.connected());
    m.notify_reset();
    EXPECT_EQ(kept, 1);
    EXPECT_EQ(dropped, 2);
    c.disconnect();  // twice is harmless
}

// ---- StandardItemModel: shape ---------------------------------------------------------------

TEST(StandardItemModel, StartsWithoutRowsWithItsColumnsAndANilHeader) {
    StandardItemModel m({"display", "tooltip"}, 3);
    EXPECT_EQ(m.role_names(), (std::vector<std::string>{"display", "tooltip"}));
    EXPECT_EQ(m.row_count({}), 0u);
    EXPECT_EQ(m.column_count({}), 3u);
    for (std::size_t s = 0; s < 3; ++s) EXPECT_TRUE(m.header_data(s, 1).is_nil());
    EXPECT_ZRO_ERROR(m.header_data(3, 0), ErrorCode::bad_arguments, "section 3 of the root out of range (3 sections)");
}

TEST(StandardItemModel, RefusesRoleNamesThatAreEmptyOrTwice) {
    EXPECT_ZRO_ERROR(StandardItemModel({"a", "b", "a"}), ErrorCode::bad_arguments,
                     "StandardItemModel: role 'a' named twice");
    EXPECT_ZRO_ERROR(StandardItemModel({"a", ""}), ErrorCode::bad_arguments, "StandardItemModel: role 1 has no name");
}

TEST(StandardItemModel, ChildrenGetTheChildColumnCount) {
    StandardItemModel same({"d"}, 3);
    same.append_row({});
    EXPECT_EQ(same.column_count({0}), 3u);
    StandardItemModel other({"d"}, 3, 1);
    other.append_row({});
    other.append_row({0});
    EXPECT_EQ(other.column_count({}), 3u);
    EXPECT_EQ(other.column_count({0}), 1u);
    EXPECT_EQ(other.column_count({0, 0}), 1u);
}

// ---- StandardItemModel: rows ----------------------------------------------------------------

TEST(StandardItemModel, InsertRowsMakesEmptyEditableRows) {
    StandardItemModel m({"display", "tooltip"}, 2);
    Recorder rec(m);
    m.insert_rows({}, 0, 2);
    EXPECT_EQ(rec.take(), shown({rows_inserted({}, 0, 2)}));
    ASSERT_EQ(m.row_count({}), 2u);
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t c = 0; c < 2; ++c) {
            EXPECT_TRUE(m.data({}, r, c, 0).is_nil());
            EXPECT_TRUE(m.data({}, r, c, 1).is_nil());
            EXPECT_EQ(m.flags({}, r, c), standard_flags);
        }
    EXPECT_EQ(m.row_count({1}), 0u);

    m.set_value({}, 0, 0, 0, "first");
    m.set_value({}, 1, 0, 0, "last");
    rec.take();
    m.insert_rows({}, 1, 3);  // between them
    EXPECT_EQ(rec.take(), shown({rows_inserted({}, 1, 3)}));
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"first", "nil", "nil", "nil", "last"}));
    m.insert_rows({}, 5, 1);  // at the end
    EXPECT_EQ(rec.take(), shown({rows_inserted({}, 5, 1)}));
    EXPECT_EQ(m.row_count({}), 6u);
}

TEST(StandardItemModel, AppendRowFillsColumnZeroAndReportsOneInsert) {
    StandardItemModel m({"display", "tooltip"}, 2);
    Recorder rec(m);
    EXPECT_EQ(m.append_row({}, {"a", "tip a"}), 0u);
    EXPECT_EQ(m.append_row({}, {"b"}), 1u);
    EXPECT_EQ(rec.take(), shown({rows_inserted({}, 0, 1), rows_inserted({}, 1, 1)}));
    EXPECT_EQ(m.data({}, 0, 0, 1), Value("tip a"));
    EXPECT_EQ(m.data({}, 1, 0, 0), Value("b"));
    EXPECT_TRUE(m.data({}, 1, 0, 1).is_nil());
    EXPECT_TRUE(m.data({}, 0, 1, 0).is_nil());
}

TEST(StandardItemModel, TheNewStateIsReadableFromInsideTheNotification) {
    StandardItemModel m({"display"});
    std::string seen;
    m.on_change([&](const ModelChange& c) {
        if (c.kind == Kind::rows_inserted) seen = text(m.data(c.parent, c.first, 0, 0));
    });
    m.append_row({}, {"ready"});
    EXPECT_EQ(seen, "ready");
}

TEST(StandardItemModel, InsertsUnderAChild) {
    StandardItemModel m({"display"});
    m.append_row({}, {"A"});
    m.append_row({}, {"B"});
    Recorder rec(m);
    m.append_row({1}, {"b1"});
    m.insert_rows({1}, 0, 1);
    m.set_value({1}, 0, 0, 0, "b0");
    m.append_row({1, 1}, {"b1x"});
    EXPECT_EQ(rec.take(), shown({rows_inserted({1}, 0, 1), rows_inserted({1}, 0, 1),
                                 data_changed({1}, 0, 1, 0, 0, {0}), rows_inserted({1, 1}, 0, 1)}));
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(names(m, {1}), (std::vector<std::string>{"b0", "b1"}));
    EXPECT_EQ(names(m, {1, 1}), (std::vector<std::string>{"b1x"}));
    EXPECT_EQ(m.row_count({0}), 0u);
    EXPECT_TRUE(m.valid_path({1, 1, 0}));
}

TEST(StandardItemModel, RemoveRowsTakesTheirSubtrees) {
    StandardItemModel m({"display"});
    for (const char* n : {"a", "b", "c", "d"}) m.append_row({}, {n});
    m.append_row({1}, {"b1"});
    m.append_row({2}, {"c1"});
    Recorder rec(m);
    m.remove_rows({}, 1, 2);
    EXPECT_EQ(rec.take(), shown({rows_removed({}, 1, 2)}));
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"a", "d"}));
    EXPECT_EQ(m.row_count({1}), 0u);  // d's, not b's or c's children
    EXPECT_FALSE(m.valid_path({2}));
    m.append_row({0}, {"a1"});
    m.append_row({0}, {"a2"});
    rec.take();
    m.remove_rows({0}, 1, 1);
    EXPECT_EQ(rec.take(), shown({rows_removed({0}, 1, 1)}));
    EXPECT_EQ(names(m, {0}), (std::vector<std::string>{"a1"}));
}

TEST(StandardItemModel, MoveRowsWithinAParentPutsTheFirstAtTheDestination) {
    StandardItemModel m({"display"});
    for (const char* n : {"a", "b", "c", "d", "e"}) m.append_row({}, {n});
    Recorder rec(m);
    m.move_rows({}, 1, 2, {}, 3);  // b c after d e
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"a", "d", "e", "b", "c"}));
    m.move_rows({}, 3, 2, {}, 0);  // and back before a
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"b", "c", "a", "d", "e"}));
    m.move_rows({}, 4, 1, {}, 2);
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"b", "c", "e", "a", "d"}));
    EXPECT_EQ(rec.take(), shown({rows_moved({}, 1, 2, {}, 3), rows_moved({}, 3, 2, {}, 0), rows_moved({}, 4, 1, {}, 2)}));
    m.move_rows({}, 1, 3, {}, 1);  // where they are
    EXPECT_TRUE(rec.changes.empty());
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"b", "c", "e", "a", "d"}));
}

TEST(StandardItemModel, MoveRowsCarriesASubtreeToAnotherParent) {
    StandardItemModel m({"display"});
    m.append_row({}, {"A"});
    m.append_row({}, {"B"});
    m.append_row({0}, {"a1"});
    m.append_row({0}, {"a2"});
    m.append_row({0, 0}, {"a1x"});
    m.append_row({0, 0, 0}, {"a1xy"});
    m.append_row({1}, {"b1"});
    Recorder rec(m);
    m.move_rows({0}, 0, 1, {1}, 1);  // a1 (with a1x, a1xy) after b1
    EXPECT_EQ(rec.take(), shown({rows_moved({0}, 0, 1, {1}, 1)}));
    EXPECT_EQ(names(m, {0}), (std::vector<std::string>{"a2"}));
    EXPECT_EQ(names(m, {1}), (std::vector<std::string>{"b1", "a1"}));
    EXPECT_EQ(names(m, {1, 1}), (std::vector<std::string>{"a1x"}));
    EXPECT_EQ(names(m, {1, 1, 0}), (std::vector<std::string>{"a1xy"}));
    EXPECT_EQ(m.row_count({0, 0}), 0u);  // a2 has no children

    m.move_rows({1}, 0, 2, {}, 0);  // up to the root, before A
    EXPECT_EQ(rec.take(), shown({rows_moved({1}, 0, 2, {}, 0)}));
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"b1", "a1", "A", "B"}));
    EXPECT_EQ(names(m, {1, 0}), (std::vector<std::string>{"a1xy"}));
    EXPECT_EQ(m.row_count({3}), 0u);
}

TEST(StandardItemModel, MoveRowsNamesTheTargetParentAsItIsBeforeTheMove) {
    StandardItemModel m({"display"});
    for (const char* n : {"a", "b", "c", "d"}) m.append_row({}, {n});
    m.append_row({3}, {"d1"});
    Recorder rec(m);
    m.move_rows({}, 0, 2, {3}, 1);  // a, b into d, which then is row 1
    EXPECT_EQ(rec.take(), shown({rows_moved({}, 0, 2, {3}, 1)}));
    EXPECT_EQ(names(m, {}), (std::vector<std::string>{"c", "d"}));
    EXPECT_EQ(names(m, {1}), (std::vector<std::string>{"d1", "a", "b"}));
}

TEST(StandardItemModel, MoveRowsRefusesTheirOwnSubtreeAndReportsNothing) {
    StandardItemModel m({"display"});
    for (const char* n : {"a", "b", "c"}) m.append_row({}, {n});
    m.append_row({1}, {"b1"});
    m.append_row({1, 0}, {"b1x"});
    const std::string before = dump(m);
    Recorder rec(m);
    EXPECT_ZRO_ERROR(m.move_rows({}, 1, 1, {1}, 0), ErrorCode::bad_arguments,
                     "move_rows: parent [1] is inside the moved row 1 of the root");
    EXPECT_ZRO_ERROR(m.move_rows({}, 0, 2, {1, 0}, 0), ErrorCode::bad_arguments,
                     "move_rows: parent [1, 0] is inside the moved rows 0 to 1 of the root");
    EXPECT_ZRO_ERROR(m.move_rows({1}, 0, 1, {1, 0}, 0), ErrorCode::bad_arguments,
                     "move_rows: parent [1, 0] is inside the moved row 0 of parent [1]");
    EXPECT_EQ(dump(m), before);
    EXPECT_TRUE(rec.changes.empty());
    m.move_rows({}, 0, 1, {1, 0}, 1);  // a row beside the subtree may go in
    EXPECT_EQ(names(m, {0, 0}), (std::vector<std::string>{"b1x", "a"}));
}

// ---- StandardItemModel: columns -------------------------------------------------------------

// Three rows r0..r2, each column holding "rN cM", and header sections "hM".
void fill_grid(StandardItemModel& m) {
    const std::size_t columns = m.column_count({});
    for (std::size_t r = 0; r < 3; ++r) {
        m.append_row({});
        for (std::size_t c = 0; c < columns; ++c)
            m.set_value({}, r, c, 0, "r" + std::to_string(r) + " c" + std::to_string(c));
    }
    for (std::size_t c = 0; c < columns; ++c) m.set_header(c, 0, "h" + std::to_string(c));
}

std::vector<std::string> header(const ItemModel& m) {
    std::vector<std::string> out;
    for (std::size_t s = 0; s < m.column_count({}); ++s) out.push_back(text(m.header_data(s, 0)));
    return out;
}

TEST(StandardItemModel, InsertColumnsAddsCellsToEveryRowAndHeaderSections) {
    StandardItemModel m({"display"}, 2);
    fill_grid(m);
    m.append_row({1}, {"child"});
    Recorder rec(m);
    m.insert_columns({}, 1, 2);
    EXPECT_EQ(rec.take(), shown({columns_inserted({}, 1, 2)}));
    EXPECT_EQ(m.column_count({}), 4u);
    EXPECT_EQ(names(m, {}, 3), (std::vector<std::string>{"r0 c1", "r1 c1", "r2 c1"}));
    EXPECT_EQ(names(m, {}, 1), (std::vector<std::string>{"nil", "nil", "nil"}));
    EXPECT_EQ(m.flags({}, 2, 2), standard_flags);
    EXPECT_EQ(header(m), (std::vector<std::string>{"h0", "nil", "nil", "h1"}));
    EXPECT_EQ(m.column_count({1}), 2u);  // a child node keeps its own columns
    EXPECT_EQ(names(m, {1}), (std::vector<std::string>{"child"}));
}

TEST(StandardItemModel, ColumnsOfAChildNodeAreItsOwn) {
    StandardItemModel m({"display"}, 2);
    fill_grid(m);
    m.append_row({0}, {"x"});
    Recorder rec(m);
    m.insert_columns({0}, 0, 1);
    EXPECT_EQ(rec.take(), shown({columns_inserted({0}, 0, 1)}));
    EXPECT_EQ(m.column_count({0}), 3u);
    EXPECT_EQ(m.column_count({}), 2u);
    EXPECT_EQ(names(m, {0}, 1), (std::vector<std::string>{"x"}));
    EXPECT_EQ(header(m), (std::vector<std::string>{"h0", "h1"}));
    m.insert_columns({2}, 2, 1);  // a node without rows has columns too
    EXPECT_EQ(rec.take(), shown({columns_inserted({2}, 2, 1)}));
    EXPECT_EQ(m.column_count({2}), 3u);
}

TEST(StandardItemModel, RemoveColumnsShiftsCellsAndHeaderAndKeepsChildren) {
    StandardItemModel m({"display"}, 4);
    fill_grid(m);
    m.append_row({2}, {"child"});
    Recorder rec(m);
    m.remove_columns({}, 0, 2);
    EXPECT_EQ(rec.take(), shown({columns_removed({}, 0, 2)}));
    EXPECT_EQ(m.column_count({}), 2u);
    EXPECT_EQ(names(m, {}, 0), (std::vector<std::string>{"r0 c2", "r1 c2", "r2 c2"}));
    EXPECT_EQ(names(m, {}, 1), (std::vector<std::string>{"r0 c3", "r1 c3", "r2 c3"}));
    EXPECT_EQ(header(m), (std::vector<std::string>{"h2", "h3"}));
    EXPECT_EQ(names(m, {2}), (std::vector<std::string>{"child"}));
}

TEST(StandardItemModel, MoveColumnsPutsTheFirstAtTheDestination) {
    StandardItemModel m({"display"}, 3);
    fill_grid(m);
    Recorder rec(m);
    m.move_columns({}, 0, 1, 2);
    EXPECT_EQ(rec.take(), shown({columns_moved({}, 0, 1, 2)}));
    EXPECT_EQ(names(m, {}, 0), (std::vector<std::string>{"r0 c1", "r1 c1", "r2 c1"}));
    EXPECT_EQ(names(m, {}, 2), (std::vector<std::string>{"r0 c0", "r1 c0", "r2 c0"}));
    EXPECT_EQ(header(m), (std::vector<std::string>{"h1", "h2", "h0"}));
    m.move_columns({}, 1, 2, 0);
    EXPECT_EQ(rec.take(), shown({columns_moved({}, 1, 2, 0)}));
    EXPECT_EQ(header(m), (std::vector<std::string>{"h2", "h0", "h1"}));
    EXPECT_EQ(names(m, {}, 1), (std::vector<std::string>{"r0 c0", "r1 c0", "r2 c0"}));
    m.move_columns({}, 1, 1, 1);  // where it is
    EXPECT_TRUE(rec.changes.empty());
}

// ---- StandardItemModel: values, flags, header -----------------------------------------------

TEST(StandardItemModel, SetValueReportsThatRoleAndNothingWhenUnchanged) {
    StandardItemModel m({"display", "tooltip"}, 3);
    m.append_row({});
    m.append_row({0});
    Recorder rec(m);
    m.set_value({}, 0, 2, 1, "tip");
    m.set_value({0}, 0, 1, 0, 42);
    EXPECT_EQ(rec.take(), shown({data_changed({}, 0, 1, 2, 2, {1}), data_changed({0}, 0, 1, 1, 1, {0})}));
    EXPECT_EQ(m.data({}, 0, 2, 1), Value("tip"));
    EXPECT_EQ(m.data({0}, 0, 1, 0), Value(42));
    EXPECT_TRUE(m.data({}, 0, 2, 0).is_nil());
    m.set_value({}, 0, 2, 1, "tip");
    m.set_value({0}, 0, 1, 0, 42u);  // equal across int kinds
    EXPECT_TRUE(rec.changes.empty());
}

TEST(StandardItemModel, SetRowValuesReportsTheRolesThatChanged) {
    StandardItemModel m({"display", "tooltip", "icon"}, 2);
    m.append_row({}, {"a", "tip", "x"});
    Recorder rec(m);
    m.set_row_values({}, 0, 0, {"a", "new tip"});  // icon becomes nil
    EXPECT_EQ(rec.take(), shown({data_changed({}, 0, 1, 0, 0, {1, 2})}));
    EXPECT_EQ(m.data({}, 0, 0, 1), Value("new tip"));
    EXPECT_TRUE(m.data({}, 0, 0, 2).is_nil());
    m.set_row_values({}, 0, 0, {"a", "new tip", nullptr});
    EXPECT_TRUE(rec.changes.empty());
    EXPECT_ZRO_ERROR(m.set_row_values({}, 0, 1, {1, 2, 3, 4}), ErrorCode::bad_arguments,
                     "set_row_values: 4 values for 3 roles");
    EXPECT_TRUE(m.data({}, 0, 1, 0).is_nil());
}

TEST(StandardItemModel, SetFlagsReportsAllRolesAndNothingWhenUnchanged) {
    StandardItemModel m({"display"}, 2);
    m.append_row({});
    Recorder rec(m);
    m.set_flags({}, 0, 1, zro::item_enabled);
    EXPECT_EQ(rec.take(), shown({data_changed({}, 0, 1, 1, 1, {})}));
    EXPECT_EQ(m.flags({}, 0, 1), zro::item_enabled);
    EXPECT_EQ(m.flags({}, 0, 0), standard_flags);
    m.set_flags({}, 0, 1, zro::item_enabled);
    EXPECT_TRUE(rec.changes.empty());
}

TEST(StandardItemModel, SetHeaderReportsTheSection) {
    StandardItemModel m({"display", "tooltip"}, 3);
    Recorder rec(m);
    m.set_header(2, 1, "third");
    EXPECT_EQ(rec.take(), shown({header_changed(2, 1)}));
    EXPECT_EQ(m.header_data(2, 1), Value("third"));
    EXPECT_TRUE(m.header_data(2, 0).is_nil());
    m.set_header(2, 1, "third");
    EXPECT_TRUE(rec.changes.empty());
}

TEST(StandardItemModel, ClearRemovesEveryRowKeepsTheColumnsAndReportsReset) {
    StandardItemModel m({"display"}, 2);
    fill_grid(m);
    m.append_row({0}, {"child"});
    Recorder rec(m);
    m.clear();
    EXPECT_EQ(rec.take(), shown({reset()}));
    EXPECT_EQ(m.row_count({}), 0u);
    EXPECT_EQ(m.column_count({}), 2u);
    EXPECT_EQ(header(m), (std::vector<std::string>{"h0", "h1"}));
    EXPECT_FALSE(m.valid_path({0}));
}

TEST(StandardItemModel, SetDataStoresAnEditableItemAndRefusesTheRest) {
    StandardItemModel m({"display", "tooltip"}, 2);
    m.append_row({});
    m.append_row({0}, {"child"});
    Recorder rec(m);
    m.set_data({0}, 0, 1, 1, "from a replica");
    EXPECT_EQ(rec.take(), shown({data_changed({0}, 0, 1, 1, 1, {1})}));
    EXPECT_EQ(m.data({0}, 0, 1, 1), Value("from a replica"));
    m.set_data({0}, 0, 1, 1, "from a replica");
    EXPECT_TRUE(rec.changes.empty());

    m.set_flags({0}, 0, 0, zro::item_selectable | zro::item_enabled);
    rec.take();
    const std::string before = dump(m);
    EXPECT_ZRO_ERROR(m.set_data({0}, 0, 0, 0, "no"), ErrorCode::read_only, "item (row 0, column 0) of parent [0] is not editable");
    EXPECT_ZRO_ERROR(m.set_data({0}, 1, 0, 0, "no"), ErrorCode::bad_arguments, "row 1 of parent [0] out of range (1 row)");
    EXPECT_ZRO_ERROR(m.set_data({0}, 0, 2, 0, "no"), ErrorCode::bad_arguments, "column 2 of parent [0] out of range (2 columns)");
    EXPECT_ZRO_ERROR(m.set_data({0}, 0, 1, 2, "no"), ErrorCode::bad_arguments, "role 2 out of range (2 roles)");
    EXPECT_ZRO_ERROR(m.set_data({4}, 0, 0, 0, "no"), ErrorCode::bad_arguments,
                     "parent [4] does not exist: row 4 of the root out of range (1 row)");
    EXPECT_EQ(dump(m), before);
    EXPECT_TRUE(rec.changes.empty());
}

TEST(StandardItemModel, ReadsOutOfRangeAreRefused) {
    StandardItemModel m({"display"}, 2);
    m.append_row({});
    m.append_row({0});
    EXPECT_ZRO_ERROR(m.row_count({0, 1}), ErrorCode::bad_arguments,
                     "parent [0, 1] does not exist: row 1 of parent [0] out of range (1 row)");
    EXPECT_ZRO_ERROR(m.column_count({1}), ErrorCode::bad_arguments,
                     "parent [1] does not exist: row 1 of the root out of range (1 row)");
    EXPECT_ZRO_ERROR(m.data({}, 0, 2, 0), ErrorCode::bad_arguments, "column 2 of the root out of range (2 columns)");
    EXPECT_ZRO_ERROR(m.data({}, 0, 0, 1), ErrorCode::bad_arguments, "role 1 out of range (1 role)");
    EXPECT_ZRO_ERROR(m.flags({0}, 1, 0), ErrorCode::bad_arguments, "row 1 of parent [0] out of range (1 row)");
}

// Every refused editing call: its message, the model untouched, nothing reported.
TEST(StandardItemModel, RefusedEditsLeaveTheModelUnchangedAndReportNothing) {
    StandardItemModel m({"display", "tooltip"}, 2, 1);
    for (const char* n : {"a", "b", "c", "d", "e", "f", "g", "h"}) m.append_row({}, {n});
    for (const char* n : {"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"}) m.append_row({3}, {n});
    m.set_header(1, 0, "second");
    const std::string before = dump(m);
    Recorder rec(m);
    struct Case {
        std::function<void()> call;
        std::string message;
    };
    const std::vector<Case> cases = {
        {[&] { m.insert_rows({3}, 9, 1); }, "insert_rows: row 9 of parent [3] out of range (8 rows)"},
        {[&] { m.insert_rows({}, 0, 0); }, "insert_rows: count 0: at least one row is needed"},
        {[&] { m.insert_rows({3, 8}, 0, 1); },
         "insert_rows: parent [3, 8] does not exist: row 8 of parent [3] out of range (8 rows)"},
        {[&] { m.append_row({9}, {"x"}); },
         "append_row: parent [9] does not exist: row 9 of the root out of range (8 rows)"},
        {[&] { m.append_row({}, {"x", "y", "z"}); }, "append_row: 3 values for 2 roles"},
        {[&] { m.remove_rows({3}, 12, 1); }, "remove_rows: row 12 of parent [3] out of range (8 rows)"},
        {[&] { m.remove_rows({}, 6, 4); }, "remove_rows: rows 6 to 9 of the root out of range (8 rows)"},
        {[&] { m.remove_rows({}, 1, static_cast<std::size_t>(-1)); },
         "remove_rows: rows 1 to 18446744073709551615 of the root out of range (8 rows)"},
        {[&] { m.remove_rows({}, 2, static_cast<std::size_t>(-1)); },
         "remove_rows: 18446744073709551615 rows from row 2 of the root out of range (8 rows)"},
        {[&] { m.remove_rows({}, 0, 0); }, "remove_rows: count 0: at least one row is needed"},
        {[&] { m.move_rows({}, 7, 2, {}, 0); }, "move_rows: rows 7 to 8 of the root out of range (8 rows)"},
        {[&] { m.move_rows({}, 0, 2, {}, 7); }, "move_rows: destination 7 of the root out of range (at most 6)"},
        {[&] { m.move_rows({3}, 0, 1, {2}, 1); }, "move_rows: destination 1 of parent [2] out of range (at most 0)"},
        {[&] { m.move_rows({}, 0, 1, {3}, 0); }, "move_rows: parent [3] has 1 column, the root has 2"},
        {[&] { m.move_rows({}, 0, 1, {8}, 0); },
         "move_rows: parent [8] does not exist: row 8 of the root out of range (8 rows)"},
        {[&] { m.insert_columns({}, 3, 1); }, "insert_columns: column 3 of the root out of range (2 columns)"},
        {[&] { m.insert_columns({3}, 0, 0); }, "insert_columns: count 0: at least one column is needed"},
        {[&] { m.remove_columns({}, 1, 2); }, "remove_columns: columns 1 to 2 of the root out of range (2 columns)"},
        {[&] { m.remove_columns({3}, 1, 1); }, "remove_columns: column 1 of parent [3] out of range (1 column)"},
        {[&] { m.move_columns({}, 0, 1, 2); }, "move_columns: destination 2 of the root out of range (at most 1)"},
        {[&] { m.move_columns({}, 2, 1, 0); }, "move_columns: column 2 of the root out of range (2 columns)"},
        {[&] { m.set_value({3}, 8, 0, 0, "x"); }, "set_value: row 8 of parent [3] out of range (8 rows)"},
        {[&] { m.set_value({3}, 0, 1, 0, "x"); }, "set_value: column 1 of parent [3] out of range (1 column)"},
        {[&] { m.set_value({}, 0, 0, 2, "x"); }, "set_value: role 2 out of range (2 roles)"},
        {[&] { m.set_row_values({}, 8, 0, {"x"}); }, "set_row_values: row 8 of the root out of range (8 rows)"},
        {[&] { m.set_flags({}, 0, 2, 0); }, "set_flags: column 2 of the root out of range (2 columns)"},
        {[&] { m.set_header(2, 0, "x"); }, "set_header: section 2 of the root out of range (2 sections)"},
        {[&] { m.set_header(0, 5, "x"); }, "set_header: role 5 out of range (2 roles)"},
    };
    for (const auto& c : cases) {
        EXPECT_ZRO_ERROR(c.call(), ErrorCode::bad_arguments, c.message);
        EXPECT_EQ(dump(m), before) << c.message;
        EXPECT_TRUE(rec.changes.empty()) << c.message;
    }
}

// ---- ListModel ------------------------------------------------------------------------------

struct Track {
    std::string title;
    int rating = 0;
};

// Roles: title, rating, and display, which is derived from both.
Value read_track(const Track& t, std::size_t role) {
    switch (role) {
    case 0: return t.title;
    case 1: return t.rating;
    default: return t.title + " (" + std::to_string(t.rating) + ")";
    }
}

void write_track(Track& t, std::size_t role, const Value& v) {
    if (role != 1) throw zro::Error(ErrorCode::read_only, "only the rating may change");
    t.rating = v.as<int>();
}

using Tracks = zro::ListModel<Track>;
const std::vector<std::string> track_roles = {"title", "rating", "display"};

std::vector<std::string> titles(const Tracks& m) {
    std::vector<std::string> out;
    for (const Track& t : m.rows()) out.push_back(t.title);
    return out;
}

// Appends a track rated 3 per name.
void add(Tracks& m, std::initializer_list<const char*> names) {
    for (const char* n : names) m.append({n, 3});
}

TEST(ListModel, ReadsRowsThroughTheReadFunction) {
    Tracks m(track_roles, read_track);
    add(m, {"a", "b"});
    EXPECT_EQ(m.role_names(), track_roles);
    EXPECT_EQ(m.row_count({}), 2u);
    EXPECT_EQ(m.column_count({}), 1u);
    EXPECT_EQ(m.row_count({0}), 0u);
    EXPECT_EQ(m.column_count({0}), 0u);
    EXPECT_EQ(m.data({}, 1, 0, 0), Value("b"));
    EXPECT_EQ(m.data({}, 1, 0, 1), Value(3));
    EXPECT_EQ(m.data({}, 0, 0, 2), Value("a (3)"));
    EXPECT_TRUE(m.valid_path({1}));
    EXPECT_FALSE(m.valid_path({1, 0}));
    EXPECT_EQ(m.size(), 2u);
    EXPECT_EQ(m.at(1).title, "b");
    EXPECT_ZRO_ERROR(m.data({}, 2, 0, 0), ErrorCode::bad_arguments, "row 2 out of range (2 rows)");
    EXPECT_ZRO_ERROR(m.data({}, 0, 1, 0), ErrorCode::bad_arguments, "column 1 out of range (1 column)");
    EXPECT_ZRO_ERROR(m.data({}, 0, 0, 3), ErrorCode::bad_arguments, "role 3 out of range (3 roles)");
    EXPECT_ZRO_ERROR(m.data({0}, 0, 0, 0), ErrorCode::bad_arguments,
                     "a ListModel has items only at the root (its rows have no children)");
}

TEST(ListModel, RefusesAMissingReadFunctionAndBadRoles) {
    EXPECT_ZRO_ERROR(Tracks(track_roles, nullptr), ErrorCode::bad_arguments, "ListModel: no read function");
    EXPECT_ZRO_ERROR(Tracks({"a", "a"}, read_track), ErrorCode::bad_arguments, "ListModel: role 'a' named twice");
    EXPECT_ZRO_ERROR(Tracks({""}, read_track), ErrorCode::bad_arguments, "ListModel: role 0 has no name");
}

TEST(ListModel, AppendInsertAndRemoveReportRows) {
    Tracks m(track_roles, read_track);
    Recorder rec(m);
    m.append({"a", 1});
    m.append({"c", 1});
    m.insert(1, {"b", 1});
    m.insert(0, {"start", 1});
    m.insert(4, {"end", 1});
    EXPECT_EQ(titles(m), (std::vector<std::string>{"start", "a", "b", "c", "end"}));
    m.remove(1, 2);
    m.remove(2);
    EXPECT_EQ(titles(m), (std::vector<std::string>{"start", "c"}));
    EXPECT_EQ(rec.take(), shown({rows_inserted({}, 0, 1), rows_inserted({}, 1, 1), rows_inserted({}, 1, 1),
                                 rows_inserted({}, 0, 1), rows_inserted({}, 4, 1), rows_removed({}, 1, 2),
                                 rows_removed({}, 2, 1)}));
}

TEST(ListModel, MovePutsTheFirstAtTheDestination) {
    Tracks m(track_roles, read_track);
    add(m, {"a", "b", "c", "d"});
    Recorder rec(m);
    m.move(0, 2, 2);
    EXPECT_EQ(titles(m), (std::vector<std::string>{"c", "d", "a", "b"}));
    m.move(3, 1, 0);
    EXPECT_EQ(titles(m), (std::vector<std::string>{"b", "c", "d", "a"}));
    EXPECT_EQ(rec.take(), shown({rows_moved({}, 0, 2, {}, 2), rows_moved({}, 3, 1, {}, 0)}));
    m.move(1, 2, 1);
    EXPECT_TRUE(rec.changes.empty());
}

TEST(ListModel, SetReportsEveryRoleOfTheRow) {
    Tracks m(track_roles, read_track);
    add(m, {"a", "b"});
    Recorder rec(m);
    m.set(1, {"B", 5});
    EXPECT_EQ(rec.take(), shown({data_changed({}, 1, 1, 0, 0, {})}));
    EXPECT_EQ(m.data({}, 1, 0, 2), Value("B (5)"));
}

TEST(ListModel, AssignAndClearReset) {
    Tracks m(track_roles, read_track);
    add(m, {"a"});
    Recorder rec(m);
    m.assign({{"x", 1}, {"y", 2}});
    EXPECT_EQ(titles(m), (std::vector<std::string>{"x", "y"}));
    m.clear();
    EXPECT_EQ(m.size(), 0u);
    EXPECT_EQ(rec.take(), shown({reset(), reset()}));
}

TEST(ListModel, OutOfRangeEditsNameIndexAndSizeAndChangeNothing) {
    Tracks m(track_roles, read_track);
    add(m, {"a", "b", "c"});
    Recorder rec(m);
    EXPECT_ZRO_ERROR(m.insert(4, {"x", 0}), ErrorCode::bad_arguments, "insert: index 4 out of range (3 rows)");
    EXPECT_ZRO_ERROR(m.set(3, {"x", 0}), ErrorCode::bad_arguments, "set: index 3 out of range (3 rows)");
    EXPECT_ZRO_ERROR(m.at(3), ErrorCode::bad_arguments, "at: index 3 out of range (3 rows)");
    EXPECT_ZRO_ERROR(m.remove(3), ErrorCode::bad_arguments, "remove: row 3 out of range (3 rows)");
    EXPECT_ZRO_ERROR(m.remove(1, 3), ErrorCode::bad_arguments, "remove: rows 1 to 3 out of range (3 rows)");
    EXPECT_ZRO_ERROR(m.remove(0, 0), ErrorCode::bad_arguments, "remove: count 0: at least one row is needed");
    EXPECT_ZRO_ERROR(m.remove(2, static_cast<std::size_t>(-1)), ErrorCode::bad_arguments,
                     "remove: 18446744073709551615 rows from row 2 out of range (3 rows)");
    EXPECT_ZRO_ERROR(m.move(0, 2, 2), ErrorCode::bad_arguments, "move: destination 2 out of range (at most 1)");
    EXPECT_ZRO_ERROR(m.move(2, 2, 0), ErrorCode::bad_arguments, "move: rows 2 to 3 out of range (3 rows)");
    EXPECT_EQ(titles(m), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_TRUE(rec.changes.empty());
}

TEST(ListModel, WithoutAWriteFunctionItemsAreReadOnly) {
    Tracks m(track_roles, read_track);
    add(m, {"a"});
    Recorder rec(m);
    EXPECT_EQ(m.flags({}, 0, 0), zro::item_selectable | zro::item_enabled | zro::item_never_has_children);
    EXPECT_ZRO_ERROR(m.set_data({}, 0, 0, 1, 5), ErrorCode::read_only, "item (row 0, column 0) of the root is read-only");
    EXPECT_ZRO_ERROR(m.set_data({}, 1, 0, 1, 5), ErrorCode::bad_arguments, "row 1 out of range (1 row)");
    EXPECT_EQ(m.at(0).rating, 3);
    EXPECT_TRUE(rec.changes.empty());
}

TEST(ListModel, WithAWriteFunctionReplicaWritesGoThroughIt) {
    Tracks m(track_roles, read_track, write_track);
    add(m, {"a", "b"});
    Recorder rec(m);
    EXPECT_EQ(m.flags({}, 1, 0),
              zro::item_selectable | zro::item_enabled | zro::item_never_has_children | zro::item_editable);
    m.set_data({}, 1, 0, 1, 5);
    EXPECT_EQ(m.at(1).rating, 5);
    EXPECT_EQ(m.data({}, 1, 0, 2), Value("b (5)"));
    EXPECT_EQ(rec.take(), shown({data_changed({}, 1, 1, 0, 0, {1, 2})}));  // display follows rating
    m.set_data({}, 1, 0, 1, 5);
    EXPECT_TRUE(rec.changes.empty());

    EXPECT_ZRO_ERROR(m.set_data({}, 0, 0, 0, "renamed"), ErrorCode::read_only, "only the rating may change");
    EXPECT_ZRO_ERROR(m.set_data({}, 0, 0, 1, "five"), ErrorCode::type_mismatch, "expected int32, got string \"five\"");
    EXPECT_EQ(m.at(0).title, "a");
    EXPECT_EQ(m.at(0).rating, 3);
    EXPECT_TRUE(rec.changes.empty());
}

} // namespace
