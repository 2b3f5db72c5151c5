// zro — shared live objects over ZeroMQ.
#include "engine/client/link.hpp"

#include "core/reply_state.hpp"

#include "engine/client/client_node.hpp"
#include "engine/client/replica_core.hpp"
#include "engine/client/link_security.hpp"
#include "engine/socket_options.hpp"
#include "wire/messages.hpp"

#include <zro/error.hpp>

#include <type_traits>
#include <variant>

namespace zro::detail {

using namespace wire;

Link::Link(ClientNode& node, std::string_view url)
    : node_(node), url_(parse_url(url)), url_str_(url_.str()),
      dealer_(node.context(), zmq::socket_type::dealer), sub_(node.context(), zmq::socket_type::sub),
      heartbeat_(node.heartbeat()), max_request_(node.options().max_message_size) {
    if (url_.scheme == "tcp" && url_.port == "*") throw Error(ErrorCode::bad_url, "cannot connect to a wildcard port: " + url_str_);
    configure_dealer(dealer_, node_.options());
    configure_sub(sub_, node_.options());
    security_ = std::make_unique<LinkSecurity>(node_, *this, url_, dealer_, sub_);  // CURVE keys, monitors
    if (security_->may_connect()) dealer_.connect(url_str_);
    node_.loop()->add_socket(dealer_, [this] { on_dealer_readable(); });
    node_.loop()->add_socket(sub_, [this] { on_sub_readable(); });
    send_hello();
}

Link::~Link() { close(); }

void Link::close() {
    if (closed_) return;
    closed_ = true;
    if (hello_timer_ != 0) node_.loop()->cancel_timer(hello_timer_);
    hello_timer_ = 0;
    fail_calls(nullptr, ErrorCode::cancelled, "the node is shutting down");
    security_->close();
    node_.loop()->remove_socket(dealer_);
    node_.loop()->remove_socket(sub_);
    dealer_.close();
    sub_.close();
}

bool Link::send(const Writer& w) {
    if (closed_ || w.size() > max_request_) return false;
    zmq::message_t m(w.data(), w.size());
    // IMMEDIATE + DONTWAIT: no live connection (or a full queue) is a failed send, not a stall.
    return dealer_.send(m, zmq::send_flags::dontwait).has_value();
}

void Link::send_hello() {
    Writer w;
    Hello{Value(std::uint64_t{protocol_version}), node_.node_id(), static_cast<std::uint64_t>(node_.heartbeat().count())}.encode(w);
    last_hello_ = Loop::Clock::now();
    if (send(w)) {
        // Sent: the heartbeat paces any repeat (Link::tick), not the retry timer.
        hello_backoff_ = std::chrono::milliseconds(10);
        node_.loop()->cancel_when_writable(dealer_);
        if (hello_timer_ != 0) node_.loop()->cancel_timer(hello_timer_);
        hello_timer_ = 0;
    } else {
        // No connection yet (ZMQ_IMMEDIATE): send as soon as the DEALER can, which is when the
        // connection and its ZMTP handshake are done. The timer is the fallback (a full queue).
        node_.loop()->when_writable(dealer_, [this] {
            if (!welcomed_ && !closed_) send_hello();
        });
        schedule_hello_retry();
    }
}

void Link::schedule_hello_retry() {
    if (hello_timer_ != 0 || closed_) return;
    hello_timer_ = node_.loop()->add_timer(hello_backoff_, [this] {
        hello_timer_ = 0;
        if (!welcomed_ && !closed_) send_hello();
    });
    hello_backoff_ = std::min(2 * hello_backoff_, std::max(heartbeat_, std::chrono::milliseconds(10)));
}

void Link::subscribe(const std::string& topic) {
    if (topics_[topic].refs++ == 0) sub_.set(zmq::sockopt::subscribe, topic);
}

bool Link::topic_live(const std::string& topic) const {
    auto it = topics_.find(topic);
    return it != topics_.end() && it->second.live;
}

void Link::unsubscribe(const std::string& topic) {
    auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    if (--it->second.refs == 0) {
        if (!closed_) sub_.set(zmq::sockopt::unsubscribe, topic);
        topics_.erase(it);
    }
}

void Link::track_request(std::uint64_t req_id, ReplicaCore* replica) { pending_[req_id] = Pending{replica, nullptr, 0}; }

void Link::forget_requests(const ReplicaCore* replica) {
    std::erase_if(pending_, [&](const auto& kv) { return !kv.second.state && kv.second.replica == replica; });
}

PendingReply<Value> Link::start_call(ReplicaCore& replica, std::uint64_t call_id, const Writer& request,
                                     std::chrono::milliseconds timeout) {
    auto state = std::make_shared<ReplyState>();
    state->loop = node_.loop();
    PendingReply<Value> reply(state);
    if (request.size() > max_request_) {
        state->finish({}, too_large(request.size()));
        return reply;
    }
    if (!send(request)) {
        state->finish({}, CallError{ErrorCode::not_connected, "no live connection to " + url_str_});
        return reply;
    }
    const auto timer = node_.loop()->add_timer(timeout, [this, call_id, timeout] {
        finish_call(call_id, {}, CallError{ErrorCode::timeout, "no reply from " + url_str_ + " within " +
                                                                   std::to_string(timeout.count()) + " ms"});
    });
    pending_.emplace(call_id, Pending{&replica, state, timer});
    return reply;
}

PendingReply<Value> Link::request(std::uint64_t id, const Writer& request, std::chrono::milliseconds timeout) {
    auto state = std::make_shared<ReplyState>();
    state->loop = node_.loop();
    PendingReply<Value> reply(state);
    if (auto refused = security_->refused(); refused && !welcomed_) {  // the last handshake was refused
        state->finish({}, std::move(*refused));
        return reply;
    }
    if (request.size() > max_request_) {
        state->finish({}, too_large(request.size()));
        return reply;
    }
    if (welcomed_ && !send(request)) {
        state->finish({}, CallError{ErrorCode::not_connected, "no live connection to " + url_str_});
        return reply;
    }
    if (!welcomed_) queued_.emplace_back(id, std::string(request.data(), request.size()));
    const auto timer = node_.loop()->add_timer(timeout, [this, id, timeout] {
        std::erase_if(queued_, [&](const auto& q) { return q.first == id; });
        finish_call(id, {}, CallError{ErrorCode::timeout, "no answer from " + url_str_ + " within " +
                                                              std::to_string(timeout.count()) + " ms"});
    });
    pending_.emplace(id, Pending{nullptr, state, timer});
    return reply;
}

void Link::finish_call(std::uint64_t call_id, Value result, std::optional<CallError> error) {
    auto it = pending_.find(call_id);
    if (it == pending_.end() || !it->second.state) return;  // late reply to a call that already timed out
    auto call = std::move(it->second);
    pending_.erase(it);
    node_.loop()->cancel_timer(call.timer);
    call.state->finish(std::move(result), std::move(error));
}

void Link::fail_calls(const ReplicaCore* replica, ErrorCode code, const std::string& message) {
    std::vector<std::uint64_t> ids;
    for (auto& [id, p] : pending_)
        if (p.state && (!replica || p.replica == replica)) ids.push_back(id);
    for (auto id : ids) finish_call(id, {}, CallError{code, message});
}

CallError Link::too_large(std::size_t size) const {
    const bool hosts_limit = max_request_ < node_.options().max_message_size;
    return CallError{ErrorCode::too_large, "request of " + std::to_string(size) + " bytes exceeds " +
                                               (hosts_limit ? "the limit of host " + url_str_ : std::string("this node's limit")) +
                                               " (max_message_size " + std::to_string(max_request_) + " bytes)"};
}

void Link::adopt_host_limits(std::uint64_t hb, std::uint64_t max) {
    // Checked before anything of the WELCOME is used: a host that sends nonsense here is not
    // welcomed (the HELLO is repeated), rather than pacing this link at 0 ms or never.
    if (hb < 1 || hb > 3'600'000) throw Error(ErrorCode::malformed_message, "WELCOME heartbeat_ms " + std::to_string(hb) + " is not in 1..3600000");
    if (max < 256) throw Error(ErrorCode::malformed_message, "WELCOME max_message_size " + std::to_string(max) + " is below 256");
    const std::chrono::milliseconds interval(static_cast<std::chrono::milliseconds::rep>(hb));
    max_request_ = std::min<std::size_t>(node_.options().max_message_size, static_cast<std::size_t>(max));
    if (interval != heartbeat_) {
        heartbeat_ = interval;
        node_.link_heartbeat_changed();  // the node's tick follows the fastest host
    }
}

void Link::tick(Loop::Clock::time_point now) {
    if (closed_) return;
    const auto hb = heartbeat_;
    if (welcomed_ && now - last_heard_ > 3 * hb) {
        welcomed_ = false;  // quiet host: handshake again, it may be a new instance
        log(LogLevel::info, "link ", url_str_, ": host silent for ",
            std::chrono::duration_cast<std::chrono::milliseconds>(now - last_heard_).count(), " ms; re-handshaking");
    }
    if (!welcomed_) {
        if (now - last_hello_ >= hb) send_hello();
        return;
    }
    if (now - last_ping_ >= hb) {
        last_ping_ = now;
        Writer w;
        Ping{Value(next_request_id())}.encode(w);
        send(w);
    }
}

// ---- incoming ------------------------------------------------------------------------------

void Link::on_dealer_readable() {
    for (int budget = 0; budget < 1000 && !closed_; ++budget) {
        zmq::message_t m;
        if (!dealer_.recv(m, zmq::recv_flags::dontwait)) return;
        if (dealer_.get(zmq::sockopt::rcvmore)) {
            // A well-behaved host sends one frame; drain and drop anything else.
            zmq::message_t rest;
            while (dealer_.get(zmq::sockopt::rcvmore)) (void)dealer_.recv(rest, zmq::recv_flags::dontwait);
            continue;
        }
        auto envelope = decode_envelope(m.data(), m.size());
        auto* e = std::get_if<Envelope>(&envelope);
        if (!e || e->items.size() < 2) {
            if (log_limit_.allow()) log(LogLevel::warn, "link ", url_str_, ": dropped a malformed reply");
            continue;
        }
        last_heard_ = Loop::Clock::now();
        try {
            handle_reply(*e);
        } catch (const Error& err) {
            if (log_limit_.allow()) log(LogLevel::warn, "link ", url_str_, ": dropped a malformed reply: ", err.what());
        }
    }
}

ReplicaCore* Link::take_request(std::uint64_t req_id) {
    auto it = pending_.find(req_id);
    if (it == pending_.end() || it->second.state) return nullptr;  // an answer nobody waits for any more
    ReplicaCore* replica = it->second.replica;
    pending_.erase(it);
    return replica;
}

void Link::handle_reply(Envelope& envelope) {
    // SNAPSHOT and REPLAYED go to the replica that asked, malformed or not: it counts a
    // malformed answer and asks again.
    if (envelope.code == Snapshot::code || envelope.code == Replayed::code) {
        const auto id = envelope.reply_id();
        if (!id) throw Error(ErrorCode::malformed_message, "an answer without a request id");
        ReplicaCore* replica = take_request(*id);
        if (!replica) return;
        auto keep = replica->shared_from_this();
        if (envelope.code == Snapshot::code) {
            auto snapshot = Snapshot::decode(envelope.items);
            replica->on_snapshot(*this, snapshot);
        } else {
            replica->on_replayed(*this, Replayed::decode(envelope.items));
        }
        return;
    }
    if (envelope.code == Rows::code) {
        const auto id = envelope.reply_id();
        if (!id) throw Error(ErrorCode::malformed_message, "an answer without a request id");
        ReplicaCore* replica = take_request(*id);
        if (!replica) return;
        auto keep = replica->shared_from_this();
        auto rows = Rows::decode(envelope.items);
        replica->on_rows(*this, *id, rows);
        return;
    }
    auto decoded = decode_reply(envelope);
    if (auto* bad = std::get_if<MessageError>(&decoded)) throw Error(ErrorCode::malformed_message, bad->detail);
    std::visit(
        [this](auto& reply) {
            using Message = std::decay_t<decltype(reply)>;
            if constexpr (!std::is_same_v<Message, Snapshot> && !std::is_same_v<Message, Replayed> &&
                          !std::is_same_v<Message, Rows> && !std::is_same_v<Message, UnknownMessage>)  // (replies of later versions are ignored)
                on_reply(reply);
        },
        std::get<HostReply>(decoded));
}

void Link::on_reply(Welcome& w) {
    const std::string& id = w.node_id;
    adopt_host_limits(w.heartbeat_ms, w.max_message_size);
    const std::string sub_ep = pub_connect_endpoint(url_, w.pub_endpoint);
    const bool new_instance = !peer_id_.empty() && id != peer_id_;
    if (sub_ep != sub_endpoint_ || id != peer_id_) {
        // A new host instance (or the first): point the SUB at its PUB. Subscriptions are
        // kept by the SUB socket and re-sent on the new connection.
        if (!sub_endpoint_.empty()) {
            try { sub_.disconnect(sub_endpoint_); } catch (const zmq::error_t&) {}
        }
        sub_.connect(sub_ep);
        sub_endpoint_ = sub_ep;
        for (auto& [name, t] : topics_) t.live = false;  // until the new XPUB answers (SYNC)
    }
    peer_id_ = id;
    welcomed_ = true;
    for (auto& [qid, bytes] : queued_) {
        zmq::message_t qm(bytes.data(), bytes.size());
        if (!dealer_.send(qm, zmq::send_flags::dontwait))
            finish_call(qid, {}, CallError{ErrorCode::not_connected, "no live connection to " + url_str_});
    }
    queued_.clear();
    log(LogLevel::info, "link ", url_str_, ": welcomed by host ", id, new_instance ? " (new instance)" : "");
    const auto now = Loop::Clock::now();
    for (auto& r : node_.all_replicas()) {
        if (new_instance) r->on_link_reset(*this);
        r->tick(now);  // start acquiring at once instead of at the next tick
    }
}

void Link::on_reply(Pong& p) {
    if (p.node_id != peer_id_) {
        welcomed_ = false;  // a different host answers on this URL now
        send_hello();
    }
}

void Link::on_reply(Reply& r) {
    if (r.error_code == 0) finish_call(r.call_id, std::move(r.result), std::nullopt);
    else finish_call(r.call_id, {}, CallError{static_cast<ErrorCode>(r.error_code), std::move(r.message)});
}

void Link::on_reply(ErrorReply& e) {
    const auto code = static_cast<ErrorCode>(e.error_code);
    if (e.req_id.is_nil()) {
        if (log_limit_.allow()) log(LogLevel::error, "link ", url_str_, ": host reports ", to_string(code), ": ", e.message);
        return;
    }
    if (e.req_id.kind() != Value::Kind::uint64) throw Error(ErrorCode::malformed_message, "ERROR for a request id this client never uses");
    const auto id = e.req_id.as<std::uint64_t>();
    if (auto it = pending_.find(id); it != pending_.end() && it->second.state)
        return finish_call(id, {}, CallError{code, e.message});
    ReplicaCore* replica = take_request(id);
    if (!replica) return;
    auto keep = replica->shared_from_this();
    replica->on_request_failed(*this, id, code, e.message);
}

void Link::on_reply(Objects& o) {
    Value::List objects;
    for (auto& entry : o.objects)
        objects.push_back(Value::map_of({{"name", Value(std::move(entry.object))}, {"type", Value(std::move(entry.type_name))},
                                         {"signature", Value(std::move(entry.signature))}}));
    const auto id = o.req_id.kind() == Value::Kind::uint64 ? o.req_id.as<std::uint64_t>() : 0;
    finish_call(id, Value::map_of({{"url", url_str_}, {"node_id", Value(std::move(o.node_id))}, {"objects", Value(std::move(objects))}}),
                std::nullopt);
}

PendingReply<Value> Link::list_objects(std::chrono::milliseconds timeout) {
    const auto id = next_request_id();
    Writer w;
    ListObjects{Value(id)}.encode(w);
    return request(id, w, timeout);
}

void Link::on_sub_readable() {
    for (int budget = 0; budget < 1000 && !closed_; ++budget) {
        zmq::message_t topic;
        if (!sub_.recv(topic, zmq::recv_flags::dontwait)) return;
        zmq::message_t payload;
        bool ok = sub_.get(zmq::sockopt::rcvmore) && sub_.recv(payload, zmq::recv_flags::dontwait);
        if (ok && sub_.get(zmq::sockopt::rcvmore)) {
            zmq::message_t rest;
            while (sub_.get(zmq::sockopt::rcvmore)) (void)sub_.recv(rest, zmq::recv_flags::dontwait);
            ok = false;
        }
        if (!ok || topic.size() < 2 || topic.data<char>()[topic.size() - 1] != '\0') continue;
        last_heard_ = Loop::Clock::now();
        if (auto t = topics_.find(std::string(topic.data<char>(), topic.size())); t != topics_.end()) t->second.live = true;
        const std::string name(topic.data<char>(), topic.size() - 1);
        auto replicas = node_.replicas_named(name);
        if (replicas.empty()) continue;
        // EVENTS (the hot path) are validated once here and read in place by each replica; the
        // rare other publications are decoded into their message.
        DecodeError err;
        if (validate(payload.data(), payload.size(), err) && peek_code(payload.data(), payload.size()) == EventsHeader::code) {
            const std::string_view bytes(payload.data<char>(), payload.size());
            for (auto& r : replicas) r->on_events(*this, bytes);
            continue;
        }
        auto envelope = decode_envelope(payload.data(), payload.size());
        auto* e = std::get_if<Envelope>(&envelope);
        if (!e || e->items.size() < 2) {
            if (log_limit_.allow()) log(LogLevel::warn, "link ", url_str_, ": dropped a malformed update for '", name, "'");
            continue;
        }
        const auto publication = decode_publication(*e);
        for (auto& r : replicas) r->on_publication(*this, publication);
    }
}

void Link::on_refused(ErrorCode code, const std::string& message) {
    fail_calls(nullptr, code, message);
    for (auto& r : node_.all_replicas()) r->on_host_refused(*this, code, message);
}

} // namespace zro::detail
