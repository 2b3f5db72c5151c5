// zro — shared live objects over ZeroMQ.
#include "engine/link.hpp"

#include "core/reply_state.hpp"

#include "engine/node_core.hpp"
#include "engine/replica_core.hpp"
#include "engine/security.hpp"
#include "engine/socket_options.hpp"
#include "wire/protocol.hpp"

#include <zro/error.hpp>

namespace zro::detail {

using namespace wire;

Link::Link(NodeCore& node, std::string_view url)
    : node_(node), url_(parse_url(url)), url_str_(url_.str()),
      dealer_(*node.context, zmq::socket_type::dealer), sub_(*node.context, zmq::socket_type::sub) {
    if (url_.scheme == "tcp" && url_.port == "*") throw Error(ErrorCode::bad_url, "cannot connect to a wildcard port: " + url_str_);
    configure_dealer(dealer_, node_.options_);
    configure_sub(sub_, node_.options_);
    security_ = std::make_unique<LinkSecurity>(node_, *this, url_, dealer_, sub_);  // CURVE keys, monitors
    if (security_->may_connect()) dealer_.connect(url_str_);
    node_.loop->add_socket(dealer_, [this] { on_dealer_readable(); });
    node_.loop->add_socket(sub_, [this] { on_sub_readable(); });
    send_hello();
}

Link::~Link() { close(); }

void Link::close() {
    if (closed_) return;
    closed_ = true;
    if (hello_timer_ != 0) node_.loop->cancel_timer(hello_timer_);
    hello_timer_ = 0;
    fail_calls(nullptr, ErrorCode::cancelled, "the node is shutting down");
    security_->close();
    node_.loop->remove_socket(dealer_);
    node_.loop->remove_socket(sub_);
    dealer_.close();
    sub_.close();
}

bool Link::send(const Writer& w) {
    if (closed_ || w.size() > node_.options_.max_message_size) return false;
    zmq::message_t m(w.data(), w.size());
    // IMMEDIATE + DONTWAIT: no live connection (or a full queue) is a failed send, not a stall.
    return dealer_.send(m, zmq::send_flags::dontwait).has_value();
}

void Link::send_hello() {
    Writer w;
    w.array(4).uint64(msg::hello).uint64(protocol_version).str(node_.node_id)
        .uint64(static_cast<std::uint64_t>(node_.heartbeat().count()));
    last_hello_ = Loop::Clock::now();
    if (send(w)) {
        // Sent: the heartbeat paces any repeat (Link::tick), not the retry timer.
        hello_backoff_ = std::chrono::milliseconds(10);
        node_.loop->cancel_when_writable(dealer_);
        if (hello_timer_ != 0) node_.loop->cancel_timer(hello_timer_);
        hello_timer_ = 0;
    } else {
        // No connection yet (ZMQ_IMMEDIATE): send as soon as the DEALER can, which is when the
        // connection and its ZMTP handshake are done. The timer is the fallback (a full queue).
        node_.loop->when_writable(dealer_, [this] {
            if (!welcomed_ && !closed_) send_hello();
        });
        schedule_hello_retry();
    }
}

void Link::schedule_hello_retry() {
    if (hello_timer_ != 0 || closed_) return;
    hello_timer_ = node_.loop->add_timer(hello_backoff_, [this] {
        hello_timer_ = 0;
        if (!welcomed_ && !closed_) send_hello();
    });
    hello_backoff_ = std::min(2 * hello_backoff_, std::max(node_.heartbeat(), std::chrono::milliseconds(10)));
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

void Link::forget_requests(const ReplicaCore* replica) {
    std::erase_if(requests_, [&](const auto& kv) { return kv.second == replica; });
}

PendingReply<Value> Link::start_call(ReplicaCore& replica, std::uint64_t call_id, const Writer& request,
                                     std::chrono::milliseconds timeout) {
    auto state = std::make_shared<ReplyState>();
    state->loop = node_.loop;
    PendingReply<Value> reply(state);
    if (request.size() > node_.options_.max_message_size) {
        state->finish({}, CallError{ErrorCode::too_large, "request of " + std::to_string(request.size()) +
                                                              " bytes exceeds max_message_size"});
        return reply;
    }
    if (!send(request)) {
        state->finish({}, CallError{ErrorCode::not_connected, "no live connection to " + url_str_});
        return reply;
    }
    const auto timer = node_.loop->add_timer(timeout, [this, call_id, timeout] {
        finish_call(call_id, {}, CallError{ErrorCode::timeout, "no reply from " + url_str_ + " within " +
                                                                   std::to_string(timeout.count()) + " ms"});
    });
    calls_.emplace(call_id, PendingCall{state, &replica, timer});
    return reply;
}

PendingReply<Value> Link::request(std::uint64_t id, const Writer& request, std::chrono::milliseconds timeout) {
    auto state = std::make_shared<ReplyState>();
    state->loop = node_.loop;
    PendingReply<Value> reply(state);
    if (auto refused = security_->refused(); refused && !welcomed_) {  // the last handshake was refused
        state->finish({}, std::move(*refused));
        return reply;
    }
    if (welcomed_ && !send(request)) {
        state->finish({}, CallError{ErrorCode::not_connected, "no live connection to " + url_str_});
        return reply;
    }
    if (!welcomed_) queued_.emplace_back(id, std::string(request.data(), request.size()));
    const auto timer = node_.loop->add_timer(timeout, [this, id, timeout] {
        std::erase_if(queued_, [&](const auto& q) { return q.first == id; });
        finish_call(id, {}, CallError{ErrorCode::timeout, "no answer from " + url_str_ + " within " +
                                                              std::to_string(timeout.count()) + " ms"});
    });
    calls_.emplace(id, PendingCall{state, nullptr, timer});
    return reply;
}

void Link::finish_call(std::uint64_t call_id, Value result, std::optional<CallError> error) {
    auto it = calls_.find(call_id);
    if (it == calls_.end()) return;  // late reply to a call that already timed out
    auto call = std::move(it->second);
    calls_.erase(it);
    node_.loop->cancel_timer(call.timer);
    call.state->finish(std::move(result), std::move(error));
}

void Link::fail_calls(const ReplicaCore* replica, ErrorCode code, const std::string& message) {
    std::vector<std::uint64_t> ids;
    for (auto& [id, call] : calls_)
        if (!replica || call.replica == replica) ids.push_back(id);
    for (auto id : ids) finish_call(id, {}, CallError{code, message});
}

void Link::tick(Loop::Clock::time_point now) {
    if (closed_) return;
    const auto hb = node_.heartbeat();
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
        w.array(2).uint64(msg::ping).uint64(next_request_id());
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
        auto decoded = decode(m.data(), m.size());
        Value* v = std::get_if<Value>(&decoded);  // mutable: a snapshot's values are moved out
        if (!v || !v->is_list() || v->as_list().size() < 2 || v->as_list()[0].kind() != Value::Kind::uint64) {
            if (log_limit_.allow()) log(LogLevel::warn, "link ", url_str_, ": dropped a malformed reply");
            continue;
        }
        last_heard_ = Loop::Clock::now();
        try {
            handle_reply(v->as_list());
        } catch (const Error& e) {
            if (log_limit_.allow()) log(LogLevel::warn, "link ", url_str_, ": dropped a malformed reply: ", e.what());
        }
    }
}

void Link::handle_reply(Value::List& m) {
    const auto type = m[0].as<std::uint64_t>();
    switch (type) {
    case msg::welcome: {
        if (m.size() < 6) throw Error(ErrorCode::malformed_message, "short WELCOME");
        const std::string& id = m[2].as_string();
        const std::string sub_ep = pub_connect_endpoint(url_, m[3].as_string());
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
        return;
    }
    case msg::pong: {
        if (m.size() >= 3 && m[2].is_string() && m[2].as_string() != peer_id_) {
            welcomed_ = false;  // a different host answers on this URL now
            send_hello();
        }
        return;
    }
    case msg::reply: {
        if (m.size() < 4) throw Error(ErrorCode::malformed_message, "short REPLY");
        const auto id = m[1].as<std::uint64_t>();
        const auto code = m[2].as<std::uint64_t>();
        if (code == 0) finish_call(id, m[3], std::nullopt);
        else finish_call(id, {}, CallError{static_cast<ErrorCode>(code), m[3].is_string() ? m[3].as_string() : m[3].to_string()});
        return;
    }
    case msg::snapshot:
    case msg::replayed: {
        const auto id = m[1].as<std::uint64_t>();
        auto it = requests_.find(id);
        if (it == requests_.end()) return;  // an answer nobody waits for any more
        auto replica = it->second->shared_from_this();
        requests_.erase(it);
        if (type == msg::snapshot) replica->on_snapshot(*this, m);
        else replica->on_replayed(*this, m);
        return;
    }
    case msg::error: {
        if (m.size() < 4) throw Error(ErrorCode::malformed_message, "short ERROR");
        const auto code = static_cast<ErrorCode>(m[2].as<std::uint64_t>());
        const std::string text = m[3].is_string() ? m[3].as_string() : m[3].to_string();
        if (m[1].is_nil()) {
            if (log_limit_.allow()) log(LogLevel::error, "link ", url_str_, ": host reports ", to_string(code), ": ", text);
            return;
        }
        const auto id = m[1].as<std::uint64_t>();
        if (calls_.count(id)) return finish_call(id, {}, CallError{code, text});
        auto it = requests_.find(id);
        if (it == requests_.end()) return;
        auto replica = it->second->shared_from_this();
        requests_.erase(it);
        replica->on_request_failed(*this, code, text);
        return;
    }
    case msg::objects: {
        if (m.size() < 4) throw Error(ErrorCode::malformed_message, "short OBJECTS");
        Value::List objects;
        for (const Value& o : m[2].as_list()) {
            const auto& f = o.as_list();
            if (f.size() < 3) throw Error(ErrorCode::malformed_message, "short OBJECTS entry");
            objects.push_back(Value::map_of({{"name", f[0]}, {"type", f[1]}, {"signature", f[2]}}));
        }
        finish_call(m[1].as<std::uint64_t>(),
                    Value::map_of({{"url", url_str_}, {"node_id", m[3]}, {"objects", Value(std::move(objects))}}), std::nullopt);
        return;
    }
    default:
        return;  // replies added by later protocol versions
    }
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
        // rare other publications are decoded into a Value.
        DecodeError err;
        bool valid = validate(payload.data(), payload.size(), err);
        Reader head(payload.data(), payload.size());
        valid = valid && head.next_is_array() && head.array() >= 2 && head.next_is_uint();
        if (valid && head.uint64() == msg::events) {
            const std::string_view bytes(payload.data<char>(), payload.size());
            for (auto& r : replicas) r->on_events(*this, bytes);
            continue;
        }
        auto decoded = valid ? decode(payload.data(), payload.size()) : std::variant<Value, DecodeError>(err);
        const Value* v = std::get_if<Value>(&decoded);
        if (!v) {
            if (log_limit_.allow()) log(LogLevel::warn, "link ", url_str_, ": dropped a malformed update for '", name, "'");
            continue;
        }
        for (auto& r : replicas) r->on_publication(*this, v->as_list());
    }
}

} // namespace zro::detail
