// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Proxy`: a node that acquires the objects of one network and shares them again on
/// another (QtRO's `proxy()`), so that clients who cannot reach a source reach its copy.
///
///     zro::ProxyOptions o;
///     o.from_urls = {"tcp://10.0.1.5:5555"};   // the inner side: hosts, mDNS, a registry
///     o.objects = {"Pump*"};                     // which objects (globs); empty: all of them
///     zro::Proxy proxy("tcp://0.0.0.0:6000", o); // the outer side: where the copies are shared
///     proxy.run();
///
/// Each copy is shared under the source's name, class and signature, so static and dynamic
/// replicas behind the proxy work as they would with the source, and it keeps the source's
/// stream position (epoch, seq, signal count): changes and signals in order, none lost, every
/// loss the proxy's own replica reports reported again behind it. Calls and writes go to the
/// source and bring back its result or error code. When the proxy loses the source (its host
/// falls silent, the source is withdrawn or restarts) the replicas behind it turn Suspect at
/// once, and Valid again with the new state when it is back. A CLASS child ("Name.child") is
/// relayed with its parent. docs/PROXY.md has the set-ups and the measured costs.
///
/// With `ProxyOptions::reverse` it also works the other way (QtRO's `reverseProxy()`): objects
/// of outer hosts are shared again on a second host on the inner side. A proxy never relays
/// from its own hosts (by URL or node id), so finding its copies through discovery cannot loop.
///
/// Not relayed yet: objects with MODEL members (they are skipped, with a warning).
///
/// Thread contract: as for `Node`. One loop serves both sides; run it with `run()` or `start()`.

#include <zro/host.hpp>
#include <zro/node.hpp>
#include <zro/options.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace zro {

/// The reverse direction of a proxy (QtRO's `reverseProxy()`): objects of hosts on the outer
/// side, acquired there and shared again on a host of the proxy's own on the inner side, so
/// sources of the outer network reach clients of the inner one. Off while `url` is empty.
struct ReverseProxyOptions {
    /// Where the copies of outer objects are shared on the inner side ("tcp://10.0.1.1:6001").
    std::string url;
    /// Outer side: host URLs whose objects are carried in ...
    std::vector<std::string> from_urls;
    /// ... and every host found on mDNS (through `client.discovery_interface`) ...
    bool from_mdns = false;
    /// ... and every host in this registry (empty: none).
    std::string from_registry;
    /// Which objects (globs, as `ProxyOptions::objects`); empty: every object.
    std::vector<std::string> objects;
    /// The proxy as a client on the outer side: its key pair, pinned host keys, known-hosts
    /// file. `discovery` and `registry_url` are set from the fields above.
    NodeOptions client;
    /// The inner host of the copies: its key pair and allow-list, and what it announces (mDNS
    /// with `discovery` on `discovery_interface`, a registry with `registry_url`).
    NodeOptions host;
};

struct ProxyOptions {
    /// Inner side: host URLs whose objects are relayed.
    std::vector<std::string> from_urls;
    /// Inner side: also every host found on mDNS (through `inner.discovery_interface`)...
    bool from_mdns = false;
    /// ... and every host in this registry (empty: none).
    std::string from_registry;
    /// Which objects to relay: shell globs (`fnmatch`) on the object name; empty: every object.
    /// A CLASS child ("Parent.child") follows its parent.
    std::vector<std::string> objects;
    /// The inner node: its key pair, pinned host keys and known-hosts file (as a client).
    /// `discovery` and `registry_url` are set from the fields above.
    NodeOptions inner;
    /// The outer host: its key pair and allow-list (as a host), and what it announces: mDNS
    /// with `discovery` (on `discovery_interface`), a registry with `registry_url`.
    NodeOptions outer;
    /// The reverse direction (outer sources shared on the inner side); off by default.
    ReverseProxyOptions reverse;
    /// How often the hosts of each side are listed for objects that appeared.
    std::chrono::milliseconds scan_interval{1000};
    /// How long a call or write forwarded to a source may take before it fails with `timeout`.
    std::chrono::milliseconds call_timeout{std::chrono::minutes(2)};
};

class Proxy {
public:
    /// Binds the outer host at `url` (errors as `Host`) and starts looking for objects as soon
    /// as the loop runs.
    Proxy(std::string_view url, ProxyOptions options);
    Proxy(const Proxy&) = delete;
    Proxy& operator=(const Proxy&) = delete;
    /// Stops the loop, withdraws every copy (replicas behind turn Suspect) and closes both sides.
    ~Proxy();

    /// The outer URL (a wildcard port resolved).
    const std::string& url() const noexcept;
    /// The outer host's CURVE public key (empty for a plain outer side).
    const std::string& public_key() const noexcept;
    /// The names shared on the outer side now, sorted. On the loop thread (a `post`ed task), or
    /// while the loop does not run.
    std::vector<std::string> relayed() const;
    /// The inner URL of the reverse direction's host (a wildcard port resolved); empty when
    /// `ProxyOptions::reverse.url` was.
    const std::string& reverse_url() const noexcept;
    /// The names the reverse direction shares on the inner side now, sorted; as `relayed()`.
    std::vector<std::string> relayed_reverse() const;

    void run();
    void run_for(std::chrono::milliseconds duration);
    void start();
    void stop();
    void post(std::function<void()> fn);

    /// The two nodes, for what this class does not cover (timers, more connections). Both run
    /// on this proxy's loop.
    Node& inner() noexcept;
    Host& outer() noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace zro
