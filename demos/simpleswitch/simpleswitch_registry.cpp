// zro — shared live objects over ZeroMQ.
// QtRO's registry example (QRemoteObjectRegistryHost): a host at a well-known URL that shares
// the registry object. Sources started with `--registry URL` register there; replicas started
// with `--registry URL` (and no --url) find the SimpleSwitch through it.
//
//   simpleswitch_registry --url tcp://127.0.0.1:5600
//   simpleswitch_source   --url tcp://127.0.0.1:5555 --registry tcp://127.0.0.1:5600
//   simpleswitch_replica  --registry tcp://127.0.0.1:5600

#include "../common/args.hpp"

#include <zro/discovery.hpp>
#include <zro/zro.hpp>

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
    demo::Args args(argc, argv, {{"url", ""}, {"heartbeat-ms", "1000"}},
                    "simpleswitch_registry --url URL [--heartbeat-ms 1000]");
    std::cout.setf(std::ios::unitbuf);
    zro::set_log_level(zro::LogLevel::info);  // the registry logs every added/removed entry

    zro::NodeOptions options;
    options.heartbeat_interval = std::chrono::milliseconds(args.num("heartbeat-ms"));
    zro::Host host(args.str("url"), options);
    zro::Registry registry(host);
    std::cout << "Registry started at " << host.url() << std::endl;

    static zro::Host* running = &host;
    std::signal(SIGINT, [](int) { running->stop(); });
    std::signal(SIGTERM, [](int) { running->stop(); });
    host.run();
    std::cout << "Registry stopped" << std::endl;
}
