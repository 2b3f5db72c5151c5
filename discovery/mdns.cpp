// zro — shared live objects over ZeroMQ.
#include "discovery/mdns.hpp"

#include "core/log.hpp"
#include "wire/messages.hpp"

#include <zro/error.hpp>

#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/thread-watch.h>
#include <avahi-common/timeval.h>

#include <net/if.h>

#include <atomic>
#include <algorithm>
#include <mutex>

namespace zro::detail::discovery {

std::string txt_protocol_version() { return std::to_string(wire::protocol_version); }

namespace {

std::string ifname(AvahiIfIndex index) {
    char buf[IF_NAMESIZE + 1] = {};
    if (index < 0 || !if_indextoname(static_cast<unsigned>(index), buf)) return "if" + std::to_string(index);
    return buf;
}

AvahiStringList* to_strlst(const std::vector<std::string>& txt) {
    AvahiStringList* l = nullptr;
    // avahi_string_list_add prepends: add in reverse so the record keeps our order.
    for (auto it = txt.rbegin(); it != txt.rend(); ++it) l = avahi_string_list_add(l, it->c_str());
    return l;
}

const char* daemon_hint =
    " (is avahi-daemon running, and does DBUS_SYSTEM_BUS_ADDRESS name its system bus? mDNS discovery waits and "
    "retries; static URLs and the registry work meanwhile)";

} // namespace

struct Mdns::Impl {
    std::string interface;
    AvahiIfIndex ifindex = AVAHI_IF_UNSPEC;
    Callbacks cb;
    AvahiThreadedPoll* poll = nullptr;
    AvahiClient* client = nullptr;
    AvahiEntryGroup* group = nullptr;
    AvahiServiceBrowser* browser = nullptr;
    std::map<std::string, AvahiServiceResolver*> resolvers;
    AvahiTimeout* retry = nullptr;
    bool browse = false;
    bool started = false;
    bool stopped = false;
    // What to publish (empty label: nothing).
    std::string label;
    std::uint16_t port = 0;
    std::vector<std::string> txt;
    std::string name;            ///< the instance name in use
    bool group_added = false;    ///< the service is in the group (committed)
    std::atomic<bool> connected{false};
    std::string last_status;

    void report(bool ok, const std::string& msg) {
        if (msg == last_status) return;
        last_status = msg;
        if (cb.status) cb.status(ok, msg);
    }

    // ---- all below run on the poll thread or with the poll locked ----
    void connect(bool no_fail) {
        int err = 0;
        AvahiClient* c = avahi_client_new(avahi_threaded_poll_get(poll), no_fail ? AVAHI_CLIENT_NO_FAIL : AvahiClientFlags(0),
                                          &Impl::client_cb, this, &err);
        if (!c) {
            report(false, std::string("cannot reach avahi-daemon: ") + avahi_strerror(err) + daemon_hint);
            schedule_retry();
            return;
        }
        client = c;
    }

    void schedule_retry() {
        struct timeval tv;
        avahi_elapse_time(&tv, 2000, 0);
        const AvahiPoll* api = avahi_threaded_poll_get(poll);
        if (retry) api->timeout_update(retry, &tv);
        else retry = api->timeout_new(api, &tv, &Impl::retry_cb, this);
    }

    static void retry_cb(AvahiTimeout*, void* self) {
        auto* d = static_cast<Impl*>(self);
        if (d->client || d->stopped) return;
        d->connect(true);
    }

    void drop_client() {
        // Frees the group, the browser and every resolver with it.
        if (client) avahi_client_free(client);
        client = nullptr;
        group = nullptr;
        browser = nullptr;
        resolvers.clear();
        cancel_retries();
        group_added = false;
        connected = false;
    }

    static void client_cb(AvahiClient* c, AvahiClientState state, void* self) {
        auto* d = static_cast<Impl*>(self);
        d->client = c;  // the first call comes from inside avahi_client_new()
        switch (state) {
        case AVAHI_CLIENT_S_RUNNING:
            d->connected = true;
            d->report(true, "connected to avahi-daemon (host name " + std::string(avahi_client_get_host_name_fqdn(c)) + ")");
            d->publish_now();
            d->ensure_browser();
            break;
        case AVAHI_CLIENT_S_COLLISION:
        case AVAHI_CLIENT_S_REGISTERING:
            // The host name is being (re)established: withdraw, re-add once RUNNING again.
            if (d->group) avahi_entry_group_reset(d->group);
            d->group_added = false;
            break;
        case AVAHI_CLIENT_CONNECTING:
            d->connected = false;
            d->report(false, std::string("waiting for avahi-daemon to appear") + daemon_hint);
            break;
        case AVAHI_CLIENT_FAILURE: {
            const int err = avahi_client_errno(c);
            d->drop_client();
            if (d->stopped) return;
            if (err == AVAHI_ERR_DISCONNECTED) {
                d->report(false, "avahi-daemon went away; reconnecting (live connections are kept)");
                d->connect(true);  // waits in CONNECTING until the daemon is back
            } else {
                d->report(false, std::string("avahi client failure: ") + avahi_strerror(err) + daemon_hint);
                d->schedule_retry();
            }
            break;
        }
        }
    }

