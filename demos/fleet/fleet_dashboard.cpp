// zro — shared live objects over ZeroMQ.
// The fleet dashboard: finds every `Device` on the network with no URL (mDNS, and/or a
// registry), acquires each one by name, and prints the live state of the fleet every second.
// It sets each new device's target once (a property write) and calls blink(2) (a method).
//
//   fleet_dashboard [--mdns 1] [--registry URL] [--for-ms 0] [--interface IF]

#include "../common/args.hpp"

#include <zro/discovery.hpp>
#include <zro/zro.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

namespace {
std::atomic<bool> quit{false};
zro::Node* running = nullptr;
} // namespace

int main(int argc, char** argv) {
    demo::Args args(argc, argv, {{"mdns", "1"}, {"registry", "none"}, {"for-ms", "0"}, {"interface", "none"}},
                    "fleet_dashboard [--mdns 1] [--registry URL] [--interface IF] [--for-ms 0]");
    std::cout.setf(std::ios::unitbuf);

    zro::NodeOptions options;
    options.heartbeat_interval = std::chrono::milliseconds(500);
    options.discovery = args.num("mdns") != 0;
    if (args.str("interface") != "none") options.discovery_interface = args.str("interface");
    if (args.str("registry") != "none") options.registry_url = args.str("registry");
    zro::Node node(options);
    running = &node;

    struct Row {
        std::unique_ptr<zro::DynamicReplica> replica;
        std::string url, via;
        std::string note;
    };
    std::map<std::string, Row> fleet;  // loop thread only

    // Which devices exist: a background thread lists the network every 2 s (discover_objects
    // blocks while it browses) and posts what it found to the loop, which acquires new ones by
    // name; the node's own discovery then connects to their hosts.
    zro::DiscoverOptions d;
    d.mdns = options.discovery;
    d.interface = options.discovery_interface;
    d.registry_url = options.registry_url;
    d.timeout = std::chrono::milliseconds(1500);
    std::thread finder([&] {
        while (!quit) {
            std::vector<zro::DiscoveredObject> found;
            try {
                found = zro::discover_objects(d);
            } catch (const zro::Error& e) {
                std::cerr << "dashboard: " << e.what() << std::endl;
            }
            node.post([&, found] {
                for (auto& o : found) {
                    if (o.type != "Device") continue;
                    if (auto it = fleet.find(o.name); it != fleet.end()) {
                        it->second.url = o.url;  // a device restarted elsewhere: show where it is now
                        continue;
                    }
                    Row row;
                    row.url = o.url;
                    row.via = o.via;
                    row.replica = node.acquire_dynamic(o.name);
                    auto* rep = row.replica.get();
                    const std::string name = o.name;
                    const double target = 20.0 + 5.0 * static_cast<double>(fleet.size() + 1);
                    rep->on_initialized([&, rep, name, target] {
                        // Give every new device its own target, and ask it to blink.
                        rep->set_property("target", target);
                        rep->invoke("blink", {2}).then([&, name](const zro::PendingReply<zro::Value>& r) {
                            fleet[name].note = r.error() ? "blink failed: " + r.error()->message : r.value().as_string();
                        });
                    });
                    rep->on_signal([&, name](std::string_view sig, const std::vector<zro::Value>& a) {
                        if (sig == "alarm") fleet[name].note = "ALARM " + a.at(0).to_string();
                    });
                    std::cout << "dashboard: found device '" << o.name << "' at " << o.url << " (via " << o.via << ")" << std::endl;
                    fleet.emplace(o.name, std::move(row));
                }
            });
            for (int i = 0; i < 20 && !quit; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });

    const auto t0 = std::chrono::steady_clock::now();
    node.add_timer(std::chrono::seconds(1), [&] {
        const auto s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count();
        std::printf("---- fleet at %llds: %zu device(s)\n", static_cast<long long>(s), fleet.size());
        std::printf("%-12s %-13s %8s %8s  %-22s %s\n", "device", "state", "sensor", "target", "host", "note");
        for (auto& [name, row] : fleet) {
            auto& r = *row.replica;
            const bool has = r.state() == zro::ReplicaState::valid || r.state() == zro::ReplicaState::suspect;
            std::string sensor = "-", target = "-";
            try {
                if (has) {
                    sensor = r.property("sensor").to_string();
                    target = r.property("target").to_string();
                }
            } catch (const zro::Error&) {}
            std::printf("%-12s %-13s %8s %8s  %-22s %s\n", name.c_str(), std::string(zro::to_string(r.state())).c_str(),
                        sensor.c_str(), target.c_str(), row.url.c_str(), row.note.c_str());
        }
        std::fflush(stdout);
    });
    if (args.num("for-ms") > 0) node.add_timer(std::chrono::milliseconds(args.num("for-ms")), [&] { node.stop(); }, false);

    std::signal(SIGINT, [](int) { if (running) running->stop(); });
    std::signal(SIGTERM, [](int) { if (running) running->stop(); });
    node.run();
    quit = true;
    finder.join();
    fleet.clear();
}
