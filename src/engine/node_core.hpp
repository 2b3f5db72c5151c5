// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// NodeCore: what a `zro::Node` really is, and the only engine file that sees both sides. It owns
/// the loop, the ZeroMQ context reference, the optional host side (engine/host/: the sources
/// this node shares), the client side (engine/client/: one Link per connected host and the
/// ReplicaCore of every replica acquired here), the registry connection and discovery. The
/// client side reaches it through `ClientNode`, discovery through `DiscoveryPort`; the host side
/// needs nothing from it but its constructor's arguments. All of it lives on the loop thread.

#include "engine/client/client_node.hpp"
#include "engine/discovery_port.hpp"
#include "loop/loop.hpp"

#include <zro/options.hpp>

#include <zmq.hpp>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace zro::detail {

class HostEngine;

class NodeCore final : public ClientNode, public DiscoveryPort, public std::enable_shared_from_this<NodeCore> {
public:
    /// `loop`: run on this loop (another node's, see zro::Host's constructor); nullptr: a new one.
    explicit NodeCore(NodeOptions options, std::shared_ptr<Loop> loop = nullptr);
    ~NodeCore();

    // ---- shared by both ports ------------------------------------------------------------------
    const std::shared_ptr<Loop>& loop() const noexcept override { return loop_; }
    const NodeOptions& options() const noexcept override { return options_; }
    const std::string& node_id() const noexcept override { return node_id_; }
    /// This node's own heartbeat interval: what its host publishes at, and what its links use
    /// until a host tells them its own (Link::heartbeat()).
    std::chrono::milliseconds heartbeat() const noexcept override { return options_.heartbeat_interval; }
    void connect_to(std::string_view url) override;
    void disconnect(std::string_view url) override;

    // ---- ClientNode ------------------------------------------------------------------------------
    zmq::context_t& context() const noexcept override { return *context_; }
    const std::shared_ptr<ClientTrust>& trust() const noexcept override { return trust_; }
    void exec(const std::function<void()>& fn) override;
    const std::vector<std::unique_ptr<Link>>& links() const noexcept override { return links_; }
    std::vector<std::shared_ptr<ReplicaCore>> replicas_named(const std::string& name) const override;
    std::vector<std::shared_ptr<ReplicaCore>> all_replicas() const override;
    void add_replica(std::shared_ptr<ReplicaCore> replica) override;
    void remove_replica(const ReplicaCore* replica) override;
    /// Re-arms the liveness tick so that it runs four times per the shortest interval in use (a
    /// host at 400 ms under a node at 1000 ms is declared gone 1.2 s after its last message, not
    /// up to 1.45 s).
    void link_heartbeat_changed() override;

    // ---- DiscoveryPort ---------------------------------------------------------------------------
    bool has_link(const std::string& url) const override;
    bool link_in_use(const std::string& url) const override;
    std::optional<PendingReply<Value>> list_objects(const std::string& url, std::chrono::milliseconds timeout) override;
    std::optional<Hosted> hosted() const override;
    RegistryClient* registry() const noexcept override { return registry_.get(); }

    // ---- for the public API (src/api/) -----------------------------------------------------------
    /// Makes this node a host on `url` (once; throws `Error(invalid_state)` the second time).
    HostEngine& start_host(std::string_view url);
    /// The host side, or nullptr when this node shares nothing.
    HostEngine* host() const noexcept { return host_.get(); }
    /// Installs the registry connection and discovery (Node's constructor, before the loop runs).
    void start_discovery(std::unique_ptr<RegistryClient> registry, std::shared_ptr<Discovery> discovery);
    Discovery* discovery() const noexcept { return discovery_.get(); }
    /// The loop thread made by zro::Node::start() (not joinable when the loop runs elsewhere).
    std::thread& loop_thread() noexcept { return thread_; }

    /// Shuts everything down (idempotent): withdraws from discovery, fails pending calls, closes
    /// sockets.
    void shutdown();

private:
    void tick();
    std::chrono::milliseconds tick_period() const;

    std::shared_ptr<Loop> loop_;
    std::shared_ptr<zmq::context_t> context_;
    NodeOptions options_;
    std::string node_id_;
    std::shared_ptr<ClientTrust> trust_;
    std::shared_ptr<HostEngine> host_;
    std::unique_ptr<RegistryClient> registry_;
    std::shared_ptr<Discovery> discovery_;
    std::thread thread_;

    std::vector<std::unique_ptr<Link>> links_;
    std::unordered_map<std::string, std::vector<std::shared_ptr<ReplicaCore>>> replicas_;
    Loop::TimerId tick_timer_ = 0;
    std::chrono::milliseconds tick_period_{0};
    Loop::Clock::time_point last_tick_{};  ///< when tick() last ran (a late tick judges nothing)
    bool shut_down_ = false;
};

} // namespace zro::detail
