// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::ItemModel`: an item model without Qt — rows × columns × roles, with optional children
/// (a tree), item flags, horizontal header data, and change notifications. A source shares one
/// as a MODEL member of its class or at top level (`host.enable_remoting(model, name, roles)`);
/// replicas read it through `zro::ModelReplica`. docs/MODELS.md is the guide.
///
/// Addressing: an item is (parent, row, column). `parent` is a `ModelPath`, the rows of its
/// ancestors from the root (children hang on column 0 of their parent row, as in QTreeView and
/// QStandardItemModel trees); `{}` is the root. Roles are indexes into `role_names()`.
///
/// Most users never implement this interface: `zro::StandardItemModel` (a tree of values) and
/// `zro::ListModel<Row>` (typed rows) are ready-made. An implementation reports every change
/// *after* making it, through the protected `notify_*` calls; the host reads the new data from
/// inside the notification, so the model must already answer with the new state.
///
/// Thread contract: a shared model belongs to its host's loop thread, like every Source.

#include <zro/connection.hpp>
#include <zro/error.hpp>
#include <zro/value.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace zro {

/// The rows of a parent's ancestors, from the root; `{}` is the root.
using ModelPath = std::vector<std::size_t>;

/// Item flags, with Qt::ItemFlag's values so that a QtRO port can pass them through.
enum ItemFlag : std::uint32_t {
    item_selectable = 1,
    item_editable = 2,
    item_drag_enabled = 4,
    item_drop_enabled = 8,
    item_checkable = 16,
    item_enabled = 32,
    item_never_has_children = 128,
};
using ItemFlags = std::uint32_t;

/// One change of a model, as `ItemModel::on_change` and `ModelReplica::on_change` report it.
/// Counts are at least 1; `last_*` are inclusive.
struct ModelChange {
    enum class Kind : std::uint8_t {
        reset,             ///< everything may have changed (also: a model set, replaced or cleared)
        rows_inserted,     ///< rows [first, first + count) of `parent` are new
        rows_removed,      ///< rows [first, first + count) of `parent` are gone
        rows_moved,        ///< rows [first, first + count) of `parent` now are rows
                           ///< [destination, destination + count) of `to_parent` (both
                           ///< paths as they were before the move; `to_parent` is not
                           ///< inside the moved rows)
        columns_inserted,  ///< columns [first, first + count) of `parent` are new
        columns_removed,
        columns_moved,     ///< columns [first, first + count) of `parent` now are columns
                           ///< [destination, destination + count) of the same parent
        data_changed,      ///< rows [first, first + count) × columns [first_column, last_column]
        header_changed,    ///< horizontal header sections [first, first + count)
    };
    Kind kind = Kind::reset;
    ModelPath parent;
    std::size_t first = 0;
    std::size_t count = 0;
    ModelPath to_parent;          ///< rows_moved
    std::size_t destination = 0;  ///< rows_moved, columns_moved
    std::size_t first_column = 0; ///< data_changed
    std::size_t last_column = 0;  ///< data_changed
    std::vector<std::size_t> roles;  ///< data_changed: the roles that changed; empty: all

    /// A change of `kind` over [first, first + count) of `parent`, the other fields at their
    /// defaults.
    static ModelChange of(Kind kind, ModelPath parent = {}, std::size_t first = 0, std::size_t count = 0) {
        ModelChange c;
        c.kind = kind;
        c.parent = std::move(parent);
        c.first = first;
        c.count = count;
        return c;
    }
};

class ItemModel {
public:
    ItemModel() = default;
    ItemModel(const ItemModel&) = delete;
    ItemModel& operator=(const ItemModel&) = delete;
    virtual ~ItemModel();

    /// The model's roles, by name (e.g. {"display", "decoration"}). Fixed for the model's life.
    virtual const std::vector<std::string>& role_names() const = 0;
    /// Rows under `parent` (0 for an item without children). `parent` is a valid path.
    virtual std::size_t row_count(const ModelPath& parent) const = 0;
    /// Columns under `parent`.
    virtual std::size_t column_count(const ModelPath& parent) const = 0;
    /// The value of one role of an item; nil when it has none. The item exists.
    virtual Value data(const ModelPath& parent, std::size_t row, std::size_t column,
                       std::size_t role) const = 0;
    /// Default: selectable and enabled.
    virtual ItemFlags flags(const ModelPath& parent, std::size_t row, std::size_t column) const;
    /// Horizontal header data of a column of the root. Default: nil.
    virtual Value header_data(std::size_t section, std::size_t role) const;
    /// A replica asked to change one role of an item (the item exists, `role` is one of
    /// `role_names()`). Change it (and notify) or throw `zro::Error` to refuse; the replica
    /// receives the code and message. Default: refuses with `read_only`.
    virtual void set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                          Value value);

    /// Every change, after it happened. Runs on the thread that changed the model.
    Connection on_change(std::function<void(const ModelChange&)> fn);

    /// The index of `role` in `role_names()`, or `role_names().size()` when there is none.
    std::size_t role_index(std::string_view role) const;
    /// Whether `parent` names an existing item (or the root), every row in range.
    bool valid_path(const ModelPath& parent) const;

protected:
    void notify(const ModelChange& change) { changed_(change); }
    void notify_reset();
    void notify_rows_inserted(const ModelPath& parent, std::size_t first, std::size_t count);
    void notify_rows_removed(const ModelPath& parent, std::size_t first, std::size_t count);
    void notify_rows_moved(const ModelPath& parent, std::size_t first, std::size_t count,
                           const ModelPath& to_parent, std::size_t destination);
    void notify_columns_inserted(const ModelPath& parent, std::size_t first, std::size_t count);
    void notify_columns_removed(const ModelPath& parent, std::size_t first, std::size_t count);
    void notify_columns_moved(const ModelPath& parent, std::size_t first, std::size_t count,
                              std::size_t destination);
    void notify_data_changed(const ModelPath& parent, std::size_t first_row, std::size_t last_row,
                             std::size_t first_column, std::size_t last_column,
                             std::vector<std::size_t> roles = {});
    void notify_header_changed(std::size_t first_section, std::size_t last_section);

private:
    detail::CallbackList<const ModelChange&> changed_;
};

} // namespace zro
