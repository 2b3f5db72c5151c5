// zro — shared live objects over ZeroMQ.
#include "engine/security.hpp"

#include "core/keys.hpp"
#include "core/log.hpp"
#include "engine/link.hpp"
#include "engine/node_core.hpp"
#include "engine/replica_core.hpp"

#include <zmq.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

// Stable in behaviour but still declared only in the draft part of zmq.h 4.3.4. Debian's libzmq
// accepts it (checked: docs/SECURITY.md), and without it a missing ZAP handler would let any
// CURVE client in, so hosts refuse to start if setting it fails.
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

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

// ---- keys ----------------------------------------------------------------------------------------

void resolve_keys(SecurityOptions& o) {
    if (!o.key_file.empty()) {
        KeyPair loaded = KeyPair::load(o.key_file);
        if (!o.keys.empty() && o.keys.secret_key != loaded.secret_key)
            throw Error(ErrorCode::bad_arguments, "security: both keys and key_file are set, and they differ");
        o.keys = std::move(loaded);
    }
    if (!o.keys.empty()) {
        const KeyPair derived = KeyPair::from_secret(o.keys.secret_key);  // also checks CURVE support
        if (!o.keys.public_key.empty() && o.keys.public_key != derived.public_key)
            throw Error(ErrorCode::bad_arguments, "security: the public key does not belong to the secret key");
        o.keys.public_key = derived.public_key;
    }
    for (auto& [url, key] : o.server_keys)
        if (!is_valid_key(key)) throw Error(ErrorCode::bad_arguments, "security: server key for " + url + " is not a Z85 key");
    for (auto& key : o.allowed_client_keys)
        if (!is_valid_key(key)) throw Error(ErrorCode::bad_arguments, "security: an allowed client key is not a Z85 key");
}

// ---- AllowList -----------------------------------------------------------------------------------

AllowList::AllowList(std::string dir, std::vector<std::string> fixed_keys, bool allow_any)
    : dir_(std::move(dir)), fixed_(std::move(fixed_keys)), any_(allow_any) {
    if (!dir_.empty() && !std::filesystem::is_directory(dir_))
        throw Error(ErrorCode::bad_arguments, "security: allowed_clients_dir " + dir_ + " is not a directory");
    reload();
}

bool AllowList::allows(const std::string& z85) const {
    if (any_) return true;
    std::lock_guard lock(mutex_);
    return keys_.count(z85) != 0;
}

std::size_t AllowList::size() const {
    std::lock_guard lock(mutex_);
    return keys_.size();
}

std::string AllowList::listing_signature() const {
    if (dir_.empty()) return {};
    std::error_code ec;
    std::vector<std::string> entries;
    for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& p = it->path();
        if (p.extension() != ".key") continue;
        std::error_code e2;
        const auto size = std::filesystem::file_size(p, e2);
        const auto mtime = std::filesystem::last_write_time(p, e2).time_since_epoch().count();
        std::ostringstream os;
        os << p.filename().string() << '|' << size << '|' << mtime;
        entries.push_back(os.str());
    }
    if (ec) return "unreadable:" + ec.message();
    std::sort(entries.begin(), entries.end());
    std::string sig;
    for (auto& e : entries) sig += e + '\n';
    return sig;
}

std::size_t AllowList::reload() {
    std::set<std::string> keys(fixed_.begin(), fixed_.end());
    signature_ = listing_signature();
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::directory_iterator it(dir_, ec), end;
        if (ec) log(LogLevel::error, "security: cannot read allowed_clients_dir ", dir_, ": ", ec.message(), "; allowing only the keys given in code");
        for (; !ec && it != end; it.increment(ec)) {
            const auto& p = it->path();
            if (p.extension() != ".key") continue;  // NAME.key_secret and other files are ignored
            try {
                keys.insert(load_public_key(p));
            } catch (const Error& e) {
                log(LogLevel::warn, "security: skipped ", p.string(), ": ", e.what());
            }
        }
    }
    std::size_t n;
    {
        std::lock_guard lock(mutex_);
        keys_.swap(keys);
        n = keys_.size();
    }
    log(LogLevel::info, "security: allow-list ", dir_.empty() ? "(in code)" : dir_, ": ", n, " key(s)");
    return n;
}

