// zro — shared live objects over ZeroMQ.
#include "engine/client/link_security.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "engine/client/client_node.hpp"
#include "engine/client/link.hpp"

#include <zmq.h>

#include <zro/error.hpp>

namespace zro::detail {

// ---- LinkSecurity --------------------------------------------------------------------------------

LinkSecurity::LinkSecurity(ClientNode& node, Link& link, const wire::Url& url, zmq::socket_t& dealer, zmq::socket_t& sub)
    : node_(node), link_(link), url_(url.str()), dealer_(dealer), sub_(sub), trust_(node.trust()) {
    if (trust_) trust_->attach(this);
    setup();
    start_monitor(dealer_mon_, dealer_, "dealer");
    start_monitor(sub_mon_, sub_, "sub");
}

LinkSecurity::~LinkSecurity() { close(); }

void LinkSecurity::setup() {
    const bool secured = trust_ && trust_->has_keys();
    const auto known = trust_ ? trust_->key_for(url_) : std::nullopt;
    if (!secured) {
        if (known) log(LogLevel::warn, "security: a key is known for ", url_, " but this node has no key pair: connecting plain");
        curve_ = false;
        may_connect_ = true;
        return;
    }
    if (!known) {
        if (trust_->options().allow_plain_hosts) {
            log(LogLevel::warn, "security: no key known for ", url_, ": connecting WITHOUT encryption (allow_plain_hosts)");
            curve_ = false;
            may_connect_ = true;
            return;
        }
        may_connect_ = false;
        refused_ = CallError{ErrorCode::host_unverified,
                             "no key is known for the host " + url_ +
                                 ": pin one (SecurityOptions::server_keys or known_hosts_file)" +
                                 (trust_->options().trust_on_first_use ? ", or give a hint (Node::hint_server_key)" : "")};
        log(LogLevel::warn, "security: ", refused_->message);
        return;
    }
    curve_ = true;
    may_connect_ = true;
    server_key_ = known->key;
    source_ = known->source;
    const auto& keys = trust_->options().keys;
    for (zmq::socket_t* s : {&dealer_, &sub_}) {
        s->set(zmq::sockopt::curve_serverkey, server_key_);
        s->set(zmq::sockopt::curve_publickey, keys.public_key);
        s->set(zmq::sockopt::curve_secretkey, keys.secret_key);
    }
}

void LinkSecurity::on_hint() {
    if (closed_ || may_connect_) return;  // already connected with a pinned (or hinted) key
    setup();
    if (!may_connect_) return;
    refused_.reset();
    log(LogLevel::info, "security: connecting to ", url_, " with hinted key ", key_fingerprint(server_key_), " (trust on first use)");
    dealer_.connect(url_);
}

void LinkSecurity::start_monitor(Monitor& m, zmq::socket_t& s, const char* tag) {
    m.endpoint = "inproc://zro-monitor-" + std::string(tag) + "-" + hex_id(random_u64());
    const int events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
    if (zmq_socket_monitor(s.handle(), m.endpoint.c_str(), events) != 0) {
        log(LogLevel::warn, "security: cannot monitor the ", tag, " socket of ", url_, ": ", zmq_strerror(zmq_errno()));
        return;
    }
    m.pair = zmq::socket_t(node_.context(), zmq::socket_type::pair);
    m.pair.set(zmq::sockopt::linger, 0);
    m.pair.connect(m.endpoint);
    m.watched = &s;
    node_.loop()->add_socket(m.pair, [this, &m] { on_monitor(m); });
}

void LinkSecurity::stop_monitor(Monitor& m) {
    if (!m.watched) return;
    node_.loop()->remove_socket(m.pair);
    zmq_socket_monitor(m.watched->handle(), nullptr, 0);
    m.pair.close();
    m.watched = nullptr;
}

void LinkSecurity::close() {
    if (closed_) return;
    closed_ = true;
    if (retry_timer_) node_.loop()->cancel_timer(retry_timer_);
    retry_timer_ = 0;
    stop_monitor(dealer_mon_);
    stop_monitor(sub_mon_);
    if (trust_) trust_->detach(this);
}

void LinkSecurity::on_monitor(Monitor& m) {
    for (int budget = 0; budget < 100 && !closed_ && m.watched; ++budget) {
        zmq::message_t head;
        if (!m.pair.recv(head, zmq::recv_flags::dontwait)) return;
        zmq::message_t endpoint;
        if (head.more()) (void)m.pair.recv(endpoint, zmq::recv_flags::dontwait);
        if (head.size() < 6) continue;
        std::uint16_t event;
        std::uint32_t value;
        std::memcpy(&event, head.data(), 2);
        std::memcpy(&value, head.data<char>() + 2, 4);
        on_event(m, event, value, endpoint.to_string());
    }
}

void LinkSecurity::on_event(Monitor& m, std::uint16_t event, std::uint32_t value, const std::string& endpoint) {
    log(LogLevel::debug, "security: ", m.watched == &dealer_ ? "dealer" : "sub", " event 0x", hex_id(event).substr(12), " value ", value, " ", endpoint);
    const std::string fp = key_fingerprint(server_key_);
    // Refused (AUTH) and protocol failures end the session for good in libzmq: retry ourselves.
    // A broken-off handshake (NO_DETAIL) is a connection error, which libzmq retries itself.
    if ((event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH || event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) && !endpoint.empty())
        schedule_reconnect(*m.watched, endpoint);
    switch (event) {
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        if (refused_) log(LogLevel::info, "security: handshake with ", url_, " succeeded again");
        refused_.reset();
        retry_backoff_ = std::chrono::milliseconds(250);
        if (curve_ && source_ == ClientTrust::Source::hint && trust_) {
            trust_->record(url_, server_key_);
            source_ = ClientTrust::Source::known_hosts;
        }
        return;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        // The host's ZAP handler said no (RFC 27 status: 400 denied, 500 handler error, 300 ...).
        return refuse(ErrorCode::unauthorized,
                      "unauthorized: the host " + url_ + " refused this node's key " +
                          key_fingerprint(trust_ ? trust_->options().keys.public_key : "") + " (ZAP status " +
                          std::to_string(value) +
                          (value == 400 ? ": not in its allow-list)" : value == 500 ? ": its authentication failed; denied)" : ")"));
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
            if (curve_)
                return refuse(ErrorCode::host_unverified, "the host " + url_ + " is not secured (plain ZeroMQ) but this node pins its key " + fp +
                                                              ": refusing to talk to it");
            return refuse(ErrorCode::unauthorized, "unauthorized: the host " + url_ +
                                                       " requires CURVE security and this node has no key pair (NodeOptions::security)");
        }
        if (curve_)
            return refuse(ErrorCode::host_unverified, "CURVE handshake with " + url_ + " failed (ZMTP protocol error 0x" +
                                                          hex_id(value).substr(8) + ")");
        return;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: {
        if (!curve_) return;
        std::string why = "the host " + url_ + " broke off the CURVE handshake: it does not hold the key this node pins (" + fp +
                          (source_ == ClientTrust::Source::configured  ? ", configured"
                           : source_ == ClientTrust::Source::known_hosts ? ", from " + trust_->options().known_hosts_file
                                                                         : ", from a hint") +
                          ")";
        if (source_ == ClientTrust::Source::known_hosts) why += " — its key changed since it was recorded, or it is another host";
        if (auto other = trust_ ? trust_->conflicting_hint(url_) : std::nullopt)
            why += "; it is advertised with key " + key_fingerprint(*other);
        return refuse(ErrorCode::host_unverified, why);
    }
    default:
        return;
    }
}

void LinkSecurity::schedule_reconnect(zmq::socket_t& s, const std::string& endpoint) {
    retry_.emplace(&s, endpoint);
    if (retry_timer_ || closed_) return;
    retry_timer_ = node_.loop()->add_timer(retry_backoff_, [this] {
        retry_timer_ = 0;
        auto items = std::move(retry_);
        retry_.clear();
        for (auto& [sock, ep] : items) {
            log(LogLevel::debug, "security: reconnecting to ", ep, " after a refused handshake");
            try { sock->disconnect(ep); } catch (const zmq::error_t&) {}  // the session may be gone already
            try {
                sock->connect(ep);
            } catch (const zmq::error_t& e) {
                log(LogLevel::warn, "security: cannot reconnect to ", ep, ": ", e.what());
            }
        }
    });
    retry_backoff_ = std::min(2 * retry_backoff_, std::chrono::milliseconds(5000));
}

void LinkSecurity::refuse(ErrorCode code, const std::string& message) {
    const bool repeat = refused_ && refused_->code == code && refused_->message == message;
    refused_ = CallError{code, message};
    if (repeat) return;  // every reconnect fails the same way: report it once
    log(LogLevel::error, "security: ", message);
    link_.on_refused(code, message);
}

} // namespace zro::detail
