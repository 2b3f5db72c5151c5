// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The CurveZMQ layer (docs/SECURITY.md, docs/PROTOCOL.md "Security layer").
///
/// - `ZapService`: the process's ZAP handler (RFC 27) on `inproc://zeromq.zap.01`, on a thread of
///   its own so a busy node loop never delays handshakes. One per ZeroMQ context; every secured
///   host registers a unique ZAP domain with its allow-list. It fails closed: an unknown domain,
///   a mechanism other than CURVE, a malformed request or any internal error is a denial (400 or
///   500), and host sockets set ZMQ_ZAP_ENFORCE_DOMAIN so a missing handler denies too.
/// - `AllowList`: the client keys a host accepts (a directory of key files, re-read on change).
/// - `HostSecurity`: a host's CURVE server set-up (ROUTER and XPUB) and its allow-list.
/// - `ClientTrust`: a node's view of host keys (pinned, known_hosts, hints) for its links.
/// - `LinkSecurity`: one link's CURVE client set-up plus socket monitors that turn handshake
///   failures into `unauthorized` / `host_unverified` errors.

#include "loop/loop.hpp"
#include "wire/url.hpp"

#include <zro/error.hpp>
#include <zro/pending_reply.hpp>
#include <zro/security.hpp>

#include <zmq.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

namespace zro::detail {

class Link;
class NodeCore;

/// Client keys a host accepts. Thread-safe: the ZAP thread reads it, the host loop reloads it.
class AllowList {
public:
    AllowList(std::string dir, std::vector<std::string> fixed_keys, bool allow_any);
    /// True if `z85` may connect.
    bool allows(const std::string& z85) const;
    /// Re-reads the directory now; returns how many keys are allowed. A missing or unreadable
    /// directory leaves only the fixed keys (fails closed) and logs an error.
    std::size_t reload();
    /// Re-reads the directory if its listing (names, sizes, mtimes) changed; true if it did.
    bool reload_if_changed();
    std::size_t size() const;
    const std::string& dir() const noexcept { return dir_; }

private:
    std::string listing_signature() const;

    std::string dir_;
    std::vector<std::string> fixed_;
    bool any_;
    mutable std::mutex mutex_;
    std::set<std::string> keys_;   // guarded by mutex_
    std::string signature_;        // host loop only
};

/// Counters of one ZAP domain (one secured host). Atomic: written by the ZAP thread.
struct ZapCounters {
    std::atomic<std::uint64_t> allowed{0};
    std::atomic<std::uint64_t> denied{0};
};

/// Test-only faults of the ZAP handler (tests/unit/security_test.cpp proves it fails closed).
enum class ZapFault : std::uint8_t {
    none,
    throw_error,  ///< the policy check throws: the handler answers 500 (deny)
    unbound,      ///< the handler socket is closed, as if the handler were gone
};

class ZapService {
public:
    /// The handler of `ctx`, started (bound) on first use. Throws `Error(bind_failed)` when
    /// another ZAP handler already holds the endpoint in this context: zro will not share it.
    static std::shared_ptr<ZapService> acquire(const std::shared_ptr<zmq::context_t>& ctx);
    ~ZapService();

    void add_domain(const std::string& domain, std::shared_ptr<AllowList> list, std::string label,
                    std::shared_ptr<ZapCounters> counters);
    void remove_domain(const std::string& domain);

    /// For tests: inject a fault; `unbound` closes the handler socket (waits until it is closed).
    void set_fault(ZapFault f);

    explicit ZapService(std::shared_ptr<zmq::context_t> ctx);  // use acquire()

private:
    struct Domain {
        std::shared_ptr<AllowList> list;
        std::string label;
        std::shared_ptr<ZapCounters> counters;
    };
    void run(zmq::socket_t zap, zmq::socket_t control);
    void serve_one(zmq::socket_t& zap);

