// zro — shared live objects over ZeroMQ.
// QtRO's remoteobjects_server example with zro: a MinuteTimer (generated from minutetimer.rep)
// whose clock advances one minute per period, announcing it with signals.

#include "../common/args.hpp"
#include "rep_minutetimer_source.h"

#include <csignal>
#include <iostream>

namespace {

class MinuteTimer : public MinuteTimerSimpleSource {
public:
    MinuteTimer() {
        set_presets({PresetInfo{1, 88.5f, "Jazz"}, PresetInfo{2, 101.1f, "News"}});
        set_zones({{"UTC", 0}, {"CET", 1}});
    }

    void set_time_zone(std::int32_t zone) override {
        std::cout << "SetTimeZone " << zone << std::endl;
        zone_ = zone;
    }
    PresetInfo preset(std::int32_t number) override {
        for (const auto& p : presets())
            if (p.presetNumber == number) return p;
        throw std::runtime_error("no preset " + std::to_string(number));
    }

    void tick() {
        if (speed() == Speed::Frozen) return;
        const int step = speed() == Speed::Fast ? 10 : 1;
        int m = minute() + step, h = hour();
        while (m >= 60) {
            m -= 60;
            h = (h + 1) % 24;
        }
        set_minute(m);
        set_hour(h);
        emit_time_changed();
        emit_time_changed2(zro::TimeOfDay(std::chrono::minutes(h * 60 + m)));
        emit_ticked(h, m, speed());
        emit_foo({{"zone", std::to_string(zone_)}});
        if (m % 5 == 0) emit_send_custom(presets().front());
        std::cout << "Time is " << h << ":" << (m < 10 ? "0" : "") << m << " (" << zro::enum_name(speed()) << ")" << std::endl;
    }

private:
    int zone_ = 0;
};

} // namespace

int main(int argc, char** argv) {
    demo::Args args(argc, argv, {{"url", ""}, {"period-ms", "1000"}}, "minutetimer_source --url URL [--period-ms 1000]");
    std::cout.setf(std::ios::unitbuf);
    zro::Host host(args.str("url"));
    MinuteTimer timer;
    host.enable_remoting(timer, "MinuteTimer");
    std::cout << "MinuteTimer source started" << std::endl;
    host.add_timer(std::chrono::milliseconds(args.num("period-ms")), [&] { timer.tick(); });

    static zro::Host* running = &host;
    std::signal(SIGINT, [](int) { running->stop(); });
    std::signal(SIGTERM, [](int) { running->stop(); });
    host.run();
}
