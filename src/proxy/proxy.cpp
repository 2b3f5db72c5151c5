// zro — shared live objects over ZeroMQ.
// zro::Proxy: per direction (inner → outer, and outer → inner when reversed), finds the objects
// to relay (listing the hosts it reaches every scan interval) and keeps one Relay
// (proxy/relay.hpp) per object. Everything, both directions, runs on one loop.
#include <zro/proxy.hpp>

#include "core/log.hpp"
#include "engine/discovery_port.hpp"
#include "engine/node_core.hpp"
#include "proxy/relay.hpp"
#include "wire/url.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <set>

namespace zro {

namespace {

/// The node a direction acquires with, with the engine's view the proxy needs (the hosts
/// discovery found).
class AcquiringNode final : public Node {
public:
    explicit AcquiringNode(NodeOptions o, const Node* loop_of = nullptr) : Node(std::move(o), loop_of) {}
    std::vector<std::string> discovered_hosts() const {
        auto* d = core_->discovery();
        return d ? d->host_urls() : std::vector<std::string>{};
    }
};

NodeOptions acquiring_options(NodeOptions n, bool mdns, const std::string& registry, const char* name) {
    n.discovery = mdns;
    n.registry_url = registry;
    if (n.name.empty()) n.name = name;
    return n;
}

bool matches(const std::vector<std::string>& globs, const std::string& name) {
    if (globs.empty()) return true;
    for (const auto& glob : globs)
        if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) return true;
    // A CLASS child follows its parent: "Parent.child" is relayed with "Parent".
    const auto dot = name.rfind('.');
    return dot != std::string::npos && dot > 0 && matches(globs, name.substr(0, dot));
}

/// The proxy's own hosts (both directions'): never relayed from, by URL or by node id, so a
/// proxy that finds its own copies (through discovery, or given its own URL) does not loop.
struct OwnHosts {
    std::vector<const Host*> hosts;
    bool url(const std::string& u) const {
        return std::any_of(hosts.begin(), hosts.end(), [&](const Host* h) { return h->url() == u; });
    }
    bool node_id(const std::string& id) const {
        return std::any_of(hosts.begin(), hosts.end(), [&](const Host* h) { return h->node_id() == id; });
    }
};

/// One direction of a proxy: finds the objects on the hosts `node` reaches (listing them every
/// scan interval) and keeps one Relay per object, whose copy `host` shares.
class Direction {
public:
    Direction(AcquiringNode& node, Host& host, std::vector<std::string> from_urls, std::vector<std::string> objects,
              const ProxyOptions& o, const OwnHosts& own, const char* label)
        : node_(node), host_(host), from_urls_(std::move(from_urls)), objects_(std::move(objects)),
          scan_interval_(o.scan_interval), call_timeout_(o.call_timeout), own_(own), label_(label) {
        for (const auto& u : from_urls_) node_.connect_to(u);
        scan_timer_ = node_.add_timer(scan_interval_, [this] { scan(); });
        node_.post([this] { scan(); });
    }
    ~Direction() {
        scan_timer_.cancel();
        relays_.clear();  // withdraws every copy
    }

    std::vector<std::string> shared() const {
        std::vector<std::string> out;
        for (const auto& [name, relay] : relays_)
            if (relay->shared()) out.push_back(name);
        return out;
    }

private:
    void scan() {
        std::set<std::string> urls(from_urls_.begin(), from_urls_.end());
        for (auto& u : node_.discovered_hosts()) urls.insert(u);
        for (const auto& url : urls) {
            if (own_.url(url)) continue;
            node_.list_objects(url, scan_interval_ * 2).then([this](const PendingReply<Value>& r) {
                if (r.error()) return;
                const Value& answer = r.value();
                const Value* id = answer.find("node_id");
                if (id && id->is_string() && own_.node_id(id->as_string())) return;  // ourselves, by another address
                const Value* objects = answer.find("objects");
                if (!objects || !objects->is_list()) return;
                for (const auto& obj : objects->as_list()) {
                    const Value* name = obj.find("name");
                    if (name && name->is_string()) found(name->as_string());
                }
            });
        }
    }

    void found(const std::string& name) {
        if (!matches(objects_, name) || relays_.count(name)) return;
        detail::log(LogLevel::info, "proxy: acquiring '", name, "'", label_);
        relays_.emplace(name, std::make_unique<detail::Relay>(node_, host_, name, call_timeout_));
    }

    AcquiringNode& node_;
    Host& host_;
    std::vector<std::string> from_urls_, objects_;
    std::chrono::milliseconds scan_interval_, call_timeout_;
    const OwnHosts& own_;
    const char* label_;
    Timer scan_timer_;
    std::map<std::string, std::unique_ptr<detail::Relay>> relays_;
};

} // namespace

struct Proxy::Impl {
    Impl(std::string_view url, ProxyOptions o)
        : options(std::move(o)), inner(acquiring_options(options.inner, options.from_mdns, options.from_registry, "proxy (inner)")),
          outer(url, options.outer, inner) {
        own.hosts.push_back(&outer);
        const auto& r = options.reverse;
        if (!r.url.empty()) {
            // The reverse direction runs on the same loop: a client node on the outer side and
            // a host on the inner side.
            reverse_client = std::make_unique<AcquiringNode>(
                acquiring_options(r.client, r.from_mdns, r.from_registry, "proxy (reverse, outer)"), &inner);
            reverse_host = std::make_unique<Host>(r.url, r.host, inner);
            own.hosts.push_back(reverse_host.get());
            reverse = std::make_unique<Direction>(*reverse_client, *reverse_host, r.from_urls, r.objects, options, own, " (reverse)");
        }
        forward = std::make_unique<Direction>(inner, outer, options.from_urls, options.objects, options, own, "");
    }

    ProxyOptions options;
    AcquiringNode inner;
    Host outer;
    OwnHosts own;
    // The reverse direction's nodes, declared after `inner` so they go first (they run on its loop).
    std::unique_ptr<AcquiringNode> reverse_client;
    std::unique_ptr<Host> reverse_host;
    std::unique_ptr<Direction> reverse, forward;
};

Proxy::Proxy(std::string_view url, ProxyOptions options) : impl_(std::make_unique<Impl>(url, std::move(options))) {}

Proxy::~Proxy() {
    impl_->inner.stop();
    // The loop has stopped: withdraw every copy on this thread.
    impl_->forward.reset();
    impl_->reverse.reset();
}

const std::string& Proxy::url() const noexcept { return impl_->outer.url(); }
const std::string& Proxy::public_key() const noexcept { return impl_->outer.public_key(); }

const std::string& Proxy::reverse_url() const noexcept {
    static const std::string none;
    return impl_->reverse_host ? impl_->reverse_host->url() : none;
}

std::vector<std::string> Proxy::relayed() const { return impl_->forward->shared(); }

std::vector<std::string> Proxy::relayed_reverse() const {
    return impl_->reverse ? impl_->reverse->shared() : std::vector<std::string>{};
}

void Proxy::run() { impl_->inner.run(); }
void Proxy::run_for(std::chrono::milliseconds d) { impl_->inner.run_for(d); }
void Proxy::start() { impl_->inner.start(); }
void Proxy::stop() { impl_->inner.stop(); }
void Proxy::post(std::function<void()> fn) { impl_->inner.post(std::move(fn)); }
Node& Proxy::inner() noexcept { return impl_->inner; }
Host& Proxy::outer() noexcept { return impl_->outer; }

} // namespace zro
