// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::ModelReplica`: the replica side of a MODEL member (docs/MODELS.md). It reads like an
/// `ItemModel` (row and column counts, data, flags, header data, the same `ModelChange`
/// notifications) and holds a bounded cache of rows:
///
///     auto room = node.acquire_dynamic("Playlist");
///     room->on_initialized([&] {
///         zro::ModelReplica& tracks = room->model("tracks");
///         tracks.set_window({}, 0, 50);           // rows 0-49: fetched now, pushed on change
///         tracks.on_change([&](const zro::ModelChange& c) { redraw(c); });
///     });
///
/// Counts are always exact: every structural change reaches every replica, in order with the
/// object's property changes and signals. Values are known for the rows the replica holds:
/// the rows of its windows (the source pushes their new values with each change, no round
/// trip), and rows fetched on demand — `data()` of a row not held returns nil and asks the
/// source for it; a `data_changed` notification says when it arrived. At most
/// `cache_size()` rows per parent are held (default 1000, least recently used out first;
/// window rows always stay).
///
/// Thread contract: as for its Replica, the node's loop thread. A ModelReplica lives as long as
/// its replica; references to it stay valid across snapshots and source restarts.

#include <zro/connection.hpp>
#include <zro/item_model.hpp>
#include <zro/pending_reply.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace zro {

class Replica;

class ModelReplica {
public:
    ModelReplica(const ModelReplica&) = delete;
    ModelReplica& operator=(const ModelReplica&) = delete;
    ~ModelReplica();

    /// The replica of the object this model belongs to: its state, lifecycle callbacks and
    /// `wait_for_source` (a top-level model's object is of class `ItemModel`).
    Replica& replica() const noexcept;
    /// The MODEL member's name.
    const std::string& name() const noexcept;
    /// The member's roles, as the class declares them; roles are indexes into this list.
    const std::vector<std::string>& role_names() const noexcept;
    /// The index of `role`, or `role_names().size()` when there is none.
    std::size_t role_index(std::string_view role) const;
    /// Whether the source has a model in this member (false before the first snapshot too).
    bool has_model() const noexcept;

    /// Rows under `parent` (0 when it has none, or when the replica has not learned the
    /// parent's rows yet: a parent is learned with its row, e.g. by a window on its parent).
    std::size_t row_count(const ModelPath& parent = {}) const;
    std::size_t column_count(const ModelPath& parent = {}) const;
    /// Whether the item (parent, row) has children.
    bool has_children(const ModelPath& parent, std::size_t row) const;
    /// Whether the replica holds the values of that row.
    bool cached(const ModelPath& parent, std::size_t row) const;
    /// The value of one role of an item if its row is held; nil otherwise, and then the row
    /// is fetched (a `data_changed` notification follows when it arrives). A role outside
    /// `roles()` throws `Error(bad_arguments)`.
    Value data(const ModelPath& parent, std::size_t row, std::size_t column = 0, std::size_t role = 0) const;
    /// 0 while the row is not held.
    ItemFlags flags(const ModelPath& parent, std::size_t row, std::size_t column = 0) const;
    /// Horizontal header data of a root column.
    Value header_data(std::size_t section, std::size_t role = 0) const;

    /// Views rows [first, first + count) of `parent`: they are fetched now (and again after
    /// every snapshot), and the source pushes their values with every change while the window
    /// is set. One window per parent (a new one replaces it); `count` 0 removes it. The
    /// window's rows are positions: rows inserted above it scroll through it, as in a view.
    void set_window(const ModelPath& parent, std::size_t first, std::size_t count);
    /// Fetches rows [first, first + count) of `parent` once (they go into the cache).
    void fetch(const ModelPath& parent, std::size_t first, std::size_t count);
    /// Restricts every window and fetch of this replica to `roles` (names of `role_names()`;
    /// empty: every role, the default): the source reads and sends only the roles some window
    /// wants, and `data` of another role throws `Error(bad_arguments)`. Windows already set are
    /// fetched again. An unknown name throws `Error(bad_arguments)` and changes nothing.
    void set_roles(const std::vector<std::string>& roles);
    /// The roles set by `set_roles` (empty: every role).
    const std::vector<std::string>& roles() const noexcept;
    /// Rows held per parent before the least recently used ones are dropped (default 1000).
    std::size_t cache_size() const noexcept;
    void set_cache_size(std::size_t rows_per_parent);
    /// Rows held now, over all parents.
    std::size_t cached_rows() const;

    /// Every change, after the replica applied it: the operations of the source in order
    /// (paths and rows as ModelChange documents them), `reset` when a snapshot replaced the
    /// model or the source set another, and `data_changed` when fetched rows arrive.
    Connection on_change(std::function<void(const ModelChange&)> fn);

    /// Asks the source to set one role of an item. Fails with `unknown_model` when the source
    /// has no model here, `bad_arguments` for an item or role out of range, `read_only` when the
    /// item is not editable, or whatever the source's model refused with; the replica's value
    /// changes when the source's change comes back.
    PendingReply<Value> set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                                 Value value, std::chrono::milliseconds timeout = std::chrono::seconds(30));

private:
    friend class Replica;
    struct Impl;
    explicit ModelReplica(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace zro
