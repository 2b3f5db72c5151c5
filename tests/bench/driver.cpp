// zro — shared live objects over ZeroMQ.
// zro_bench_driver: runs the multi-process benchmarks of issue 6 side by side for zro, raw
// ZeroMQ (the same sockets, no zro: the ceiling) and QtRO 6 (when its peer was built), in one
// run on one machine, alternating the implementations, several repetitions each; prints a table
// of medians [min-max] with the ratios zro/raw and zro/QtRO and whether each target is met, and
// writes every run and the summary as JSON.
//
//   zro_bench_driver [--quick] [--reps R] [--json FILE] [--cases 1,2,3,4,5,6,7,8,9]
//                    [--impls zro,zmq,qtro] [--logdir DIR]
//
// The peers (zro_bench_peer, zmq_bench_peer, qtro_bench_peer) speak the line protocol of
// bench_common.hpp. Environment: ZRO_BENCH_WRAP_ZRO / _ZMQ / _QTRO: a command prefix for that
// implementation's peers (e.g. "valgrind --tool=callgrind") for profiling.

#include "bench_common.hpp"
#include "support/process.hpp"

#include <zmq.h>

#include <sys/utsname.h>

#include <cmath>
#include <csignal>
#include <ctime>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef ZRO_PEER
#define ZRO_PEER ""
#endif
#ifndef ZMQ_PEER
#define ZMQ_PEER ""
#endif
#ifndef QTRO_PEER
#define QTRO_PEER ""
#endif

using namespace std::chrono_literals;
using zro::test::Clock;
using zro::test::Process;
using zro::test::starts_with;

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

using Metrics = std::map<std::string, double>;

struct Run {
    std::string config, impl;
    int rep;
    Metrics m;
    std::string note;
};

struct Settings {
    bool quick = false;
    int reps = 5;
    std::set<int> cases{1, 2, 3, 4, 5, 6, 7, 8, 9};
    std::vector<std::string> impls;
    std::string logdir = ".";
    std::map<std::string, std::string> peer;
    std::int64_t n_prop = 100000, n_fan = 100000, n_stall = 1000000;
    std::int64_t n_seq = 10000, n_pipe = 50000;
    std::int64_t n_model = 200000;
    std::int64_t n_tree = 100000, n_lat = 2000;  // case 9: changes per fan-out run, latency samples
    int init_iters = 20, stall_reps = 3, tree_reps = 3;
};

Settings S;

// ---- parsing peer lines ------------------------------------------------------------------------

/// "KEY a=1 b=2" -> {a:1, b:2}
std::map<std::string, double> fields(const std::string& line) {
    std::map<std::string, double> out;
    std::istringstream is(line);
    std::string tok;
    while (is >> tok) {
        const auto eq = tok.find('=');
        if (eq == std::string::npos) continue;
        out[tok.substr(0, eq)] = std::atof(tok.c_str() + eq + 1);
    }
    return out;
}

double f(const std::map<std::string, double>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? nan_v : it->second;
}

double mib_of(pid_t pid, const char* field) {
    const long kib = zbench::status_kib(field, std::to_string(pid));
    return kib < 0 ? nan_v : static_cast<double>(kib) / 1024.0;
}

std::vector<std::string> peer_cmd(const std::string& impl) {
    std::vector<std::string> cmd;
    const char* env = impl == "zro" ? "ZRO_BENCH_WRAP_ZRO" : impl == "zmq" ? "ZRO_BENCH_WRAP_ZMQ" : "ZRO_BENCH_WRAP_QTRO";
    if (const char* w = std::getenv(env)) {
        std::istringstream is(w);
        std::string t;
        while (is >> t) cmd.push_back(t);
    }
    cmd.push_back(S.peer.at(impl));
    return cmd;
}

std::unique_ptr<Process> spawn(const std::string& impl, std::vector<std::string> args) {
    auto cmd = peer_cmd(impl);
    cmd.insert(cmd.end(), args.begin(), args.end());
    Process::Options options;
    options.stderr_log = S.logdir + "/bench-peers-" + impl + ".log";
    options.quit_command = "quit";  // a peer asked to quit gets 2 s before it is killed
    options.dump_on_failure = 0;    // not a Google Test program
    options.fail_on_alarm = false;
    return std::make_unique<Process>(cmd[0], cmd, options);
}

/// The next line of `p` (in order) that starts with `prefix`, or the FAIL line the peer printed
/// instead; nothing when the peer exited or `deadline` passed first.
std::optional<std::string> reply(Process& p, const std::string& prefix, Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto l = p.wait_for([&](const std::string& s) { return starts_with(s, prefix) || starts_with(s, "FAIL"); },
                        std::max(left, std::chrono::milliseconds(0)));
    if (!l) return std::nullopt;
    return l->text;
}

/// reply() of every process in `ps`, in order (an empty string for a process that did not answer).
std::vector<std::string> replies(const std::vector<Process*>& ps, const std::string& prefix, Clock::time_point deadline) {
    std::vector<std::string> got;
    for (auto* p : ps) got.push_back(reply(*p, prefix, deadline).value_or(""));
    return got;
}

/// Source's "READY url [pubport]".
struct Ready {
    std::string url, pub;
};
std::optional<Ready> wait_ready(Process& p) {
    auto l = reply(p, "READY", Clock::now() + 30s);
    if (!l || l->rfind("READY", 0) != 0) return std::nullopt;
    std::istringstream is(*l);
    Ready r;
    std::string tag;
    is >> tag >> r.url >> r.pub;
    return r;
}

// ---- case 9: proxies between the source and its replicas ---------------------------------------

/// `count` zro proxy peers, each relaying `object` of the host at `url`, started together; the
/// outer URLs in `urls`. Empty (and `note` set) when one did not start.
std::vector<std::unique_ptr<Process>> start_proxies(int count, const std::string& url, const std::string& object,
                                                    std::vector<std::string>& urls, std::string& note) {
    std::vector<std::unique_ptr<Process>> ps;
    for (int i = 0; i < count; ++i) ps.push_back(spawn("zro", {"--role", "proxy", "--from", url, "--object", object}));
    for (auto& p : ps) {
        auto r = wait_ready(*p);
        if (!r) { note = "a proxy did not start"; return {}; }
        urls.push_back(r->url);
    }
    return ps;
}

/// The CPU time (s) the processes in `ps` used since `before` (their STAT lines).
std::vector<double> cpu_of(const std::vector<Process*>& ps) {
    std::vector<double> out;
    for (auto* p : ps) {
        p->send("stat");
        auto l = reply(*p, "STAT", Clock::now() + 10s);
        out.push_back(l ? f(fields(*l), "cpu_ns") / 1e9 : nan_v);
    }
    return out;
}