    void publish_now() {
        if (!client || label.empty() || avahi_client_get_state(client) != AVAHI_CLIENT_S_RUNNING) return;
        if (!group) {
            group = avahi_entry_group_new(client, &Impl::group_cb, this);
            if (!group) {
                report(false, std::string("cannot create an avahi entry group: ") + avahi_strerror(avahi_client_errno(client)));
                return;
            }
        }
        if (name.empty()) name = label;
        AvahiStringList* l = to_strlst(txt);
        if (group_added) {
            const int r = avahi_entry_group_update_service_txt_strlst(group, ifindex, AVAHI_PROTO_UNSPEC, AvahiPublishFlags(0),
                                                                     name.c_str(), service_type, nullptr, l);
            avahi_string_list_free(l);
            if (r >= 0) return;
            log(LogLevel::warn, "discovery: updating the TXT record failed (", avahi_strerror(r), "); re-adding the service");
            avahi_entry_group_reset(group);
            group_added = false;
            l = to_strlst(txt);
        }
        for (int attempt = 0; attempt < 50; ++attempt) {
            const int r = avahi_entry_group_add_service_strlst(group, ifindex, AVAHI_PROTO_UNSPEC, AvahiPublishFlags(0),
                                                               name.c_str(), service_type, nullptr, nullptr, port, l);
            if (r == AVAHI_ERR_COLLISION) {
                // A local collision (another publisher on this daemon) fails at once: rename.
                rename("local name collision");
                continue;
            }
            if (r < 0) {
                report(false, std::string("cannot publish the service: ") + avahi_strerror(r));
                break;
            }
            const int c = avahi_entry_group_commit(group);
            if (c < 0) {
                report(false, std::string("cannot commit the service: ") + avahi_strerror(c));
                break;
            }
            group_added = true;
            break;
        }
        avahi_string_list_free(l);
    }

    void rename(const char* why) {
        char* alt = avahi_alternative_service_name(name.c_str());
        log(LogLevel::warn, "discovery: service name '", name, "' taken (", why, "); renamed to '", alt, "'");
        name = alt;
        avahi_free(alt);
    }

    static void group_cb(AvahiEntryGroup* g, AvahiEntryGroupState state, void* self) {
        auto* d = static_cast<Impl*>(self);
        d->group = g;
        switch (state) {
        case AVAHI_ENTRY_GROUP_ESTABLISHED:
            log(LogLevel::info, "discovery: published '", d->name, "' (", service_type, " port ", d->port, ")");
            break;
        case AVAHI_ENTRY_GROUP_COLLISION:
            // Another host on the link has the name: pick the next alternative and re-add.
            d->rename("remote name collision");
            avahi_entry_group_reset(g);
            d->group_added = false;
            d->publish_now();
            break;
        case AVAHI_ENTRY_GROUP_FAILURE:
            d->report(false, std::string("publishing failed: ") +
                                 avahi_strerror(avahi_client_errno(avahi_entry_group_get_client(g))));
            break;
        default:
            break;
        }
    }

    void ensure_browser() {
        if (!browse || browser || !client) return;
        browser = avahi_service_browser_new(client, ifindex, AVAHI_PROTO_INET, service_type, nullptr, AvahiLookupFlags(0),
                                            &Impl::browse_cb, this);
        if (!browser)
            report(false, std::string("cannot browse: ") + avahi_strerror(avahi_client_errno(client)));
    }

    /// A resolve to retry after a failure: its timer and the next delay (doubling, capped).
    struct Retry {
        Impl* d = nullptr;
        AvahiIfIndex iface = AVAHI_IF_UNSPEC;
        AvahiProtocol proto = AVAHI_PROTO_UNSPEC;
        std::string name;
        AvahiTimeout* timer = nullptr;
        int delay_ms = 100;
    };
    std::map<std::string, std::unique_ptr<Retry>> retries;

