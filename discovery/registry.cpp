// zro — shared live objects over ZeroMQ.
// The registry object (zro::Registry) and the one-shot listing (zro::discover_objects).
#include "core/log.hpp"
#include "discovery/mdns.hpp"

#include <zro/discovery.hpp>
#include <zro/dynamic_source.hpp>
#include <zro/error.hpp>
#include <zro/host.hpp>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace zro {

using detail::log;

namespace {

/// The registry's class (docs/PROTOCOL.md, "Registry").
Schema registry_schema() {
    Schema s("Registry");
    s.add_property("sources", "list<map<string,string>>", Value(Value::List{}), PropertyMode::read_only)
        .add_signal("added", {{"entry", "map<string,string>"}})
        .add_signal("removed", {{"entry", "map<string,string>"}})
        .add_method("register_host", {{"node_id", "string"}, {"url", "string"}, {"sources", "list<map<string,string>>"},
                                      {"heartbeat_ms", "uint64"}},
                    "bool")
        .add_method("refresh", {{"node_id", "string"}}, "bool")
        .add_method("unregister_host", {{"node_id", "string"}}, "bool");
    return s;
}

std::string field(const Value& entry, const char* key) {
    if (!entry.is_map()) return {};
    for (const auto& [k, v] : entry.as_map())
        if (k.is_string() && k.as_string() == key && v.is_string()) return v.as_string();
    return {};
}

} // namespace

struct Registry::Impl {
    struct HostEntry {
        std::string url;
        std::vector<Value> sources;  // maps, sorted by name
        std::chrono::milliseconds heartbeat{1000};
        std::chrono::steady_clock::time_point last_seen;
    };

    explicit Impl(Host& h) : host(h), source(registry_schema()) {}

    std::vector<Value> all() const {
        std::vector<Value> out;
        for (const auto& [id, h] : hosts) out.insert(out.end(), h.sources.begin(), h.sources.end());
        return out;
    }

    /// Replaces the entries of one host (empty: removes it), emitting added/removed per entry.
    void replace(const std::string& node_id, std::vector<Value> now) {
        std::vector<Value> before;
        auto it = hosts.find(node_id);
        if (it != hosts.end()) before = it->second.sources;
        auto key = [](const Value& e) { return field(e, "name") + '\x1f' + field(e, "url") + '\x1f' + field(e, "signature") + '\x1f' + field(e, "type"); };
        std::set<std::string> before_keys, now_keys;
        for (auto& e : before) before_keys.insert(key(e));
        for (auto& e : now) now_keys.insert(key(e));
        if (now.empty()) {
            if (it != hosts.end()) hosts.erase(it);
        } else {
            hosts[node_id].sources = now;
        }
        source.set_property("sources", Value(Value::List(all())));
        for (auto& e : before)
            if (!now_keys.count(key(e))) {
                log(LogLevel::info, "registry: removed '", field(e, "name"), "' at ", field(e, "url"));
                source.emit_signal("removed", {e});
            }
        for (auto& e : now)
            if (!before_keys.count(key(e))) {
                log(LogLevel::info, "registry: added '", field(e, "name"), "' at ", field(e, "url"));
                source.emit_signal("added", {e});
            }
    }

    void expire() {
        const auto now = std::chrono::steady_clock::now();
        std::vector<std::string> dead;
        for (auto& [id, h] : hosts)
            if (now - h.last_seen > 3 * std::max(h.heartbeat, host.options().heartbeat_interval)) dead.push_back(id);
        for (auto& id : dead) {
            log(LogLevel::info, "registry: host ", id, " (", hosts[id].url, ") stopped refreshing; its entries expire");
            replace(id, {});
        }
    }

    Host& host;
    DynamicSource source;
    Registration registration;
    Timer timer;
    std::map<std::string, HostEntry> hosts;
};

Registry::Registry(Host& host) : impl_(std::make_unique<Impl>(host)) {
    Impl* d = impl_.get();
    d->source.on_call("register_host", [d](const std::vector<Value>& a) {
        const std::string id = a[0].as_string();
        const std::string url = a[1].as_string();
        std::vector<Value> entries;
        for (const Value& e : a[2].as_list()) {
            // Keep only what the schema promises, and the host's own id and URL.
            if (field(e, "name").empty()) continue;
            entries.push_back(Value::map_of({{"name", field(e, "name")}, {"type", field(e, "type")},
                                             {"signature", field(e, "signature")},
                                             {"url", field(e, "url").empty() ? url : field(e, "url")}, {"node_id", id}}));
        }
        std::sort(entries.begin(), entries.end(), [](const Value& x, const Value& y) { return field(x, "name") < field(y, "name"); });
        const bool known = d->hosts.count(id) > 0;
        d->replace(id, entries);
        if (!entries.empty()) {
            auto& h = d->hosts[id];
            h.url = url;
            h.heartbeat = std::chrono::milliseconds(std::max<std::uint64_t>(10, a[3].as<std::uint64_t>()));
            h.last_seen = std::chrono::steady_clock::now();
        }
        if (!known) log(LogLevel::info, "registry: host ", id, " at ", url, " registered ", entries.size(), " source(s)");
        return Value(true);
    });
    d->source.on_call("refresh", [d](const std::vector<Value>& a) {
        auto it = d->hosts.find(a[0].as_string());
        if (it == d->hosts.end()) return Value(false);
        it->second.last_seen = std::chrono::steady_clock::now();
        return Value(true);
    });
    d->source.on_call("unregister_host", [d](const std::vector<Value>& a) {
        const bool known = d->hosts.count(a[0].as_string()) > 0;
        if (known) d->replace(a[0].as_string(), {});
        return Value(known);
    });
    d->registration = host.enable_remoting(d->source, "Registry");
    const auto period = std::max(host.options().heartbeat_interval / 4, std::chrono::milliseconds(10));
    d->timer = host.add_timer(period, [d] { d->expire(); });
}

