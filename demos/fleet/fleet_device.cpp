// zro — shared live objects over ZeroMQ.
// A fleet device: a host sharing one `Device` object named after the device, announced on mDNS
// (and registered with a registry if given). No configuration is needed on the dashboard side.
//
//   fleet_device --name boiler-1 [--url tcp://0.0.0.0:*] [--mdns 1] [--registry URL] [--period-ms 500]
//
// Device: name (constant), sensor (read-only, follows target with noise), target (settable by
// replicas), blink(times) -> string (a method), and a signal `alarm(level)` when the sensor
// overshoots.

#include "../common/args.hpp"

#include <zro/zro.hpp>

#include <cmath>
#include <csignal>
#include <iostream>
#include <random>

int main(int argc, char** argv) {
    demo::Args args(argc, argv,
                    {{"name", ""}, {"url", "tcp://0.0.0.0:*"}, {"mdns", "1"}, {"registry", "none"}, {"period-ms", "500"},
                     {"heartbeat-ms", "500"}},
                    "fleet_device --name NAME [--url URL] [--mdns 1] [--registry URL] [--period-ms 500]");
    std::cout.setf(std::ios::unitbuf);

    zro::Schema schema("Device");
    schema.add_property("name", "string", std::string(), zro::PropertyMode::constant)
        .add_property("sensor", "double", 20.0, zro::PropertyMode::read_only)
        .add_property("target", "double", 20.0, zro::PropertyMode::read_write)
        .add_signal("alarm", {{"level", "double"}})
        .add_method("blink", {{"times", "int32"}}, "string");

    zro::NodeOptions options;
    options.heartbeat_interval = std::chrono::milliseconds(args.num("heartbeat-ms"));
    options.discovery = args.num("mdns") != 0;
    if (args.str("registry") != "none") options.registry_url = args.str("registry");
    options.name = args.str("name");  // labels the mDNS service: "<name> (<id8>)"
    zro::Host host(args.str("url"), options);

    zro::DynamicSource device(schema);
    device.set_property("name", args.str("name"));
    device.on_call("blink", [&](const std::vector<zro::Value>& a) {
        const auto times = a.at(0).as<std::int32_t>();
        std::cout << args.str("name") << ": blinking " << times << " times" << std::endl;
        return zro::Value(args.str("name") + " blinked " + std::to_string(times) + " times");
    });
    host.enable_remoting(device, args.str("name"));
    std::cout << args.str("name") << ": device up at " << host.url() << std::endl;

    std::mt19937 rng(std::random_device{}());
    std::normal_distribution<double> noise(0.0, 0.3);
    host.add_timer(std::chrono::milliseconds(args.num("period-ms")), [&] {
        const double sensor = device.property("sensor").as<double>();
        const double target = device.property("target").as<double>();
        const double next = std::round((sensor + 0.3 * (target - sensor) + noise(rng)) * 100) / 100;
        device.set_property("sensor", next);
        if (next > target + 1.0) device.emit_signal("alarm", {next});
    });

    static zro::Host* running = &host;
    std::signal(SIGINT, [](int) { running->stop(); });
    std::signal(SIGTERM, [](int) { running->stop(); });
    host.run();
    std::cout << args.str("name") << ": device stopped" << std::endl;
}
