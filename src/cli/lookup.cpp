// zro — shared live objects over ZeroMQ.
// Finding hosts and objects for the command line.

#include "lookup.hpp"

#include <zro/discovery.hpp>
#include <zro/dynamic_replica.hpp>

#include <algorithm>

#include <optional>
#include <thread>

namespace zro::cli {

namespace {
std::chrono::milliseconds remaining(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
}
} // namespace

std::string url_list(const std::vector<std::string>& urls) { return join_names(urls); }

std::vector<std::string> target_urls(const CommonOptions& common, std::chrono::milliseconds timeout, const std::string& object) {
    auto urls = common.urls();
    if (!urls.empty() && common.registry.empty()) return urls;
    DiscoverOptions o;
    o.mdns = common.registry.empty();  // --registry alone: ask only the registry
    o.registry_url = common.registry;
    o.interface = common.interface;
    o.timeout = std::min(timeout, std::chrono::milliseconds(2000));
    const std::string how = o.mdns ? std::string("mDNS") : "the registry at " + o.registry_url;
    std::vector<DiscoveredObject> found;
    try {
        found = discover_objects(o);
    } catch (const Error& e) {
        throw CliError(Exit::no_discovery, std::string(e.what()) + (o.mdns ? "; use --url URL or --registry URL (zro doctor tells why)"
                                                                           : "; use --url URL"));
    }
    std::vector<std::string> seen;
    for (const auto& d : found) {
        if (std::find(seen.begin(), seen.end(), d.name) == seen.end()) seen.push_back(d.name);
        if ((object.empty() || d.name == object) && std::find(urls.begin(), urls.end(), d.url) == urls.end()) urls.push_back(d.url);
    }
    if (urls.empty() && found.empty())
        throw CliError(Exit::no_host, "no zro host found through " + how + " within " + format_duration(o.timeout) +
                                          "; use --url URL if you know where it is");
    if (urls.empty())
        throw CliError(Exit::not_found, "no object '" + object + "' found through " + how + " within " +
                                            format_duration(o.timeout) + "; seen: " + join_names(seen));
    return urls;
}

std::vector<HostInfo> ask_hosts(Node& node, const std::vector<std::string>& urls, Clock::time_point deadline) {
    struct Pending {
        HostInfo info;
        std::optional<PendingReply<Value>> reply;
        Clock::time_point sent;
    };
    std::vector<Pending> pending;
    for (const auto& url : urls) {
        Pending p;
        p.info.url = url;
        p.sent = Clock::now();
        try {
            p.reply.emplace(node.list_objects(url, std::max(remaining(deadline), std::chrono::milliseconds(1))));
        } catch (const Error& e) {
            throw CliError(exit_for(e.code()), "--url " + url + ": " + e.what());
        }
        pending.push_back(std::move(p));
    }
    std::vector<HostInfo> out;
    for (auto& p : pending) {
        p.reply->wait(remaining(deadline) + std::chrono::milliseconds(50));
        if (!p.reply->finished()) {
            p.info.error = "no answer";
        } else if (auto err = p.reply->error()) {
            p.info.error = err->code == ErrorCode::timeout ? std::string("no answer") : err->message;
            p.info.refused = err->code == ErrorCode::unauthorized || err->code == ErrorCode::host_unverified;
        } else {
            p.info.round_trip = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - p.sent);
            const Value v = p.reply->value();
            p.info.up = true;
            if (const Value* u = v.find("url"); u && u->is_string()) p.info.url = u->as_string();
            if (const Value* id = v.find("node_id"); id && id->is_string()) p.info.node_id = id->as_string();
            if (const Value* objs = v.find("objects"); objs && objs->is_list())
                for (const auto& o : objs->as_list()) {
                    ObjectInfo info;
                    if (const Value* n = o.find("name"); n && n->is_string()) info.name = n->as_string();
                    if (const Value* t = o.find("type"); t && t->is_string()) info.type = t->as_string();
                    if (const Value* s = o.find("signature"); s && s->is_string()) info.signature = s->as_string();
                    p.info.objects.push_back(std::move(info));
                }
        }
        out.push_back(std::move(p.info));
    }
    return out;
}

