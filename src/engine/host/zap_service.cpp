// zro — shared live objects over ZeroMQ.
#include "engine/host/zap_service.hpp"

#include "core/log.hpp"
#include "core/random.hpp"

#include <zro/error.hpp>
#include <zro/security.hpp>

#include <zmq.h>

namespace zro::detail {

namespace {

constexpr const char* zap_endpoint = "inproc://zeromq.zap.01";

std::string z85_of(const void* raw32) {
    char out[41];
    if (!zmq_z85_encode(out, static_cast<const std::uint8_t*>(raw32), 32)) return {};
    return out;
}

std::string frame_str(const zmq::message_t& m) { return std::string(m.data<char>(), m.size()); }

} // namespace

// ---- ZapService ----------------------------------------------------------------------------------

std::shared_ptr<ZapService> ZapService::acquire(const std::shared_ptr<zmq::context_t>& ctx) {
    static std::mutex mutex;
    static std::map<const zmq::context_t*, std::weak_ptr<ZapService>> services;
    std::lock_guard lock(mutex);
    std::erase_if(services, [](const auto& kv) { return kv.second.expired(); });
    if (auto s = services[ctx.get()].lock()) return s;
    auto s = std::make_shared<ZapService>(ctx);
    services[ctx.get()] = s;
    return s;
}

ZapService::ZapService(std::shared_ptr<zmq::context_t> ctx)
    : ctx_(std::move(ctx)), control_(*ctx_, zmq::socket_type::pair) {
    if (!zmq_has("curve")) throw Error(ErrorCode::invalid_state, "security: this libzmq was built without CURVE (libsodium)");
    zmq::socket_t zap(*ctx_, zmq::socket_type::router);
    zap.set(zmq::sockopt::linger, 0);
    // The handler must be bound before any secured socket binds (RFC 27). A handler that is
    // going away (the last secured host of a moment ago) may still hold the endpoint briefly.
    for (int attempt = 0;; ++attempt) {
        try {
            zap.bind(zap_endpoint);
            break;
        } catch (const zmq::error_t& e) {
            if (e.num() != EADDRINUSE || attempt >= 100)
                throw Error(ErrorCode::bind_failed, std::string("security: cannot bind the ZAP handler at ") + zap_endpoint +
                                                        ": " + e.what() +
                                                        " (another ZAP handler in this process? zro needs its own)");
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    const std::string control_ep = "inproc://zro-zap-control-" + hex_id(random_u64());
    control_.set(zmq::sockopt::linger, 0);
    control_.bind(control_ep);
    zmq::socket_t control_in(*ctx_, zmq::socket_type::pair);
    control_in.set(zmq::sockopt::linger, 0);
    control_in.connect(control_ep);
    thread_ = std::thread([this, z = std::move(zap), c = std::move(control_in)]() mutable { run(std::move(z), std::move(c)); });
}

ZapService::~ZapService() {
    try {
        control_.send(zmq::str_buffer("stop"), zmq::send_flags::none);
    } catch (const zmq::error_t&) {
    }
    if (thread_.joinable()) thread_.join();
}

void ZapService::add_domain(const std::string& domain, std::shared_ptr<AllowList> list, std::string label,
                            std::shared_ptr<ZapCounters> counters) {
    std::lock_guard lock(mutex_);
    domains_[domain] = Domain{std::move(list), std::move(label), std::move(counters)};
}

void ZapService::remove_domain(const std::string& domain) {
    std::lock_guard lock(mutex_);
    domains_.erase(domain);
}

void ZapService::set_fault(ZapFault f) {
    fault_ = f;
    if (f != ZapFault::unbound) return;
    control_.send(zmq::str_buffer("unbind"), zmq::send_flags::none);
    while (!unbound_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void ZapService::run(zmq::socket_t zap, zmq::socket_t control) {
    for (;;) {
        zmq::pollitem_t items[] = {{control.handle(), 0, ZMQ_POLLIN, 0}, {zap.handle(), 0, ZMQ_POLLIN, 0}};
        try {
            zmq::poll(items, zap ? 2 : 1, std::chrono::milliseconds(-1));
        } catch (const zmq::error_t& e) {
            if (e.num() == EINTR) continue;
            log(LogLevel::error, "security: ZAP handler stopped: ", e.what());
            break;
        }
        if (items[0].revents & ZMQ_POLLIN) {
            zmq::message_t cmd;
            (void)control.recv(cmd, zmq::recv_flags::dontwait);
            if (cmd.to_string_view() == "stop") break;
            if (cmd.to_string_view() == "unbind" && zap) {
                // Test fault: as if the handler were gone. Hosts set ZAP_ENFORCE_DOMAIN, so
                // every handshake must now fail instead of being let through.
                try { zap.unbind(zap_endpoint); } catch (const zmq::error_t&) {}
                zap.close();
                unbound_ = true;
            }
            continue;
        }
        if (zap && (items[1].revents & ZMQ_POLLIN)) serve_one(zap);
    }
    if (zap) {
        try { zap.unbind(zap_endpoint); } catch (const zmq::error_t&) {}
        zap.close();
    }
    control.close();
}

void ZapService::serve_one(zmq::socket_t& zap) {
    // Request (RFC 27, after the ROUTER envelope): version, request id, domain, address,
    // routing id, mechanism, credentials...
    std::vector<zmq::message_t> f;
    for (;;) {
        f.emplace_back();
        if (!zap.recv(f.back(), zmq::recv_flags::dontwait)) {
            f.pop_back();
            break;
        }
        if (!f.back().more()) break;
    }
    if (f.size() < 4 || f[1].size() != 0) return;  // not even an envelope + request id: nothing to answer
    std::string status = "400", text = "denied", user_id;
    std::shared_ptr<ZapCounters> counters;
    std::string label, domain, address, key;
    try {
        if (f.size() < 8) throw std::runtime_error("malformed ZAP request");
        if (frame_str(f[2]) != "1.0") {
            text = "unsupported ZAP version";
        } else {
            domain = frame_str(f[4]);
            address = frame_str(f[5]);
            const std::string mechanism = frame_str(f[7]);
            Domain d;
            {
                std::lock_guard lock(mutex_);
                auto it = domains_.find(domain);
                if (it != domains_.end()) d = it->second;
            }
            counters = d.counters;
            label = d.label;
            if (!d.list) {
                text = "unknown ZAP domain";
            } else if (mechanism != "CURVE") {
                text = "this host requires CURVE";
            } else if (f.size() < 9 || f[8].size() != 32) {
                text = "malformed CURVE credentials";
            } else {
                key = z85_of(f[8].data());
                if (fault_ == ZapFault::throw_error) throw std::runtime_error("injected fault");
                if (!key.empty() && d.list->allows(key)) {
                    status = "200";
                    text = "OK";
                    user_id = key;  // each message of this peer carries it as "User-Id"
                } else {
                    text = "client key not allowed";
                }
            }
        }
    } catch (const std::exception& e) {
        // Fail closed: any error is a denial.
        status = "500";
        text = "internal error";
        log(LogLevel::error, "security: ZAP handler error (", e.what(), "): handshake denied");
    }
    if (counters) (status == "200" ? counters->allowed : counters->denied)++;
    if (status != "200") {
        static RateLimiter limiter;  // ZAP thread only
        if (limiter.allow())
            log(LogLevel::warn, "security: host ", label.empty() ? domain : label, " refused client ",
                key.empty() ? std::string("(no key)") : key_fingerprint(key), " from ", address.empty() ? "?" : address,
                ": ", text, " (", limiter.suppressed(), " similar lines suppressed)");
    }
    try {
        zap.send(f[0], zmq::send_flags::sndmore);
        zap.send(zmq::message_t(), zmq::send_flags::sndmore);
        zap.send(zmq::str_buffer("1.0"), zmq::send_flags::sndmore);
        zap.send(f[3], zmq::send_flags::sndmore);
        zap.send(zmq::buffer(status), zmq::send_flags::sndmore);
        zap.send(zmq::buffer(text), zmq::send_flags::sndmore);
        zap.send(zmq::buffer(user_id), zmq::send_flags::sndmore);
        zap.send(zmq::message_t(), zmq::send_flags::none);
    } catch (const zmq::error_t& e) {
        log(LogLevel::error, "security: cannot answer a ZAP request: ", e.what());
    }
}

} // namespace zro::detail
