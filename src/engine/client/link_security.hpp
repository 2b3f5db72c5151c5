// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// LinkSecurity: one link's CURVE client set-up plus socket monitors that turn handshake
/// failures into `unauthorized` / `host_unverified` errors, reported to the link.

#include "engine/client/client_trust.hpp"
#include "loop/loop.hpp"
#include "wire/url.hpp"

#include <zro/error.hpp>
#include <zro/pending_reply.hpp>

#include <zmq.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>

namespace zro::detail {

class ClientNode;
class Link;

/// One link's CURVE client set-up and its handshake monitors.
class LinkSecurity {
public:
    LinkSecurity(ClientNode& node, Link& link, const wire::Url& url, zmq::socket_t& dealer, zmq::socket_t& sub);
    ~LinkSecurity();
    /// False when the link must not connect yet (no key known for a secured node). The link
    /// connects itself later, when a hint arrives (TOFU).
    bool may_connect() const noexcept { return may_connect_; }
    /// The error new requests fail with while the last handshake was refused.
    std::optional<CallError> refused() const { return refused_; }
    void close();
    /// ClientTrust: a key hint arrived for this URL.
    void on_hint();

private:
    struct Monitor {
        zmq::socket_t pair;
        zmq::socket_t* watched = nullptr;
        std::string endpoint;
    };
    void setup();
    void start_monitor(Monitor& m, zmq::socket_t& s, const char* tag);
    void stop_monitor(Monitor& m);
    void on_monitor(Monitor& m);
    void on_event(Monitor& m, std::uint16_t event, std::uint32_t value, const std::string& endpoint);
    void refuse(ErrorCode code, const std::string& message);
    /// libzmq does not reconnect after a refused handshake (a protocol error ends the session):
    /// reconnect `endpoint` of `s` ourselves, backing off, so a key added to the host's
    /// allow-list later is picked up.
    void schedule_reconnect(zmq::socket_t& s, const std::string& endpoint);

    ClientNode& node_;
    Link& link_;
    std::string url_;
    zmq::socket_t& dealer_;
    zmq::socket_t& sub_;
    std::shared_ptr<ClientTrust> trust_;
    bool curve_ = false;        ///< this link uses CURVE
    std::string server_key_;    ///< the key it uses
    ClientTrust::Source source_ = ClientTrust::Source::configured;
    bool may_connect_ = true;
    bool closed_ = false;
    std::optional<CallError> refused_;
    Loop::TimerId retry_timer_ = 0;
    std::chrono::milliseconds retry_backoff_{250};
    std::set<std::pair<zmq::socket_t*, std::string>> retry_;  ///< sockets and endpoints to reconnect
    Monitor dealer_mon_;
    Monitor sub_mon_;
};

} // namespace zro::detail
