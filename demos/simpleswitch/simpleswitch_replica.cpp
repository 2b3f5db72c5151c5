// zro — shared live objects over ZeroMQ.
// QtRO's getting-started example 1, static flavour: the replica side, generated from
// simpleswitch.rep by zroc. It prints every state it receives and echoes it back through
// server_slot. Same output as simpleswitch_dynamic_replica; works with either source.

#include "../common/args.hpp"
#include "rep_simpleswitch_replica.h"

#include <csignal>
#include <iostream>
#include <optional>

int main(int argc, char** argv) {
    demo::Args args(argc, argv, {{"url", "none"}, {"heartbeat-ms", "1000"}, {"registry", "none"}, {"mdns", "0"}}, "simpleswitch_replica [--url URL | --registry URL | --mdns 1] [--heartbeat-ms 1000]");
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
    // Typed: the replica holds the .rep default (false) until the source answers, and refuses a
    // source whose SimpleSwitch has another shape (state SignatureMismatch).
    auto sw = node.acquire<SimpleSwitchReplica>("SimpleSwitch");

    auto report = [&](bool on) {
        std::cout << "Received source state " << (on ? "true" : "false") << std::endl;
        sw->server_slot(on).then([](const zro::PendingReply<void>& r) {
            if (auto e = r.error()) std::cout << "server_slot failed: " << e->message << std::endl;
        });
    };
    // As the dynamic replica does: report the state once at initialization, then every change.
    // A typed replica also notifies the snapshot's value when it differs from the default; that
    // first notification repeats what on_initialized reported, so it is skipped.
    std::optional<bool> reported_at_init;
    sw->on_initialized([&] {
        reported_at_init = sw->curr_state();
        report(sw->curr_state());
    });
    sw->on_curr_state_changed([&](const bool& on) {
        const bool repeat = reported_at_init && *reported_at_init == on;
        reported_at_init.reset();
        if (!repeat) report(on);
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