    std::shared_ptr<zmq::context_t> ctx_;
    zmq::socket_t control_;  // PAIR to the thread (used by the owner only)
    std::thread thread_;
    std::mutex mutex_;
    std::map<std::string, Domain> domains_;  // guarded by mutex_
    std::atomic<ZapFault> fault_{ZapFault::none};
    std::atomic<bool> unbound_{false};
};

/// A secured host's half: its keys, its ZAP domain and allow-list.
class HostSecurity {
public:
    HostSecurity(const SecurityOptions& options, const std::string& node_id, const std::string& url_for_logs);
    ~HostSecurity();
    /// Makes `s` a CURVE server that asks our ZAP domain (call before bind).
    void configure(zmq::socket_t& s) const;
    std::size_t reload() { return list_->reload(); }
    void reload_if_changed() { list_->reload_if_changed(); }
    const std::string& public_key() const noexcept { return keys_.public_key; }
    const ZapCounters& counters() const noexcept { return *counters_; }
    const std::shared_ptr<ZapService>& zap() const noexcept { return zap_; }
    /// The URL for log lines, once the port is known.
    void set_label(const std::string& url) { zap_->add_domain(domain_, list_, url, counters_); }

private:
    KeyPair keys_;
    std::string domain_;
    std::shared_ptr<AllowList> list_;
    std::shared_ptr<ZapCounters> counters_;
    std::shared_ptr<ZapService> zap_;
};

class LinkSecurity;

/// A node's client-side key state. Loop thread only.
class ClientTrust {
public:
    explicit ClientTrust(const SecurityOptions& options);
    const SecurityOptions& options() const noexcept { return options_; }
    bool has_keys() const noexcept { return !options_.keys.empty(); }

    enum class Source : std::uint8_t { configured, known_hosts, hint };
    struct Known {
        std::string key;
        Source source;
    };
    /// The key to use for `url` (canonical form), if any: configured > known_hosts > hint (TOFU).
    std::optional<Known> key_for(const std::string& url) const;
    /// A hint (unauthenticated source) for `url`; links waiting for a key use it if TOFU is on.
    void hint(const std::string& url, const std::string& key);
    /// TOFU: a handshake with the hinted key succeeded: record it (file and memory).
    void record(const std::string& url, const std::string& key);
    /// A hinted key that differs from the pinned one, if any (for the error message).
    std::optional<std::string> conflicting_hint(const std::string& url) const;

    void attach(LinkSecurity* l) { links_.insert(l); }
    void detach(LinkSecurity* l) { links_.erase(l); }

private:
    SecurityOptions options_;
    std::map<std::string, std::string> pinned_;       // configured
    std::map<std::string, std::string> known_hosts_;  // from the file (and recorded)
    std::map<std::string, std::string> hints_;
    std::set<LinkSecurity*> links_;
};

/// Loads the key file (if any) into `options.keys` and checks the keys; throws `zro::Error`.
void resolve_keys(SecurityOptions& options);

/// One link's CURVE client set-up and its handshake monitors.
class LinkSecurity {
public:
    LinkSecurity(NodeCore& node, Link& link, const wire::Url& url, zmq::socket_t& dealer, zmq::socket_t& sub);
    ~LinkSecurity();
    /// False when the link must not connect yet (no key known for a secured node). The link
    /// connects itself later, when a hint arrives (TOFU).
    bool may_connect() const noexcept { return may_connect_; }
    /// The error new requests fail with while the last handshake was refused.
    std::optional<CallError> refused() const { return refused_; }
    void close();
    /// ClientTrust: a key hint arrived for this URL.
    void on_hint();

private:
    struct Monitor {
        zmq::socket_t pair;
        zmq::socket_t* watched = nullptr;
        std::string endpoint;
    };
    void setup();
    void start_monitor(Monitor& m, zmq::socket_t& s, const char* tag);
    void stop_monitor(Monitor& m);
    void on_monitor(Monitor& m);
    void on_event(Monitor& m, std::uint16_t event, std::uint32_t value, const std::string& endpoint);
    void refuse(ErrorCode code, const std::string& message);
    /// libzmq does not reconnect after a refused handshake (a protocol error ends the session):
    /// reconnect `endpoint` of `s` ourselves, backing off, so a key added to the host's
    /// allow-list later is picked up.
    void schedule_reconnect(zmq::socket_t& s, const std::string& endpoint);

    NodeCore& node_;
    Link& link_;
    std::string url_;
    zmq::socket_t& dealer_;
    zmq::socket_t& sub_;
    std::shared_ptr<ClientTrust> trust_;
    bool curve_ = false;        ///< this link uses CURVE
    std::string server_key_;    ///< the key it uses
    ClientTrust::Source source_ = ClientTrust::Source::configured;
    bool may_connect_ = true;
    bool closed_ = false;
    std::optional<CallError> refused_;
    Loop::TimerId retry_timer_ = 0;
    std::chrono::milliseconds retry_backoff_{250};
    std::set<std::pair<zmq::socket_t*, std::string>> retry_;  ///< sockets and endpoints to reconnect
    Monitor dealer_mon_;
    Monitor sub_mon_;
};

} // namespace zro::detail
