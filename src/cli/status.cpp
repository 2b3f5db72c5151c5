// zro — shared live objects over ZeroMQ.
// `zro status OBJ`: lifecycle state, last Suspect reason, gaps, repairs, losses, latencies.

#include "json_value.hpp"
#include "lookup.hpp"

#include <zro/dynamic_replica.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <optional>

namespace zro::cli {
namespace {

std::string ms_text(std::chrono::microseconds us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f ms", static_cast<double>(us.count()) / 1000.0);
    return buf;
}
double ms(std::chrono::microseconds us) { return static_cast<double>(us.count()) / 1000.0; }

struct StatusArgs {
    std::string object;
    std::optional<std::chrono::milliseconds> sample;
    int probes = 5;
};

int run(const CommonOptions& common, const StatusArgs& args) {
    const std::string& object = args.object;
    const auto timeout = common.timeout(std::chrono::seconds(5));
    const auto urls = target_urls(common, timeout, object);
    const auto sample = args.sample.value_or(std::chrono::milliseconds(1000));
    const int probes = std::max(1, args.probes);

    Node node(common.node_options());
    InterruptScope on_interrupt([&node] { node.stop(); });
    auto a = acquire_object(node, urls, object, Clock::now() + timeout, timeout);
    DynamicReplica& r = *a.replica;

    // Request round trips to the host that serves the object (the ROUTER path calls take).
    std::vector<std::chrono::microseconds> rtts;
    for (int i = 0; i < probes; ++i) {
        auto h = ask_hosts(node, {a.host.url}, Clock::now() + timeout);
        if (!h.empty() && h[0].up) rtts.push_back(h[0].round_trip);
    }
    std::sort(rtts.begin(), rtts.end());
    // Watch for a while: state changes, notices, traffic.
    std::uint64_t state_changes = 0, notices = 0;
    r.on_state_changed([&](ReplicaState, ReplicaState) { ++state_changes; });
    r.on_notice([&](const ReplicaNotice&) { ++notices; });
    if (sample.count() > 0) node.run_for(sample);

    const ReplicaStats& st = r.stats();
    const std::string state(to_string(r.state()));
    // Age of the last publication from the host: heartbeats keep it under one interval.
    std::optional<std::chrono::microseconds> heard_age;
    if (auto heard = r.last_heard())
        heard_age = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - *heard);
    if (common.json) {
        Value::Map rtt;
        if (!rtts.empty()) {
            rtt.emplace_back(Value("min_ms"), Value(ms(rtts.front())));
            rtt.emplace_back(Value("median_ms"), Value(ms(rtts[rtts.size() / 2])));
            rtt.emplace_back(Value("max_ms"), Value(ms(rtts.back())));
            rtt.emplace_back(Value("probes"), Value(static_cast<std::uint64_t>(rtts.size())));
        }
        print_line(json_text(Value::map_of({
            {"object", object},
            {"type", r.schema().type_name()},
            {"signature", r.source_signature()},
            {"url", a.host.url},
            {"node_id", a.host.node_id},
            {"state", state},
            {"last_reason", r.last_reason()},
            {"last_seq", r.last_seq()},
            {"last_heard_ms", heard_age ? Value(ms(*heard_age)) : Value()},
            {"time_to_valid_ms", ms(a.valid_time)},
            {"request_round_trip", Value(std::move(rtt))},
            {"sample_ms", static_cast<std::int64_t>(sample.count())},
            {"state_changes_in_sample", state_changes},
            {"notices_in_sample", notices},
            {"stats", Value::map_of({{"snapshots", st.snapshots},
                                     {"deltas_applied", st.deltas_applied},
                                     {"event_messages", st.event_messages},
                                     {"signals_delivered", st.signals_delivered},
                                     {"gaps_detected", st.gaps_detected},
                                     {"repaired_by_replay", st.repaired_by_replay},
                                     {"repaired_by_snapshot", st.repaired_by_snapshot},
                                     {"signals_lost", st.signals_lost},
                                     {"malformed_messages", st.malformed_messages},
                                     {"suspect_count", st.suspect_count}})},
        })));
        return r.valid() ? 0 : static_cast<int>(Exit::failed);
    }
    const Style sty = style_for(common);
    Table t;
    t.row({"object", sty.bold(object) + "  (class " + r.schema().type_name() + ", signature " + r.source_signature() + ")"});
    t.row({"host", a.host.url + "  node " + a.host.node_id});
    t.row({"state", r.valid() ? sty.green(state) : sty.red(state)});
    t.row({"last suspect reason", r.last_reason().empty() ? sty.dim("(never suspect)") : r.last_reason()});
    t.row({"last heard from host", heard_age ? ms_text(*heard_age) + " ago" + sty.dim("  (heartbeats keep it under one interval)")
                                                : sty.dim("(no host)")});
    t.row({"stream position", "seq " + std::to_string(r.last_seq())});
    t.row({"time to valid", ms_text(a.valid_time) + sty.dim("  (handshake + snapshot)")});
    if (!rtts.empty())
        t.row({"request round trip", ms_text(rtts.front()) + " min, " + ms_text(rtts[rtts.size() / 2]) + " median, " +
                                         ms_text(rtts.back()) + " max" + sty.dim("  (" + std::to_string(rtts.size()) + " LIST requests)")});
    t.row({"watched for", format_duration(sample) + ": " + std::to_string(state_changes) + " state changes, " +
                              std::to_string(notices) + " notices"});
    t.row({"snapshots", std::to_string(st.snapshots)});
    t.row({"changes applied", std::to_string(st.deltas_applied) + sty.dim("  (in " + std::to_string(st.event_messages) + " messages)")});
    t.row({"signals delivered", std::to_string(st.signals_delivered)});
    t.row({"gaps detected", std::to_string(st.gaps_detected)});
    t.row({"repaired by replay", std::to_string(st.repaired_by_replay)});
    t.row({"repaired by snapshot", std::to_string(st.repaired_by_snapshot)});
    t.row({"signals lost", st.signals_lost ? sty.red(std::to_string(st.signals_lost)) : std::string("0")});
    t.row({"malformed messages", std::to_string(st.malformed_messages)});
    t.row({"times suspect", std::to_string(st.suspect_count)});
    t.print(stdout, sty);
    return r.valid() ? 0 : static_cast<int>(Exit::failed);
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<StatusArgs>();
    cmd.add_option("OBJECT", args->object, "the object's name")->required();
    add_duration_option(cmd, "--sample", args->sample, "how long to watch the object (default 1s)");
    cmd.add_option("--probes", args->probes, "request round trips to measure (default 5)")->type_name("N");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"status", 80, "an object's lifecycle state, repairs, losses and latencies",
                            "Acquires OBJECT, measures the time to Valid (handshake + snapshot) and the round trip\n"
                            "of N requests to its host (the path method calls take), then watches it for --sample T\n"
                            "(default 1 s) and prints its state, the reason of its last Suspect, and the replica's\n"
                            "counters: snapshots, changes, signals, gaps detected, repairs by replay and by snapshot,\n"
                            "signals lost, malformed messages, times suspect. Exits 1 if the object is not Valid at\n"
                            "the end. The counters are this replica's, since it was acquired.\n\n"
                            "examples:\n"
                            "  zro status SimpleSwitch --url tcp://192.168.1.20:5555\n"
                            "  zro status Thermostat --sample 10s --json",
                            define}};

} // namespace
} // namespace zro::cli
