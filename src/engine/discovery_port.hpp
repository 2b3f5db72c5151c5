// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The engine's side of discovery (docs/DISCOVERY.md). Discovery (discovery/) reaches the node
/// only through `DiscoveryPort`, which NodeCore implements, and the node tells discovery what it
/// needs through `Discovery`. The registry object is the node's (`RegistryClient`), not
/// discovery's: discovery uses it but owns no replica. Loop thread only.

#include "loop/loop.hpp"

#include <zro/options.hpp>
#include <zro/pending_reply.hpp>
#include <zro/value.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zro::detail {

/// The node's connection to a `zro::Registry` (NodeOptions::registry_url).
class RegistryClient {
public:
    virtual ~RegistryClient() = default;
    /// True while the registry replica is Valid.
    virtual bool valid() const = 0;
    /// The registry's `sources` property: a list of maps {name, type, signature, url, node_id}.
    virtual Value sources() const = 0;
    /// Calls one of the registry's methods (register_host, refresh, unregister_host).
    virtual PendingReply<Value> invoke(const std::string& method, std::vector<Value> args,
                                       std::chrono::milliseconds timeout) = 0;
    /// `fn(valid)` runs whenever the registry's content or validity changes.
    virtual void on_change(std::function<void(bool valid)> fn) = 0;
};

/// What discovery may ask of the node.
class DiscoveryPort {
public:
    virtual const std::shared_ptr<Loop>& loop() const noexcept = 0;
    virtual const NodeOptions& options() const noexcept = 0;
    virtual const std::string& node_id() const noexcept = 0;
    virtual std::chrono::milliseconds heartbeat() const noexcept = 0;

    /// Opens a link to `url` unless one exists.
    virtual void connect_to(std::string_view url) = 0;
    /// Closes the link to `url` (no-op if none); replicas using it look elsewhere.
    virtual void disconnect(std::string_view url) = 0;
    virtual bool has_link(const std::string& url) const = 0;
    /// True while a replica of this node gets its source through the link to `url`.
    virtual bool link_in_use(const std::string& url) const = 0;
    /// Asks the host behind the link to `url` which objects it shares (LIST; see Link); nullopt
    /// when there is no such link.
    virtual std::optional<PendingReply<Value>> list_objects(const std::string& url, std::chrono::milliseconds timeout) = 0;

    /// What this node shares, when it is a host.
    struct Hosted {
        std::string url;
        std::vector<std::array<std::string, 3>> objects;  ///< {name, class name, signature}, by name
    };
    virtual std::optional<Hosted> hosted() const = 0;
    /// The registry, when NodeOptions::registry_url is set; else nullptr.
    virtual RegistryClient* registry() const noexcept = 0;

protected:
    ~DiscoveryPort() = default;
};

/// What the node tells discovery.
class Discovery {
public:
    virtual ~Discovery() = default;
    /// A replica named `name` was acquired on this node.
    virtual void wanted(const std::string& name) = 0;
    /// Every host URL discovery knows of now (found on mDNS or in the registry), sorted, without
    /// duplicates: a proxy lists them to find what it relays.
    virtual std::vector<std::string> host_urls() const = 0;
    /// Withdraws what this node published (mDNS service, registry entries) and stops. Called
    /// first by NodeCore::shutdown, before any socket closes. Idempotent.
    virtual void shutdown() = 0;
};

} // namespace zro::detail
