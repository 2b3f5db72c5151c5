// zro — shared live objects over ZeroMQ.
#include "engine/client/model_cache.hpp"

#include "model/model_paths.hpp"

#include <zro/error.hpp>

#include <algorithm>

namespace zro::detail {

using Kind = ModelChange::Kind;

namespace {

[[noreturn]] void malformed(const std::string& why) { throw Error(ErrorCode::malformed_message, "model operation: " + why); }

const Value::List& list_of(const Value& v, std::size_t at_least, const char* what) {
    if (!v.is_list() || v.as_list().size() < at_least) malformed(std::string(what) + " is not a list of at least " + std::to_string(at_least));
    return v.as_list();
}

std::size_t count_of(const Value& v, const char* what) {
    if (v.kind() != Value::Kind::uint64) malformed(std::string(what) + " is not a non-negative integer");
    return static_cast<std::size_t>(v.as<std::uint64_t>());
}

ModelPath path_of(const Value& v) {
    ModelPath p;
    for (const Value& r : list_of(v, 0, "a path")) p.push_back(count_of(r, "a path's row"));
    return p;
}

using RowMap = std::map<std::size_t, CachedRow>;

/// Adds `by` to the row of every entry at or after `from` (node handles: no copies).
void shift(RowMap& rows, std::size_t from, std::size_t by, bool up) {
    std::vector<RowMap::node_type> tail;
    for (auto it = rows.lower_bound(from); it != rows.end();) tail.push_back(rows.extract(it++));
    for (auto& nh : tail) {
        nh.key() = up ? nh.key() + by : nh.key() - by;
        rows.insert(std::move(nh));
    }
}

void erase_range(RowMap& rows, std::size_t first, std::size_t count) {
    rows.erase(rows.lower_bound(first), rows.lower_bound(first + count));
}

void check_range(std::size_t first, std::size_t count, std::size_t size, const char* what) {
    if (count == 0 || first > size || count > size - first)
        malformed(std::string(what) + " [" + std::to_string(first) + ", +" + std::to_string(count) + ") out of range (" +
                  std::to_string(size) + ")");
}

template <class T> void move_block(std::vector<T>& v, std::size_t first, std::size_t count, std::size_t destination) {
    std::vector<T> block(std::make_move_iterator(v.begin() + static_cast<std::ptrdiff_t>(first)),
                         std::make_move_iterator(v.begin() + static_cast<std::ptrdiff_t>(first + count)));
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(first), v.begin() + static_cast<std::ptrdiff_t>(first + count));
    v.insert(v.begin() + static_cast<std::ptrdiff_t>(destination), std::make_move_iterator(block.begin()),
             std::make_move_iterator(block.end()));
}

} // namespace

// ---- reading -----------------------------------------------------------------------------------

const CacheNode* ModelCache::node(const ModelPath& parent) const {
    auto it = nodes_.find(parent);
    return it == nodes_.end() ? nullptr : &it->second;
}

CacheNode* ModelCache::find(const ModelPath& parent) {
    auto it = nodes_.find(parent);
    return it == nodes_.end() ? nullptr : &it->second;
}

const CachedRow* ModelCache::row(const ModelPath& parent, std::size_t r) const {
    const CacheNode* n = node(parent);
    if (!n) return nullptr;
    auto it = n->cached.find(r);
    if (it == n->cached.end()) return nullptr;
    it->second.used = ++clock_;
    return &it->second;
}

const std::vector<Value>* ModelCache::header(std::size_t section) const {
    return section < headers_.size() ? &headers_[section] : nullptr;
}

std::size_t ModelCache::cached_rows() const noexcept {
    std::size_t n = 0;
    for (const auto& [path, node] : nodes_) n += node.cached.size();
    return n;
}

// ---- storing -----------------------------------------------------------------------------------

