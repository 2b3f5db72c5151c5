// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// ModelCache: what a replica knows of one MODEL member — the row and column counts of every
/// parent it has heard of (exact: every structural operation reaches every replica), and the
/// rows it holds, sparse, at most `rows_per_parent` per parent (least recently used first out;
/// rows inside a window or with known children stay). It applies the operations of the wire
/// (docs/PROTOCOL.md "Item models") and says what changed; it sends nothing.

#include <zro/item_model.hpp>
#include <zro/value.hpp>

#include <cstdint>
#include <map>
#include <vector>

namespace zro::detail {

struct CachedCell {
    ItemFlags flags = 0;
    std::vector<Value> roles;  ///< one per schema role
};

struct CachedRow {
    std::vector<CachedCell> cells;
    mutable std::uint64_t used = 0;  ///< LRU clock at the last store or read
};

struct CacheNode {
    std::size_t rows = 0;
    std::size_t columns = 0;
    std::map<std::size_t, CachedRow> cached;  ///< by row
};

class ModelCache {
public:
    ModelCache(std::size_t role_count, std::size_t rows_per_parent)
        : role_count_(role_count), rows_per_parent_(rows_per_parent) {}

    /// Whether the source has a model in this member.
    bool present() const noexcept { return present_; }
    /// The node of `parent`, or nullptr when its counts are not known.
    const CacheNode* node(const ModelPath& parent) const;
    /// The row if cached (marks it used), else nullptr.
    const CachedRow* row(const ModelPath& parent, std::size_t row) const;
    const std::vector<Value>* header(std::size_t section) const;
    std::size_t cached_rows() const noexcept;

    /// Starts over from a state: nil (no model) or [rows, columns, headers].
    void reset(const Value& state);
    /// Stores row payloads of `parent` ([row, child rows, child columns, cells]); rows out of
    /// range are ignored. Throws Error(malformed_message) for a payload of the wrong shape.
    void store_rows(const ModelPath& parent, const Value::List& rows);
    /// Drops every held row, keeping what is known of the counts (the replica asks for more
    /// roles than its rows hold).
    void forget_rows() noexcept {
        for (auto& [path, node] : nodes_) node.cached.clear();
    }
    /// Sets the counts of `parent` (from a ROWS answer).
    void set_counts(const ModelPath& parent, std::size_t rows, std::size_t columns);
    /// Applies one operation [op, ...]; returns the change it made (schema role numbers).
    /// Throws Error(malformed_message) when the operation is not well formed or does not fit
    /// what the cache knows (a count that would go negative): the caller resynchronizes.
    ModelChange apply(const Value& op);
    /// Takes every node and row of `newer` (a cache built from a FETCH answer and brought to
    /// the same stream position), over what this one holds.
    void merge_from(ModelCache&& newer);

    void set_rows_per_parent(std::size_t n) noexcept { rows_per_parent_ = n; }
    /// Rows of these parents' ranges are never evicted (the replica's windows).
    void set_pinned(std::vector<std::pair<ModelPath, std::pair<std::size_t, std::size_t>>> windows) {
        pinned_ = std::move(windows);
    }

private:
    CachedRow row_from(const Value& payload, const ModelPath& parent, std::size_t& row_out);
    void evict(const ModelPath& parent, CacheNode& node);
    bool pinned(const ModelPath& parent, std::size_t row) const;
    bool has_child_node(const ModelPath& parent, std::size_t row) const;
    /// Re-keys every node through a structural change (drops the nodes it removed).
    void move_nodes(const ModelChange& change);
    CacheNode* find(const ModelPath& parent);
    /// The node of `parent`, or a new empty one when `parent` is a held row known to have had
    /// no children (it gets its first now); nullptr when nothing is known of it.
    CacheNode* find_or_first_children(const ModelPath& parent, std::size_t columns);

    std::size_t role_count_;
    std::size_t rows_per_parent_;
    bool present_ = false;
    std::map<ModelPath, CacheNode> nodes_;
    std::vector<std::vector<Value>> headers_;
    std::vector<std::pair<ModelPath, std::pair<std::size_t, std::size_t>>> pinned_;
    mutable std::uint64_t clock_ = 0;
};

} // namespace zro::detail