    void start_resolver(AvahiIfIndex iface, AvahiProtocol proto, const std::string& name) {
        const auto k = key(iface, proto, name.c_str());
        if (!client || resolvers.count(k)) return;
        // Kept open: it reports again whenever the TXT or address changes.
        auto* r = avahi_service_resolver_new(client, iface, proto, name.c_str(), service_type, nullptr, AVAHI_PROTO_INET,
                                             AvahiLookupFlags(0), &Impl::resolve_cb, this);
        if (r) resolvers[k] = r;
        else schedule_resolve(iface, proto, name);
    }

    void schedule_resolve(AvahiIfIndex iface, AvahiProtocol proto, const std::string& name) {
        const auto k = key(iface, proto, name.c_str());
        auto& slot = retries[k];
        if (!slot) {
            slot = std::make_unique<Retry>();
            slot->d = this;
            slot->iface = iface;
            slot->proto = proto;
            slot->name = name;
        } else {
            slot->delay_ms = std::min(slot->delay_ms * 2, 2000);
        }
        struct timeval tv;
        avahi_elapse_time(&tv, static_cast<unsigned>(slot->delay_ms), 0);
        const AvahiPoll* api = avahi_threaded_poll_get(poll);
        if (slot->timer) api->timeout_update(slot->timer, &tv);
        else slot->timer = api->timeout_new(api, &tv, &Impl::resolve_retry_cb, slot.get());
    }

    static void resolve_retry_cb(AvahiTimeout* t, void* arg) {
        auto* r = static_cast<Retry*>(arg);
        const AvahiPoll* api = avahi_threaded_poll_get(r->d->poll);
        api->timeout_update(t, nullptr);  // disarmed until the next failure re-arms it
        if (r->d->stopped) return;
        r->d->start_resolver(r->iface, r->proto, r->name);
    }

    void cancel_retry(const std::string& k) {
        auto it = retries.find(k);
        if (it == retries.end()) return;
        if (it->second->timer) avahi_threaded_poll_get(poll)->timeout_free(it->second->timer);
        retries.erase(it);
    }

    void cancel_retries() {
        while (!retries.empty()) cancel_retry(retries.begin()->first);
    }

    static std::string key(AvahiIfIndex i, AvahiProtocol p, const char* name) {
        return std::to_string(i) + "/" + std::to_string(p) + "/" + name;
    }

    static void browse_cb(AvahiServiceBrowser*, AvahiIfIndex iface, AvahiProtocol proto, AvahiBrowserEvent event,
                          const char* name, const char* type, const char* domain, AvahiLookupResultFlags, void* self) {
        auto* d = static_cast<Impl*>(self);
        switch (event) {
        case AVAHI_BROWSER_NEW: {
            (void)type;
            (void)domain;
            d->start_resolver(iface, proto, name);
            break;
        }
        case AVAHI_BROWSER_REMOVE: {
            const auto k = key(iface, proto, name);
            d->cancel_retry(k);
            auto it = d->resolvers.find(k);
            if (it != d->resolvers.end()) {
                avahi_service_resolver_free(it->second);
                d->resolvers.erase(it);
            }
            if (d->cb.removed) d->cb.removed(name, ifname(iface));
            break;
        }
        case AVAHI_BROWSER_FAILURE:
            d->report(false, std::string("browser failure: ") + avahi_strerror(avahi_client_errno(d->client)));
            break;
        default:
            break;
        }
    }

