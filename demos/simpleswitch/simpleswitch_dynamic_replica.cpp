// zro — shared live objects over ZeroMQ.
// QtRO's getting-started example, dynamic flavour: the replica side. It learns SimpleSwitch's
// shape from the source, prints every state it receives and echoes it back through server_slot.

#include "../common/args.hpp"

#include <zro/zro.hpp>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
    demo::Args args(argc, argv, {{"url", "none"}, {"heartbeat-ms", "1000"}, {"registry", "none"}, {"mdns", "0"}},
                    "simpleswitch_dynamic_replica [--url URL | --registry URL | --mdns 1] [--heartbeat-ms 1000]");
    std::cout.setf(std::ios::unitbuf);

    zro::NodeOptions options;
    options.heartbeat_interval = std::chrono::milliseconds(args.num("heartbeat-ms"));
    // Without --url the switch is found by name: in the registry (QtRO's registry example) or on mDNS.
    if (args.str("registry") != "none") options.registry_url = args.str("registry");
    options.discovery = args.num("mdns") != 0;
    if (args.str("url") == "none" && options.registry_url.empty() && !options.discovery) {
        std::cerr << "error: give --url, --registry or --mdns 1" << std::endl;
        return 2;
    }
    zro::Node node(options);
    if (args.str("url") != "none") node.connect_to(args.str("url"));
    auto sw = node.acquire_dynamic("SimpleSwitch");

    auto report = [&](const zro::Value& state) {
        const bool on = state.as<bool>();
        std::cout << "Received source state " << (on ? "true" : "false") << std::endl;
        sw->invoke("server_slot", {on}).then([](const zro::PendingReply<zro::Value>& r) {
            if (auto e = r.error()) std::cout << "server_slot failed: " << e->message << std::endl;
        });
    };
    sw->on_initialized([&] { report(sw->property("currState")); });
    sw->on_property_changed([&](std::string_view name, const zro::Value& v) {
        if (name == "currState") report(v);
    });
    sw->on_state_changed([&](zro::ReplicaState now, zro::ReplicaState) {
        std::cout << "Replica state changed to " << zro::to_string(now)
                  << (sw->last_reason().empty() || now == zro::ReplicaState::valid ? "" : " (" + sw->last_reason() + ")") << std::endl;
    });

    static zro::Node* running = &node;
    std::signal(SIGINT, [](int) { running->stop(); });
    std::signal(SIGTERM, [](int) { running->stop(); });
    node.run();
}