bool AllowList::reload_if_changed() {
    if (dir_.empty() || listing_signature() == signature_) return false;
    reload();
    return true;
}

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

// ---- ClientTrust ---------------------------------------------------------------------------------

ClientTrust::ClientTrust(const SecurityOptions& options) : options_(options) {
    for (auto& [url, key] : options_.server_keys) pinned_[wire::parse_url(url).str()] = key;
    if (!options_.known_hosts_file.empty()) known_hosts_ = read_known_hosts(options_.known_hosts_file);
}

std::optional<ClientTrust::Known> ClientTrust::key_for(const std::string& url) const {
    if (auto it = pinned_.find(url); it != pinned_.end()) return Known{it->second, Source::configured};
    if (auto it = known_hosts_.find(url); it != known_hosts_.end()) return Known{it->second, Source::known_hosts};
    if (options_.trust_on_first_use)
        if (auto it = hints_.find(url); it != hints_.end()) return Known{it->second, Source::hint};
    return std::nullopt;
}

std::optional<std::string> ClientTrust::conflicting_hint(const std::string& url) const {
    auto h = hints_.find(url);
    if (h == hints_.end()) return std::nullopt;
    auto k = key_for(url);
    if (k && k->source != Source::hint && k->key != h->second) return h->second;
    return std::nullopt;
}

void ClientTrust::hint(const std::string& url, const std::string& key) {
    if (!is_valid_key(key)) throw Error(ErrorCode::bad_arguments, "hint_server_key: not a 40-character Z85 key");
    auto& slot = hints_[url];
    const bool repeated = slot == key;  // discovery may repeat a hint often: warn once per change
    slot = key;
    if (auto c = conflicting_hint(url); c && !repeated)
        log(LogLevel::warn, "security: ", url, " is advertised with key ", key_fingerprint(key),
            " but this node pins ", key_fingerprint(key_for(url)->key), "; the hint is ignored");
    auto links = links_;  // on_hint may reconnect, not add or remove links
    for (LinkSecurity* l : links) l->on_hint();
}

void ClientTrust::record(const std::string& url, const std::string& key) {
    known_hosts_[url] = key;
    if (options_.known_hosts_file.empty()) {
        log(LogLevel::info, "security: trusting ", url, " with key ", key_fingerprint(key), " (first use; no known_hosts_file to record it)");
        return;
    }
    try {
        append_known_host(options_.known_hosts_file, url, key);
        log(LogLevel::info, "security: recorded ", url, " with key ", key_fingerprint(key), " in ", options_.known_hosts_file,
            " (trust on first use)");
    } catch (const Error& e) {
        log(LogLevel::error, "security: ", e.what());
    }
}

// ---- LinkSecurity --------------------------------------------------------------------------------

LinkSecurity::LinkSecurity(NodeCore& node, Link& link, const wire::Url& url, zmq::socket_t& dealer, zmq::socket_t& sub)
    : node_(node), link_(link), url_(url.str()), dealer_(dealer), sub_(sub), trust_(node.trust) {
    if (trust_) trust_->attach(this);
    setup();
    start_monitor(dealer_mon_, dealer_, "dealer");
    start_monitor(sub_mon_, sub_, "sub");
}

LinkSecurity::~LinkSecurity() { close(); }