    static void resolve_cb(AvahiServiceResolver* r, AvahiIfIndex iface, AvahiProtocol proto, AvahiResolverEvent event,
                           const char* name, const char*, const char*, const char* host_name, const AvahiAddress* addr,
                           std::uint16_t port, AvahiStringList* txt, AvahiLookupResultFlags flags, void* self) {
        auto* d = static_cast<Impl*>(self);
        if (event != AVAHI_RESOLVER_FOUND || !addr) {
            // A failed resolve (usually a timeout: the SRV/TXT/A answers were lost or came while
            // the daemon was busy) ends the resolver. The browser still lists the instance and
            // will not report it NEW again, so forgetting it here lost the host for good: retry
            // with backoff while the browser keeps it (BROWSER_REMOVE cancels the retry).
            const auto k = key(iface, proto, name);
            auto it = d->resolvers.find(k);
            if (it != d->resolvers.end() && it->second == r) {
                avahi_service_resolver_free(r);
                d->resolvers.erase(it);
                d->schedule_resolve(iface, proto, name);
            }
            log(LogLevel::debug, "discovery: resolving '", name, "' failed: ", avahi_strerror(avahi_client_errno(d->client)),
                "; retrying");
            return;
        }
        d->retries.erase(key(iface, proto, name));
        ResolvedService s;
        s.instance = name;
        s.interface = ifname(iface);
        s.host_name = host_name ? host_name : "";
        char a[AVAHI_ADDRESS_STR_MAX];
        avahi_address_snprint(a, sizeof a, addr);
        s.address = a;
        s.port = port;
        s.local = (flags & AVAHI_LOOKUP_RESULT_LOCAL) != 0;
        s.own = (flags & AVAHI_LOOKUP_RESULT_OUR_OWN) != 0;
        for (AvahiStringList* l = txt; l; l = avahi_string_list_get_next(l)) {
            char* k = nullptr;
            char* v = nullptr;
            if (avahi_string_list_get_pair(l, &k, &v, nullptr) == 0) {
                s.txt[k] = v ? v : "";
                avahi_free(k);
                avahi_free(v);
            }
        }
        if (d->cb.found) d->cb.found(s);
    }
};

Mdns::Mdns(std::string interface, Callbacks callbacks) : impl_(std::make_unique<Impl>()) {
    impl_->interface = std::move(interface);
    impl_->cb = std::move(callbacks);
    if (!impl_->interface.empty()) {
        const unsigned idx = if_nametoindex(impl_->interface.c_str());
        if (idx == 0)
            throw Error(ErrorCode::bad_arguments, "discovery_interface '" + impl_->interface + "': no such network interface");
        impl_->ifindex = static_cast<AvahiIfIndex>(idx);
    }
    impl_->poll = avahi_threaded_poll_new();
    if (!impl_->poll) throw Error(ErrorCode::invalid_state, "discovery: cannot create the Avahi poll");
}

Mdns::~Mdns() {
    stop();
    if (impl_->poll) avahi_threaded_poll_free(impl_->poll);
}

void Mdns::start(bool browse) {
    if (impl_->started) return;
    impl_->started = true;
    impl_->browse = browse;
    // Create the client before the thread runs: no lock needed yet.
    impl_->connect(false);
    if (avahi_threaded_poll_start(impl_->poll) < 0) throw Error(ErrorCode::invalid_state, "discovery: cannot start the Avahi thread");
}

void Mdns::publish(const std::string& label, std::uint16_t port, const std::vector<std::string>& txt) {
    if (!impl_->started || impl_->stopped) return;
    avahi_threaded_poll_lock(impl_->poll);
    const bool renamed = label != impl_->label || port != impl_->port;
    if (renamed && impl_->group) {
        avahi_entry_group_reset(impl_->group);
        impl_->group_added = false;
        impl_->name.clear();
    }
    impl_->label = label;
    impl_->port = port;
    impl_->txt = txt;
    impl_->publish_now();
    avahi_threaded_poll_unlock(impl_->poll);
}

void Mdns::withdraw() {
    if (!impl_->started || impl_->stopped) return;
    avahi_threaded_poll_lock(impl_->poll);
    impl_->label.clear();
    if (impl_->group) avahi_entry_group_free(impl_->group);  // the daemon sends the goodbyes
    impl_->group = nullptr;
    impl_->group_added = false;
    impl_->name.clear();
    avahi_threaded_poll_unlock(impl_->poll);
}

void Mdns::stop() {
    if (!impl_->started || impl_->stopped) return;
    withdraw();
    avahi_threaded_poll_lock(impl_->poll);
    impl_->stopped = true;
    impl_->drop_client();
    avahi_threaded_poll_unlock(impl_->poll);
    avahi_threaded_poll_stop(impl_->poll);
    // Timeouts belong to the poll; it frees them with itself.
    impl_->retry = nullptr;
}

bool Mdns::connected() const { return impl_->connected.load(); }

std::string Mdns::instance_name() const {
    if (!impl_->started || impl_->stopped) return {};
    avahi_threaded_poll_lock(impl_->poll);
    std::string n = impl_->group_added ? impl_->name : std::string();
    avahi_threaded_poll_unlock(impl_->poll);
    return n;
}

std::vector<std::string> make_txt(const std::string& node_id, const std::vector<std::string>& objects, std::size_t budget) {
    std::vector<std::string> txt{"v=" + txt_protocol_version(), "id=" + node_id};
    std::size_t used = 0;
    for (auto& s : txt) used += s.size() + 1;
    std::string objs = "objs=";
    bool fits = true;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        if (objects[i].find(',') != std::string::npos) fits = false;
        objs += (i ? "," : "") + objects[i];
    }
    // One string at most 255 bytes (DNS-SD), and the whole record within the budget.
    if (fits && objs.size() <= 255 && used + objs.size() + 1 + 8 <= budget) txt.push_back(objs);
    else txt.push_back("objs#=" + std::to_string(objects.size()));
    return txt;
}

} // namespace zro::detail::discovery
