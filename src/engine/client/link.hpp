// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Link: a client's connection to one host URL — a DEALER for requests and a SUB for the state
/// stream. It runs the handshake (HELLO/WELCOME, repeated until answered and again whenever the
/// host goes quiet or turns out to be a new instance), pings, routes PUB messages and replies to
/// replicas, and owns the pending calls made through it.

#include "core/log.hpp"
#include "loop/loop.hpp"
#include "wire/codec.hpp"
#include "wire/messages.hpp"
#include "wire/url.hpp"

#include <zro/pending_reply.hpp>

#include <zmq.hpp>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>

namespace zro::detail {

class LinkSecurity;
class ClientNode;
class ReplicaCore;

class Link {
public:
    Link(ClientNode& node, std::string_view url);
    ~Link();

    const std::string& url() const noexcept { return url_str_; }
    bool welcomed() const noexcept { return welcomed_; }
    const std::string& peer_id() const noexcept { return peer_id_; }
    /// When a publication (any: events, heartbeat, sync) last arrived from the host.
    Loop::Clock::time_point last_heard() const noexcept { return last_heard_; }
    /// The heartbeat interval that paces this link: the host's, from its last WELCOME (the host
    /// publishes at that rate, so silence is measured against it); the node's own before the
    /// first WELCOME. PINGs go out once per interval; three intervals of silence mean the host
    /// is gone (Link::tick, ReplicaCore::tick).
    std::chrono::milliseconds heartbeat() const noexcept { return heartbeat_; }
    /// The largest request this link sends: the smaller of the node's max_message_size and the
    /// host's (from WELCOME). A larger request fails locally with `too_large`.
    std::size_t max_request_size() const noexcept { return max_request_; }

    /// Subscribes to an object's topic (reference-counted per replica).
    void subscribe(const std::string& topic);
    void unsubscribe(const std::string& topic);
    /// True once a publication on `topic` arrived through the current SUB connection: the
    /// host's XPUB has our subscription, so nothing it publishes from now on is missed.
    bool topic_live(const std::string& topic) const;

    /// Sends a request; returns false if it could not be queued (no live connection, or larger
    /// than max_request_size()).
    bool send(const wire::Writer& w);
    std::uint64_t next_request_id() noexcept { return next_request_++; }

    /// Registers a pending call and sends the already-encoded request.
    PendingReply<Value> start_call(ReplicaCore& replica, std::uint64_t call_id, const wire::Writer& request,
                                   std::chrono::milliseconds timeout);
    /// Asks the host which objects it shares (LIST): queued until the handshake is done,
    /// answered through the returned reply (OBJECTS → a map {url, node_id, objects: [{name,
    /// type, signature}]}, ERROR → an error), or timed out.
    PendingReply<Value> list_objects(std::chrono::milliseconds timeout);
    /// Fails every call made by `replica` (or all when nullptr).
    void fail_calls(const ReplicaCore* replica, ErrorCode code, const std::string& message);
    /// A replica's own request (ACQUIRE, REPLAY), sent with `req_id`: its answer goes to the
    /// replica (on_snapshot, on_replayed, on_request_failed), not to a PendingReply.
    void track_request(std::uint64_t req_id, ReplicaCore* replica);
    /// Forgets the requests (not the calls) of a replica that no longer waits for them.
    void forget_requests(const ReplicaCore* replica);

    void tick(Loop::Clock::time_point now);
    void close();
    /// LinkSecurity: the host refused our handshake (`unauthorized`) or could not be verified
    /// (`host_unverified`). Fails every call made through this link and tells every replica that
    /// is not served elsewhere why.
    void on_refused(ErrorCode code, const std::string& message);

private:
    /// Everything sent with a request id and not answered yet, in one table (ids come from one
    /// counter per link): a call (`state` set: its PendingReply; `replica` nullptr for a LIST)
    /// or a replica's own ACQUIRE/REPLAY (`state` empty: the answer goes to `replica`).
    struct Pending {
        ReplicaCore* replica = nullptr;
        std::shared_ptr<ReplyState> state;
        Loop::TimerId timer = 0;
    };

    void on_dealer_readable();
    void on_sub_readable();
    /// Dispatches one decoded reply. Mutable: a SNAPSHOT's values are moved into the replica.
    void handle_reply(wire::Envelope& envelope);
    void on_reply(wire::Welcome& w);
    void on_reply(wire::Pong& p);
    void on_reply(wire::Reply& r);
    void on_reply(wire::ErrorReply& e);
    void on_reply(wire::Objects& o);
    /// The replica waiting for `req_id` (forgotten now), or nullptr.
    ReplicaCore* take_request(std::uint64_t req_id);
    /// Sends a request not tied to a replica: queued until the handshake is done, answered
    /// through the returned reply, or timed out.
    PendingReply<Value> request(std::uint64_t id, const wire::Writer& request, std::chrono::milliseconds timeout);
    void send_hello();
    void schedule_hello_retry();
    void finish_call(std::uint64_t call_id, Value result, std::optional<CallError> error);
    /// Takes the host's heartbeat interval and message limit from a WELCOME.
    void adopt_host_limits(std::uint64_t heartbeat_ms, std::uint64_t max_message_size);
    /// The error of a request larger than max_request_size().
    CallError too_large(std::size_t size) const;

    ClientNode& node_;
    wire::Url url_;
    std::string url_str_;
    zmq::socket_t dealer_;
    zmq::socket_t sub_;
    std::string sub_endpoint_;  ///< where the SUB is connected now (empty: nowhere yet)
    bool welcomed_ = false;
    std::string peer_id_;
    Loop::Clock::time_point last_heard_{};
    Loop::Clock::time_point last_hello_{};
    Loop::Clock::time_point last_ping_{};
    std::chrono::milliseconds heartbeat_;  ///< see heartbeat()
    std::size_t max_request_;              ///< see max_request_size()
    /// A HELLO that could not be sent (no live connection yet: ZMQ_IMMEDIATE) is retried soon,
    /// backing off from 10 ms to one heartbeat, instead of waiting a whole heartbeat.
    Loop::TimerId hello_timer_ = 0;
    std::chrono::milliseconds hello_backoff_{10};
    std::uint64_t next_request_ = 1;
    struct Topic {
        int refs = 0;
        bool live = false;
    };
    std::unordered_map<std::string, Topic> topics_;
    std::unordered_map<std::uint64_t, Pending> pending_;
    std::vector<std::pair<std::uint64_t, std::string>> queued_;  ///< requests waiting for WELCOME
    RateLimiter log_limit_;
    std::unique_ptr<LinkSecurity> security_;  ///< CURVE client set-up and handshake monitors
    bool closed_ = false;
};

} // namespace zro::detail