void LinkSecurity::setup() {
    const bool secured = trust_ && trust_->has_keys();
    const auto known = trust_ ? trust_->key_for(url_) : std::nullopt;
    if (!secured) {
        if (known) log(LogLevel::warn, "security: a key is known for ", url_, " but this node has no key pair: connecting plain");
        curve_ = false;
        may_connect_ = true;
        return;
    }
    if (!known) {
        if (trust_->options().allow_plain_hosts) {
            log(LogLevel::warn, "security: no key known for ", url_, ": connecting WITHOUT encryption (allow_plain_hosts)");
            curve_ = false;
            may_connect_ = true;
            return;
        }
        may_connect_ = false;
        refused_ = CallError{ErrorCode::host_unverified,
                             "no key is known for the host " + url_ +
                                 ": pin one (SecurityOptions::server_keys or known_hosts_file)" +
                                 (trust_->options().trust_on_first_use ? ", or give a hint (Node::hint_server_key)" : "")};
        log(LogLevel::warn, "security: ", refused_->message);
        return;
    }
    curve_ = true;
    may_connect_ = true;
    server_key_ = known->key;
    source_ = known->source;
    const auto& keys = trust_->options().keys;
    for (zmq::socket_t* s : {&dealer_, &sub_}) {
        s->set(zmq::sockopt::curve_serverkey, server_key_);
        s->set(zmq::sockopt::curve_publickey, keys.public_key);
        s->set(zmq::sockopt::curve_secretkey, keys.secret_key);
    }
}

void LinkSecurity::on_hint() {
    if (closed_ || may_connect_) return;  // already connected with a pinned (or hinted) key
    setup();
    if (!may_connect_) return;
    refused_.reset();
    log(LogLevel::info, "security: connecting to ", url_, " with hinted key ", key_fingerprint(server_key_), " (trust on first use)");
    dealer_.connect(url_);
}

void LinkSecurity::start_monitor(Monitor& m, zmq::socket_t& s, const char* tag) {
    m.endpoint = "inproc://zro-monitor-" + std::string(tag) + "-" + hex_id(random_u64());
    const int events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                       ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL;
    if (zmq_socket_monitor(s.handle(), m.endpoint.c_str(), events) != 0) {
        log(LogLevel::warn, "security: cannot monitor the ", tag, " socket of ", url_, ": ", zmq_strerror(zmq_errno()));
        return;
    }
    m.pair = zmq::socket_t(*node_.context, zmq::socket_type::pair);
    m.pair.set(zmq::sockopt::linger, 0);
    m.pair.connect(m.endpoint);
    m.watched = &s;
    node_.loop->add_socket(m.pair, [this, &m] { on_monitor(m); });
}

void LinkSecurity::stop_monitor(Monitor& m) {
    if (!m.watched) return;
    node_.loop->remove_socket(m.pair);
    zmq_socket_monitor(m.watched->handle(), nullptr, 0);
    m.pair.close();
    m.watched = nullptr;
}

void LinkSecurity::close() {
    if (closed_) return;
    closed_ = true;
    if (retry_timer_) node_.loop->cancel_timer(retry_timer_);
    retry_timer_ = 0;
    stop_monitor(dealer_mon_);
    stop_monitor(sub_mon_);
    if (trust_) trust_->detach(this);
}

void LinkSecurity::on_monitor(Monitor& m) {
    for (int budget = 0; budget < 100 && !closed_ && m.watched; ++budget) {
        zmq::message_t head;
        if (!m.pair.recv(head, zmq::recv_flags::dontwait)) return;
        zmq::message_t endpoint;
        if (head.more()) (void)m.pair.recv(endpoint, zmq::recv_flags::dontwait);
        if (head.size() < 6) continue;
        std::uint16_t event;
        std::uint32_t value;
        std::memcpy(&event, head.data(), 2);
        std::memcpy(&value, head.data<char>() + 2, 4);
        on_event(m, event, value, endpoint.to_string());
    }
}

