// zro — shared live objects over ZeroMQ.
#include "api/model_replica_impl.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "engine/client/replica_core.hpp"
#include "model/model_paths.hpp"

#include <algorithm>

namespace zro {

using Kind = ModelChange::Kind;

namespace {
/// Rows fetched together on a cache miss (a view asks for neighbours next).
constexpr std::size_t miss_block = 64;
/// Operations kept while fetches are out; beyond, an answer that needs older ones is asked again.
constexpr std::size_t max_log = 100000;

bool moves_rows(Kind k) { return k == Kind::reset || k == Kind::rows_inserted || k == Kind::rows_removed || k == Kind::rows_moved; }
} // namespace

// ---- Impl: the stream ------------------------------------------------------------------------

ModelReplica::Impl::Impl(Replica& o, std::weak_ptr<detail::ReplicaCore> c, std::size_t i, std::string n,
                         std::vector<std::string> r)
    : owner(o), core(std::move(c)), index(i), name(std::move(n)), roles(std::move(r)), cache(roles.size(), cache_size),
      viewer(detail::random_u64()) {}

void ModelReplica::Impl::reset(const Value& state, std::uint64_t seq) {
    cache = detail::ModelCache(roles.size(), cache_size);
    log.clear();
    waiting.clear();
    missing.clear();
    refreshing.clear();
    in_flight = 0;  // answers still out belong to the old state: `log_from` makes them stale
    log_from = seq + 1;
    pin_windows();
    cache.reset(state);
}

void ModelReplica::Impl::after_snapshot() {
    for (const auto& [parent, w] : windows) {
        refreshing.insert(parent);
        request(parent, w.first, w.second, true);
    }
    changed(ModelChange{});  // last: it may destroy us
}

void ModelReplica::Impl::heal_windows(const ModelChange* after) {
    if (after && after->kind == Kind::header_changed) return;
    const bool data_only = after && after->kind == Kind::data_changed;
    for (const auto& [parent, w] : windows) {
        if (refreshing.count(parent)) continue;
        if (data_only && parent != after->parent) continue;
        const detail::CacheNode* n = cache.node(parent);
        if (!n) continue;
        std::size_t first = w.first, end = std::min(w.first + w.second, n->rows);
        if (data_only) {
            first = std::max(first, after->first);
            end = std::min(end, after->first + after->count);
        }
        for (std::size_t r = first; r < end; ++r)
            if (!n->cached.count(r)) {
                refreshing.insert(parent);
                request(parent, w.first, w.second, true);
                break;
            }
    }
}

bool ModelReplica::Impl::apply(const Value& op, std::uint64_t seq) {
    ModelChange c;
    try {
        c = cache.apply(op);
    } catch (const Error&) {
        return false;
    }
    if (in_flight > 0 || !waiting.empty()) {
        log.emplace_back(seq, op);
        if (log.size() > max_log) {
            log.clear();
            log_from = seq + 1;
        }
    }
    if (moves_rows(c.kind)) {
        // Windows follow the rows they show, as the host's copies of them do.
        std::map<ModelPath, std::pair<std::size_t, std::size_t>> moved;
        for (auto& [parent, w] : windows)
            if (auto to = detail::path_after(parent, c)) moved.emplace(std::move(*to), w);
        windows.swap(moved);
        std::set<ModelPath> still;
        for (const auto& parent : refreshing)
            if (auto to = detail::path_after(parent, c)) still.insert(std::move(*to));
        refreshing.swap(still);
        pin_windows();
        missing.clear();
    }
    heal_windows(&c);
    changed(c);  // last: it may destroy us
    return true;
}

void ModelReplica::Impl::caught_up(std::uint64_t core_applied) {
    if (waiting.empty()) return;
    std::vector<Answer> ready;
    for (auto it = waiting.begin(); it != waiting.end();) {
        if (it->seq <= core_applied) {
            ready.push_back(std::move(*it));
            it = waiting.erase(it);
        } else {
            ++it;
        }
    }
    const auto still = alive;
    for (auto& a : ready) {
        integrate(a);  // ends with a callback, which may destroy us
        if (!*still) return;
    }
}

void ModelReplica::Impl::answered(Answer answer, std::uint64_t core_applied) {
    if (in_flight > 0) --in_flight;
    if (answer.seq > core_applied) return waiting.push_back(std::move(answer));
    integrate(answer);
}

void ModelReplica::Impl::fetch_failed() {
    if (in_flight > 0) --in_flight;
    refreshing.clear();
    missing.clear();  // which block failed is unknown: let misses ask again
}

void ModelReplica::Impl::integrate(Answer& a) {
    missing.erase({a.parent, a.first});
    refreshing.erase(a.parent);
    if (!cache.present()) return;
    if (a.seq + 1 < log_from) {
        // Operations between the answer and now were not kept: ask again.
        request(a.parent, a.first, std::max<std::size_t>(a.payloads.size(), 1), false);
        return;
    }
    // The answer's rows in a cache of their own, brought forward through what the stream
    // applied after the answer was read, then merged.
    detail::ModelCache fresh(roles.size(), std::max(cache_size, a.payloads.size()));
    ModelPath parent = a.parent;
    try {
        fresh.set_counts(parent, a.rows, a.columns);
        fresh.store_rows(parent, a.payloads);
        for (const auto& [seq, op] : log) {
            if (seq <= a.seq) continue;
            const ModelChange c = fresh.apply(op);
            if (moves_rows(c.kind)) {
                auto to = detail::path_after(parent, c);
                if (!to) return;  // the parent is gone
                parent = std::move(*to);
            }
        }
    } catch (const Error&) {
        return;  // an answer that does not fit: the next miss asks again
    }
    const detail::CacheNode* node = fresh.node(parent);
    if (!node) return;
    const std::size_t columns = node->columns;
    std::optional<std::pair<std::size_t, std::size_t>> span;
    if (!node->cached.empty()) span = {node->cached.begin()->first, node->cached.rbegin()->first};
    cache.merge_from(std::move(fresh));
    if (span) {
        ModelChange c = ModelChange::of(Kind::data_changed, parent, span->first, span->second - span->first + 1);
        c.last_column = columns ? columns - 1 : 0;
        changed(c);
    }
}

// ---- Impl: requests ---------------------------------------------------------------------------

void ModelReplica::Impl::request(const ModelPath& parent, std::size_t first, std::size_t count, bool subscribe) {
    auto c = core.lock();
    if (!c) return;
    if (in_flight == 0 && waiting.empty()) {
        log.clear();
        log_from = c->last_seq() + 1;  // the answer's position is at least what we hold now
    }
    if (c->send_fetch(index, viewer, parent, first, count, subscribe, wanted)) ++in_flight;
}

void ModelReplica::Impl::request_missing(const ModelPath& parent, std::size_t row) {
    const std::size_t block = row / miss_block * miss_block;
    if (missing.insert({parent, block}).second) request(parent, block, miss_block, false);
}

void ModelReplica::Impl::pin_windows() {
    std::vector<std::pair<ModelPath, std::pair<std::size_t, std::size_t>>> pins(windows.begin(), windows.end());
    cache.set_pinned(std::move(pins));
}

// ---- the public API ------------------------------------------------------------------------------

ModelReplica::ModelReplica(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ModelReplica::~ModelReplica() = default;

Replica& ModelReplica::replica() const noexcept { return impl_->owner; }
const std::string& ModelReplica::name() const noexcept { return impl_->name; }
const std::vector<std::string>& ModelReplica::role_names() const noexcept { return impl_->roles; }

std::size_t ModelReplica::role_index(std::string_view role) const {
    const auto& r = impl_->roles;
    return static_cast<std::size_t>(std::find(r.begin(), r.end(), role) - r.begin());
}

bool ModelReplica::has_model() const noexcept { return impl_->cache.present(); }

std::size_t ModelReplica::row_count(const ModelPath& parent) const {
    const auto* n = impl_->cache.node(parent);
    return n ? n->rows : 0;
}

std::size_t ModelReplica::column_count(const ModelPath& parent) const {
    const auto* n = impl_->cache.node(parent);
    return n ? n->columns : 0;
}

bool ModelReplica::has_children(const ModelPath& parent, std::size_t row) const {
    ModelPath child = parent;
    child.push_back(row);
    return row_count(child) > 0;
}

bool ModelReplica::cached(const ModelPath& parent, std::size_t row) const { return impl_->cache.row(parent, row) != nullptr; }

Value ModelReplica::data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role) const {
    const auto& wanted = impl_->wanted;
    if (!wanted.empty() && !std::binary_search(wanted.begin(), wanted.end(), static_cast<std::uint64_t>(role)))
        throw Error(ErrorCode::bad_arguments, "model '" + impl_->name + "': role " +
                                                  (role < impl_->roles.size() ? "'" + impl_->roles[role] + "'" : std::to_string(role)) +
                                                  " is not among the roles this replica reads (set_roles)");
    const detail::CachedRow* r = impl_->cache.row(parent, row);
    if (!r) {
        if (row < row_count(parent)) impl_->request_missing(parent, row);
        return {};
    }
    if (column >= r->cells.size() || role >= r->cells[column].roles.size()) return {};
    return r->cells[column].roles[role];
}

ItemFlags ModelReplica::flags(const ModelPath& parent, std::size_t row, std::size_t column) const {
    const detail::CachedRow* r = impl_->cache.row(parent, row);
    return r && column < r->cells.size() ? r->cells[column].flags : 0;
}

Value ModelReplica::header_data(std::size_t section, std::size_t role) const {
    const auto* h = impl_->cache.header(section);
    return h && role < h->size() ? (*h)[role] : Value{};
}

void ModelReplica::set_window(const ModelPath& parent, std::size_t first, std::size_t count) {
    auto& windows = impl_->windows;
    auto it = windows.find(parent);
    if (count == 0) {
        if (it == windows.end()) return;
        windows.erase(it);
        impl_->pin_windows();
        impl_->request(parent, 0, 0, true);  // the host forgets the window
        return;
    }
    if (it != windows.end() && it->second == std::make_pair(first, count)) return;
    windows[parent] = {first, count};
    impl_->pin_windows();
    impl_->refreshing.insert(parent);
    impl_->request(parent, first, count, true);
}

void ModelReplica::fetch(const ModelPath& parent, std::size_t first, std::size_t count) {
    if (count > 0) impl_->request(parent, first, count, false);
}

void ModelReplica::Impl::resolve_roles() {
    std::vector<std::uint64_t> found;
    for (const auto& n : wanted_names) {
        const auto it = std::find(roles.begin(), roles.end(), n);
        if (it == roles.end()) detail::log(LogLevel::warn, "model '", name, "': the class has no role '", n, "'; not reading it");
        else found.push_back(static_cast<std::uint64_t>(it - roles.begin()));
    }
    if (found.empty() && !wanted_names.empty()) detail::log(LogLevel::warn, "model '", name, "': none of the roles asked for exists; reading every role");
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    if (found != wanted) cache.forget_rows();
    wanted = std::move(found);
}

void ModelReplica::set_roles(const std::vector<std::string>& roles) {
    if (impl_->roles.empty()) {  // the class is not known yet (a dynamic replica): checked when it is
        impl_->wanted_names = roles;
        return;
    }
    std::vector<std::uint64_t> wanted;
    for (const auto& r : roles) {
        const std::size_t i = role_index(r);
        if (i == impl_->roles.size()) {
            std::string names;
            for (const auto& n : impl_->roles) names += (names.empty() ? "" : ", ") + n;
            throw Error(ErrorCode::bad_arguments, "model '" + impl_->name + "' has no role '" + r + "' (roles: " + names + ")");
        }
        wanted.push_back(i);
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    if (wanted == impl_->wanted) return;
    // Rows held lack the values of roles not wanted before: forget them when the set grows.
    const bool grows = wanted.empty() || !std::includes(impl_->wanted.begin(), impl_->wanted.end(), wanted.begin(), wanted.end());
    if (!impl_->wanted.empty() && grows) impl_->cache.forget_rows();
    impl_->wanted = std::move(wanted);
    impl_->wanted_names = roles;
    // The source sends what windows want: tell it, for each window.
    for (const auto& [parent, w] : impl_->windows) {
        impl_->refreshing.insert(parent);
        impl_->request(parent, w.first, w.second, true);
    }
}

const std::vector<std::string>& ModelReplica::roles() const noexcept { return impl_->wanted_names; }

std::size_t ModelReplica::cache_size() const noexcept { return impl_->cache_size; }

void ModelReplica::set_cache_size(std::size_t rows_per_parent) {
    if (rows_per_parent == 0) throw Error(ErrorCode::bad_arguments, "a model cache holds at least 1 row per parent");
    impl_->cache_size = rows_per_parent;
    impl_->cache.set_rows_per_parent(rows_per_parent);
}

std::size_t ModelReplica::cached_rows() const { return impl_->cache.cached_rows(); }

Connection ModelReplica::on_change(std::function<void(const ModelChange&)> fn) {
    return Connection(impl_->changed, impl_->changed.add(std::move(fn)));
}

PendingReply<Value> ModelReplica::set_data(const ModelPath& parent, std::size_t row, std::size_t column, std::size_t role,
                                           Value value, std::chrono::milliseconds timeout) {
    if (role >= impl_->roles.size())
        return PendingReply<Value>::failed(ErrorCode::bad_arguments, "model '" + impl_->name + "' has no role number " + std::to_string(role) +
                                                                         " (it has " + std::to_string(impl_->roles.size()) + ")");
    auto core = impl_->core.lock();
    if (!core) return PendingReply<Value>::failed(ErrorCode::cancelled, "the replica of model '" + impl_->name + "' is gone");
    return core->model_set(impl_->index, parent, row, column, impl_->roles[role], std::move(value), timeout);
}

} // namespace zro
