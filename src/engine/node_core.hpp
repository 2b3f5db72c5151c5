// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// NodeCore: what a `zro::Node` really is. It owns the loop, the ZeroMQ context reference, the
/// optional host engine (sources shared by this node), one Link per connected host and the
/// ReplicaCores of every replica acquired here. All of it lives on the loop thread.

#include "loop/loop.hpp"

#include <zro/node.hpp>

#include <zmq.hpp>

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace zro::detail {

class DiscoveryAgent;
class ClientTrust;
class HostEngine;
class Link;
class ReplicaCore;

/// The process-wide ZeroMQ context (shared so `inproc://` works between nodes of a process);
/// created with the first node, destroyed with the last.
std::shared_ptr<zmq::context_t> shared_context();

/// 64 random bits, for node ids, epochs and call ids.
std::uint64_t random_u64();
std::string hex_id(std::uint64_t v);

class NodeCore : public std::enable_shared_from_this<NodeCore> {
public:
    explicit NodeCore(NodeOptions options);
    ~NodeCore();

    /// Runs `fn` now if this thread may touch the loop's state, else posts it and waits.
    void exec(const std::function<void()>& fn);

    void connect_to(std::string_view url);
    /// Closes the link to `url` (no-op if none); replicas using it are told it closed.
    void disconnect(std::string_view url);
    void add_replica(std::shared_ptr<ReplicaCore> replica);
    void remove_replica(const ReplicaCore* replica);
    /// Replicas acquired under `name` (for a Link routing a PUB message); a copy, because
    /// callbacks run while the caller iterates may add or remove replicas.
    std::vector<std::shared_ptr<ReplicaCore>> replicas_named(const std::string& name) const;
    std::vector<std::shared_ptr<ReplicaCore>> all_replicas() const;
    const std::vector<std::unique_ptr<Link>>& links() const noexcept { return links_; }

    /// Shuts everything down (idempotent): fails pending calls, closes sockets.
    void shutdown();

    /// This node's own heartbeat interval: what its host publishes at, and what its links use
    /// until a host tells them its own (Link::heartbeat()).
    std::chrono::milliseconds heartbeat() const noexcept { return options_.heartbeat_interval; }
    /// A link learned a new host interval: re-arm the liveness tick so that it runs four times
    /// per the shortest interval in use (a host at 400 ms under a node at 1000 ms is declared
    /// gone 1.2 s after its last message, not up to 1.45 s).
    void link_heartbeat_changed();

    std::shared_ptr<Loop> loop;
    std::shared_ptr<zmq::context_t> context;
    NodeOptions options_;
    std::string node_id;
    std::shared_ptr<HostEngine> host;  ///< set by zro::Host
    std::shared_ptr<ClientTrust> trust;  ///< host keys this node knows (engine/security.hpp)
    std::shared_ptr<DiscoveryAgent> discovery;  ///< mDNS / registry (discovery/), when enabled
    std::thread thread;                ///< the loop thread made by start()

private:
    void tick();
    std::chrono::milliseconds tick_period() const;

    std::vector<std::unique_ptr<Link>> links_;
    std::unordered_map<std::string, std::vector<std::shared_ptr<ReplicaCore>>> replicas_;
    Loop::TimerId tick_timer_ = 0;
    std::chrono::milliseconds tick_period_{0};
    Loop::Clock::time_point last_tick_{};  ///< when tick() last ran (a late tick judges nothing)
    bool shut_down_ = false;
};

} // namespace zro::detail
