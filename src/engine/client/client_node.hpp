// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// ClientNode: everything the client side (links, replica engines, link security) may ask of the
/// node it lives in. NodeCore implements it; no file under engine/client/ sees NodeCore, the host
/// side or discovery. Loop thread only, like everything on the client side.

#include "loop/loop.hpp"

#include <zro/options.hpp>

#include <zmq.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace zro::detail {

class ClientTrust;
class Link;
class ReplicaCore;

class ClientNode {
public:
    virtual const std::shared_ptr<Loop>& loop() const noexcept = 0;
    virtual zmq::context_t& context() const noexcept = 0;
    virtual const NodeOptions& options() const noexcept = 0;
    virtual const std::string& node_id() const noexcept = 0;
    /// The host keys this node knows (pinned, known_hosts, hints), shared by its links.
    virtual const std::shared_ptr<ClientTrust>& trust() const noexcept = 0;
    /// This node's own heartbeat interval: what its links use until a host tells them its own.
    virtual std::chrono::milliseconds heartbeat() const noexcept = 0;

    /// Runs `fn` now if this thread may touch the loop's state, else posts it and waits.
    virtual void exec(const std::function<void()>& fn) = 0;

    /// Every link of the node, in the order they were made (a replica looks for its source
    /// round-robin over them).
    virtual const std::vector<std::unique_ptr<Link>>& links() const noexcept = 0;
    /// Replicas acquired under `name` (a link routing a publication). A copy: callbacks run
    /// while the caller iterates may add or remove replicas.
    virtual std::vector<std::shared_ptr<ReplicaCore>> replicas_named(const std::string& name) const = 0;
    virtual std::vector<std::shared_ptr<ReplicaCore>> all_replicas() const = 0;
    /// Starts a replica's protocol (zro::Replica::attach, also for a sub-object acquired
    /// alongside another): acquires it from a welcomed host now, or when one is.
    virtual void add_replica(std::shared_ptr<ReplicaCore> replica) = 0;
    /// The replica is going away (its zro::Replica was destroyed).
    virtual void remove_replica(const ReplicaCore* replica) = 0;
    /// A link learned a new host heartbeat interval: the node re-paces its liveness tick.
    virtual void link_heartbeat_changed() = 0;

protected:
    ~ClientNode() = default;
};

} // namespace zro::detail
