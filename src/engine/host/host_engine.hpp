// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// HostEngine: the host side of the protocol. It binds the ROUTER (requests) and XPUB (state
/// stream) sockets, keeps per-object (epoch, seq, signal count), batches the changes of one
/// loop turn into one EVENTS message per object, keeps a bounded history for replays, answers
/// requests and publishes heartbeats. Bad input is counted, logged (rate-limited) and answered
/// with an error where there is a sender; it never touches object state.
///
/// One class, four files by job: host_engine.cpp (sockets, sharing and withdrawing, sending),
/// publishing.cpp (the state stream), request_server.cpp (requests and replies),
/// model_server.cpp (MODEL members: their changes in the stream, windows, FETCH, MODEL_SET). It needs
/// nothing from the node but its constructor's arguments; CURVE lives in host_security.hpp.

#include "core/log.hpp"
#include "loop/loop.hpp"
#include "wire/codec.hpp"
#include "wire/messages.hpp"
#include "wire/url.hpp"

#include <zro/item_model.hpp>
#include <zro/options.hpp>
#include <zro/value.hpp>

#include <zmq.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <optional>
#include <memory>
#include <string>
#include <unordered_map>

namespace zro {
class Source;
} // namespace zro

namespace zro::detail {

class HostEngine;
class HostSecurity;

/// Counters a host keeps about the traffic it refused or could not deliver.
struct HostStats {
    std::uint64_t malformed = 0;         ///< requests that failed decoding or validation
    std::uint64_t unroutable = 0;        ///< replies to peers that are gone (EHOSTUNREACH)
    std::uint64_t reply_dropped = 0;     ///< replies dropped because a peer's queue was full
    std::uint64_t publish_dropped = 0;   ///< PUB sends that would have blocked
    std::uint64_t replays_served = 0;
    std::uint64_t snapshots_served = 0;
};

/// A window a replica views: the host pushes the values of changed rows inside it.
struct ModelWindow {
    std::string peer;          ///< the client's routing id
    std::uint64_t viewer = 0;  ///< the client's id for one replica
    ModelPath parent;
    std::size_t first = 0;
    std::size_t count = 0;
    std::vector<bool> roles;   ///< per schema role: wanted (empty: every role)
};

/// A MODEL member of a shared object: the model it holds now and the windows on it.
struct HostedModel {
    HostedModel() = default;
    HostedModel(const HostedModel&) = delete;
    HostedModel& operator=(const HostedModel&) = delete;
    ~HostedModel() { watch.disconnect(); }

    ItemModel* model = nullptr;
    Connection watch;                ///< our on_change callback on `model`
    std::vector<std::size_t> roles;  ///< schema role i → the model's role index (npos: none)
    std::vector<ModelWindow> windows;
};

/// One shared source: its stream position and the messages it has yet to send or may replay.
struct HostedObject {
    std::string name;
    std::string topic;
    Source* source = nullptr;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;      ///< seq of the last event recorded (sent or pending)
    std::uint64_t signals = 0;  ///< signals recorded so far in this epoch
    // Events of the current turn, already encoded, waiting for the end-of-turn flush.
    wire::Writer pending;
    std::uint32_t pending_count = 0;
    std::uint64_t pending_first_seq = 0;
    std::vector<std::pair<std::size_t, Value>> coalesced;  ///< latest-value-wins properties
    bool dirty = false;  ///< listed in HostEngine::dirty_, to be flushed at the end of a turn
    /// When the host first held this object's events back for a busy loop (zero: not held).
    std::chrono::steady_clock::time_point held_since{};
    struct Past {
        std::uint64_t first_seq;
        std::uint64_t last_seq;
        std::string payload;
    };
    std::deque<Past> history;
    std::size_t history_bytes = 0;
    std::vector<std::unique_ptr<HostedModel>> models;  ///< one per schema model
    /// A relayed object whose own source cannot be reached (why, for UNREACHABLE); empty: it can.
    std::string unreachable;
};

/// The bridge a Source talks to while it is shared (Source::link_ points at it).
class SourceLink {
public:
    SourceLink(HostEngine& engine, HostedObject& object) : engine_(engine), object_(object) {}
    void attach(Source& s);
    static void detach(Source& s);
    void property_changed(std::size_t index, const Value& value);
    void signal_emitted(std::size_t index, const std::vector<Value>& args);
    /// A relayed object (a proxy's copy, src/proxy/) follows its source's stream position; see
    /// HostEngine::relay_position and set_unreachable.
    void relay_position(std::uint64_t epoch, std::uint64_t seq, std::uint64_t signals);
    void set_unreachable(std::string reason);
    HostEngine& engine() { return engine_; }
    HostedObject& object() { return object_; }

private:
    HostEngine& engine_;
    HostedObject& object_;
};

/// Shared between a Responder and the engine: where and how to send the answer.
struct ResponderCore {
    std::weak_ptr<HostEngine> engine;
    std::shared_ptr<Loop> loop;
    std::string routing_id;
    std::uint64_t call_id = 0;
    std::string object;
    std::size_t method = 0;  ///< the method's index, or the property's for a write
    bool write = false;      ///< a SET (answered with nil), not an INVOKE
    bool answered = false;   ///< loop thread only
};

class HostEngine : public std::enable_shared_from_this<HostEngine> {
public:
    HostEngine(std::shared_ptr<Loop> loop, zmq::context_t& ctx, std::string_view url,
               const NodeOptions& options, std::string node_id);
    ~HostEngine();

    const std::string& url() const noexcept { return public_url_; }
    const HostStats& stats() const noexcept { return stats_; }
    /// CURVE state (keys, allow-list); nullptr for a plain host.
    HostSecurity* security() const noexcept { return security_.get(); }
    /// {name, class name, signature} of every shared object, sorted by name (discovery, registry).
    std::vector<std::array<std::string, 3>> object_list() const;

