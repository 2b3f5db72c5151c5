// zro — shared live objects over ZeroMQ.
// `zro watch OBJ [MEMBER...]`: every change, signal and lifecycle event as it arrives.

#include "json_value.hpp"
#include "lookup.hpp"
#include "model_verbs.hpp"

#include <zro/dynamic_replica.hpp>

#include <CLI/CLI.hpp>

#include <set>

namespace zro::cli {
namespace {

struct WatchArgs {
    std::string object;
    std::vector<std::string> members;
    long long count = -1;  ///< stop after this many changes and signals; -1: no limit
    bool changes_only = false;
};

int run(const CommonOptions& common, const WatchArgs& args) {
    const std::string& object = args.object;
    const bool bounded = common.timeout_given.has_value();
    const auto timeout = common.timeout(std::chrono::seconds(5));
    const auto urls = target_urls(common, timeout, object);
    const auto start = Clock::now();
    const long long count_limit = args.count;
    const bool json = common.json;
    const bool changes_only = args.changes_only;
    const Style st = style_for(common);

    Node node(common.node_options());
    InterruptScope on_interrupt([&node] { node.stop(); });
    auto a = acquire_object(node, urls, object, start + timeout, timeout);
    DynamicReplica& r = *a.replica;
    const Schema& s = r.schema();

    std::set<std::string> members;
    for (const std::string& m : args.members) {
        if (!s.property_index(m) && !s.signal_index(m) && !s.model_index(m)) {
            std::vector<std::string> seen;
            for (const auto& p : s.properties()) seen.push_back(p.name);
            for (const auto& g : s.signals()) seen.push_back(g.name);
            for (const auto& md : s.models()) seen.push_back(md.name);
            throw CliError(Exit::not_found, "no property, signal or model '" + m + "' in " + object + " (class " + s.type_name() +
                                                "); members: " + join_names(seen));
        }
        members.insert(m);
    }
    auto wanted = [&](std::string_view name) { return members.empty() || members.count(std::string(name)); };

    long long counted = 0;
    bool output_closed = false;
    auto emit = [&](Value::Map fields, const std::string& human) {
        bool ok;
        if (json) {
            Value::Map line{{Value("time"), Value(iso_time())}, {Value("object"), Value(object)}};
            for (auto& f : fields) line.push_back(std::move(f));
            ok = print_line(json_text(Value(std::move(line))));
        } else {
            ok = print_line(st.dim(clock_time()) + "  " + human);
        }
        if (!ok) {
            output_closed = true;
            node.stop();
        }
    };
    auto count_one = [&] {
        if (count_limit > 0 && ++counted >= count_limit) node.stop();
    };
    auto kv = [](const char* k, Value v) { return std::pair<Value, Value>(Value(k), std::move(v)); };

    // Last value seen per property: a snapshot (first, or after a repair) reports properties
    // whose value it changed; one equal to what we printed is not a change.
    std::map<std::string, Value> last;
    for (const auto& p : s.properties()) {
        last[p.name] = r.property(p.name);
        if (!changes_only && wanted(p.name))
            emit({kv("event", "value"), kv("property", p.name), kv("value", with_field_names(r.property(p.name), p.parsed_type, s))},
                 object + "." + st.bold(p.name) + " = " + st.cyan(value_text(r.property(p.name), p.parsed_type, s)));
    }
    r.on_property_changed([&](std::string_view name, const Value& v) {
        auto& prev = last[std::string(name)];
        if (prev == v) return;
        prev = v;
        if (!wanted(name)) return;
        const auto& p = s.properties()[*s.property_index(name)];
        const std::uint64_t seq = r.last_seq();  // this change's own, inside the callback
        emit({kv("event", "changed"), kv("property", std::string(name)), kv("value", with_field_names(v, p.parsed_type, s)), kv("seq", seq)},
             object + "." + st.bold(std::string(name)) + " = " + st.cyan(value_text(v, p.parsed_type, s)) +
                 st.dim("  seq " + std::to_string(seq)));
        count_one();
    });
    r.on_signal([&](std::string_view name, const std::vector<Value>& sig_args) {
        if (!wanted(name)) return;
        const auto& g = s.signals()[*s.signal_index(name)];
        std::string text;
        for (std::size_t i = 0; i < sig_args.size(); ++i) {
            if (i) text += ", ";
            text += value_text(sig_args[i], i < g.params.size() ? g.params[i].parsed_type : Type(), s);
        }
        const std::uint64_t seq = r.last_seq();
        emit({kv("event", "signal"), kv("signal", std::string(name)), kv("args", with_field_names(sig_args, g.params, s)), kv("seq", seq)},
             object + "." + st.bold(std::string(name)) + st.yellow("(" + text + ")") + "  signal" +
                 st.dim("  seq " + std::to_string(seq)));
        count_one();
    });
    // Every operation of a watched model, after the replica applied it. No rows are fetched
    // (a data change names its cells; `zro get` reads them), so every line is a source
    // operation at its own seq, or the reset a snapshot (a repair, a restart) brings.
    for (const auto& md : s.models()) {
        if (!wanted(md.name)) continue;
        r.model(md.name).on_change([&, &md = md](const ModelChange& c) {
            const std::uint64_t seq = r.last_seq();
            Value::Map f{kv("event", "model"), kv("model", md.name)};
            for (auto& field : model_change_fields(c, md.roles)) f.push_back(std::move(field));
            f.push_back(kv("seq", seq));
            emit(std::move(f), object + "." + st.bold(md.name) + " " + st.cyan(model_change_text(c, md.roles)) +
                                   st.dim("  seq " + std::to_string(seq)));
            count_one();
        });
    }
    r.on_state_changed([&](ReplicaState now, ReplicaState before) {
        Value::Map f{kv("event", "state"), kv("state", std::string(to_string(now))), kv("before", std::string(to_string(before)))};
        std::string human = object + " " + (now == ReplicaState::valid ? st.green(std::string(to_string(now)))
                                                                        : st.red(std::string(to_string(now))));
        if (now != ReplicaState::valid && !r.last_reason().empty()) {
            f.push_back(kv("reason", r.last_reason()));
            human += ": " + r.last_reason();
        }
        emit(std::move(f), human);
    });
    r.on_notice([&](const ReplicaNotice& n) {
        Value::Map f{kv("event", "notice"), kv("notice", std::string(to_string(n.kind)))};
        std::string human = object + " " + st.yellow(std::string(to_string(n.kind)));
        if (n.first_seq || n.last_seq) {
            f.push_back(kv("first_seq", n.first_seq));
            f.push_back(kv("last_seq", n.last_seq));
            human += " seq " + std::to_string(n.first_seq) + ".." + std::to_string(n.last_seq);
        }
        if (n.count) {
            f.push_back(kv("count", n.count));
            human += " count " + std::to_string(n.count);
        }
        if (!n.message.empty()) {
            f.push_back(kv("message", n.message));
            human += ": " + n.message;
        }
        emit(std::move(f), human);
    });

    if (bounded) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(start + timeout - Clock::now());
        if (left.count() > 0) node.run_for(left);
    } else {
        node.run();
    }
    if (output_closed || interrupted()) return 0;
    if (count_limit > 0 && counted < count_limit)
        throw CliError(Exit::timeout, "saw " + std::to_string(counted) + " of " + std::to_string(count_limit) +
                                          " events from " + object + " within " + format_duration(timeout));
    return 0;
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<WatchArgs>();
    cmd.add_option("OBJECT", args->object, "the object's name")->required();
    cmd.add_option("MEMBER", args->members, "the properties, signals and models to watch (default: all)");
    cmd.add_option("-n,--count", args->count, "stop after N changes, signals and model operations")->type_name("N")->check(positive_number());
    cmd.add_flag("--changes-only", args->changes_only, "do not print the current values first");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"watch", 60, "print changes, signals and lifecycle events as they arrive",
                            "Prints the current values, then every property change, signal and model operation of\n"
                            "OBJECT (or only of the named members) with the time and seq, and lifecycle events: state changes\n"
                            "(Valid, Suspect with its reason), gaps detected and repaired, resynchronisations, lost\n"
                            "signals, source restarts. Runs until Ctrl-C, --count N changes and signals (current\n"
                            "values and lifecycle events are not counted), or --timeout T (which also bounds finding\n"
                            "the object). Ending by --timeout before --count is reached exits 7.\n"
                            "--json prints one JSON object per line: {\"time\",\"object\",\"event\":\"value\"|\"changed\",\n"
                            "\"property\",\"value\"}, {\"event\":\"signal\",\"signal\",\"args\"}, {\"event\":\"state\",\"state\",\n"
                            "\"before\",\"reason\"}, {\"event\":\"notice\",\"notice\",\"first_seq\",\"last_seq\",\"count\"},\n"
                            "{\"event\":\"model\",\"model\",\"op\",\"parent\",\"first\",\"count\",...,\"seq\"} (op: reset,\n"
                            "rows_inserted, rows_removed, rows_moved, columns_inserted, columns_removed, columns_moved,\n"
                            "data_changed, header_changed).\n"
                            "Property lines are what `zro set -` reads; `zro serve` reads property and signal lines.\n\n"
                            "examples:\n"
                            "  zro watch SimpleSwitch --url tcp://192.168.1.20:5555\n"
                            "  zro watch Thermostat temperature --json --count 10\n"
                            "  zro watch Playlist tracks\n"
                            "  zro watch Switch --json --url tcp://a:5555 | zro set - Mirror --url tcp://b:5555",
                            define}};

} // namespace
} // namespace zro::cli