double sum_since(const std::vector<double>& now, const std::vector<double>& before) {
    double s = 0;
    for (std::size_t i = 0; i < now.size(); ++i) s += now[i] - before[i];
    return s;
}

// ---- cases 1, 2, 5, 6, 7 (and 9 through proxies): property changes to k replicas --------------

/// `proxies` > 0 (zro only): that many proxy peers relay the object from the source, and
/// replica i acquires it from proxy i % proxies.
Run run_prop(const std::string& impl, const std::string& config, int k, std::int64_t n, std::int64_t batch,
             bool stall, const std::string& zro_source = "typed", int proxies = 0) {
    Run run{config, impl, 0, {}, ""};
    std::vector<std::string> args{"--role", "source", "--case", "prop", "--n", std::to_string(n), "--batch",
                                  std::to_string(batch), "--subs", std::to_string(k)};
    if (impl == "zro") args.insert(args.end(), {"--source", zro_source});
    auto src = spawn(impl, args);
    auto ready = wait_ready(*src);
    if (!ready) { run.note = "source did not start"; return run; }
    std::vector<std::string> urls;
    auto pxs = start_proxies(proxies, ready->url, "BenchProp", urls, run.note);
    if (proxies > 0 && pxs.empty()) return run;
    std::vector<Process*> pp;
    for (auto& p : pxs) pp.push_back(p.get());
    std::vector<std::unique_ptr<Process>> reps;
    std::vector<Process*> rp;
    for (int i = 0; i < k; ++i) {
        const std::string& url = proxies > 0 ? urls[static_cast<std::size_t>(i % proxies)] : ready->url;
        reps.push_back(spawn(impl, {"--role", "replica", "--case", "prop", "--url", url, "--pub", ready->pub,
                                    "--n", std::to_string(n)}));
        rp.push_back(reps.back().get());
    }
    auto rl = replies(rp, "READY", Clock::now() + 60s);
    std::vector<double> cpu0(k);
    for (int i = 0; i < k; ++i) {
        if (rl[i].rfind("READY", 0) != 0) { run.note = "replica " + std::to_string(i) + " did not start: " + rl[i]; return run; }
        cpu0[i] = f(fields(rl[i]), "cpu_ns");
    }
    std::this_thread::sleep_for(100ms);  // idle: everything initialized, nothing moving
    double rep_idle = 0, rep_idle_hwm = 0;
    for (auto* p : rp) {
        rep_idle = std::max(rep_idle, mib_of(p->pid(), "VmRSS"));
        rep_idle_hwm = std::max(rep_idle_hwm, mib_of(p->pid(), "VmHWM"));
    }
    run.m["rep_idle_rss_mib"] = rep_idle;
    run.m["rep_idle_hwm_mib"] = rep_idle_hwm;
    run.m["src_idle_rss_mib"] = mib_of(src->pid(), "VmRSS");
    src->send("stat");
    auto s0 = reply(*src, "STAT", Clock::now() + 10s);
    const double src_cpu0 = s0 ? f(fields(*s0), "cpu_ns") : nan_v;
    const auto proxy_cpu0 = cpu_of(pp);

    std::vector<Process*> movers = rp;
    if (stall) {
        rp[0]->signal(SIGSTOP);
        movers.erase(movers.begin());
    }
    const double base_rss = mib_of(src->pid(), "VmRSS");
    src->send("go");
    // Generous: QtRO at 16 replicas moves ~1M deliveries/s; a slow machine is slower still.
    const auto budget = std::chrono::seconds(30 + n * k / 100000);
    auto sent = reply(*src, "SENT", Clock::now() + budget);
    auto done = replies(movers, "DONE", Clock::now() + budget);
    double t0 = sent ? f(fields(*sent), "t0") : nan_v;
    double t_last = 0, rep_cpu = 0;
    bool all = sent.has_value() && sent->rfind("SENT", 0) == 0;
    std::int64_t min_count = n;
    for (std::size_t i = 0; i < movers.size(); ++i) {
        const auto fm = fields(done[i]);
        const int idx = static_cast<int>(i) + (stall ? 1 : 0);
        if (done[i].rfind("DONE", 0) != 0 || f(fm, "count") != static_cast<double>(n) || f(fm, "errors") != 0) all = false;
        if (done[i].rfind("DONE", 0) == 0) {
            t_last = std::max(t_last, f(fm, "t_last"));
            rep_cpu += f(fm, "cpu_ns") - cpu0[idx];
            min_count = std::min<std::int64_t>(min_count, static_cast<std::int64_t>(f(fm, "count")));
            for (const char* key : {"gaps", "replays", "resyncs"})
                if (!std::isnan(f(fm, key))) run.m[std::string("rep_") + key] += f(fm, key);
        } else {
            min_count = 0;
            movers[i]->send("stat");
            if (auto st = reply(*movers[i], "STAT", Clock::now() + 5s)) run.note += " replica " + std::to_string(idx) + ": " + *st + ";";
        }
    }
    run.m["delivered_all"] = all ? 1 : 0;
    run.m["min_count"] = static_cast<double>(min_count);
    const double secs = (t_last - t0) / 1e9;
    if (all && secs > 0) {
        run.m["rate_per_replica"] = static_cast<double>(n) / secs;
        run.m["rate_aggregate"] = static_cast<double>(n) * static_cast<double>(movers.size()) / secs;
    }
    src->send("stat");
    auto s1 = reply(*src, "STAT", Clock::now() + 10s);
    const double src_cpu = s1 ? f(fields(*s1), "cpu_ns") - src_cpu0 : nan_v;
    // Through proxies, every process on the way counts: source, proxies and replicas.
    const double proxy_cpu = sum_since(cpu_of(pp), proxy_cpu0) * 1e9;
    run.m["src_cpu_s"] = src_cpu / 1e9;
    if (proxies > 0) run.m["proxy_cpu_s"] = proxy_cpu / 1e9;
    if (all)
        run.m["cpu_s_per_M"] = (src_cpu + proxy_cpu + rep_cpu) / 1e9 / (static_cast<double>(n) * static_cast<double>(movers.size()) / 1e6);
    run.m["src_hwm_mib"] = mib_of(src->pid(), "VmHWM");
    double rep_hwm = 0;
    for (auto* p : movers) rep_hwm = std::max(rep_hwm, mib_of(p->pid(), "VmHWM"));
    run.m["rep_hwm_mib"] = rep_hwm;

    if (stall) {
        run.m["src_growth_mib"] = mib_of(src->pid(), "VmHWM") - base_rss;
        const auto t_cont = zbench::now_ns();
        rp[0]->signal(SIGCONT);
        auto l = reply(*rp[0], "DONE", Clock::now() + 60s);
        const bool conv = l && l->rfind("DONE", 0) == 0;
        run.m["converged"] = conv ? 1 : 0;
        if (conv) {
            const auto fm = fields(*l);
            run.m["converge_ms"] = (f(fm, "t_last") - static_cast<double>(t_cont)) / 1e6;
            run.m["stalled_count"] = f(fm, "count");
        }
        run.m["src_growth_after_mib"] = mib_of(src->pid(), "VmHWM") - base_rss;
    }
    return run;
}

