// zro — shared live objects over ZeroMQ.
#include "discovery/agent.hpp"

#include "core/log.hpp"
#include "wire/url.hpp"

#include <zro/error.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace zro::detail {

namespace {

constexpr auto tick_period = std::chrono::milliseconds(100);
/// A link the agent made and nothing needs any more is closed after this long.
constexpr auto unneeded_grace = std::chrono::seconds(10);

std::string host_name() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0) return "host";
    return buf;
}

/// The local IPv4 address this machine would use to reach `address` (a UDP connect sends
/// nothing). Empty if it cannot tell.
std::string local_address_towards(const std::string& address) {
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(9);
    if (inet_pton(AF_INET, address.c_str(), &dst.sin_addr) != 1) return {};
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return {};
    std::string result;
    sockaddr_in me{};
    socklen_t len = sizeof me;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len) == 0) {
        char a[INET_ADDRSTRLEN] = {};
        if (inet_ntop(AF_INET, &me.sin_addr, a, sizeof a)) result = a;
    }
    ::close(fd);
    return result;
}

} // namespace

DiscoveryAgent::DiscoveryAgent(DiscoveryPort& node) : node_(node) {}

DiscoveryAgent::~DiscoveryAgent() { shutdown(); }

void DiscoveryAgent::start() {
    const auto& o = node_.options();
    if (o.discovery) {
        std::weak_ptr<DiscoveryAgent> weak = weak_from_this();
        auto loop = node_.loop();
        discovery::Mdns::Callbacks cb;
        cb.found = [weak, loop](const discovery::ResolvedService& s) {
            loop->post([weak, s] {
                if (auto self = weak.lock()) self->on_found(s);
            });
        };
        cb.removed = [weak, loop](const std::string& instance, const std::string& iface) {
            loop->post([weak, instance, iface] {
                if (auto self = weak.lock()) self->on_removed(instance, iface);
            });
        };
        cb.status = [weak, loop](bool ok, const std::string& message) {
            log(ok ? LogLevel::info : LogLevel::error, "discovery (mDNS): ", message);
            loop->post([weak, ok, message] {
                if (auto self = weak.lock()) {
                    self->mdns_ok_ = ok;
                    self->mdns_status_ = message;
                    if (ok) self->published_key_.clear();  // (re)connected: publish again
                }
            });
        };
        mdns_ = std::make_unique<discovery::Mdns>(o.discovery_interface, std::move(cb));
        mdns_->start(/*browse=*/true);
    }
    if (RegistryClient* registry = node_.registry()) {
        std::weak_ptr<DiscoveryAgent> weak = weak_from_this();
        registry->on_change([weak](bool valid) {
            auto self = weak.lock();
            if (!self) return;
            if (!valid) self->registered_ = false;  // re-register when it is back
            else self->registry_changed();
        });
    }
    timer_ = node_.loop()->add_timer(tick_period, [this] { tick(); }, true);
}

void DiscoveryAgent::wanted(const std::string& name) {
    if (name == "Registry" && node_.registry()) return;  // the node's own registry replica
    if (wanted_.insert(name).second) {
        ++wants_version_;
        reconcile();
    }
}

std::vector<std::string> DiscoveryAgent::host_urls() const {
    std::set<std::string> urls;
    for (const auto& [id, host] : hosts_)
        if (!host.url.empty()) urls.insert(host.url);
    for (const auto& entry : registry_entries_)
        if (!entry.url.empty()) urls.insert(entry.url);
    return {urls.begin(), urls.end()};
}

void DiscoveryAgent::shutdown() {
    if (shut_down_) return;
    shut_down_ = true;
    if (timer_) node_.loop()->cancel_timer(timer_);
    timer_ = 0;
    if (mdns_) {
        const bool was_published = !published_key_.empty();
        mdns_->stop();  // withdraws the service first: goodbyes before our sockets close
        if (was_published) log(LogLevel::info, "discovery: withdrew the mDNS service");
        mdns_.reset();
    }
    RegistryClient* registry = node_.registry();
    if (registry && node_.hosted() && registered_ && registry->valid()) {
        // Deregister, best effort: the request is queued but not waited for (pumping the loop
        // here would run user timers whose captures may already be gone). If it is lost with
        // the closing sockets, the entries expire after 3 heartbeats.
        (void)registry->invoke("unregister_host", {node_.node_id()}, std::chrono::milliseconds(500));
    }
}

