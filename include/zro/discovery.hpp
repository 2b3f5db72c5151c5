// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Finding objects without knowing host URLs (docs/DISCOVERY.md).
///
/// Three ways, all optional:
/// 1. A static URL: `node.connect_to("tcp://10.0.0.5:5555")` (no discovery).
/// 2. mDNS / DNS-SD through the system's avahi-daemon: `NodeOptions::discovery = true` on the
///    host (publishes `_zro._tcp`) and on the node (browses, connects to hosts that share what it
///    acquires). `NodeOptions::discovery_interface` picks the interface.
/// 3. A registry: a `zro::Registry` shared by some host at a known URL; hosts and nodes given
///    `NodeOptions::registry_url` register their sources there and look names up there.
///
///     zro::NodeOptions o;
///     o.discovery = true;                 // and/or o.registry_url = "tcp://10.0.0.2:5600";
///     zro::Node node(o);
///     auto sw = node.acquire_dynamic("SimpleSwitch");   // no connect_to
///
/// One-shot listing (what `zro list` uses):
///
///     for (auto& o : zro::discover_objects({.timeout = std::chrono::seconds(2)}))
///         std::cout << o.name << " " << o.type << " at " << o.url << "\n";

#include <zro/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace zro {

class Host;
class DynamicSource;

/// One object found by `discover_objects`.
struct DiscoveredObject {
    std::string name;
    std::string type;       ///< the class name (Schema::type_name)
    std::string signature;  ///< the class signature
    std::string url;        ///< the host URL to connect_to
    std::string node_id;    ///< the host's node id
    std::string via;        ///< "mdns" or "registry"
};

struct DiscoverOptions {
    /// Browse mDNS through avahi-daemon.
    bool mdns = true;
    /// Restrict mDNS to this interface (e.g. "eth0"); empty: every interface avahi uses.
    std::string interface;
    /// Also (or only, with mdns = false) ask the registry at this URL.
    std::string registry_url;
    /// How long to browse, and to wait for each host's object list.
    std::chrono::milliseconds timeout{2000};
};

/// Lists the objects shared on the network: browses `_zro._tcp` for `timeout`, asks every host
/// found for its objects (OBJECTS), and/or reads the registry. Blocking; call it outside any zro
/// callback. Throws `Error(not_connected)` with the reason when mDNS was asked for but
/// avahi-daemon cannot be reached and no registry was given (with a registry, the mDNS failure is
/// logged and the registry's answer returned).
std::vector<DiscoveredObject> discover_objects(const DiscoverOptions& options = {});

/// The registry object: a source named "Registry" (docs/PROTOCOL.md, "Registry") that keeps
/// which host shares which object. Hosts with `NodeOptions::registry_url` register their sources
/// (and refresh them every heartbeat); entries of a host that stops refreshing for three of its
/// heartbeat intervals expire. Share it on a host at a URL everyone knows:
///
///     zro::Host host("tcp://0.0.0.0:5600");
///     zro::Registry registry(host);       // shares "Registry" on it
///     host.run();
class Registry {
public:
    /// Shares the registry on `host` under the name "Registry". The host must outlive it.
    explicit Registry(Host& host);
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    /// The current entries: maps {name, type, signature, url, node_id}. Loop thread.
    std::vector<Value> entries() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace zro
