// zro — shared live objects over ZeroMQ.
#include "model/model_paths.hpp"

#include <algorithm>

namespace zro::detail {

bool is_below(const ModelPath& path, const ModelPath& parent) noexcept {
    return path.size() > parent.size() && std::equal(parent.begin(), parent.end(), path.begin());
}

namespace {

ModelPath after_insert(ModelPath path, const ModelPath& parent, std::size_t first, std::size_t count) {
    if (is_below(path, parent) && path[parent.size()] >= first) path[parent.size()] += count;
    return path;
}

std::optional<ModelPath> after_remove(ModelPath path, const ModelPath& parent, std::size_t first, std::size_t count) {
    if (!is_below(path, parent)) return path;
    std::size_t& row = path[parent.size()];
    if (row >= first + count) row -= count;
    else if (row >= first) return std::nullopt;
    return path;
}

// A move is a removal from `parent` followed by an insertion into `to_parent` (itself shifted
// by the removal); a path inside the moved rows keeps its place relative to them.
std::optional<ModelPath> after_move(const ModelPath& path, const ModelChange& c) {
    const auto destination_parent = after_remove(c.to_parent, c.parent, c.first, c.count);
    if (!destination_parent) return std::nullopt;  // not a valid move; be safe
    if (is_below(path, c.parent)) {
        const std::size_t row = path[c.parent.size()];
        if (row >= c.first && row < c.first + c.count) {
            ModelPath moved = *destination_parent;
            moved.push_back(c.destination + (row - c.first));
            moved.insert(moved.end(), path.begin() + static_cast<std::ptrdiff_t>(c.parent.size() + 1), path.end());
            return moved;
        }
    }
    auto removed = after_remove(path, c.parent, c.first, c.count);
    if (!removed) return std::nullopt;
    return after_insert(std::move(*removed), *destination_parent, c.destination, c.count);
}

} // namespace

std::optional<ModelPath> path_after(const ModelPath& path, const ModelChange& c) {
    using Kind = ModelChange::Kind;
    switch (c.kind) {
    case Kind::reset: return path.empty() ? std::optional<ModelPath>(path) : std::nullopt;
    case Kind::rows_inserted: return after_insert(path, c.parent, c.first, c.count);
    case Kind::rows_removed: return after_remove(path, c.parent, c.first, c.count);
    case Kind::rows_moved: return after_move(path, c);
    default: return path;
    }
}

} // namespace zro::detail
