// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// ReplicaCore: the client side of one replica's protocol — acquire, snapshot, the ordered
/// event stream with (epoch, seq) checks, gap repair (replay, else resnapshot), liveness and
/// the lifecycle state machine. The user-facing `zro::Replica` subclass only stores values.

#include "loop/loop.hpp"
#include "wire/codec.hpp"
#include "wire/messages.hpp"

#include <zro/detail/callback_list.hpp>
#include <zro/pending_reply.hpp>
#include <zro/replica_status.hpp>
#include <zro/schema.hpp>

#include <zro/item_model.hpp>

#include <deque>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>

namespace zro {
class Replica;
} // namespace zro

namespace zro::detail {

class Link;
class ClientNode;

class ReplicaCore : public std::enable_shared_from_this<ReplicaCore> {
public:
    ReplicaCore(ClientNode& node, Replica& owner, std::string name);

    const std::string& name() const noexcept { return name_; }
    const std::string& topic() const noexcept { return topic_; }
    Link* link() const noexcept { return link_; }
    std::uint64_t last_seq() const noexcept { return applied_; }
    std::uint64_t epoch() const noexcept { return epoch_; }
    /// Signals the source had emitted up to last_seq() (in this epoch).
    std::uint64_t signals_seen() const noexcept { return signals_; }
    /// The node's loop, or nullptr once the node is gone.
    std::shared_ptr<Loop> loop_ref() const;
    /// The node this replica was acquired on (for a sub-object acquired alongside it).
    ClientNode& node() const noexcept { return node_; }

    // ---- from Link (loop thread) -------------------------------------------------------------
    /// A PUB message other than EVENTS (SYNC, HEARTBEAT, WITHDRAWN, or one it cannot read) on
    /// this replica's topic.
    void on_publication(Link& from, const wire::Decoded<wire::Publication>& msg);
    /// An EVENTS message on this replica's topic: its validated MessagePack bytes, read in place
    /// (the hot path builds a Value only for each event's data).
    void on_events(Link& from, std::string_view bytes);
    /// SNAPSHOT / REPLAYED (or what could not be read of one) / ERROR answering a request this
    /// replica made. A snapshot is consumed: its values are moved out (it may hold megabytes).
    void on_snapshot(Link& from, wire::Decoded<wire::Snapshot>& msg);
    void on_replayed(Link& from, const wire::Decoded<wire::Replayed>& msg);
    void on_request_failed(Link& from, std::uint64_t req_id, ErrorCode code, const std::string& message);
    /// ROWS answering a FETCH of this replica (replica_models.cpp).
    void on_rows(Link& from, std::uint64_t req_id, wire::Decoded<wire::Rows>& msg);
    /// The link reconnected to a new host instance (another node id behind the same URL).
    void on_link_reset(Link& link);
    /// The host behind `link` refused our handshake or could not be verified: unless this
    /// replica is Valid (served by another host, or by this one's live session), its calls fail
    /// with `code` from now on and its notice callbacks hear why.
    void on_host_refused(Link& link, ErrorCode code, const std::string& message);
    /// The link is gone (node shutting down).
    void on_link_closed(Link& link);
    /// Periodic: liveness and retries.
    void tick(Loop::Clock::time_point now);

    // ---- from the Replica API ----------------------------------------------------------------
    PendingReply<Value> call(std::uint8_t type, std::string_view member, Value payload, std::chrono::milliseconds timeout);
    /// A call that fails at once (or, when the replica is valid, nullopt: go ahead).
    std::optional<PendingReply<Value>> refuse_call() const;
    /// FETCH of MODEL member `model` (replica_models.cpp); false when nothing could be sent (the
    /// replica is not valid: its windows are fetched again after the next snapshot).
    bool send_fetch(std::size_t model, std::uint64_t viewer, const ModelPath& parent, std::size_t first,
                    std::size_t count, bool subscribe, const std::vector<std::uint64_t>& roles);
    /// MODEL_SET of one item's role.
    PendingReply<Value> model_set(std::size_t model, const ModelPath& parent, std::size_t row, std::size_t column,
                                  const std::string& role, Value value, std::chrono::milliseconds timeout);
    void detach();  ///< the Replica object is being destroyed (loop thread)
    void detach_safely();  ///< detach() from any thread; idempotent
    void orphan();  ///< the node is being destroyed: forget it, become suspect

    ReplicaState state = ReplicaState::uninitialized;
    std::string reason;
    /// unauthorized / host_unverified while a host refused our handshake and no host serves us:
    /// calls fail with this code rather than a generic not_connected.
    std::optional<ErrorCode> refusal;
    ReplicaStats stats;
    std::string signature;
    std::shared_ptr<const Schema> schema;
    CallbackList<> initialized_cbs;
    CallbackList<ReplicaState, ReplicaState> state_cbs;
    CallbackList<const ReplicaNotice&> notice_cbs;

private:
    /// subscribing: waiting for the first publication (SYNC) on our topic before ACQUIRE, so
    /// that nothing the host publishes after the snapshot (a WITHDRAWN, say) can be missed.
    enum class Sync : std::uint8_t { idle, subscribing, acquiring, repairing };
    struct Buffered {
        Link* from;
        std::string bytes;  ///< a validated EVENTS message
    };

    void set_state(ReplicaState s, std::string why = {});
    void become_suspect(const std::string& why, ErrorCode calls_fail_with);
    void start_acquire(Link& link);
    void send_acquire(Link& link);
    void start_repair(std::uint64_t seen_first_seq);
    /// Applies the events of an EVENTS message; returns false on a gap (then nothing of it was
    /// applied).
    bool apply_events(wire::EventsReader& events);
    void drain_buffer();
    void buffer(Link& from, std::string_view bytes);
    void notice(ReplicaNotice::Kind kind, std::uint64_t first, std::uint64_t last, std::uint64_t count, std::string message);
    void malformed(const std::string& why);
    void handle_events(Link& from, std::string_view bytes);
    void check_position(std::uint64_t epoch, std::uint64_t seq, std::uint64_t signals);

    ClientNode& node_;
    Replica* owner_;
    std::string name_;
    std::string topic_;
    Link* link_ = nullptr;          ///< the host this replica is attached to
    std::uint64_t epoch_ = 0;       ///< the source incarnation our state belongs to
    std::uint64_t applied_ = 0;     ///< seq of the last applied event
    std::uint64_t signals_ = 0;     ///< signals the source had emitted up to applied_
    std::uint64_t host_signals_ = 0;///< the highest signal count the host announced for epoch_
    Sync sync_ = Sync::idle;
    std::uint64_t request_id_ = 0;  ///< the outstanding ACQUIRE/REPLAY
    Link* request_link_ = nullptr;
    Loop::Clock::time_point request_sent_{};
    Loop::Clock::time_point last_heard_{};
    std::size_t next_link_ = 0;     ///< round-robin over links while looking for the source
    std::deque<Buffered> buffer_;
    std::size_t buffer_bytes_ = 0;
    std::vector<Link*> subscribed_; ///< links whose SUB carries our topic
    bool initialized_once_ = false;
    bool gap_open_ = false;         ///< a gap was reported and is not repaired yet (report once)
    bool orphaned_ = false;         ///< node_ is gone
    /// A model operation did not fit the replica's cache: resynchronize by snapshot.
    bool models_out_of_step_ = false;
    std::unordered_map<std::uint64_t, std::size_t> fetches_;  ///< FETCH req_id → model index
};

} // namespace zro::detail