Registry::~Registry() {
    impl_->timer.cancel();
    impl_->registration.withdraw();
}

std::vector<Value> Registry::entries() const { return impl_->all(); }

// ---- discover_objects --------------------------------------------------------------------------

std::vector<DiscoveredObject> discover_objects(const DiscoverOptions& options) {
    std::vector<DiscoveredObject> out;
    std::string mdns_error;
    if (options.mdns) {
        std::mutex m;
        std::vector<detail::discovery::ResolvedService> found;
        bool ok = false;
        std::string status;
        detail::discovery::Mdns::Callbacks cb;
        cb.found = [&](const detail::discovery::ResolvedService& s) {
            std::lock_guard lock(m);
            found.push_back(s);
        };
        cb.status = [&](bool good, const std::string& msg) {
            std::lock_guard lock(m);
            ok = ok || good;
            if (!good) status = msg;
        };
        {
            detail::discovery::Mdns mdns(options.interface, cb);
            mdns.start(true);
            std::this_thread::sleep_for(options.timeout);
            mdns.stop();
        }
        std::lock_guard lock(m);
        if (!ok) {
            mdns_error = "mDNS discovery: " + (status.empty() ? std::string("avahi-daemon did not answer") : status);
            if (options.registry_url.empty()) throw Error(ErrorCode::not_connected, mdns_error);
            log(LogLevel::warn, mdns_error);
        }
        // One host may be announced on several interfaces: ask each node id once.
        std::map<std::string, std::string> urls;  // node id → url
        for (auto& s : found) {
            auto id = s.txt.find("id");
            if (id == s.txt.end() || s.txt.count("v") == 0 || s.txt.at("v") != detail::discovery::txt_protocol_version()) continue;
            urls.try_emplace(id->second, "tcp://" + s.address + ":" + std::to_string(s.port));
        }
        if (!urls.empty()) {
            Node node;
            std::vector<std::pair<std::string, PendingReply<Value>>> replies;
            for (auto& [id, url] : urls) replies.emplace_back(url, node.list_objects(url, options.timeout));
            for (auto& [url, r] : replies) {
                if (!r.wait(options.timeout + std::chrono::milliseconds(500)) || r.error()) {
                    log(LogLevel::warn, "discover_objects: ", url, " did not list its objects",
                        r.error() ? ": " + r.error()->message : std::string());
                    continue;
                }
                const Value v = r.value();
                std::string node_id;
                for (const auto& [k, val] : v.as_map())
                    if (k.is_string() && k.as_string() == "node_id" && val.is_string()) node_id = val.as_string();
                for (const auto& [k, val] : v.as_map()) {
                    if (!k.is_string() || k.as_string() != "objects") continue;
                    for (const Value& o : val.as_list())
                        out.push_back({field(o, "name"), field(o, "type"), field(o, "signature"), url, node_id, "mdns"});
                }
            }
        }
    }
    if (!options.registry_url.empty()) {
        Node node;
        node.connect_to(options.registry_url);
        auto reg = node.acquire_dynamic("Registry");
        if (!reg->wait_for_source(options.timeout)) {
            if (out.empty() && !mdns_error.empty())
                throw Error(ErrorCode::not_connected, mdns_error + "; and no registry at " + options.registry_url);
            if (out.empty() && !options.mdns)
                throw Error(ErrorCode::not_connected, "no registry answered at " + options.registry_url);
            log(LogLevel::warn, "discover_objects: no registry answered at ", options.registry_url);
        } else {
            for (const Value& e : reg->property("sources").as_list())
                out.push_back({field(e, "name"), field(e, "type"), field(e, "signature"), field(e, "url"), field(e, "node_id"), "registry"});
        }
    }
    std::sort(out.begin(), out.end(), [](const DiscoveredObject& a, const DiscoveredObject& b) {
        return std::tie(a.name, a.url, a.via) < std::tie(b.name, b.url, b.via);
    });
    return out;
}

} // namespace zro
