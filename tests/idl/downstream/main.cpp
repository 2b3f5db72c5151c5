// zro — shared live objects over ZeroMQ.
// Downstream smoke test: a generated source and replica talking over inproc in one process.
#include "rep_thermostat_merged.h"

#include <iostream>

namespace {
class Thermostat : public ThermostatSimpleSource {
public:
    Reading latest() override { return Reading{21.0, 7}; }
};
} // namespace

int main() {
    zro::Host host("inproc://downstream");
    Thermostat source;
    auto reg = host.enable_remoting(source, "Thermostat");
    zro::Node client;
    client.connect_to(host.url());
    auto replica = client.acquire<ThermostatReplica>("Thermostat");
    // The host runs on its own thread; the client's loop stays on this thread, pumped by the
    // blocking helpers below (a replica belongs to its node's loop thread: calling it from
    // another thread while that loop runs elsewhere would race on its sockets).
    host.start();
    if (!replica->wait_for_source(std::chrono::seconds(10))) {
        std::cerr << "replica never became valid\n";
        return 1;
    }
    auto reply = replica->latest();
    if (!reply.wait(std::chrono::seconds(10)) || reply.error()) {
        std::cerr << "latest() failed: " << (reply.error() ? reply.error()->message : std::string("no reply in time")) << "\n";
        return 1;
    }
    std::cout << "downstream ok " << ThermostatInterface::signature << " " << reply.value().celsius << " "
              << zro::enum_name(replica->mode()) << "\n";
    return 0;
}