void ModelCache::reset(const Value& state) {
    nodes_.clear();
    headers_.clear();
    present_ = !state.is_nil();
    if (!present_) return;
    const auto& s = list_of(state, 3, "a model state");
    CacheNode& root = nodes_[{}];
    root.rows = count_of(s[0], "rows");
    root.columns = count_of(s[1], "columns");
    for (const Value& h : list_of(s[2], 0, "headers")) {
        const auto& roles = list_of(h, role_count_, "a header section");
        headers_.emplace_back(roles.begin(), roles.begin() + static_cast<std::ptrdiff_t>(role_count_));
    }
}

void ModelCache::set_counts(const ModelPath& parent, std::size_t rows, std::size_t columns) {
    CacheNode& n = nodes_[parent];
    if (n.rows != rows || n.columns != columns) n.cached.clear();  // (only a fresh node differs)
    n.rows = rows;
    n.columns = columns;
}

CachedRow ModelCache::row_from(const Value& payload, const ModelPath& parent, std::size_t& row_out) {
    const auto& p = list_of(payload, 4, "a row payload");
    row_out = count_of(p[0], "a payload's row");
    const std::size_t child_rows = count_of(p[1], "a payload's child rows");
    const std::size_t child_columns = count_of(p[2], "a payload's child columns");
    CachedRow row;
    for (const Value& c : list_of(p[3], 0, "a payload's cells")) {
        const auto& cell = list_of(c, 2, "a cell");
        CachedCell out;
        out.flags = static_cast<ItemFlags>(count_of(cell[0], "a cell's flags"));
        const auto& roles = list_of(cell[1], role_count_, "a cell's roles");
        out.roles.assign(roles.begin(), roles.begin() + static_cast<std::ptrdiff_t>(role_count_));
        row.cells.push_back(std::move(out));
    }
    ModelPath child = parent;
    child.push_back(row_out);
    if (child_rows > 0) {
        CacheNode& n = nodes_[child];
        n.rows = child_rows;
        n.columns = child_columns;
    } else {
        nodes_.erase(child);
    }
    row.used = ++clock_;
    return row;
}

void ModelCache::store_rows(const ModelPath& parent, const Value::List& rows) {
    if (rows.empty()) return;
    if (!find(parent)) return;  // a parent we know nothing of (e.g. removed meanwhile)
    for (const Value& payload : rows) {
        std::size_t r = 0;
        CachedRow row = row_from(payload, parent, r);
        CacheNode& n = *find(parent);  // (row_from may add nodes)
        if (r < n.rows) n.cached[r] = std::move(row);
    }
    evict(parent, *find(parent));
}

bool ModelCache::pinned(const ModelPath& parent, std::size_t row) const {
    for (const auto& [p, range] : pinned_)
        if (p == parent && row >= range.first && row < range.first + range.second) return true;
    return false;
}

bool ModelCache::has_child_node(const ModelPath& parent, std::size_t row) const {
    ModelPath child = parent;
    child.push_back(row);
    return nodes_.count(child) > 0;
}

void ModelCache::evict(const ModelPath& parent, CacheNode& n) {
    if (n.cached.size() <= rows_per_parent_) return;
    // Oldest first; rows in a window and rows whose children are known stay (as QtRO's cache).
    std::vector<std::pair<std::uint64_t, std::size_t>> candidates;
    for (const auto& [r, row] : n.cached)
        if (!pinned(parent, r) && !has_child_node(parent, r)) candidates.emplace_back(row.used, r);
    std::sort(candidates.begin(), candidates.end());
    const std::size_t excess = n.cached.size() - rows_per_parent_;
    for (std::size_t i = 0; i < std::min(excess, candidates.size()); ++i) n.cached.erase(candidates[i].second);
}

void ModelCache::move_nodes(const ModelChange& change) {
    std::map<ModelPath, CacheNode> moved;
    for (auto& [path, node] : nodes_)
        if (auto to = path_after(path, change)) moved.emplace(std::move(*to), std::move(node));
    nodes_.swap(moved);
}

void ModelCache::merge_from(ModelCache&& newer) {
    for (auto& [path, theirs] : newer.nodes_) {
        CacheNode& mine = nodes_[path];
        mine.rows = theirs.rows;
        mine.columns = theirs.columns;
        for (auto& [r, row] : theirs.cached) {
            row.used = ++clock_;
            mine.cached[r] = std::move(row);
        }
    }
    for (auto& [path, node] : nodes_) evict(path, node);
}

