// zro — shared live objects over ZeroMQ.
// QtRO's getting-started example, dynamic flavour: the source side. A SimpleSwitch whose
// `currState` flips every period; replicas call `server_slot` to report what they saw.

#include "../common/args.hpp"

#include <zro/zro.hpp>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
    demo::Args args(argc, argv, {{"url", ""}, {"period-ms", "2000"}, {"heartbeat-ms", "1000"}, {"registry", "none"}, {"mdns", "0"}},
                    "simpleswitch_dynamic_source --url URL [--period-ms 2000] [--heartbeat-ms 1000] [--registry URL] [--mdns 1]");
    std::cout.setf(std::ios::unitbuf);  // one line at a time, so interleaved demo output stays readable

    zro::Schema schema("SimpleSwitch");
    schema.add_property("currState", "bool", false, zro::PropertyMode::read_push)
        .add_method("server_slot", {{"clientState", "bool"}});
    zro::DynamicSource sw(schema);
    sw.on_call("server_slot", [](const std::vector<zro::Value>& a) {
        std::cout << "Replica state is " << (a[0].as<bool>() ? "true" : "false") << std::endl;
        return zro::Value{};
    });

    zro::NodeOptions options;
    options.heartbeat_interval = std::chrono::milliseconds(args.num("heartbeat-ms"));
    // QtRO's registry example: the host registers its sources with the registry at this URL.
    if (args.str("registry") != "none") options.registry_url = args.str("registry");
    options.discovery = args.num("mdns") != 0;  // publish on mDNS (docs/DISCOVERY.md)
    zro::Host host(args.str("url"), options);
    host.enable_remoting(sw, "SimpleSwitch");
    std::cout << "Source Node Started" << std::endl;

    host.add_timer(std::chrono::milliseconds(args.num("period-ms")), [&] {
        sw.set_property("currState", !sw.property("currState").as<bool>());
        std::cout << "Source State is " << (sw.property("currState").as<bool>() ? "true" : "false") << std::endl;
    });

    static zro::Host* running = &host;
    std::signal(SIGINT, [](int) { running->stop(); });
    std::signal(SIGTERM, [](int) { running->stop(); });
    host.run();
    std::cout << "Source Node stopped" << std::endl;
}
