// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// DiscoveryAgent: a node's discovery (docs/DISCOVERY.md), behind the engine's `Discovery`
/// interface and reaching the node only through `DiscoveryPort`. Owned by NodeCore when
/// `NodeOptions::discovery` or `registry_url` is set; lives on the node's loop thread.
///
/// It only ever turns "object X is at URL U" into `connect_to(U)` (and drops connections it made
/// that nothing needs any more); replicas then find their source over those links as usual, and
/// fail over between them by heartbeats. As a host it publishes `_zro._tcp` (mDNS) and/or
/// registers its sources with the registry.

#include "discovery/mdns.hpp"
#include "engine/discovery_port.hpp"
#include "loop/loop.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace zro::detail {

class DiscoveryAgent final : public Discovery, public std::enable_shared_from_this<DiscoveryAgent> {
public:
    /// `node`: the engine's side (engine/discovery_port.hpp), which outlives the agent.
    explicit DiscoveryAgent(DiscoveryPort& node);
    ~DiscoveryAgent() override;

    /// Starts mDNS (if enabled), follows the node's registry (if any) and starts the periodic
    /// work. Loop thread (or before the loop runs).
    void start();
    void wanted(const std::string& name) override;
    std::vector<std::string> host_urls() const override;
    /// Withdraws the mDNS service (synchronously), asks the registry to drop this host's entries
    /// (best effort, not waited for), stops mDNS.
    void shutdown() override;

    /// Last status of the avahi connection (for tests and `zro`): ok, and a message.
    bool mdns_ok() const noexcept { return mdns_ok_; }
    const std::string& mdns_status() const noexcept { return mdns_status_; }

private:
    struct HostInfo {
        std::string url;
        std::string interface;
        std::set<std::string> instances;  ///< "instance|interface" keys announcing it
        bool counted = false;             ///< TXT held only a count: the list comes over LIST
        std::set<std::string> objects;
        std::size_t count = 0;
        bool list_pending = false;
        std::uint64_t listed_wants = 0;   ///< wants_version_ when last listed
    };
    struct RegistryEntry {
        std::string name, url, node_id;
    };

    void tick();
    void on_found(const discovery::ResolvedService& s);
    void on_removed(const std::string& instance, const std::string& interface);
    void reconcile();
    void ask_list(const std::string& node_id);
    void publish_if_changed();
    void registry_tick();
    void registry_changed();
    std::vector<Value> my_entries() const;
    std::string registered_url() const;

    DiscoveryPort& node_;
    std::unique_ptr<discovery::Mdns> mdns_;
    bool mdns_ok_ = false;
    std::string mdns_status_;
    Loop::TimerId timer_ = 0;
    bool shut_down_ = false;

    std::set<std::string> wanted_;
    std::uint64_t wants_version_ = 0;
    std::map<std::string, HostInfo> hosts_;              ///< by node id (mDNS)
    std::map<std::string, std::string> instance_ids_;    ///< "instance|interface" → node id
    std::vector<RegistryEntry> registry_entries_;
    /// Links this agent made, and since when each one has not been needed (steady clock).
    std::map<std::string, Loop::Clock::time_point> made_;
    std::set<std::string> needed_;

    // Publishing (as a host).
    std::string published_key_;   ///< object list last published / registered
    std::string registered_key_;
    bool registered_ = false;
    bool register_pending_ = false;
    Loop::Clock::time_point last_refresh_{};
};

} // namespace zro::detail