/// Case 9: end-to-end latency of one change per millisecond (m of them) to k replicas, direct
/// or through `proxies` proxies; the median of the replicas' medians and the worst p99.
Run run_latency(const std::string& config, int k, std::int64_t m, int proxies) {
    Run run{config, "zro", 0, {}, ""};
    auto src = spawn("zro", {"--role", "source", "--case", "lat", "--n", std::to_string(m)});
    auto ready = wait_ready(*src);
    if (!ready) { run.note = "source did not start"; return run; }
    std::vector<std::string> urls;
    auto pxs = start_proxies(proxies, ready->url, "BenchProp", urls, run.note);
    if (proxies > 0 && pxs.empty()) return run;
    std::vector<std::unique_ptr<Process>> reps;
    std::vector<Process*> rp;
    for (int i = 0; i < k; ++i) {
        const std::string& url = proxies > 0 ? urls[static_cast<std::size_t>(i % proxies)] : ready->url;
        reps.push_back(spawn("zro", {"--role", "replica", "--case", "lat", "--url", url, "--n", std::to_string(m)}));
        rp.push_back(reps.back().get());
    }
    for (const auto& l : replies(rp, "READY", Clock::now() + 60s))
        if (l.rfind("READY", 0) != 0) { run.note = "a replica did not start: " + l; return run; }
    const auto src_cpu0 = cpu_of({src.get()});
    src->send("go");
    const auto deadline = Clock::now() + std::chrono::seconds(30 + m / 1000);
    std::vector<std::int64_t> medians;
    double p99 = 0;
    bool all = true;
    for (const auto& l : replies(rp, "LAT", deadline)) {
        const auto fm = fields(l);
        if (l.rfind("LAT", 0) != 0 || f(fm, "count") != static_cast<double>(m) || f(fm, "errors") != 0) { all = false; continue; }
        medians.push_back(static_cast<std::int64_t>(f(fm, "median_ns")));
        p99 = std::max(p99, f(fm, "p99_ns"));
    }
    run.m["delivered_all"] = all ? 1 : 0;
    if (!medians.empty()) {
        run.m["lat_median_us"] = static_cast<double>(zbench::percentile(medians, 0.5)) / 1e3;
        run.m["lat_p99_us"] = p99 / 1e3;
    }
    (void)reply(*src, "SENT", deadline);
    run.m["src_cpu_s"] = sum_since(cpu_of({src.get()}), src_cpu0);
    return run;
}

// ---- clients that time a job `iters` times (cases 4 and 8) ----------------------------------

/// Starts a source with `source_args` and a client with `client_args` (plus --url), sends go and
/// reads the client's `tag` line: first_ns, median_ns and ok (runs that succeeded, of `iters`).
/// `more` adds what a case reads beyond those, from the source process and the line's fields.
Run run_timed_client(const std::string& impl, const std::string& config, std::vector<std::string> source_args,
                     std::vector<std::string> client_args, const std::string& tag, int iters,
                     const std::function<void(Run&, Process& src, const Metrics&)>& more) {
    Run run{config, impl, 0, {}, ""};
    auto src = spawn(impl, std::move(source_args));
    auto ready = wait_ready(*src);
    if (!ready) { run.note = "source did not start"; return run; }
    client_args.insert(client_args.end(), {"--url", ready->url});
    auto cl = spawn(impl, std::move(client_args));
    auto r = reply(*cl, "READY", Clock::now() + 30s);
    if (!r || r->rfind("READY", 0) != 0) { run.note = "client did not start"; return run; }
    cl->send("go");
    auto l = reply(*cl, tag, Clock::now() + 120s);
    if (!l || l->rfind(tag, 0) != 0) { run.note = "no result: " + l.value_or("timeout"); return run; }
    const auto fm = fields(*l);
    run.m["ok"] = f(fm, "ok") == iters ? 1 : 0;
    run.m["median_us"] = f(fm, "median_ns") / 1e3;
    run.m["first_us"] = f(fm, "first_ns") / 1e3;
    more(run, *src, fm);
    return run;
}

// ---- case 8: item models ----------------------------------------------------------------------

/// Acquire (live connection) -> the first model_window rows of the million shown, `iters` times.
Run run_model_first(const std::string& impl, const std::string& config, int iters) {
    return run_timed_client(impl, config, {"--role", "source", "--case", "model"},
                            {"--role", "client", "--case", "model", "--iters", std::to_string(iters)}, "MODEL", iters,
                            [](Run& run, Process& src, const Metrics&) { run.m["src_rss_mib"] = mib_of(src.pid(), "VmRSS"); });
}

/// The source changes rows of the replica's window at full speed, `batch` per turn.
Run run_model_updates(const std::string& impl, const std::string& config, std::int64_t n, std::int64_t batch) {
    Run run{config, impl, 0, {}, ""};
    auto src = spawn(impl, {"--role", "source", "--case", "model", "--n", std::to_string(n), "--batch", std::to_string(batch)});
    auto ready = wait_ready(*src);
    if (!ready) { run.note = "source did not start"; return run; }
    auto rep = spawn(impl, {"--role", "replica", "--case", "model", "--url", ready->url, "--n", std::to_string(n)});
    auto rl = reply(*rep, "READY", Clock::now() + 60s);
    if (!rl || rl->rfind("READY", 0) != 0) { run.note = "replica did not start: " + rl.value_or("timeout"); return run; }
    const double cpu0 = f(fields(*rl), "cpu_ns");
    std::this_thread::sleep_for(100ms);  // idle: the window shown, nothing moving
    run.m["rep_view_rss_mib"] = mib_of(rep->pid(), "VmRSS");
    run.m["src_rss_mib"] = mib_of(src->pid(), "VmRSS");
    src->send("go");
    const auto budget = std::chrono::seconds(60 + n / 10000);
    auto sent = reply(*src, "SENT", Clock::now() + budget);
    auto done = reply(*rep, "DONE", Clock::now() + budget);
    if (!sent || sent->rfind("SENT", 0) != 0 || !done || done->rfind("DONE", 0) != 0) {
        rep->send("stat");
        run.note = "no result: " + done.value_or("timeout") + " " + reply(*rep, "STAT", Clock::now() + 5s).value_or("");
        return run;
    }
    const auto fm = fields(*done);
    const double secs = (f(fm, "t_last") - f(fields(*sent), "t0")) / 1e9;
    run.m["updates_s"] = f(fm, "count") / secs;
    run.m["final_ms"] = secs * 1e3;
    run.m["lag_ms"] = (f(fm, "t_last") - f(fields(*sent), "t1")) / 1e6;
    run.m["updates_seen"] = f(fm, "count");
    run.m["delivered_all"] = f(fm, "count") == static_cast<double>(n) && f(fm, "errors") == 0 ? 1 : 0;
    run.m["rep_cpu_s"] = (f(fm, "cpu_ns") - cpu0) / 1e9;
    run.m["rep_hwm_mib"] = mib_of(rep->pid(), "VmHWM");
    return run;
}