// ---- mDNS ----------------------------------------------------------------------------------------

void DiscoveryAgent::on_found(const discovery::ResolvedService& s) {
    if (shut_down_) return;
    auto id_it = s.txt.find("id");
    auto v_it = s.txt.find("v");
    if (id_it == s.txt.end() || id_it->second.empty()) {
        log(LogLevel::debug, "discovery: ignored '", s.instance, "': no id in its TXT record");
        return;
    }
    if (v_it == s.txt.end() || v_it->second != discovery::txt_protocol_version()) {
        log(LogLevel::warn, "discovery: ignored '", s.instance, "': protocol version ",
            v_it == s.txt.end() ? "missing" : v_it->second, " (this node speaks ", discovery::txt_protocol_version(), ")");
        return;
    }
    const std::string& id = id_it->second;
    const std::string key = s.instance + "|" + s.interface;
    // The same instance may now belong to another node (restarted host): forget the old one.
    auto prev = instance_ids_.find(key);
    if (prev != instance_ids_.end() && prev->second != id) {
        auto h = hosts_.find(prev->second);
        if (h != hosts_.end()) {
            h->second.instances.erase(key);
            if (h->second.instances.empty()) hosts_.erase(h);
        }
    }
    instance_ids_[key] = id;
    const std::string url = "tcp://" + s.address + ":" + std::to_string(s.port);
    auto [it, is_new] = hosts_.try_emplace(id);
    HostInfo& h = it->second;
    h.instances.insert(key);
    const auto& iface_opt = node_.options().discovery_interface;
    if (is_new || h.url != url) {
        std::string why;
        if (!iface_opt.empty()) why = "the IPv4 address announced on " + s.interface + " (discovery_interface=" + iface_opt + ")";
        else if (is_new) why = "the first IPv4 address resolved, on " + s.interface + " (any interface; set discovery_interface to choose)";
        else why = "it announced a new address on " + s.interface + " (was " + h.url + ")";
        if (!is_new && h.url != url && !iface_opt.empty() && h.interface == iface_opt && s.interface != iface_opt) {
            // Keep the address on the chosen interface.
        } else {
            log(LogLevel::info, "discovery: host '", s.instance, "' (node ", id, ") at ", url, ": chosen because it is ", why);
            h.url = url;
            h.interface = s.interface;
        }
    }
    auto objs = s.txt.find("objs");
    auto count = s.txt.find("objs#");
    if (objs != s.txt.end()) {
        h.counted = false;
        h.objects.clear();
        std::string_view rest = objs->second;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            h.objects.insert(std::string(rest.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        h.count = h.objects.size();
    } else if (count != s.txt.end()) {
        h.counted = true;
        std::size_t n = 0;
        try { n = std::stoul(count->second); } catch (...) {}
        if (n != h.count) h.listed_wants = 0;  // the list changed: ask again
        h.count = n;
    }
    reconcile();
}

void DiscoveryAgent::on_removed(const std::string& instance, const std::string& interface) {
    const std::string key = instance + "|" + interface;
    auto it = instance_ids_.find(key);
    if (it == instance_ids_.end()) return;
    auto h = hosts_.find(it->second);
    if (h != hosts_.end()) {
        h->second.instances.erase(key);
        // No new connections to it; an existing link stays while heartbeats say it is alive.
        if (h->second.instances.empty()) {
            log(LogLevel::info, "discovery: host '", instance, "' (node ", it->second, ") left mDNS");
            hosts_.erase(h);
        }
    }
    instance_ids_.erase(it);
    reconcile();
}

void DiscoveryAgent::ask_list(const std::string& node_id) {
    auto it = hosts_.find(node_id);
    if (it == hosts_.end() || it->second.list_pending) return;
    HostInfo& h = it->second;
    h.list_pending = true;
    const std::string url = h.url;
    node_.connect_to(url);
    made_.try_emplace(url, Loop::Clock::now());
    auto reply = node_.list_objects(url, std::chrono::seconds(5));
    if (!reply) {
        h.list_pending = false;
        return;
    }
    {
        std::weak_ptr<DiscoveryAgent> weak = weak_from_this();
        const auto version = wants_version_;
        reply->then([weak, node_id, version](const PendingReply<Value>& r) {
            auto self = weak.lock();
            if (!self) return;
            auto hit = self->hosts_.find(node_id);
            if (hit == self->hosts_.end()) return;
            hit->second.list_pending = false;
            if (r.error()) return;  // retried on the next change of wants or of the count
            hit->second.objects.clear();
            const Value v = r.value();
            for (const auto& [k, val] : v.as_map())
                if (k.is_string() && k.as_string() == "objects")
                    for (const Value& o : val.as_list())
                        for (const auto& [ok, ov] : o.as_map())
                            if (ok.is_string() && ok.as_string() == "name") hit->second.objects.insert(ov.as_string());
            hit->second.listed_wants = version;
            self->reconcile();
        });
    }
}

void DiscoveryAgent::reconcile() {
    if (shut_down_) return;
    std::set<std::string> needed;
    std::map<std::string, std::string> why;  // url → "Name via mdns"
    for (auto& [id, h] : hosts_) {
        if (h.counted && h.count > 0 && h.listed_wants != wants_version_ && !wanted_.empty()) ask_list(id);
        for (const auto& name : wanted_)
            if (h.objects.count(name)) {
                needed.insert(h.url);
                why.try_emplace(h.url, "'" + name + "' (mDNS, node " + id + ")");
            }
    }
    for (const auto& e : registry_entries_)
        if (wanted_.count(e.name)) {
            needed.insert(e.url);
            why.try_emplace(e.url, "'" + e.name + "' (registry, node " + e.node_id + ")");
        }
    for (const auto& url : needed) {
        if (!node_.has_link(url)) {
            log(LogLevel::info, "discovery: connecting to ", url, " for ", why[url]);
            try {
                node_.connect_to(url);
            } catch (const Error& e) {
                log(LogLevel::warn, "discovery: cannot connect to ", url, ": ", e.what());
                continue;
            }
            made_[url] = Loop::Clock::now();
        }
    }
    needed_ = std::move(needed);
}

// ---- periodic ----------------------------------------------------------------------------------

void DiscoveryAgent::tick() {
    if (shut_down_) return;
    publish_if_changed();
    registry_tick();
    // Close links we made that nothing needs any more (no wanted object there, and no replica
    // attached through them), after a grace period. Never in a Link callback: this is a timer.
    const auto now = Loop::Clock::now();
    std::vector<std::string> drop;
    for (auto& [url, since] : made_) {
        bool in_use = needed_.count(url) > 0;
        for (auto& h : hosts_) in_use = in_use || (h.second.url == url && h.second.list_pending);
        in_use = in_use || node_.link_in_use(url);
        if (in_use) since = now;
        else if (now - since > unneeded_grace) drop.push_back(url);
    }
    for (auto& url : drop) {
        made_.erase(url);
        log(LogLevel::info, "discovery: closing ", url, " (no wanted object there)");
        node_.disconnect(url);
    }
}

std::vector<Value> DiscoveryAgent::my_entries() const {
    std::vector<Value> out;
    const auto hosted = node_.hosted();
    if (!hosted) return out;
    const std::string url = registered_url();
    for (auto& o : hosted->objects) {
        if (o[0] == "Registry") continue;
        Value::Map m;
        m.emplace_back(Value("name"), Value(o[0]));
        m.emplace_back(Value("type"), Value(o[1]));
        m.emplace_back(Value("signature"), Value(o[2]));
        m.emplace_back(Value("url"), Value(url));
        m.emplace_back(Value("node_id"), Value(node_.node_id()));
        out.emplace_back(std::move(m));
    }
    return out;
}

void DiscoveryAgent::publish_if_changed() {
    const auto hosted = node_.hosted();
    if (!mdns_ || !hosted || !mdns_ok_) return;
    const auto& list = hosted->objects;
    std::string key;
    std::vector<std::string> names;
    for (auto& o : list) {
        key += o[0] + '\n';
        names.push_back(o[0]);
    }
    key += "#";
    if (key == published_key_) return;
    wire::Url u;
    try {
        u = wire::parse_url(hosted->url);
    } catch (const Error&) {
        return;
    }
    if (u.scheme != "tcp") {
        if (published_key_ != "-") log(LogLevel::warn, "discovery: not publishing on mDNS: host URL ", hosted->url, " is not tcp://");
        published_key_ = "-";
        return;
    }
    const auto& o = node_.options();
    std::string label = o.name != node_.node_id() ? o.name : "zro on " + host_name();
    const std::string suffix = " (" + node_.node_id().substr(0, 8) + ")";
    if (label.size() + suffix.size() > 63) label.resize(63 - suffix.size());
    const auto port = static_cast<std::uint16_t>(std::stoul(u.port));
    mdns_->publish(label + suffix, port, discovery::make_txt(node_.node_id(), names));
    published_key_ = key;
}

// ---- registry ----------------------------------------------------------------------------------

std::string DiscoveryAgent::registered_url() const {
    const auto hosted = node_.hosted();
    if (!hosted) return {};
    const std::string url = hosted->url;
    wire::Url u;
    try {
        u = wire::parse_url(url);
    } catch (const Error&) {
        return url;
    }
    if (u.scheme != "tcp" || (u.address != "0.0.0.0" && u.address != "*")) return url;
    // A wildcard address means nothing to others: use the address that reaches the registry.
    std::string reg_host;
    try {
        reg_host = wire::parse_url(node_.options().registry_url).address;
    } catch (const Error&) {}
    std::string local = local_address_towards(reg_host);
    if (local.empty()) local = "127.0.0.1";
    return "tcp://" + local + ":" + u.port;
}

void DiscoveryAgent::registry_changed() {
    RegistryClient* registry = node_.registry();
    if (!registry || !registry->valid()) return;
    std::vector<RegistryEntry> entries;
    try {
        // Hold the copy: a range-for over `sources().as_list()` would walk a destroyed temporary.
        const Value sources = registry->sources();
        for (const Value& e : sources.as_list()) {
            RegistryEntry r;
            for (const auto& [k, v] : e.as_map()) {
                if (!k.is_string() || !v.is_string()) continue;
                if (k.as_string() == "name") r.name = v.as_string();
                else if (k.as_string() == "url") r.url = v.as_string();
                else if (k.as_string() == "node_id") r.node_id = v.as_string();
            }
            if (!r.name.empty() && !r.url.empty()) entries.push_back(std::move(r));
        }
    } catch (const Error& e) {
        log(LogLevel::warn, "discovery: ignored a malformed registry: ", e.what());
        return;
    }
    registry_entries_ = std::move(entries);
    reconcile();
}

void DiscoveryAgent::registry_tick() {
    RegistryClient* registry = node_.registry();
    if (!registry || !node_.hosted() || !registry->valid() || register_pending_) return;
    const auto entries = my_entries();
    std::string key;
    for (auto& e : entries) key += e.to_string();
    const auto now = Loop::Clock::now();
    std::weak_ptr<DiscoveryAgent> weak = weak_from_this();
    if (!registered_ || key != registered_key_) {
        register_pending_ = true;
        auto reply = registry->invoke("register_host",
                                       {node_.node_id(), registered_url(), Value(Value::List(entries.begin(), entries.end())),
                                        static_cast<std::uint64_t>(node_.heartbeat().count())},
                                       std::chrono::seconds(5));
        reply.then([weak, key](const PendingReply<Value>& r) {
            auto self = weak.lock();
            if (!self) return;
            self->register_pending_ = false;
            if (r.error()) {
                log(LogLevel::warn, "discovery: registering with the registry failed: ", r.error()->message);
                return;
            }
            if (!self->registered_) log(LogLevel::info, "discovery: registered ", self->my_entries().size(), " source(s) with the registry as ", self->registered_url());
            self->registered_ = true;
            self->registered_key_ = key;
            self->last_refresh_ = Loop::Clock::now();
        });
        return;
    }
    if (now - last_refresh_ < node_.heartbeat()) return;
    last_refresh_ = now;
    register_pending_ = true;
    auto reply = registry->invoke("refresh", {node_.node_id()}, std::chrono::seconds(5));
    reply.then([weak](const PendingReply<Value>& r) {
        auto self = weak.lock();
        if (!self) return;
        self->register_pending_ = false;
        // Unknown to the registry (it restarted, or expired us): register again.
        if (!r.error() && r.value().is_bool() && !r.value().as<bool>()) self->registered_ = false;
    });
}

} // namespace zro::detail
