// zro — shared live objects over ZeroMQ.
#include "engine/host/host_security.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "engine/shared_context.hpp"

#include <zro/error.hpp>

#include <zmq.h>

// Stable in behaviour but still declared only in the draft part of zmq.h 4.3.4. Debian's libzmq
// accepts it (checked: docs/SECURITY.md), and without it a missing ZAP handler would let any
// CURVE client in, so hosts refuse to start if setting it fails.
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

namespace zro::detail {

// ---- HostSecurity --------------------------------------------------------------------------------

HostSecurity::HostSecurity(const SecurityOptions& o, const std::string& node_id, const std::string& url_for_logs)
    : keys_(o.keys), domain_("zro/" + node_id),
      list_(std::make_shared<AllowList>(o.allowed_clients_dir, o.allowed_client_keys, o.allow_any_client)),
      counters_(std::make_shared<ZapCounters>()), zap_(ZapService::acquire(shared_context())) {
    zap_->add_domain(domain_, list_, url_for_logs, counters_);
    log(LogLevel::info, "host ", url_for_logs, ": CURVE on, key ", key_fingerprint(keys_.public_key), ", ",
        o.allow_any_client ? std::string("any client key accepted (encryption only)")
                           : std::to_string(list_->size()) + " allowed client key(s)");
}

HostSecurity::~HostSecurity() { zap_->remove_domain(domain_); }

void HostSecurity::configure(zmq::socket_t& s) const {
    s.set(zmq::sockopt::curve_server, 1);
    s.set(zmq::sockopt::curve_secretkey, keys_.secret_key);
    s.set(zmq::sockopt::zap_domain, domain_);
    const int enforce = 1;
    if (zmq_setsockopt(s.handle(), ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce) != 0)
        throw Error(ErrorCode::invalid_state, std::string("security: this libzmq cannot enforce ZAP (ZMQ_ZAP_ENFORCE_DOMAIN: ") +
                                                  zmq_strerror(zmq_errno()) + "); refusing to serve CURVE without it");
}

} // namespace zro::detail
