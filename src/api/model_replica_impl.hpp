// zro — shared live objects over ZeroMQ.
#pragma once
// The inside of a ModelReplica: its cache, windows and fetches. The replica's stream (through
// zro::Replica, from ReplicaCore) drives it; it asks the source through ReplicaCore.
//
// Consistency of fetched rows: a FETCH answer holds rows as they were at the answer's stream
// position S, and arrives on the request socket, not in the stream. While fetches are out, the
// operations applied from the stream are kept in a log; an answer at S is built into a cache of
// its own, brought to the replica's position by the logged operations after S, and merged.
// An answer ahead of the stream (S above what was applied) waits until the stream gets there.

#include <zro/model_replica.hpp>

#include "engine/client/model_cache.hpp"

#include <deque>
#include <map>
#include <memory>
#include <set>

namespace zro::detail {
class ReplicaCore;
} // namespace zro::detail

namespace zro {

struct ModelReplica::Impl {
    Impl(Replica& owner, std::weak_ptr<detail::ReplicaCore> core, std::size_t index, std::string name, std::vector<std::string> roles);
    ~Impl() { *alive = false; }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    struct Answer {
        std::uint64_t seq = 0;
        ModelPath parent;
        std::size_t rows = 0, columns = 0, first = 0;
        Value::List payloads;
    };

    // ---- from Replica (the stream) ----
    void reset(const Value& state, std::uint64_t seq);  ///< from a snapshot; no callbacks
    void after_snapshot();                              ///< the replica is valid: notify, refetch
    /// Applies one operation at `seq` and notifies; false when it does not fit (resync).
    bool apply(const Value& op, std::uint64_t seq);
    void caught_up(std::uint64_t applied);
    void answered(Answer answer, std::uint64_t applied);
    void fetch_failed();

    // ---- requests ----
    void request(const ModelPath& parent, std::size_t first, std::size_t count, bool subscribe);
    void request_missing(const ModelPath& parent, std::size_t row);
    void integrate(Answer& answer);
    void pin_windows();
    /// Asks again for every window the cache no longer holds whole (the host may have dropped a
    /// window while this node was silent, e.g. stopped, and sent changes without its rows).
    /// `after`: the change just applied, whose rows are the only ones a data change can have
    /// dropped (checking just those keeps a pushed change O(its rows), not O(the window));
    /// nullptr: check every row of every window.
    void heal_windows(const ModelChange* after = nullptr);
    /// Maps `wanted_names` onto `roles` (the class just became known); unknown names are
    /// logged and left out.
    void resolve_roles();

    Replica& owner;
    std::weak_ptr<detail::ReplicaCore> core;
    std::size_t index;
    std::string name;
    std::vector<std::string> roles;
    std::vector<std::string> wanted_names;   ///< set_roles (empty: every role)
    std::vector<std::uint64_t> wanted;       ///< their indices, ascending
    std::size_t cache_size = 1000;
    detail::ModelCache cache;
    detail::CallbackList<const ModelChange&> changed;
    std::map<ModelPath, std::pair<std::size_t, std::size_t>> windows;  ///< parent → (first, count)
    std::uint64_t viewer = 0;
    // Fetches: how many are out, the operations applied since the first went out (with their
    // seq), from which seq that log is complete, answers that are ahead of the stream, and the
    // blocks asked for on a cache miss.
    std::size_t in_flight = 0;
    std::deque<std::pair<std::uint64_t, Value>> log;
    std::uint64_t log_from = 0;
    std::vector<Answer> waiting;
    std::set<std::pair<ModelPath, std::size_t>> missing;
    std::set<ModelPath> refreshing;  ///< windows asked for again and not answered yet
    /// False once destroyed: a change callback may destroy the replica (and this) while a loop
    /// here still has work; every callback is followed by a look at it.
    std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

} // namespace zro
