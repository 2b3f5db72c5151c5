// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Where a parent path points after a structural change of a model. The host moves its
/// replicas' windows with it and a replica its cache, so both sides follow rows that moved
/// (an insertion above a subtree changes the subtree's path) without asking anyone.

#include <zro/item_model.hpp>

#include <optional>

namespace zro::detail {

/// The path of the item that `path` named before `change`, now; nullopt when that item (or an
/// ancestor) was removed, or for any path but the root after a reset. Changes that move no
/// rows (columns, data, headers) leave every path as it was.
std::optional<ModelPath> path_after(const ModelPath& path, const ModelChange& change);

/// True when `path` lies strictly below `parent` (starts with it and is longer).
bool is_below(const ModelPath& path, const ModelPath& parent) noexcept;

} // namespace zro::detail