// ---- case 3: method round trips ---------------------------------------------------------------

/// `proxies` 1 (zro only, case 9): the client calls through a proxy.
Run run_rpc(const std::string& impl, const std::string& config, const std::string& mode, std::int64_t n, int proxies = 0) {
    Run run{config, impl, 0, {}, ""};
    auto src = spawn(impl, {"--role", "source", "--case", "rpc"});
    auto ready = wait_ready(*src);
    if (!ready) { run.note = "source did not start"; return run; }
    std::vector<std::string> urls{ready->url};
    auto pxs = start_proxies(proxies, ready->url, "BenchRpc", urls, run.note);
    if (proxies > 0 && pxs.empty()) return run;
    auto cl = spawn(impl, {"--role", "client", "--case", "rpc", "--url", urls.back(), "--mode", mode, "--n",
                           std::to_string(n), "--inflight", "100"});
    auto r = reply(*cl, "READY", Clock::now() + 30s);
    if (!r || r->rfind("READY", 0) != 0) { run.note = "client did not start"; return run; }
    cl->send("go");
    auto l = reply(*cl, "RPC", Clock::now() + 120s);
    if (!l || l->rfind("RPC", 0) != 0) { run.note = "no result: " + l.value_or("timeout"); return run; }
    const auto fm = fields(*l);
    run.m["ok"] = f(fm, "errors") == 0 && f(fm, "n") == static_cast<double>(n) ? 1 : 0;
    run.m["median_us"] = f(fm, "median_ns") / 1e3;
    run.m["p99_us"] = f(fm, "p99_ns") / 1e3;
    run.m["calls_s"] = f(fm, "n") / (f(fm, "total_ns") / 1e9);
    run.m["client_hwm_mib"] = mib_of(cl->pid(), "VmHWM");
    run.m["src_hwm_mib"] = mib_of(src->pid(), "VmHWM");
    return run;
}

// ---- case 4: time to initialize -----------------------------------------------------------------

Run run_init(const std::string& impl, const std::string& config, const std::string& payload, int iters, bool reuse) {
    return run_timed_client(impl, config, {"--role", "source", "--case", "init", "--payload", payload},
                            {"--role", "client", "--case", "init", "--payload", payload, "--iters", std::to_string(iters),
                             "--reuse", reuse ? "1" : "0"},
                            "INIT", iters, [](Run& run, Process& src, const Metrics& fm) {
                                run.m["client_hwm_mib"] = f(fm, "hwm_kib") / 1024.0;
                                run.m["src_hwm_mib"] = mib_of(src.pid(), "VmHWM");
                            });
}

// ---- statistics and output ----------------------------------------------------------------------

std::vector<Run> all_runs;

struct Stat {
    double median = nan_v, min = nan_v, max = nan_v;
    int n = 0;
};

Stat stat_of(const std::string& config, const std::string& impl, const std::string& metric) {
    std::vector<double> v;
    for (const auto& r : all_runs)
        if (r.config == config && r.impl == impl) {
            auto it = r.m.find(metric);
            if (it != r.m.end() && !std::isnan(it->second)) v.push_back(it->second);
        }
    Stat s;
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    s.n = static_cast<int>(v.size());
    s.min = v.front();
    s.max = v.back();
    s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    return s;
}

/// Whether every run of (config, impl) has metric == 1 (e.g. every change delivered).
bool all_ones(const std::string& config, const std::string& impl, const std::string& metric) {
    bool any = false;
    for (const auto& r : all_runs)
        if (r.config == config && r.impl == impl) {
            any = true;
            auto it = r.m.find(metric);
            if (it == r.m.end() || it->second != 1) return false;
        }
    return any;
}

std::string human(double v) {
    if (std::isnan(v)) return "-";
    std::ostringstream os;
    const double a = std::fabs(v);
    if (a >= 1e6) os << std::fixed << std::setprecision(a >= 1e7 ? 1 : 2) << v / 1e6 << "M";
    else if (a >= 1e4) os << std::fixed << std::setprecision(0) << v / 1e3 << "k";
    else if (a >= 100) os << std::fixed << std::setprecision(0) << v;
    else if (a >= 10) os << std::fixed << std::setprecision(1) << v;
    else os << std::fixed << std::setprecision(a >= 1 ? 2 : 3) << v;
    return os.str();
}

std::string cell(const Stat& s) {
    if (s.n == 0) return "-";
    if (s.n == 1) return human(s.median);
    return human(s.median) + " [" + human(s.min) + "-" + human(s.max) + "]";
}

std::string ratio(double a, double b) {
    if (std::isnan(a) || std::isnan(b) || b == 0) return "-";
    std::ostringstream os;
    os << std::fixed << std::setprecision(a / b >= 10 ? 1 : 2) << a / b << "x";
    return os.str();
}

std::string json_num(double v) {
    if (std::isnan(v) || std::isinf(v)) return "null";
    std::ostringstream os;
    os << std::setprecision(10) << v;
    return os.str();
}

std::string json_str(const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\', o += c;
        else if (static_cast<unsigned char>(c) < 0x20) o += ' ';
        else o += c;
    }
    return o + "\"";
}

struct Row {
    std::string case_id, what, config, metric, unit;
    Stat zro, zmq, qtro;
    std::string target, verdict;
};
std::vector<Row> rows;

Row& add_row(const std::string& case_id, const std::string& what, const std::string& config, const std::string& metric,
             const std::string& unit) {
    Row r{case_id, what, config, metric, unit, stat_of(config, "zro", metric), stat_of(config, "zmq", metric),
          stat_of(config, "qtro", metric), "", ""};
    rows.push_back(r);
    return rows.back();
}

bool have(const std::string& impl) { return std::find(S.impls.begin(), S.impls.end(), impl) != S.impls.end(); }

std::string verdict_ge(double zro, double ref, double factor, bool extra_ok, const std::string& ref_name) {
    if (std::isnan(ref)) return "n/a (no " + ref_name + " figure)";
    if (std::isnan(zro)) return "NOT MET (no zro figure)";
    const double x = zro / ref;
    std::ostringstream os;
    os << std::fixed << std::setprecision(2);
    if (x >= factor && extra_ok) os << "met (" << x << "x)";
    else if (!extra_ok) os << "NOT MET (not every change delivered)";
    else os << "NOT MET (" << x << "x of " << factor << "x: short by " << factor / x << "x)";
    return os.str();
}

