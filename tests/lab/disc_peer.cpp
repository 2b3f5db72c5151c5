// zro — shared live objects over ZeroMQ.
// zro_disc_peer: the processes the discovery tests (tests/lab/*.sh, tests/discovery/) run.
//
//   zro_disc_peer source NAME[,NAME..] [opts]  share "Counter" sources (count += 1 every 100 ms);
//                                        --withdraw-after MS withdraws the first one after MS
//   zro_disc_peer replica NAME [opts]    acquire NAME with no URL; print every state change
//   zro_disc_peer registry --url URL     share a zro::Registry
//   zro_disc_peer browse [opts]          print zro::discover_objects() (one line per object)
//   zro_disc_peer watch --registry URL   print the registry's added/removed signals
//
// opts: --url URL (source; default tcp://0.0.0.0:*), --mdns (use avahi), --registry URL,
//       --connect URL (replica: a static URL too),
//       --iface IF, --hb MS (heartbeat, default 250), --for MS (exit after; default: forever),
//       --name LABEL
// Output lines (stdout, flushed): "READY <url>", "STATE <new> <old> <ms since start> <epoch ms>",
// "VALUE <count>", "OBJ <name> <type> <url> <via>", "ADDED <name> <url>", "REMOVED <name> <url>".
#include <zro/zro.hpp>
#include <zro/discovery.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>
#include <iostream>
#include <map>
#include <string>

namespace {

const auto t0 = std::chrono::steady_clock::now();
long long epoch_ms() {
    return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch()).count());
}
long ms_since_start() {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count());
}

zro::Node* g_node = nullptr;
void on_signal(int) {
    if (g_node) g_node->stop();
}

int usage() {
    std::fprintf(stderr, "usage: zro_disc_peer source|replica NAME | registry | browse | watch [--url U] [--mdns] "
                         "[--registry U] [--iface IF] [--hb MS] [--for MS] [--name L]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string mode = argv[1];
    std::string name;
    int i = 2;
    if (mode == "source" || mode == "replica") {
        if (argc < 3) return usage();
        name = argv[2];
        i = 3;
    }
    std::map<std::string, std::string> opt{{"url", "tcp://0.0.0.0:*"}, {"hb", "250"}, {"for", "0"}};
    bool mdns = false;
    for (; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--mdns") { mdns = true; continue; }
        if (a.rfind("--", 0) != 0 || i + 1 >= argc) return usage();
        opt[a.substr(2)] = argv[++i];
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    zro::set_log_level(zro::LogLevel::info);
    zro::NodeOptions o;
    o.heartbeat_interval = std::chrono::milliseconds(std::stol(opt["hb"]));
    o.discovery = mdns;
    o.discovery_interface = opt.count("iface") ? opt["iface"] : "";
    o.registry_url = opt.count("registry") ? opt["registry"] : "";
    if (opt.count("name")) o.name = opt["name"];
    const auto run_for = std::chrono::milliseconds(std::stol(opt["for"]));
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);

    auto run = [&](zro::Node& n) {
        g_node = &n;
        if (run_for.count() > 0) n.run_for(run_for);
        else n.run();
        g_node = nullptr;
    };

    try {
        if (mode == "browse") {
            zro::DiscoverOptions d;
            d.mdns = mdns;
            d.interface = o.discovery_interface;
            d.registry_url = o.registry_url;
            d.timeout = std::chrono::milliseconds(opt.count("timeout") ? std::stol(opt["timeout"]) : 2000);
            for (auto& obj : zro::discover_objects(d))
                std::printf("OBJ %s %s %s %s %s\n", obj.name.c_str(), obj.type.c_str(), obj.url.c_str(), obj.via.c_str(),
                            obj.node_id.c_str());
            return 0;
        }
        if (mode == "registry") {
            zro::Host host(opt["url"], o);
            zro::Registry registry(host);
            std::printf("READY %s\n", host.url().c_str());
            run(host);
            return 0;
        }
        if (mode == "source") {
            zro::Host host(opt["url"], o);
            zro::Schema schema("Counter");
            schema.add_property("count", "int64", std::int64_t{0}, zro::PropertyMode::read_only)
                .add_property("where", "string", std::string(), zro::PropertyMode::constant)
                .add_method("ping", {}, "string");
            // "where": the lab host (ZRO_LAB_HOST, set by scripts/netlab.sh exec) or the URL.
            const char* lab_host = std::getenv("ZRO_LAB_HOST");
            std::vector<std::unique_ptr<zro::DynamicSource>> sources;
            std::vector<zro::Registration> regs;
            std::string rest = name;
            while (!rest.empty()) {
                const auto comma = rest.find(',');
                auto src = std::make_unique<zro::DynamicSource>(schema);
                src->set_property("where", lab_host ? std::string(lab_host) : host.url());
                src->on_call("ping", [&](const std::vector<zro::Value>&) { return zro::Value(host.node_id()); });
                regs.push_back(host.enable_remoting(*src, rest.substr(0, comma)));
                sources.push_back(std::move(src));
                rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
            }
            std::int64_t n = 0;
            host.add_timer(std::chrono::milliseconds(100), [&] {
                ++n;
                for (auto& s : sources) s->set_property("count", n);
            });
            if (opt.count("withdraw-after"))
                host.add_timer(std::chrono::milliseconds(std::stol(opt["withdraw-after"])), [&] {
                    std::printf("WITHDRAW %s\n", regs.front().name().c_str());
                    regs.front().withdraw();
                }, false);
            std::printf("READY %s %s\n", host.url().c_str(), host.node_id().c_str());
            run(host);
            return 0;
        }
        if (mode == "replica") {
            zro::Node node(o);
            if (opt.count("connect")) node.connect_to(opt["connect"]);  // a static URL besides discovery
            auto rep = node.acquire_dynamic(name);
            rep->on_state_changed([&](zro::ReplicaState now, zro::ReplicaState before) {
                std::printf("STATE %s %s %ld %lld\n", std::string(zro::to_string(now)).c_str(),
                            std::string(zro::to_string(before)).c_str(), ms_since_start(), epoch_ms());
            });
            long last_print = -1000;
            rep->on_property_changed([&](std::string_view prop, const zro::Value& v) {
                if (prop == "count" && ms_since_start() - last_print >= 500) {
                    last_print = ms_since_start();
                    std::printf("VALUE %s %s\n", v.to_string().c_str(),
                                rep->property("where").is_string() ? rep->property("where").as_string().c_str() : "?");
                }
            });
            std::printf("READY replica\n");
            run(node);
            return 0;
        }
        if (mode == "watch") {
            zro::Node node(o);
            node.connect_to(opt["registry"]);
            auto reg = node.acquire_dynamic("Registry");
            reg->on_signal([&](std::string_view sig, const std::vector<zro::Value>& args) {
                std::string n, u;
                for (auto& [k, v] : args.at(0).as_map()) {
                    if (k.as_string() == "name") n = v.as_string();
                    if (k.as_string() == "url") u = v.as_string();
                }
                std::printf("%s %s %s\n", sig == "added" ? "ADDED" : "REMOVED", n.c_str(), u.c_str());
            });
            reg->on_state_changed([&](zro::ReplicaState now, zro::ReplicaState) {
                std::printf("STATE %s\n", std::string(zro::to_string(now)).c_str());
            });
            std::printf("READY watch\n");
            run(node);
            return 0;
        }
    } catch (const zro::Error& e) {
        std::fprintf(stderr, "zro_disc_peer: %s (%s)\n", e.what(), std::string(zro::to_string(e.code())).c_str());
        return 1;
    }
    return usage();
}
