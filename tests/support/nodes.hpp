// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Helpers for tests that run several zro nodes in one thread: options with a short heartbeat,
/// and a loop that turns every node's event loop until a condition holds. Header-only; the test
/// links zro::zro.

#include <zro/node.hpp>

#include <chrono>
#include <initializer_list>

namespace zro::test {

/// Node options with a 50 ms heartbeat, so that liveness and Suspect deadlines take tenths of a
/// second rather than seconds.
inline zro::NodeOptions fast() {
    zro::NodeOptions o;
    o.heartbeat_interval = std::chrono::milliseconds(50);
    return o;
}

/// Runs each node's loop for 2 ms in turn until `pred()` is true; false if it was still false
/// after `timeout` (a bound for a test that fails, not a figure it checks).
template <class Pred>
bool pump_until(std::initializer_list<zro::Node*> nodes, Pred pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > end) return false;
        for (auto* n : nodes) n->run_for(std::chrono::milliseconds(2));
    }
    return true;
}

/// The same for two nodes (a host and a client).
template <class Pred>
bool pump_until(zro::Node& a, zro::Node& b, Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return pump_until({&a, &b}, pred, timeout);
}

} // namespace zro::test