Acquired acquire_object(Node& node, const std::vector<std::string>& urls, const std::string& name,
                        Clock::time_point deadline, std::chrono::milliseconds timeout) {
    const auto start = Clock::now();
    Acquired a;
    // A host that answered once counts as up even if a later round (near the deadline) did not.
    std::vector<HostInfo> hosts;
    bool found = false;
    while (true) {
        auto round = ask_hosts(node, urls, deadline);
        if (hosts.empty()) hosts = round;
        for (std::size_t i = 0; i < round.size() && i < hosts.size(); ++i)
            if (round[i].up || !hosts[i].up) hosts[i] = round[i];
        for (const auto& h : hosts)
            for (const auto& o : h.objects)
                if (h.up && o.name == name && !found) {
                    a.host = h;
                    found = true;
                }
        // A refusal is final (the key will not change while we wait): stop once every host
        // refused us. A host that is up may still share the object later: keep asking it.
        const bool all_refused = std::all_of(hosts.begin(), hosts.end(), [](const HostInfo& h) { return h.refused; });
        if (found || all_refused || Clock::now() + std::chrono::milliseconds(400) >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    a.list_time = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    if (!found) {
        std::vector<std::string> down, up, seen, refusals;
        for (const auto& h : hosts) {
            if (h.up) up.push_back(h.url);
            else down.push_back(h.error == "no answer" ? h.url : h.url + " (" + h.error + ")");
            if (h.refused) refusals.push_back(h.error);
            for (const auto& o : h.objects) seen.push_back(o.name);
        }
        if (up.empty() && !refusals.empty())
            throw CliError(Exit::refused, refusals.front() + (refusals.size() > 1 ? " (and " + std::to_string(refusals.size() - 1) + " more)" : ""));
        if (up.empty())
            throw CliError(Exit::no_host, "no host answered at " + url_list(down) + " within " + format_duration(timeout) +
                                              " (looking for object '" + name + "')");
        std::string msg = "no object '" + name + "' at " + url_list(up) + " within " + format_duration(timeout) +
                          "; seen: " + join_names(seen);
        if (!down.empty()) msg += "; no answer from " + url_list(down);
        throw CliError(Exit::not_found, msg);
    }
    const auto acquire_start = Clock::now();
    a.replica = node.acquire_dynamic(name);
    const bool valid = a.replica->wait_for_source(std::max(remaining(deadline), std::chrono::milliseconds(1)));
    if (!valid) {
        std::string msg = "object '" + name + "' at " + a.host.url + " did not become valid within " +
                          format_duration(timeout) + " (state " + std::string(to_string(a.replica->state()));
        if (!a.replica->last_reason().empty()) msg += ": " + a.replica->last_reason();
        throw CliError(Exit::timeout, msg + ")");
    }
    a.valid_time = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - acquire_start);
    return a;
}

Acquired& ObjectCache::get(const std::string& name) {
    auto it = objects_.find(name);
    if (it == objects_.end())
        it = objects_.emplace(name, acquire_object(node_, urls_, name, Clock::now() + timeout_, timeout_)).first;
    return it->second;
}

void for_each_stdin_json(Node& node, const std::function<void(const Json&, std::size_t)>& fn) {
    LineReader reader;
    while (!interrupted()) {
        if (auto line = reader.next(std::chrono::milliseconds(0))) {
            if (line->find_first_not_of(" \t") == std::string::npos) continue;
            Json v;
            try {
                v = parse_json(*line);
            } catch (const CliError& e) {
                throw CliError(Exit::usage, "stdin line " + std::to_string(reader.line_number()) + ": " + e.what());
            }
            fn(v, reader.line_number());
            continue;
        }
        if (reader.eof()) return;
        node.run_for(std::chrono::milliseconds(20));
    }
}

const Json* field(const Json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(std::string(key));
    return it == object.end() ? nullptr : &*it;
}

std::string field_string(const Json& object, std::string_view key) {
    const Json* v = field(object, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

const PropertyDef& find_property(const Schema& s, const std::string& object, const std::string& name) {
    if (auto i = s.property_index(name)) return s.properties()[*i];
    std::vector<std::string> seen;
    for (const auto& p : s.properties()) seen.push_back(p.name);
    throw CliError(Exit::not_found, "no property '" + name + "' in " + object + " (class " + s.type_name() +
                                        "); properties: " + join_names(seen));
}

const MethodDef& find_method(const Schema& s, const std::string& object, const std::string& name) {
    if (auto i = s.method_index(name)) return s.methods()[*i];
    std::vector<std::string> seen;
    for (const auto& m : s.methods()) seen.push_back(m.name);
    throw CliError(Exit::not_found, "no method '" + name + "' in " + object + " (class " + s.type_name() +
                                        "); methods: " + join_names(seen));
}

void check_value(const Schema& s, const Type& type, const Value& v, const std::string& what) {
    try {
        s.check(type, v, what);
    } catch (const Error& e) {
        throw CliError(Exit::bad_value, e.what());
    }
}

} // namespace zro::cli