std::string verdict_le(double zro, double ref, double factor, const std::string& ref_name) {
    if (std::isnan(ref)) return "n/a (no " + ref_name + " figure)";
    if (std::isnan(zro)) return "NOT MET (no zro figure)";
    const double x = zro / ref;
    std::ostringstream os;
    os << std::fixed << std::setprecision(2);
    if (x <= factor) os << "met (" << x << "x)";
    else os << "NOT MET (" << x << "x, limit " << factor << "x: over by " << x / factor << "x)";
    return os.str();
}

/// "met (x MiB)" when `zro` is at most `limit` (an absolute figure, not a ratio).
std::string verdict_at_most(double zro, double limit, const std::string& unit) {
    if (std::isnan(zro)) return "NOT MET (no zro figure)";
    std::ostringstream os;
    os << std::fixed << std::setprecision(2);
    if (zro <= limit) os << "met (" << zro << " " << unit << ")";
    else os << "NOT MET (" << zro << " " << unit << ": over by " << zro - limit << " " << unit << ")";
    return os.str();
}

std::string read_first(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) {
            auto c = line.find(':');
            std::string v = c == std::string::npos ? line : line.substr(c + 1);
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
            return v;
        }
    return "";
}

} // namespace

int main(int argc, char** argv) {
    std::string json_path = "bench-results.json";
    std::string impls_arg;
    bool reps_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (a == "--quick") S.quick = true;
        else if (a == "--reps") { S.reps = std::atoi(next().c_str()); reps_given = true; }
        else if (a == "--json") json_path = next();
        else if (a == "--logdir") S.logdir = next();
        else if (a == "--impls") impls_arg = next();
        else if (a == "--cases") {
            S.cases.clear();
            std::istringstream is(next());
            std::string t;
            while (std::getline(is, t, ',')) S.cases.insert(std::atoi(t.c_str()));
        } else {
            std::cerr << "usage: zro_bench_driver [--quick] [--reps R] [--json FILE] [--cases 1,2,...,9] [--impls zro,zmq,qtro] [--logdir DIR]\n";
            return 2;
        }
    }
    S.peer = {{"zro", ZRO_PEER}, {"zmq", ZMQ_PEER}, {"qtro", QTRO_PEER}};
    for (const char* impl : {"zro", "zmq", "qtro"}) {
        if (!impls_arg.empty() && impls_arg.find(impl) == std::string::npos) continue;
        if (!S.peer[impl].empty() && ::access(S.peer[impl].c_str(), X_OK) == 0) S.impls.push_back(impl);
    }
    if (S.quick) {
        if (!reps_given) S.reps = 3;
        S.n_prop = 100000;
        S.n_fan = 100000;
        S.n_stall = 300000;
        S.n_seq = 5000;
        S.n_pipe = 20000;
        S.init_iters = 10;
        S.stall_reps = 1;
        S.n_model = 100000;
        S.n_tree = 50000;
        S.n_lat = 1000;
        S.tree_reps = std::min(S.reps, 2);
    } else {
        S.n_prop = 200000;
        S.n_fan = 100000;
        S.n_stall = 1000000;
        S.stall_reps = std::min(S.reps, 3);
        S.tree_reps = std::min(S.reps, 3);
    }

    std::cout << "zro benchmarks: " << (S.quick ? "quick" : "full") << ", " << S.reps << " repetitions, implementations:";
    for (auto& i : S.impls) std::cout << " " << i;
    if (!have("qtro")) std::cout << " (no QtRO: not built or not selected; ratios to QtRO are n/a)";
    std::cout << std::endl;

    // Each config: run every implementation once per repetition, the order rotating per repetition.
    auto repeat = [&](const std::string& config, int reps, const std::vector<std::string>& impls,
                      const std::function<Run(const std::string&)>& one) {
        for (int r = 0; r < reps; ++r)
            for (std::size_t j = 0; j < impls.size(); ++j) {
                const std::string& impl = impls[(j + static_cast<std::size_t>(r)) % impls.size()];
                const auto t = Clock::now();
                Run run = one(impl);
                run.rep = r;
                std::cout << "  " << std::left << std::setw(16) << config << " " << std::setw(5) << impl << " rep " << r
                          << " (" << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count() << " ms)";
                for (auto& [k, v] : run.m) std::cout << " " << k << "=" << human(v);
                if (!run.note.empty()) std::cout << "  NOTE:" << run.note;
                std::cout << std::endl;
                all_runs.push_back(std::move(run));
            }
    };
    const bool c1 = S.cases.count(1), c2 = S.cases.count(2), c5 = S.cases.count(5), c7 = S.cases.count(7);
    if (c1 || c5 || c7) {
        repeat("prop_k1_b1000", S.reps, S.impls, [&](const std::string& i) { return run_prop(i, "prop_k1_b1000", 1, S.n_prop, 1000, false); });
    }
    if (c1 && have("zro")) {
        // The same as prop_k1_b1000 with zro::DynamicSource::set_property (by name, checked per
        // call) instead of a typed source: what that API costs (zro only).
        repeat("prop_k1_b1000_dyn", S.reps, {"zro"}, [&](const std::string& i) { return run_prop(i, "prop_k1_b1000_dyn", 1, S.n_prop, 1000, false, "dynamic"); });
    }
    if (c1 || c7)
        repeat("prop_k1_b1", S.reps, S.impls, [&](const std::string& i) { return run_prop(i, "prop_k1_b1", 1, S.n_prop, 1, false); });
    if (c2 || c5 || c7) {
        repeat("prop_k4_b1000", S.reps, S.impls, [&](const std::string& i) { return run_prop(i, "prop_k4_b1000", 4, S.n_fan, 1000, false); });
        repeat("prop_k16_b1000", S.reps, S.impls, [&](const std::string& i) { return run_prop(i, "prop_k16_b1000", 16, S.n_fan, 1000, false); });
    }
    if (S.cases.count(3)) {
        repeat("rpc_seq", S.reps, S.impls, [&](const std::string& i) { return run_rpc(i, "rpc_seq", "seq", S.n_seq); });
        repeat("rpc_pipe", S.reps, S.impls, [&](const std::string& i) { return run_rpc(i, "rpc_pipe", "pipe", S.n_pipe); });
    }
    if (S.cases.count(4))
        for (const char* p : {"small", "big", "blob"})
            for (bool reuse : {false, true}) {
                const std::string cfg = std::string("init_") + p + (reuse ? "_warm" : "");
                repeat(cfg, S.reps, S.impls, [&](const std::string& i) { return run_init(i, cfg, p, S.init_iters, reuse); });
            }
    if (S.cases.count(6)) {
        // Raw ZeroMQ has no repair: a stalled SUB either blocks the source (NODROP) or loses
        // messages for good. Only zro and QtRO run this case.
        std::vector<std::string> impls;
        for (auto& i : S.impls) if (i != "zmq") impls.push_back(i);
        repeat("stall_k16", S.stall_reps, impls, [&](const std::string& i) { return run_prop(i, "stall_k16", 16, S.n_stall, 1000, true); });
    }
    if (S.cases.count(8)) {
        // Raw ZeroMQ has no item models: zro beside QtRO only.
        std::vector<std::string> impls;
        for (auto& i : S.impls) if (i != "zmq") impls.push_back(i);
        repeat("model_first100", S.reps, impls, [&](const std::string& i) { return run_model_first(i, "model_first100", S.init_iters); });
        repeat("model_updates", S.reps, impls, [&](const std::string& i) { return run_model_updates(i, "model_updates", S.n_model, 100); });
    }

    // Case 9 (zro only): proxies. The fan-out tree: k replicas on the source directly, or spread
    // over min(k, 4) proxies; then a call through one proxy beside a direct one.
    const std::vector<int> tree_ks{1, 4, 16, 64};
    auto fan_cfg = [](const char* what, int k, bool through) {
        return std::string(what) + "_k" + std::to_string(k) + (through ? "_proxied" : "_direct");
    };
    if (S.cases.count(9) && have("zro")) {
        for (int k : tree_ks)
            for (bool through : {false, true}) {
                const int proxies = through ? std::min(k, 4) : 0;
                const std::string cfg = fan_cfg("fan", k, through), lat = fan_cfg("lat", k, through);
                repeat(cfg, S.tree_reps, {"zro"}, [&](const std::string& i) { return run_prop(i, cfg, k, S.n_tree, 1000, false, "typed", proxies); });
                repeat(lat, S.tree_reps, {"zro"}, [&](const std::string&) { return run_latency(lat, k, S.n_lat, proxies); });
            }
        if (!S.cases.count(3)) {
            repeat("rpc_seq", S.reps, {"zro"}, [&](const std::string& i) { return run_rpc(i, "rpc_seq", "seq", S.n_seq); });
            repeat("rpc_pipe", S.reps, {"zro"}, [&](const std::string& i) { return run_rpc(i, "rpc_pipe", "pipe", S.n_pipe); });
        }
        repeat("rpc_seq_proxied", S.reps, {"zro"}, [&](const std::string& i) { return run_rpc(i, "rpc_seq_proxied", "seq", S.n_seq, 1); });
        repeat("rpc_pipe_proxied", S.reps, {"zro"}, [&](const std::string& i) { return run_rpc(i, "rpc_pipe_proxied", "pipe", S.n_pipe, 1); });
    }

    // ---- the table ---------------------------------------------------------------------------
    const bool q = have("qtro");
    auto delivered = [&](const std::string& config) { return all_ones(config, "zro", "delivered_all"); };
    if (c1 || c5 || c7) {
        auto& r = add_row("1", "changes/s, 1 replica, 1000 changes/turn", "prop_k1_b1000", "rate_per_replica", "1/s");
        r.target = ">= 10x QtRO, all delivered";
        r.verdict = verdict_ge(r.zro.median, q ? r.qtro.median : nan_v, 10, delivered("prop_k1_b1000"), "QtRO");
    }
    if (c1 && have("zro")) {
        auto& r = add_row("1", "changes/s, 1 replica, 1000 changes/turn, zro DynamicSource", "prop_k1_b1000_dyn", "rate_per_replica", "1/s");
        r.qtro = stat_of("prop_k1_b1000", "qtro", "rate_per_replica");  // QtRO's figure of the same runs
        r.zmq = stat_of("prop_k1_b1000", "zmq", "rate_per_replica");
        r.target = "(DynamicSource variant)";
        r.verdict = verdict_ge(r.zro.median, q ? r.qtro.median : nan_v, 10, delivered("prop_k1_b1000_dyn"), "QtRO");
    }
    if (c1 || c7) {
        auto& r = add_row("1", "changes/s, 1 replica, 1 change/turn", "prop_k1_b1", "rate_per_replica", "1/s");
        r.target = ">= 10x QtRO, all delivered";
        r.verdict = verdict_ge(r.zro.median, q ? r.qtro.median : nan_v, 10, delivered("prop_k1_b1"), "QtRO");
    }
    if (c2 || c5 || c7) {
        add_row("2", "changes/s per replica, 4 replicas", "prop_k4_b1000", "rate_per_replica", "1/s");
        add_row("2", "changes/s aggregate, 4 replicas", "prop_k4_b1000", "rate_aggregate", "1/s");
        auto& r = add_row("2", "changes/s per replica, 16 replicas", "prop_k16_b1000", "rate_per_replica", "1/s");
        r.target = ">= 10x QtRO, all delivered";
        r.verdict = verdict_ge(r.zro.median, q ? r.qtro.median : nan_v, 10, delivered("prop_k16_b1000"), "QtRO");
        add_row("2", "changes/s aggregate, 16 replicas", "prop_k16_b1000", "rate_aggregate", "1/s");
    }
    for (const char* cfg : {"prop_k1_b1000", "prop_k1_b1000_dyn", "prop_k1_b1", "prop_k4_b1000", "prop_k16_b1000"}) {
        bool any = false;
        for (auto& run : all_runs) any |= run.config == cfg;
        if (!any) continue;
        auto& r = add_row("1,2", std::string("every change delivered (runs ok / runs): ") + cfg, cfg, "delivered_all", "frac");
        (void)r;
    }
    if (S.cases.count(3)) {
        auto& a = add_row("3", "round trip, sequential, median", "rpc_seq", "median_us", "us");
        a.target = "<= 1.1x raw ZeroMQ";
        a.verdict = verdict_le(a.zro.median, a.zmq.median, 1.1, "raw ZeroMQ");
        add_row("3", "round trip, sequential, p99", "rpc_seq", "p99_us", "us");
        add_row("3", "calls/s, sequential", "rpc_seq", "calls_s", "1/s");
        auto& p = add_row("3", "calls/s, pipelined (100 in flight)", "rpc_pipe", "calls_s", "1/s");
        p.target = ">= 10x QtRO sequential calls/s";
        const Stat qseq = stat_of("rpc_seq", "qtro", "calls_s");
        p.verdict = verdict_ge(p.zro.median, q ? qseq.median : nan_v, 10, true, "QtRO");
    }
    if (S.cases.count(4)) {
        add_row("4", "init, 3 properties, median", "init_small", "median_us", "us");
        add_row("4", "init, 3 properties, first (cold)", "init_small", "first_us", "us");
        auto& b = add_row("4", "init, 1000 properties, median", "init_big", "median_us", "us");
        b.target = "<= 0.5x QtRO";
        b.verdict = verdict_le(b.zro.median, q ? b.qtro.median : nan_v, 0.5, "QtRO");
        add_row("4", "init, 1000 properties, first (cold)", "init_big", "first_us", "us");
        add_row("4", "init, 1 MiB property, median", "init_blob", "median_us", "us");
        add_row("4", "init, 1 MiB property, first (cold)", "init_blob", "first_us", "us");
        add_row("4", "acquire on a live connection, 3 properties, median", "init_small_warm", "median_us", "us");
        auto& w = add_row("4", "acquire on a live connection, 1000 properties, median", "init_big_warm", "median_us", "us");
        w.target = "(not a target: connection set-up excluded)";
        w.verdict = verdict_le(w.zro.median, q ? w.qtro.median : nan_v, 0.5, "QtRO");
        add_row("4", "acquire on a live connection, 1 MiB property, median", "init_blob_warm", "median_us", "us");
    }
    if (c5) {
        auto& r = add_row("5", "replica RSS idle (initialized, 1 replica)", "prop_k1_b1000", "rep_idle_rss_mib", "MiB");
        r.target = "<= 8 MiB";
        r.verdict = verdict_at_most(r.zro.n == 0 ? nan_v : r.zro.median, 8, "MiB");
        add_row("5", "source RSS idle (1 replica)", "prop_k1_b1000", "src_idle_rss_mib", "MiB");
        add_row("5", "replica peak RSS, 1 replica", "prop_k1_b1000", "rep_hwm_mib", "MiB");
        add_row("5", "source peak RSS, 1 replica", "prop_k1_b1000", "src_hwm_mib", "MiB");
        if (c2 || c5) {
            add_row("5", "replica peak RSS, 16 replicas", "prop_k16_b1000", "rep_hwm_mib", "MiB");
            add_row("5", "source peak RSS, 16 replicas", "prop_k16_b1000", "src_hwm_mib", "MiB");
        }
    }
    if (S.cases.count(6)) {
        auto& g = add_row("6", "source growth, 1 of 16 replicas SIGSTOPped", "stall_k16", "src_growth_mib", "MiB");
        g.target = "<= 64 MiB, stalled replica converges";
        const bool conv = all_ones("stall_k16", "zro", "converged");
        if (g.zro.n == 0) g.verdict = "NOT MET (no zro figure)";
        else {
            std::ostringstream os;
            os << std::fixed << std::setprecision(1);
            if (g.zro.max <= 64 && conv) os << "met (max " << g.zro.max << " MiB, converged)";
            else os << "NOT MET (max " << g.zro.max << " MiB" << (g.zro.max > 64 ? " > 64" : "") << (conv ? ", converged)" : ", did NOT converge)");
            g.verdict = os.str();
        }
        add_row("6", "stalled replica converged after SIGCONT (runs ok / runs)", "stall_k16", "converged", "frac");
        add_row("6", "time to converge after SIGCONT", "stall_k16", "converge_ms", "ms");
        add_row("6", "changes the stalled replica got as events", "stall_k16", "stalled_count", "");
    }
    if (c7) {
        add_row("7", "CPU s per 1M delivered changes, 1 replica, 1000/turn", "prop_k1_b1000", "cpu_s_per_M", "s");
        add_row("7", "CPU s per 1M delivered changes, 1 replica, 1/turn", "prop_k1_b1", "cpu_s_per_M", "s");
        add_row("7", "CPU s per 1M delivered changes, 16 replicas", "prop_k16_b1000", "cpu_s_per_M", "s");
    }
    if (S.cases.count(8)) {
        auto& first = add_row("8", "model: acquire (live connection) -> first 100 of 1M rows shown, median", "model_first100", "median_us", "us");
        first.target = "<= 0.5x QtRO";
        first.verdict = verdict_le(first.zro.median, q ? first.qtro.median : nan_v, 0.5, "QtRO");
        add_row("8", "model: acquire -> first 100 rows shown, first after the warm-up", "model_first100", "first_us", "us");
        auto& up = add_row("8", "model: updates/s shown in a 100-row window, source at full speed", "model_updates", "updates_s", "1/s");
        up.target = ">= 10x QtRO, all delivered";
        up.verdict = verdict_ge(up.zro.median, q ? up.qtro.median : nan_v, 10, all_ones("model_updates", "zro", "delivered_all"), "QtRO");
        add_row("8", "model: every update shown (runs ok / runs)", "model_updates", "delivered_all", "frac");
        add_row("8", "model: updates the replica saw of " + std::to_string(S.n_model), "model_updates", "updates_seen", "");
        add_row("8", "model: time from the first change to the last one shown", "model_updates", "final_ms", "ms");
        add_row("8", "model: the source's last change -> shown by the replica", "model_updates", "lag_ms", "ms");
        add_row("8", "model: replica CPU s for the run", "model_updates", "rep_cpu_s", "s");
        auto& rss = add_row("8", "model: replica RSS viewing 100 of 1M rows", "model_updates", "rep_view_rss_mib", "MiB");
        rss.target = "<= 16 MiB";
        rss.verdict = verdict_at_most(rss.zro.n == 0 ? nan_v : rss.zro.median, 16, "MiB");
        add_row("8", "model: source RSS, 1M rows shared", "model_updates", "src_rss_mib", "MiB");
    }
    if (S.cases.count(9) && have("zro")) {
        // zro through proxies beside zro direct: the verdict column gives proxied / direct.
        auto beside = [&](Row& r, const std::string& direct_cfg) {
            const Stat d = stat_of(direct_cfg, "zro", r.metric);
            r.target = "(beside direct: " + cell(d) + ")";
            r.verdict = "proxied/direct " + ratio(r.zro.median, d.median);
        };
        for (int k : tree_ks) {
            const std::string ks = std::to_string(k) + (k == 1 ? " replica" : " replicas");
            const std::string px = std::to_string(std::min(k, 4)) + (k == 1 ? " proxy" : " proxies");
            const std::string fd = fan_cfg("fan", k, false), fp = fan_cfg("fan", k, true);
            const std::string ld = fan_cfg("lat", k, false), lp = fan_cfg("lat", k, true);
            add_row("9", "changes/s per replica, " + ks + ", direct", fd, "rate_per_replica", "1/s");
            beside(add_row("9", "changes/s per replica, " + ks + " through " + px, fp, "rate_per_replica", "1/s"), fd);
            add_row("9", "source CPU s for " + std::to_string(S.n_tree) + " changes, " + ks + ", direct", fd, "src_cpu_s", "s");
            beside(add_row("9", "source CPU s, " + ks + " through " + px, fp, "src_cpu_s", "s"), fd);
            add_row("9", "proxies' CPU s, " + ks + " through " + px, fp, "proxy_cpu_s", "s");
            add_row("9", "CPU s per 1M delivered changes (all processes), " + ks + ", direct", fd, "cpu_s_per_M", "s");
            beside(add_row("9", "CPU s per 1M delivered changes (all processes), " + ks + " through " + px, fp, "cpu_s_per_M", "s"), fd);
            add_row("9", "latency at 1000 changes/s, median, " + ks + ", direct", ld, "lat_median_us", "us");
            beside(add_row("9", "latency at 1000 changes/s, median, " + ks + " through " + px, lp, "lat_median_us", "us"), ld);
            add_row("9", "latency p99 (worst replica), " + ks + ", direct", ld, "lat_p99_us", "us");
            beside(add_row("9", "latency p99 (worst replica), " + ks + " through " + px, lp, "lat_p99_us", "us"), ld);
            for (const auto& c : {fd, fp, ld, lp}) add_row("9", "every change delivered in order (runs ok / runs): " + c, c, "delivered_all", "frac");
        }
        beside(add_row("9", "round trip through a proxy, sequential, median", "rpc_seq_proxied", "median_us", "us"), "rpc_seq");
        beside(add_row("9", "calls/s through a proxy, pipelined (100 in flight)", "rpc_pipe_proxied", "calls_s", "1/s"), "rpc_pipe");
        add_row("9", "every call answered (runs ok / runs): rpc_seq_proxied", "rpc_seq_proxied", "ok", "frac");
        add_row("9", "every call answered (runs ok / runs): rpc_pipe_proxied", "rpc_pipe_proxied", "ok", "frac");
    }
    // delivered/converged rows: show the fraction of runs that were ok instead of a median.
    for (auto& r : rows)
        if (r.unit == "frac")
            for (auto* st : {&r.zro, &r.zmq, &r.qtro}) {
                const std::string impl = st == &r.zro ? "zro" : st == &r.zmq ? "zmq" : "qtro";
                int ok = 0, n = 0;
                for (auto& run : all_runs)
                    if (run.config == r.config && run.impl == impl) {
                        ++n;
                        auto it = run.m.find(r.metric);
                        ok += it != run.m.end() && it->second == 1;
                    }
                *st = Stat{};
                if (n) { st->n = -n; st->median = ok; }
            }

    auto frac_cell = [](const Stat& s) {
        if (s.n >= 0) return cell(s);
        return std::to_string(static_cast<int>(s.median)) + "/" + std::to_string(-s.n);
    };
    std::ostringstream table;
    table << "\n| case | what | unit | zro | raw ZeroMQ | QtRO | zro/raw | zro/QtRO | target | verdict |\n"
          << "|---|---|---|---|---|---|---|---|---|---|\n";
    for (auto& r : rows) {
        const bool frac = r.unit == "frac";
        table << "| " << r.case_id << " | " << r.what << " | " << (frac ? "" : r.unit) << " | " << frac_cell(r.zro) << " | "
              << frac_cell(r.zmq) << " | " << frac_cell(r.qtro) << " | " << (frac ? "" : ratio(r.zro.median, r.zmq.median))
              << " | " << (frac ? "" : ratio(r.zro.median, r.qtro.median)) << " | " << r.target << " | " << r.verdict << " |\n";
    }
    std::cout << table.str() << std::endl;
    std::cout << "cells: median [min-max] over repetitions; rows marked x/y: runs that passed / runs." << std::endl;

    // ---- JSON --------------------------------------------------------------------------------
    utsname u{};
    ::uname(&u);
    int zmaj, zmin, zpat;
    zmq_version(&zmaj, &zmin, &zpat);
    std::ofstream js(json_path);
    js << "{\n  \"machine\": {\"nproc\": " << std::thread::hardware_concurrency()
       << ", \"cpu\": " << json_str(read_first("/proc/cpuinfo", "model name"))
       << ", \"mem_total\": " << json_str(read_first("/proc/meminfo", "MemTotal")) << ", \"kernel\": " << json_str(u.release)
       << ", \"libzmq\": \"" << zmaj << "." << zmin << "." << zpat << "\"},\n";
    js << "  \"mode\": " << json_str(S.quick ? "quick" : "full") << ",\n  \"reps\": " << S.reps << ",\n  \"time\": " << std::time(nullptr)
       << ",\n  \"implementations\": [";
    for (std::size_t i = 0; i < S.impls.size(); ++i) js << (i ? ", " : "") << json_str(S.impls[i]);
    js << "],\n  \"summary\": [\n";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        auto st = [&](const Stat& s) {
            if (s.n < 0) return "{\"ok_runs\": " + json_num(s.median) + ", \"runs\": " + std::to_string(-s.n) + "}";
            return "{\"median\": " + json_num(s.median) + ", \"min\": " + json_num(s.min) + ", \"max\": " + json_num(s.max) +
                   ", \"runs\": " + std::to_string(s.n) + "}";
        };
        js << "    {\"case\": " << json_str(r.case_id) << ", \"what\": " << json_str(r.what) << ", \"config\": " << json_str(r.config)
           << ", \"metric\": " << json_str(r.metric) << ", \"unit\": " << json_str(r.unit) << ", \"zro\": " << st(r.zro)
           << ", \"zmq\": " << st(r.zmq) << ", \"qtro\": " << st(r.qtro)
           << ", \"zro_over_raw\": " << json_num(r.zmq.median != 0 && r.zro.n > 0 && r.zmq.n > 0 ? r.zro.median / r.zmq.median : nan_v)
           << ", \"zro_over_qtro\": " << json_num(r.qtro.median != 0 && r.zro.n > 0 && r.qtro.n > 0 ? r.zro.median / r.qtro.median : nan_v)
           << ", \"target\": " << json_str(r.target) << ", \"verdict\": " << json_str(r.verdict) << "}"
           << (i + 1 < rows.size() ? "," : "") << "\n";
    }
    js << "  ],\n  \"runs\": [\n";
    for (std::size_t i = 0; i < all_runs.size(); ++i) {
        const auto& r = all_runs[i];
        js << "    {\"config\": " << json_str(r.config) << ", \"impl\": " << json_str(r.impl) << ", \"rep\": " << r.rep
           << ", \"note\": " << json_str(r.note) << ", \"metrics\": {";
        bool first = true;
        for (auto& [k, v] : r.m) {
            js << (first ? "" : ", ") << json_str(k) << ": " << json_num(v);
            first = false;
        }
        js << "}}" << (i + 1 < all_runs.size() ? "," : "") << "\n";
    }
    js << "  ]\n}\n";
    std::cout << "results written to " << json_path << std::endl;
    return 0;
}
