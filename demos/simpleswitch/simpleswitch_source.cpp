// zro — shared live objects over ZeroMQ.
// QtRO's getting-started example 1, static flavour: the source side, generated from
// simpleswitch.rep by zroc. A SimpleSwitch whose `currState` flips every period; replicas call
// `server_slot` to report what they saw. Same output as simpleswitch_dynamic_source, and the two
// mix freely with both replicas (the class signatures are equal).

#include "../common/args.hpp"
#include "rep_simpleswitch_source.h"

#include <csignal>
#include <iostream>

namespace {

// As in QtRO's example: the user class derives from the generated SimpleSource and implements
// the slot.
class SimpleSwitch : public SimpleSwitchSimpleSource {
public:
    void server_slot(bool client_state) override {
        std::cout << "Replica state is " << (client_state ? "true" : "false") << std::endl;
    }
};

} // namespace

int main(int argc, char** argv) {
    demo::Args args(argc, argv, {{"url", ""}, {"period-ms", "2000"}, {"heartbeat-ms", "1000"}, {"registry", "none"}, {"mdns", "0"}},
                    "simpleswitch_source --url URL [--period-ms 2000] [--heartbeat-ms 1000] [--registry URL] [--mdns 1]");
    std::cout.setf(std::ios::unitbuf);

    zro::NodeOptions options;
    options.heartbeat_interval = std::chrono::milliseconds(args.num("heartbeat-ms"));
    // QtRO's registry example: the host registers its sources with the registry at this URL.
    if (args.str("registry") != "none") options.registry_url = args.str("registry");
    options.discovery = args.num("mdns") != 0;  // publish on mDNS (docs/DISCOVERY.md)
    zro::Host host(args.str("url"), options);
    SimpleSwitch sw;
    host.enable_remoting(sw, "SimpleSwitch");
    std::cout << "Source Node Started" << std::endl;

    host.add_timer(std::chrono::milliseconds(args.num("period-ms")), [&] {
        sw.set_curr_state(!sw.curr_state());
        std::cout << "Source State is " << (sw.curr_state() ? "true" : "false") << std::endl;
    });

    static zro::Host* running = &host;
    std::signal(SIGINT, [](int) { running->stop(); });
    std::signal(SIGTERM, [](int) { running->stop(); });
    host.run();
    std::cout << "Source Node stopped" << std::endl;
}