void LinkSecurity::on_event(Monitor& m, std::uint16_t event, std::uint32_t value, const std::string& endpoint) {
    log(LogLevel::debug, "security: ", m.watched == &dealer_ ? "dealer" : "sub", " event 0x", hex_id(event).substr(12), " value ", value, " ", endpoint);
    const std::string fp = key_fingerprint(server_key_);
    // Refused (AUTH) and protocol failures end the session for good in libzmq: retry ourselves.
    // A broken-off handshake (NO_DETAIL) is a connection error, which libzmq retries itself.
    if ((event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH || event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL) && !endpoint.empty())
        schedule_reconnect(*m.watched, endpoint);
    switch (event) {
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        if (refused_) log(LogLevel::info, "security: handshake with ", url_, " succeeded again");
        refused_.reset();
        retry_backoff_ = std::chrono::milliseconds(250);
        if (curve_ && source_ == ClientTrust::Source::hint && trust_) {
            trust_->record(url_, server_key_);
            source_ = ClientTrust::Source::known_hosts;
        }
        return;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        // The host's ZAP handler said no (RFC 27 status: 400 denied, 500 handler error, 300 ...).
        return refuse(ErrorCode::unauthorized,
                      "unauthorized: the host " + url_ + " refused this node's key " +
                          key_fingerprint(trust_ ? trust_->options().keys.public_key : "") + " (ZAP status " +
                          std::to_string(value) +
                          (value == 400 ? ": not in its allow-list)" : value == 500 ? ": its authentication failed; denied)" : ")"));
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
        if (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH) {
            if (curve_)
                return refuse(ErrorCode::host_unverified, "the host " + url_ + " is not secured (plain ZeroMQ) but this node pins its key " + fp +
                                                              ": refusing to talk to it");
            return refuse(ErrorCode::unauthorized, "unauthorized: the host " + url_ +
                                                       " requires CURVE security and this node has no key pair (NodeOptions::security)");
        }
        if (curve_)
            return refuse(ErrorCode::host_unverified, "CURVE handshake with " + url_ + " failed (ZMTP protocol error 0x" +
                                                          hex_id(value).substr(8) + ")");
        return;
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: {
        if (!curve_) return;
        std::string why = "the host " + url_ + " broke off the CURVE handshake: it does not hold the key this node pins (" + fp +
                          (source_ == ClientTrust::Source::configured  ? ", configured"
                           : source_ == ClientTrust::Source::known_hosts ? ", from " + trust_->options().known_hosts_file
                                                                         : ", from a hint") +
                          ")";
        if (source_ == ClientTrust::Source::known_hosts) why += " — its key changed since it was recorded, or it is another host";
        if (auto other = trust_ ? trust_->conflicting_hint(url_) : std::nullopt)
            why += "; it is advertised with key " + key_fingerprint(*other);
        return refuse(ErrorCode::host_unverified, why);
    }
    default:
        return;
    }
}

void LinkSecurity::schedule_reconnect(zmq::socket_t& s, const std::string& endpoint) {
    retry_.emplace(&s, endpoint);
    if (retry_timer_ || closed_) return;
    retry_timer_ = node_.loop->add_timer(retry_backoff_, [this] {
        retry_timer_ = 0;
        auto items = std::move(retry_);
        retry_.clear();
        for (auto& [sock, ep] : items) {
            log(LogLevel::debug, "security: reconnecting to ", ep, " after a refused handshake");
            try { sock->disconnect(ep); } catch (const zmq::error_t&) {}  // the session may be gone already
            try {
                sock->connect(ep);
            } catch (const zmq::error_t& e) {
                log(LogLevel::warn, "security: cannot reconnect to ", ep, ": ", e.what());
            }
        }
    });
    retry_backoff_ = std::min(2 * retry_backoff_, std::chrono::milliseconds(5000));
}

void LinkSecurity::refuse(ErrorCode code, const std::string& message) {
    const bool repeat = refused_ && refused_->code == code && refused_->message == message;
    refused_ = CallError{code, message};
    if (repeat) return;  // every reconnect fails the same way: report it once
    log(LogLevel::error, "security: ", message);
    link_.fail_calls(nullptr, code, message);
    const auto kind = code == ErrorCode::unauthorized ? ReplicaNotice::Kind::unauthorized : ReplicaNotice::Kind::host_unverified;
    for (auto& r : node_.all_replicas()) {
        if (r->state == ReplicaState::valid) continue;  // served by another host, or by this one's live session
        r->reason = message;
        r->refusal = code;
        r->notice_cbs(ReplicaNotice{kind, 0, 0, 0, message});
    }
}

} // namespace zro::detail
