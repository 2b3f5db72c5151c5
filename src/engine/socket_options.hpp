// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Socket options for each role, in one place; the comment at each option says why it is set.

#include <zro/options.hpp>

#include <zmq.hpp>

namespace zro::detail {

/// Hard memory guard: libzmq drops the *connection* of a peer that sends more. The application
/// limit (max_message_size) is enforced first, with a clear error, so this is only the last line.
inline std::int64_t transport_limit(const NodeOptions& o) {
    return static_cast<std::int64_t>(o.max_message_size) * 2 + 65536;
}

inline void set_common(zmq::socket_t& s, const NodeOptions& o) {
    const int hb = static_cast<int>(o.heartbeat_interval.count());
    // ZMTP heartbeats find dead TCP peers; our own heartbeats prove the peer's loop is alive.
    s.set(zmq::sockopt::heartbeat_ivl, hb);
    s.set(zmq::sockopt::heartbeat_timeout, 3 * hb);
    s.set(zmq::sockopt::heartbeat_ttl, 3 * hb);
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::handshake_ivl, 5000);
}

inline void configure_router(zmq::socket_t& s, const NodeOptions& o) {
    set_common(s, o);
    s.set(zmq::sockopt::router_mandatory, 1);  // EHOSTUNREACH instead of silent loss
    s.set(zmq::sockopt::sndhwm, 10000);
    s.set(zmq::sockopt::rcvhwm, 10000);
    s.set(zmq::sockopt::maxmsgsize, transport_limit(o));
}

inline void configure_xpub(zmq::socket_t& s, const NodeOptions& o) {
    set_common(s, o);
    s.set(zmq::sockopt::xpub_verbose, 1);  // every subscriber's subscribe reaches us → SYNC each
    s.set(zmq::sockopt::sndhwm, 10000);
    // Subscribers only send (un)subscriptions: 1 byte + a name of at most 255 bytes + NUL. Without
    // a limit, libzmq allocates whatever size a peer's frame header claims (found by the garbage
    // flood of tests/fault under ASan: random bytes on the PUB port asked for a 8e18-byte buffer).
    s.set(zmq::sockopt::maxmsgsize, std::int64_t{65536});
}

inline void configure_dealer(zmq::socket_t& s, const NodeOptions& o) {
    set_common(s, o);
    // Queue only to a live connection: a call made while the host is down fails at once
    // instead of running minutes later after a reconnect.
    s.set(zmq::sockopt::immediate, 1);
    s.set(zmq::sockopt::sndhwm, 10000);
    s.set(zmq::sockopt::rcvhwm, 10000);
    s.set(zmq::sockopt::maxmsgsize, transport_limit(o));
    s.set(zmq::sockopt::reconnect_ivl, 100);
    s.set(zmq::sockopt::reconnect_ivl_max, 1000);
}

inline void configure_sub(zmq::socket_t& s, const NodeOptions& o) {
    set_common(s, o);
    s.set(zmq::sockopt::rcvhwm, 10000);
    s.set(zmq::sockopt::maxmsgsize, transport_limit(o));
    s.set(zmq::sockopt::reconnect_ivl, 100);
    s.set(zmq::sockopt::reconnect_ivl_max, 1000);
}

} // namespace zro::detail
