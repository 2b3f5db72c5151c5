// zro — shared live objects over ZeroMQ.
// zro::Proxy: finds the objects to relay on the inner side (listing its hosts every scan
// interval) and keeps one Relay (proxy/relay.hpp) per object. Everything runs on one loop.
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

/// The inner node, with the engine's view the proxy needs (the hosts discovery found).
class InnerNode final : public Node {
public:
    explicit InnerNode(NodeOptions o) : Node(std::move(o)) {}
    std::vector<std::string> discovered_hosts() const {
        auto* d = core_->discovery();
        return d ? d->host_urls() : std::vector<std::string>{};
    }
};

NodeOptions inner_options(const ProxyOptions& o) {
    NodeOptions n = o.inner;
    n.discovery = o.from_mdns;
    n.registry_url = o.from_registry;
    if (n.name.empty()) n.name = "proxy (inner)";
    return n;
}

} // namespace

struct Proxy::Impl {
    Impl(std::string_view url, ProxyOptions o)
        : options(std::move(o)), inner(inner_options(options)), outer(url, options.outer, inner) {
        for (const auto& u : options.from_urls) inner.connect_to(u);
        scan_timer = inner.add_timer(options.scan_interval, [this] { scan(); });
        inner.post([this] { scan(); });
    }

    bool wanted(const std::string& name) const {
        if (options.objects.empty()) return true;
        for (const auto& glob : options.objects)
            if (fnmatch(glob.c_str(), name.c_str(), 0) == 0) return true;
        // A CLASS child follows its parent: "Parent.child" is relayed with "Parent".
        const auto dot = name.rfind('.');
        return dot != std::string::npos && dot > 0 && wanted(name.substr(0, dot));
    }

    void scan() {
        std::set<std::string> urls(options.from_urls.begin(), options.from_urls.end());
        for (auto& u : inner.discovered_hosts()) urls.insert(u);
        for (const auto& url : urls) {
            if (url == outer.url()) continue;  // never relay our own copies
            inner.list_objects(url, options.scan_interval * 2).then([this](const PendingReply<Value>& r) {
                if (r.error()) return;
                const Value& answer = r.value();
                const Value* id = answer.find("node_id");
                if (id && id->is_string() && id->as_string() == outer.node_id()) return;  // ourselves, by another address
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
        if (!wanted(name) || relays.count(name)) return;
        detail::log(LogLevel::info, "proxy: acquiring '", name, "'");
        auto relay = std::make_unique<detail::Relay>(inner, outer, name, options.call_timeout);
        relays.emplace(name, std::move(relay));
    }

    ProxyOptions options;
    InnerNode inner;
    Host outer;
    Timer scan_timer;
    std::map<std::string, std::unique_ptr<detail::Relay>> relays;
};

Proxy::Proxy(std::string_view url, ProxyOptions options) : impl_(std::make_unique<Impl>(url, std::move(options))) {}

Proxy::~Proxy() {
    impl_->inner.stop();
    impl_->scan_timer.cancel();
    impl_->relays.clear();  // the loop has stopped: withdraws every copy on this thread
}

const std::string& Proxy::url() const noexcept { return impl_->outer.url(); }
const std::string& Proxy::public_key() const noexcept { return impl_->outer.public_key(); }

std::vector<std::string> Proxy::relayed() const {
    std::vector<std::string> out;
    for (const auto& [name, relay] : impl_->relays)
        if (relay->shared()) out.push_back(name);
    return out;
}

void Proxy::run() { impl_->inner.run(); }
void Proxy::run_for(std::chrono::milliseconds d) { impl_->inner.run_for(d); }
void Proxy::start() { impl_->inner.start(); }
void Proxy::stop() { impl_->inner.stop(); }
void Proxy::post(std::function<void()> fn) { impl_->inner.post(std::move(fn)); }
Node& Proxy::inner() noexcept { return impl_->inner; }
Host& Proxy::outer() noexcept { return impl_->outer; }

} // namespace zro