CacheNode* ModelCache::find_or_first_children(const ModelPath& parent, std::size_t columns) {
    if (CacheNode* n = find(parent)) return n;
    if (parent.empty()) return nullptr;
    // A row that had no children gets some: known (0 rows so far) only if that row is held.
    const ModelPath grand(parent.begin(), parent.end() - 1);
    const CacheNode* g = node(grand);
    if (!g || !g->cached.count(parent.back())) return nullptr;
    CacheNode& n = nodes_[parent];
    n.columns = columns;
    return &n;
}

// ---- operations --------------------------------------------------------------------------------

ModelChange ModelCache::apply(const Value& op) {
    const auto& l = list_of(op, 1, "an operation");
    const std::size_t code = count_of(l[0], "the operation code");
    auto need = [&](std::size_t n) {
        if (l.size() < n) malformed("operation " + std::to_string(code) + " needs " + std::to_string(n - 1) + " fields");
    };
    ModelChange c;
    switch (code) {
    case 0: {  // reset: [0, state, root rows]
        need(3);
        reset(l[1]);
        if (present_) store_rows({}, list_of(l[2], 0, "rows"));
        c.kind = Kind::reset;
        return c;
    }
    case 1: {  // rows inserted: [1, parent, first, count, columns, rows]
        need(6);
        c = ModelChange::of(Kind::rows_inserted, path_of(l[1]), count_of(l[2], "first"), count_of(l[3], "count"));
        if (c.count == 0) malformed("count 0");
        CacheNode* n = find_or_first_children(c.parent, count_of(l[4], "columns"));
        if (n) {
            if (c.first > n->rows) malformed("insertion at " + std::to_string(c.first) + " past " + std::to_string(n->rows) + " rows");
            shift(n->cached, c.first, c.count, true);
            n->rows += c.count;
        }
        move_nodes(c);
        store_rows(c.parent, list_of(l[5], 0, "rows"));
        return c;
    }
    case 2: {  // rows removed: [2, parent, first, count, rows]
        need(5);
        c = ModelChange::of(Kind::rows_removed, path_of(l[1]), count_of(l[2], "first"), count_of(l[3], "count"));
        if (CacheNode* n = find(c.parent)) {
            check_range(c.first, c.count, n->rows, "removed rows");
            erase_range(n->cached, c.first, c.count);
            shift(n->cached, c.first + c.count, c.count, false);
            n->rows -= c.count;
        }
        move_nodes(c);
        store_rows(c.parent, list_of(l[4], 0, "rows"));
        return c;
    }
    case 3: {  // rows moved: [3, parent, first, count, to_parent, destination, rows, source rows]
        need(8);
        c = ModelChange::of(Kind::rows_moved, path_of(l[1]), count_of(l[2], "first"), count_of(l[3], "count"));
        c.to_parent = path_of(l[4]);
        c.destination = count_of(l[5], "destination");
        std::vector<std::pair<std::size_t, CachedRow>> taken;
        std::size_t columns = 0;
        if (CacheNode* n = find(c.parent)) {
            check_range(c.first, c.count, n->rows, "moved rows");
            columns = n->columns;
            for (auto it = n->cached.lower_bound(c.first); it != n->cached.end() && it->first < c.first + c.count; ++it)
                taken.emplace_back(it->first - c.first, std::move(it->second));
            erase_range(n->cached, c.first, c.count);
            shift(n->cached, c.first + c.count, c.count, false);
            n->rows -= c.count;
        }
        const ModelChange removal = ModelChange::of(Kind::rows_removed, c.parent, c.first, c.count);
        const auto to = path_after(c.to_parent, removal);
        if (!to) malformed("rows moved into themselves");
        move_nodes(c);
        if (CacheNode* q = find_or_first_children(*to, columns)) {
            if (c.destination > q->rows) malformed("move destination past the end");
            shift(q->cached, c.destination, c.count, true);
            q->rows += c.count;
            for (auto& [offset, row] : taken) q->cached[c.destination + offset] = std::move(row);
        }
        store_rows(*to, list_of(l[6], 0, "rows"));
        if (auto from = path_after(c.parent, c); from && *from != *to) store_rows(*from, list_of(l[7], 0, "source rows"));
        return c;
    }
    case 4: {  // columns inserted: [4, parent, first, count, rows]
        need(5);
        c = ModelChange::of(Kind::columns_inserted, path_of(l[1]), count_of(l[2], "first"), count_of(l[3], "count"));
        if (CacheNode* n = find(c.parent)) {
            if (c.first > n->columns || c.count == 0) malformed("column insertion out of range");
            n->columns += c.count;
            n->cached.clear();  // their new cells are unknown; the windows' rows come along
            if (c.parent.empty())
                headers_.insert(headers_.begin() + static_cast<std::ptrdiff_t>(std::min(c.first, headers_.size())), c.count,
                                std::vector<Value>(role_count_));
        }
        store_rows(c.parent, list_of(l[4], 0, "rows"));
        return c;
    }
    case 5: {  // columns removed: [5, parent, first, count]
        need(4);
        c = ModelChange::of(Kind::columns_removed, path_of(l[1]), count_of(l[2], "first"), count_of(l[3], "count"));
        if (CacheNode* n = find(c.parent)) {
            check_range(c.first, c.count, n->columns, "removed columns");
            n->columns -= c.count;
            for (auto& [r, row] : n->cached)
                if (row.cells.size() >= c.first + c.count)
                    row.cells.erase(row.cells.begin() + static_cast<std::ptrdiff_t>(c.first),
                                    row.cells.begin() + static_cast<std::ptrdiff_t>(c.first + c.count));
            if (c.parent.empty() && headers_.size() >= c.first + c.count)
                headers_.erase(headers_.begin() + static_cast<std::ptrdiff_t>(c.first),
                               headers_.begin() + static_cast<std::ptrdiff_t>(c.first + c.count));
        }
        return c;
    }
    case 6: {  // columns moved: [6, parent, first, count, destination]
        need(5);
        c = ModelChange::of(Kind::columns_moved, path_of(l[1]), count_of(l[2], "first"), count_of(l[3], "count"));
        c.destination = count_of(l[4], "destination");
        if (CacheNode* n = find(c.parent)) {
            check_range(c.first, c.count, n->columns, "moved columns");
            if (c.destination > n->columns - c.count) malformed("column move destination out of range");
            for (auto& [r, row] : n->cached)
                if (row.cells.size() == n->columns) move_block(row.cells, c.first, c.count, c.destination);
            if (c.parent.empty() && headers_.size() == n->columns) move_block(headers_, c.first, c.count, c.destination);
        }
        return c;
    }
    case 7: {  // data changed: [7, parent, first, count, first_column, last_column, roles, rows]
        need(8);
        c = ModelChange::of(Kind::data_changed, path_of(l[1]), count_of(l[2], "first"), count_of(l[3], "count"));
        c.first_column = count_of(l[4], "first column");
        c.last_column = count_of(l[5], "last column");
        for (const Value& r : list_of(l[6], 0, "roles")) c.roles.push_back(count_of(r, "a role"));
        if (CacheNode* n = find(c.parent)) erase_range(n->cached, c.first, c.count);  // stale unless pushed
        store_rows(c.parent, list_of(l[7], 0, "rows"));
        return c;
    }
    case 8: {  // header changed: [8, first, sections]
        need(3);
        c.kind = Kind::header_changed;
        c.first = count_of(l[1], "first");
        const auto& sections = list_of(l[2], 0, "sections");
        c.count = sections.size();
        if (headers_.size() < c.first + c.count) headers_.resize(c.first + c.count, std::vector<Value>(role_count_));
        for (std::size_t i = 0; i < sections.size(); ++i) {
            const auto& roles = list_of(sections[i], role_count_, "a header section");
            headers_[c.first + i].assign(roles.begin(), roles.begin() + static_cast<std::ptrdiff_t>(role_count_));
        }
        return c;
    }
    default: malformed("unknown operation " + std::to_string(code));
    }
}

} // namespace zro::detail
