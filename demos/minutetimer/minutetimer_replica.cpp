// zro — shared live objects over ZeroMQ.
// QtRO's clientapp example with zro: a typed MinuteTimer replica that follows the clock, reads
// the list and map properties, calls a slot returning a POD and changes a READWRITE property.

#include "../common/args.hpp"
#include "rep_minutetimer_replica.h"

#include <csignal>
#include <iostream>

int main(int argc, char** argv) {
    demo::Args args(argc, argv, {{"url", ""}, {"ticks", "0"}}, "minutetimer_replica --url URL [--ticks N (0: forever)]");
    std::cout.setf(std::ios::unitbuf);
    zro::Node node;
    node.connect_to(args.str("url"));
    auto timer = node.acquire<MinuteTimerReplica>("MinuteTimer");
    const long max_ticks = args.num("ticks");
    long ticks = 0;

    timer->on_initialized([&] {
        std::cout << "Initialized at " << timer->hour() << ":" << timer->minute() << " with " << timer->presets().size()
                  << " presets and zones";
        for (const auto& [zone, offset] : timer->zones()) std::cout << " " << zone << "=" << offset;
        std::cout << std::endl;
        timer->preset(2).then([](const zro::PendingReply<PresetInfo>& r) {
            if (auto e = r.error()) std::cout << "preset(2) failed: " << e->message << std::endl;
            else std::cout << "Preset 2 is " << r.value().stationName << " at " << r.value().frequency << " MHz" << std::endl;
        });
        timer->set_time_zone(1);
        timer->set_speed(MinuteTimerReplica::Speed::Fast);
    });
    timer->on_speed_changed([](const MinuteTimerReplica::Speed& s) { std::cout << "Speed is now " << zro::enum_name(s) << std::endl; });
    timer->on_ticked([&](const std::int32_t& h, const std::int32_t& m, const MinuteTimerReplica::Speed& s) {
        std::cout << "Tick " << h << ":" << (m < 10 ? "0" : "") << m << " (" << zro::enum_name(s) << ")" << std::endl;
        if (max_ticks && ++ticks >= max_ticks) node.stop();
    });
    timer->on_send_custom([](const PresetInfo& p) { std::cout << "Custom preset " << p.presetNumber << " " << p.stationName << std::endl; });
    timer->on_state_changed([&](zro::ReplicaState now, zro::ReplicaState) {
        std::cout << "Replica state changed to " << zro::to_string(now)
                  << (timer->last_reason().empty() || now == zro::ReplicaState::valid ? "" : " (" + timer->last_reason() + ")")
                  << std::endl;
    });

    static zro::Node* running = &node;
    std::signal(SIGINT, [](int) { running->stop(); });
    std::signal(SIGTERM, [](int) { running->stop(); });
    node.run();
}