    void enable(Source& source, std::string_view name);
    /// Shares a source the engine owns from now on (a top-level model's); destroyed when withdrawn.
    void enable_owned(std::unique_ptr<Source> source, std::string_view name);
    void disable(std::string_view name);
    void disable_all();

    // Called through SourceLink (loop thread).
    void record_property(HostedObject& obj, std::size_t index, const Value& value);
    void record_signal(HostedObject& obj, std::size_t index, const std::vector<Value>& args);
    /// The source put another model (or none) in MODEL member `index` (model_server.cpp).
    void model_replaced(HostedObject& obj, std::size_t index);

    /// Relayed objects (docs/PROXY.md): a proxy's copy of a source keeps that source's epoch, seq
    /// and signal count, so that replicas behind the proxy see the stream the source made. Moves
    /// `obj` to (epoch, seq, signals) if it is not there: a new epoch or a jump ahead flushes
    /// what is pending, forgets the history (so a replica behind the jump gets a snapshot, and
    /// counts its lost signals from `signals`) and publishes a HEARTBEAT at once.
    void relay_position(HostedObject& obj, std::uint64_t epoch, std::uint64_t seq, std::uint64_t signals);
    /// Marks a relayed object whose source is out of reach (`reason` not empty: UNREACHABLE is
    /// published at once and instead of every heartbeat and SYNC; requests for it are refused
    /// with `source_gone`) or back in reach (empty: a HEARTBEAT at once).
    void set_unreachable(HostedObject& obj, std::string reason);

    /// Sends a method result or error (loop thread). Checks the result against the return type.
    void answer(const ResponderCore& call, Value result, std::optional<std::pair<ErrorCode, std::string>> error);

private:
    void on_router_readable();
    void on_xpub_readable();
    void handle_request(const std::string& routing_id, const void* data, std::size_t size);
    void heartbeat_all();
    void schedule_flush(HostedObject& obj);
    void schedule_flush_task(bool next_turn);
    void flush_dirty();
    void flush(HostedObject& obj);
    void publish(const std::string& topic, const char* data, std::size_t size);
    /// Publishes HEARTBEAT for `obj` (pending events first), or UNREACHABLE while it is.
    void publish_position(HostedObject& obj);
    /// Sends `w` to one peer; a big `w` gives its buffer to ZeroMQ (it is empty afterwards).
    void send_to(const std::string& routing_id, wire::Writer& w);
    void send_error(const std::string& routing_id, const Value& req_id, ErrorCode code, const std::string& message);
    void send_snapshot(const std::string& routing_id, const Value& req_id, HostedObject& obj, bool with_schema);
    void note_malformed(const std::string& routing_id, const std::string& why);

    // Item models (model_server.cpp): MODEL members watched, their changes recorded in the
    // object's stream with the values of rows inside replicas' windows, FETCH and MODEL_SET.
    void attach_models(HostedObject& obj);
    void watch_model(HostedObject& obj, std::size_t index);
    void record_model_change(HostedObject& obj, std::size_t index, const ModelChange& change);
    void record_model_event(HostedObject& obj, std::size_t index, const Value& operation);
    /// What SNAPSHOT carries for every MODEL member (PROTOCOL.md "Item models").
    Value::List model_states(const HostedObject& obj) const;
    /// Forgets the windows of peers not heard from for three heartbeat intervals.
    void expire_windows(Loop::Clock::time_point now);
    void touch_peer(const std::string& routing_id);

    // One per request type (decoded; `req_id` is what an ERROR echoes).
    void on_request(const std::string& rid, const Value& req_id, wire::Hello& m);
    void on_request(const std::string& rid, const Value& req_id, wire::Acquire& m);
    void on_request(const std::string& rid, const Value& req_id, wire::Invoke& m);
    void on_request(const std::string& rid, const Value& req_id, wire::Set& m);
    void on_request(const std::string& rid, const Value& req_id, wire::Replay& m);
    void on_request(const std::string& rid, const Value& req_id, wire::Ping& m);
    void on_request(const std::string& rid, const Value& req_id, wire::ListObjects& m);
    void on_request(const std::string& rid, const Value& req_id, wire::Fetch& m);
    void on_request(const std::string& rid, const Value& req_id, wire::ModelSet& m);
    void on_request(const std::string& rid, const Value& req_id, wire::UnknownMessage& m);
    HostedObject* find_object(const std::string& name);
    /// The refusal of a request for an unreachable relayed object.
    std::string unreachable_text(const HostedObject& obj) const;

    std::shared_ptr<Loop> loop_;
    NodeOptions options_;
    std::string node_id_;
    zmq::socket_t router_;
    zmq::socket_t xpub_;
    std::string public_url_;
    std::unique_ptr<HostSecurity> security_;  // CURVE (engine/host/host_security.hpp); nullptr: plain
    Loop::TimerId allow_list_timer_ = 0;
    std::string pub_endpoint_;
    std::unordered_map<std::string, std::unique_ptr<HostedObject>> objects_;
    std::vector<HostedObject*> dirty_;  ///< objects with events to flush (HostedObject::dirty)
    bool flush_task_scheduled_ = false;
    std::unordered_map<std::string, std::unique_ptr<SourceLink>> links_;
    std::unordered_map<std::string, std::unique_ptr<Source>> owned_;  ///< see enable_owned
    Loop::TimerId heartbeat_timer_ = 0;
    HostStats stats_;
    RateLimiter malformed_log_;
    /// When each peer with model windows last sent anything (PINGs come every interval).
    std::unordered_map<std::string, Loop::Clock::time_point> window_peers_;
    wire::Writer scratch_;
};

} // namespace zro::detail
