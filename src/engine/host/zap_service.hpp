// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// ZapService: the process's ZAP handler (RFC 27) on `inproc://zeromq.zap.01`, on a thread of its
/// own so a busy node loop never delays handshakes. One per ZeroMQ context; every secured host
/// registers a unique ZAP domain with its allow-list. It fails closed: an unknown domain, a
/// mechanism other than CURVE, a malformed request or any internal error is a denial (400 or
/// 500), and host sockets set ZMQ_ZAP_ENFORCE_DOMAIN so a missing handler denies too.

#include "engine/host/allow_list.hpp"

#include <zmq.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace zro::detail {

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

} // namespace zro::detail
