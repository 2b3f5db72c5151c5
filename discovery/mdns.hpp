// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Mdns: DNS-SD through the system's avahi-daemon (libavahi-client), on an AvahiThreadedPoll.
///
/// Every Avahi object lives on the poll's own thread; the public members lock the poll. The
/// callbacks (`found`, `removed`, `status`) run on that thread too: the owner must only copy
/// what it needs and post it to its own loop.
///
/// Behaviour (docs/DISCOVERY.md):
/// - one AvahiClient; on AVAHI_ERR_DISCONNECTED (daemon restart) it is freed and recreated with
///   AVAHI_CLIENT_NO_FAIL, then the service is re-published and the browser re-created;
/// - no daemon (or no system bus) at start: a clear error through `status`, retried every 2 s;
/// - one browser for `_zro._tcp` and a long-lived resolver per instance (IPv4 addresses);
/// - the published instance name starts unique ("<label> (<id8>)"); a remote collision or a
///   local one picks avahi_alternative_service_name() and re-adds.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace zro::detail::discovery {

/// The TXT record's `v`: the zro protocol version this node speaks (PROTOCOL.md §13). A service
/// with another `v` is ignored: its host would refuse our HELLO anyway.
std::string txt_protocol_version();

inline constexpr const char* service_type = "_zro._tcp";

struct ResolvedService {
    std::string instance;   ///< the DNS-SD instance name
    std::string interface;  ///< interface name it was resolved on ("eth0")
    std::string host_name;  ///< e.g. "lab-h1.local"
    std::string address;    ///< IPv4 address as text
    std::uint16_t port = 0;
    bool local = false;     ///< published by this machine's daemon (AVAHI_LOOKUP_RESULT_LOCAL)
    bool own = false;       ///< published by this very client
    std::map<std::string, std::string> txt;
};

class Mdns {
public:
    struct Callbacks {
        std::function<void(const ResolvedService&)> found;
        /// An instance disappeared from mDNS on `interface` (goodbye, expiry, or our daemon went).
        std::function<void(const std::string& instance, const std::string& interface)> removed;
        /// A change of the connection to the daemon: `ok` false carries a human-readable error.
        std::function<void(bool ok, const std::string& message)> status;
    };

    /// `interface`: restrict publishing and browsing to it (empty: all of avahi's interfaces).
    /// Throws Error(bad_arguments) for an interface that does not exist.
    Mdns(std::string interface, Callbacks callbacks);
    ~Mdns();
    Mdns(const Mdns&) = delete;
    Mdns& operator=(const Mdns&) = delete;

    /// Starts the client (and the browser if `browse`). Never throws for a missing daemon.
    void start(bool browse);
    /// Publishes (or updates the TXT of) this node's `_zro._tcp` service.
    void publish(const std::string& label, std::uint16_t port, const std::vector<std::string>& txt);
    /// Withdraws the service (goodbye packets are sent by the daemon). Blocks until done.
    void withdraw();
    /// Withdraws and stops the poll thread; callbacks stop. Idempotent.
    void stop();

    /// True while connected to a running daemon.
    bool connected() const;
    /// The instance name in use (after collisions), empty when not published.
    std::string instance_name() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

/// TXT key/value helpers shared by the publisher and the browser.
std::vector<std::string> make_txt(const std::string& node_id, const std::vector<std::string>& objects,
                                  std::size_t budget = 400);

} // namespace zro::detail::discovery
