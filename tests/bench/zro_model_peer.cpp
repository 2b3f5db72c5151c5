// zro — shared live objects over ZeroMQ.
// zro_bench_peer, case 8: an item model of a million rows, shared with zro::ListModel (what most
// users write) and read through zro::ModelReplica with a window of the first rows.

#include "zro_peer.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <numeric>
#include <vector>

using namespace std::chrono_literals;

namespace zbench {
namespace {

constexpr const char* model_name = "BenchModel";

/// The value row `row` shows, or false when the replica does not hold it.
bool shown(const zro::ModelReplica& model, std::int64_t row, std::int64_t& value) {
    const auto r = static_cast<std::size_t>(row);
    if (r >= model.row_count() || !model.cached({}, r)) return false;
    const zro::Value v = model.data({}, r);
    if (!v.is_integer()) return false;
    value = v.as<std::int64_t>();
    return true;
}

/// Whether every row of the window is shown.
bool window_shown(const zro::ModelReplica& model) {
    std::int64_t v;
    for (std::int64_t row = 0; row < model_window; ++row)
        if (!shown(model, row, v)) return false;
    return true;
}

zro::ModelOptions window_options() {
    zro::ModelOptions o;
    o.prefetch_rows = static_cast<std::size_t>(model_window);
    return o;
}

} // namespace

int run_model_source(const Args& a) {
    const std::int64_t n = a.num("n", 100000);
    const std::int64_t batch = std::max<std::int64_t>(1, a.num("batch", 100));
    zro::Host host("tcp://127.0.0.1:*");
    zro::ListModel<std::int64_t> list({"display"}, [](const std::int64_t& v, std::size_t) { return zro::Value(v); });
    std::vector<std::int64_t> rows(static_cast<std::size_t>(model_rows));
    std::iota(rows.begin(), rows.end(), std::int64_t{0});
    list.assign(std::move(rows));
    auto reg = host.enable_remoting(list, model_name, list.role_names());

    std::int64_t k = 0, t0 = 0;
    zro::Timer blaster;
    read_commands(host, [&](const std::string& cmd) {
        if (cmd == "go" && k == 0) {
            t0 = now_ns();
            blaster = host.add_timer(0ms, [&] {
                for (std::int64_t i = 0; i < batch && k < n; ++i) {
                    ++k;
                    list.set(static_cast<std::size_t>((k - 1) % model_window), model_rows + k);
                }
                if (k >= n) {
                    blaster.cancel();
                    say("SENT t0=", t0, " t1=", now_ns());
                }
            });
        } else if (cmd == "stat") {
            say(stat_line());
        } else if (cmd == "quit") {
            host.stop();
        }
    });
    say("READY ", host.url());
    host.run();
    return 0;
}

int run_model_replica(const Args& a) {
    const std::int64_t n = a.num("n", 100000);
    zro::Node node;
    node.connect_to(a.str("url"));
    auto model = node.acquire_model(model_name, window_options());
    ModelTally tally;
    bool ready = false, done = false;
    auto conn = model->on_change([&](const zro::ModelChange& c) {
        if (!ready) {
            if (!window_shown(*model)) return;
            ready = true;
            say("READY cpu_ns=", cpu_ns());
            return;
        }
        if (c.kind != zro::ModelChange::Kind::data_changed || !c.parent.empty()) return;
        const auto last = std::min<std::int64_t>(static_cast<std::int64_t>(c.first + c.count), model_window);
        for (auto row = static_cast<std::int64_t>(c.first); row < last; ++row) {
            std::int64_t v;
            if (shown(*model, row, v)) tally.see(row, v);
        }
        if (!done && tally.done(n)) {
            done = true;
            say("DONE count=", tally.count, " errors=", tally.skipped, " t_last=", now_ns(), " cpu_ns=", cpu_ns());
        }
    });
    auto give_up = node.add_timer(30s, [&] {
        if (!ready) {
            say("FAIL the window was not shown within 30 s");
            node.stop();
        }
    }, false);
    read_commands(node, [&](const std::string& cmd) {
        if (cmd == "stat") say(stat_line(), " count=", tally.count, " errors=", tally.skipped);
        else if (cmd == "quit") node.stop();
    });
    node.run();
    return ready ? 0 : 1;
}

int run_model_client(const Args& a) {
    const int iters = static_cast<int>(a.num("iters", 20));
    zro::Node node;
    node.connect_to(a.str("url"));
    // acquire -> the window shown, running the node's loop meanwhile; false after 10 s.
    auto view_once = [&node](std::int64_t& ns) {
        const std::int64_t t0 = now_ns();
        auto model = node.acquire_model(model_name, window_options());
        bool ok = false;
        auto conn = model->on_change([&](const zro::ModelChange&) {
            if (!ok && window_shown(*model)) {
                ok = true;
                node.stop();  // ends run_for
            }
        });
        node.run_for(10s);
        ns = now_ns() - t0;
        return ok;
    };
    say("READY");
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line == "quit") break;
        if (line == "stat") { say(stat_line()); continue; }
        if (line == "go") say(model_view_line(iters, view_once));
    }
    return 0;
}

} // namespace zbench
