// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// HostSecurity: a secured host's CURVE server set-up (its ROUTER and XPUB) with its ZAP domain
/// and allow-list (docs/SECURITY.md, docs/PROTOCOL.md "Security layer").

#include "engine/host/allow_list.hpp"
#include "engine/host/zap_service.hpp"

#include <zro/security.hpp>

#include <zmq.hpp>

#include <memory>
#include <string>

namespace zro::detail {

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

} // namespace zro::detail
