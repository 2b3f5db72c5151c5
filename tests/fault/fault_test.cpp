// zro — shared live objects over ZeroMQ.
// Fault-injection suite (docs/RELIABILITY.md, "Fault cases and figures"; issue 7): real processes over tcp on
// 127.0.0.1. The source is zro_test_peer's source mode; replicas, the garbage flood and the
// oversize sender are zro_fault_peer. Each replica records its history (every counter and text
// value its callbacks saw, every tick signal, every notice, every state change) and the test
// checks it against what the source emitted:
//
//   C1 the final state of every replica equals the source's;
//   C2 every observed value sequence is a subsequence of the source's (the source's counter
//      only goes up, by one per change, so: strictly increasing, and inside the range of an
//      incarnation; text "t<k>" is set when k % 50 == 0, "i<k>" at start-up);
//   C3 ticks (emitted as tick(k) when k % 10 == 0) arrive in order without duplicates, and the
//      number missing equals the number the replica reported lost (notices and stats agree);
//   C5 replicas not touched by the fault see no suspect state, gap or loss;
//   and no process reports a sanitizer error.
//
// Figures are printed as "[measured] case key=value" (docs/RELIABILITY.md collects them).
// Environment: ZRO_FAULT_KILLS (kill/restart cycles, default 20), ZRO_SOAK_SECONDS (soak test,
// default 600; the soak test is disabled in ctest runs: scripts/soak.sh runs it).

#include "support/process.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef ZRO_TEST_PEER
#error "ZRO_TEST_PEER must name zro_test_peer"
#endif
#ifndef ZRO_FAULT_PEER
#error "ZRO_FAULT_PEER must name zro_fault_peer"
#endif
#ifndef ZRO_CLI
#error "ZRO_CLI must name the zro command line (it runs zro proxy)"
#endif

using namespace std::chrono_literals;
using zro::test::Clock;
using zro::test::Line;
using zro::test::starts_with;

namespace {

constexpr std::int64_t kTickEvery = 10;
constexpr std::int64_t kTextEvery = 50;
const std::string kName = "TestObject";

long long ms(Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

void measured(const std::string& test, const std::string& kv) { std::cout << "[measured] " << test << " " << kv << std::endl; }

std::map<std::string, std::string> kv(const std::string& line) {
    std::map<std::string, std::string> out;
    std::istringstream in(line);
    std::string tok;
    while (in >> tok) {
        const auto eq = tok.find('=');
        if (eq != std::string::npos) out[tok.substr(0, eq)] = tok.substr(eq + 1);
    }
    return out;
}
long long num(const std::map<std::string, std::string>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? -1 : std::atoll(it->second.c_str());
}

// ---- processes ------------------------------------------------------------------------------

/// A child of this suite: the tests check its stderr themselves (expect_clean), and a failed test
/// shows its last 25 lines.
class Child : public zro::test::Process {
public:
    Child(std::string name, std::vector<std::string> argv) : Process(std::move(name), std::move(argv), options()) {}

private:
    static Options options() {
        Options o;
        o.dump_on_failure = 25;
        o.fail_on_alarm = false;
        return o;
    }
};

/// One incarnation of the source: counter values in [init, bound]; `final` once known.
struct Incarnation {
    std::int64_t init = 0;
    std::int64_t bound = 0;  ///< no value above this was ever set (the burst's end)
    bool killed = false;
    std::int64_t final = -1;
};

struct Source {
    std::unique_ptr<Child> proc;
    std::string url;
};

Source start_source(const std::string& bind, std::int64_t init, const std::string& label = "source") {
    Source s;
    s.proc = std::make_unique<Child>(label, std::vector<std::string>{ZRO_TEST_PEER, "source", "--url", bind, "--name", kName, "--heartbeat-ms", "100",
                                                                     "--init-counter", std::to_string(init), "--init-text", "i" + std::to_string(init),
                                                                     "--signal-every", std::to_string(kTickEvery), "--text-every", std::to_string(kTextEvery)});
    if (auto l = s.proc->wait_prefix("READY ", 15s)) s.url = l->text.substr(6);
    else ADD_FAILURE() << label << " did not print READY\n" << s.proc->tail();
    return s;
}

std::unique_ptr<Child> start_replica(const std::string& url, const std::string& label, std::vector<std::string> extra = {}) {
    std::vector<std::string> a{ZRO_FAULT_PEER, "replica", "--url", url, "--name", kName, "--heartbeat-ms", "100", "--history", "1"};
    a.insert(a.end(), extra.begin(), extra.end());
    return std::make_unique<Child>(label, a);
}

/// Waits for "STATE Valid" at or after line `from`; returns when it came.
std::optional<Clock::time_point> wait_valid(Child& r, std::size_t from, std::chrono::milliseconds timeout = 15s) {
    if (auto l = r.wait_line([](const std::string& s) { return starts_with(s, "STATE Valid"); }, timeout, from)) return l->at;
    ADD_FAILURE() << r.name() << " did not become Valid\n" << r.tail();
    return std::nullopt;
}

std::int64_t source_counter(Child& src) {
    auto l = src.ask("status", "STATUS ");
    if (!l) {
        ADD_FAILURE() << src.name() << " did not answer status\n" << src.tail();
        return -1;
    }
    return num(kv(l->text), "counter");
}

/// Waits until the replica's counter reached `target` while valid.
/// Waits until the replica's counter reached `target`, and until every line the replica printed
/// up to then has been read. REACHED is printed inside the change callback of the counter, so
/// the tick signal of the same change is printed after it: a history check made right after
/// REACHED could miss it. A command's answer is printed after everything already delivered, so
/// once it is read, so is the tick.
bool wait_reached(Child& r, std::int64_t target, std::chrono::milliseconds timeout = 30s) {
    const auto from = r.line_count();
    r.send("watch " + std::to_string(target));
    if (!r.wait_prefix("REACHED ", timeout, from)) {
        ADD_FAILURE() << r.name() << " did not reach counter " << target << "\n" << r.tail();
        return false;
    }
    if (r.ask("values", "VALUES ", timeout)) return true;
    ADD_FAILURE() << r.name() << " did not answer 'values'\n" << r.tail();
    return false;
}

std::map<std::string, std::string> stats(Child& r) {
    auto l = r.ask("stats", "STATS ");
    if (!l) {
        ADD_FAILURE() << r.name() << " did not answer stats\n" << r.tail();
        return {};
    }
    return kv(l->text);
}

void expect_clean(const Child& c) {
    for (const auto& a : c.alarms()) ADD_FAILURE() << c.name() << " stderr: " << a;
}

// ---- the history checker --------------------------------------------------------------------

struct Verdict {
    std::uint64_t counters = 0, ticks = 0, ticks_missing = 0, lost_reported = 0, suspects = 0, gaps = 0, resyncs = 0;
    std::int64_t last_counter = -1;
    std::string last_text;
    std::string missing_detail;
};

/// Checks C2 and C3 on replica `r`'s recorded history against the source incarnations `incs`.
/// `joined_late`: the replica may have missed ticks before its first snapshot (not a loss).
Verdict check_history(const Child& r, const std::vector<Incarnation>& incs, bool joined_late = false) {
    Verdict v;
    auto inc_of = [&](std::int64_t c) -> int {
        for (std::size_t i = 0; i < incs.size(); ++i)
            if (c >= incs[i].init && c <= incs[i].bound) return static_cast<int>(i);
        return -1;
    };
    std::int64_t prev_c = -1, prev_tick = -1, prev_text = -1;
    std::vector<std::int64_t> max_seen(incs.size(), -1);
    std::vector<std::int64_t> first_seen(incs.size(), -1);
    std::vector<std::set<std::int64_t>> ticks(incs.size());
    std::uint64_t lost_notices = 0;
    for (const auto& l : r.lines()) {
        const std::string& s = l.text;
        if (starts_with(s, "C ")) {
            const std::int64_t c = std::atoll(s.c_str() + 2);
            ++v.counters;
            if (c <= prev_c) ADD_FAILURE() << r.name() << ": counter went from " << prev_c << " to " << c << " (not a subsequence)";
            const int i = inc_of(c);
            if (i < 0) ADD_FAILURE() << r.name() << ": counter " << c << " was never set by the source";
            else {
                max_seen[static_cast<std::size_t>(i)] = std::max(max_seen[static_cast<std::size_t>(i)], c);
                if (first_seen[static_cast<std::size_t>(i)] < 0) first_seen[static_cast<std::size_t>(i)] = c;
            }
            prev_c = c;
            v.last_counter = c;
        } else if (starts_with(s, "T ")) {
            const std::string t = s.substr(2);
            v.last_text = t;
            std::int64_t k = -1;
            if (t.size() > 1 && (t[0] == 't' || t[0] == 'i')) k = std::atoll(t.c_str() + 1);
            const bool ok = k >= 0 && inc_of(k) >= 0 && (t[0] == 'i' ? incs[static_cast<std::size_t>(inc_of(k))].init == k : k % kTextEvery == 0);
            if (!ok) ADD_FAILURE() << r.name() << ": text '" << t << "' was never set by the source";
            if (k <= prev_text) ADD_FAILURE() << r.name() << ": text went back from key " << prev_text << " to '" << t << "'";
            prev_text = k;
        } else if (starts_with(s, "S ")) {
            const std::int64_t n = std::atoll(s.c_str() + 2);
            ++v.ticks;
            if (n <= prev_tick) ADD_FAILURE() << r.name() << ": tick " << n << " after tick " << prev_tick << " (duplicate or out of order)";
            const int i = inc_of(n);
            if (n % kTickEvery != 0 || i < 0 || n == incs[static_cast<std::size_t>(i)].init)
                ADD_FAILURE() << r.name() << ": tick " << n << " was never emitted";
            else ticks[static_cast<std::size_t>(i)].insert(n);
            prev_tick = n;
        } else if (starts_with(s, "N signals_lost ")) {
            std::istringstream in(s.substr(15));
            std::uint64_t a, b, c;
            in >> a >> b >> c;
            lost_notices += c;
        } else if (starts_with(s, "N gap_detected")) {
            ++v.gaps;
        } else if (starts_with(s, "N resynchronized")) {
            ++v.resyncs;
        } else if (starts_with(s, "STATE Suspect")) {
            ++v.suspects;
        }
    }
    // Ticks of each incarnation up to the last state the replica saw of it (for a surviving one,
    // its final value) must be delivered or reported lost.
    for (std::size_t i = 0; i < incs.size(); ++i) {
        if (max_seen[i] < 0) continue;
        const std::int64_t end = incs[i].killed || incs[i].final < 0 ? max_seen[i] : incs[i].final;
        const std::int64_t begin = joined_late ? first_seen[i] : incs[i].init;
        const std::int64_t expected = end / kTickEvery - begin / kTickEvery;
        std::int64_t delivered = 0;
        for (auto n : ticks[i])
            if (n > begin && n <= end) ++delivered;
        const auto missing = static_cast<std::uint64_t>(std::max<std::int64_t>(0, expected - delivered));
        v.ticks_missing += missing;
        if (missing > 0) {
            std::string runs;  // the missing ticks as ranges, for the failure message
            std::int64_t run_start = -1, prev = -1;
            int shown = 0;
            for (std::int64_t n = (begin / kTickEvery + 1) * kTickEvery; n <= end && shown < 8; n += kTickEvery) {
                if (ticks[i].count(n)) continue;
                if (run_start >= 0 && n == prev + kTickEvery) {
                    prev = n;
                    continue;
                }
                if (run_start >= 0) runs += " " + std::to_string(run_start) + ".." + std::to_string(prev), ++shown;
                run_start = prev = n;
            }
            if (run_start >= 0) runs += " " + std::to_string(run_start) + ".." + std::to_string(prev);
            v.missing_detail += " incarnation " + std::to_string(i) + " (init " + std::to_string(incs[i].init) + ", checked to " + std::to_string(end) +
                                "): " + std::to_string(missing) + " missing:" + runs + ";";
        }
    }
    v.lost_reported = lost_notices;
    EXPECT_EQ(v.ticks_missing, v.lost_reported) << r.name() << ": ticks missing vs reported lost (C3):" << v.missing_detail;
    return v;
}

/// C1: the replica's final values equal the source's.
void check_final(Child& r, std::int64_t counter) {
    auto l = r.ask("values", "VALUES ");
    ASSERT_TRUE(l) << r.name() << "\n" << r.tail();
    const auto m = kv(l->text);
    EXPECT_EQ(num(m, "counter"), counter) << r.name() << ": final counter (C1)";
    // text is "t<k>" for the largest k <= counter with k % 50 == 0 (or the incarnation's "i<init>").
    const auto it = m.find("text");
    ASSERT_NE(it, m.end());
    EXPECT_EQ(m.at("state"), "Valid") << r.name();
}
void check_final_text(Child& r, Child& src) {
    auto a = r.ask("values", "VALUES ");
    auto b = src.ask("status", "STATUS ");
    ASSERT_TRUE(a && b);
    EXPECT_EQ(kv(a->text)["text"], kv(b->text)["text"]) << r.name() << ": final text (C1)";
}

std::string pct(std::vector<long long> v) {
    if (v.empty()) return "n/a";
    std::sort(v.begin(), v.end());
    auto at = [&](double p) { return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))]; };
    return "p50=" + std::to_string(at(0.5)) + " p99=" + std::to_string(at(0.99)) + " max=" + std::to_string(v.back());
}

} // namespace

// ---- cases ------------------------------------------------------------------------------------

// R4: the source is SIGKILLed mid-burst and restarted on the same URL, 20 times.
TEST(Fault, SourceKillRestart) {
    const int cycles = std::getenv("ZRO_FAULT_KILLS") ? std::atoi(std::getenv("ZRO_FAULT_KILLS")) : 20;
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    std::vector<std::unique_ptr<Child>> reps;
    for (int i = 0; i < 2; ++i) reps.push_back(start_replica(src.url, "replica-" + std::to_string(i + 1)));
    for (auto& r : reps) ASSERT_TRUE(wait_valid(*r, 0));

    std::mt19937 rng(7);
    std::vector<long long> detect, recover_from_up, outage;
    constexpr std::int64_t burst = 1000000;  // never finishes: the kill ends it
    for (int cycle = 0; cycle < cycles; ++cycle) {
        Incarnation& inc = incs.back();
        inc.bound = inc.init + burst;
        src.proc->send("burst " + std::to_string(burst) + " 10 1");
        std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 250));
        std::vector<std::size_t> mark;
        for (auto& r : reps) mark.push_back(r->line_count());
        const auto t_kill = Clock::now();
        src.proc->signal(SIGKILL);
        src.proc->kill_and_reap();
        expect_clean(*src.proc);
        inc.killed = true;
        for (std::size_t k = 0; k < reps.size(); ++k) {
            auto l = reps[k]->wait_prefix("STATE Suspect", 10s, mark[k]);
            if (!l) {
                ADD_FAILURE() << reps[k]->name() << " never turned Suspect after the kill (cycle " << cycle << ")\n" << reps[k]->tail();
                return;
            }
            detect.push_back(ms(l->at - t_kill));
        }
        // The next incarnation starts well above anything the killed one could have set.
        const std::int64_t init = inc.bound + 1;
        for (auto& r : reps) mark[&r - &reps[0]] = r->line_count();
        src = start_source(src.url, init, "source-" + std::to_string(cycle + 2));
        ASSERT_FALSE(src.url.empty());
        const auto t_up = src.proc->wait_prefix("READY ", 1s)->at;
        incs.push_back({init, init, false, -1});
        for (std::size_t k = 0; k < reps.size(); ++k) {
            auto t = wait_valid(*reps[k], mark[k], 20s);
            if (!t) return;
            recover_from_up.push_back(ms(*t - t_up));
            outage.push_back(ms(*t - t_kill));
        }
    }
    // The last incarnation runs a finite burst, then everything must agree.
    Incarnation& last = incs.back();
    src.proc->send("burst 3000 10 1");
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 60s));
    last.final = source_counter(*src.proc);
    last.bound = last.final;
    for (auto& r : reps) {
        ASSERT_TRUE(wait_reached(*r, last.final));
        check_final(*r, last.final);
        check_final_text(*r, *src.proc);
        const auto v = check_history(*r, incs);
        const auto st = stats(*r);
        measured("SourceKillRestart", r->name() + " values_seen=" + std::to_string(v.counters) + " ticks=" + std::to_string(v.ticks) +
                                          " ticks_missing=" + std::to_string(v.ticks_missing) + " signals_lost_reported=" + std::to_string(v.lost_reported) +
                                          " snapshots=" + st.at("snapshots") + " rss_kb=" + st.at("rss_kb") + " fds=" + st.at("fds"));
        expect_clean(*r);
    }
    measured("SourceKillRestart", "cycles=" + std::to_string(cycles) + " detection_ms " + pct(detect));
    measured("SourceKillRestart", "resync_after_bind_ms " + pct(recover_from_up));
    measured("SourceKillRestart", "outage_kill_to_valid_ms " + pct(outage));
    for (auto& r : reps) EXPECT_EQ(r->ask("quit", "BYE") ? 0 : 1, 0);
    expect_clean(*src.proc);
}

// R5: the source is SIGSTOPped for 2 s mid-burst, then continued.
TEST(Fault, SourceStopCont) {
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    std::vector<std::unique_ptr<Child>> reps;
    for (int i = 0; i < 2; ++i) reps.push_back(start_replica(src.url, "replica-" + std::to_string(i + 1)));
    for (auto& r : reps) ASSERT_TRUE(wait_valid(*r, 0));

    src.proc->send("burst 6000 5 1");  // ~5000 changes/s for ~1.2 s plus the pause
    incs[0].bound = 6000;
    std::this_thread::sleep_for(400ms);
    std::vector<std::size_t> mark;
    for (auto& r : reps) mark.push_back(r->line_count());
    const auto t_stop = Clock::now();
    src.proc->signal(SIGSTOP);
    std::vector<long long> detect;
    for (std::size_t k = 0; k < reps.size(); ++k) {
        auto l = reps[k]->wait_prefix("STATE Suspect", 5s, mark[k]);
        if (l) detect.push_back(ms(l->at - t_stop));
        else ADD_FAILURE() << reps[k]->name() << " did not turn Suspect while the source was stopped\n" << reps[k]->tail();
    }
    std::this_thread::sleep_until(t_stop + 2s);
    for (std::size_t k = 0; k < reps.size(); ++k) mark[k] = reps[k]->line_count();
    const auto t_cont = Clock::now();
    src.proc->signal(SIGCONT);
    std::vector<long long> recover;
    for (std::size_t k = 0; k < reps.size(); ++k)
        if (auto t = wait_valid(*reps[k], mark[k], 10s)) recover.push_back(ms(*t - t_cont));
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 60s));
    incs[0].final = source_counter(*src.proc);
    for (auto& r : reps) {
        ASSERT_TRUE(wait_reached(*r, incs[0].final));
        check_final(*r, incs[0].final);
        check_final_text(*r, *src.proc);
        const auto v = check_history(*r, incs);
        const auto st = stats(*r);
        EXPECT_EQ(v.suspects, 1u) << r->name() << ": one Suspect period expected";
        measured("SourceStopCont", r->name() + " snapshots=" + st.at("snapshots") + " repaired_by_snapshot=" + st.at("repaired_by_snapshot") +
                                       " gaps=" + st.at("gaps_detected") + " ticks_missing=" + std::to_string(v.ticks_missing) +
                                       " signals_lost_reported=" + std::to_string(v.lost_reported));
        expect_clean(*r);
    }
    measured("SourceStopCont", "detection_ms " + pct(detect) + " recovery_after_cont_ms " + pct(recover));
    expect_clean(*src.proc);
}

// R7-like: one replica is SIGSTOPped for 2 s while the source publishes one message per change as
// fast as it can; its queues overflow (HWM) and it must repair; the other replica is unaffected.
TEST(Fault, ReplicaStalledUnderLoad) {
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    auto stalled = start_replica(src.url, "stalled");
    auto healthy = start_replica(src.url, "healthy");
    ASSERT_TRUE(wait_valid(*stalled, 0));
    ASSERT_TRUE(wait_valid(*healthy, 0));
    const long src_rss0 = src.proc->rss_kb();
    const long rss0 = stalled->rss_kb();

    src.proc->send("burstfor 3500 1");  // one change per loop turn = one EVENTS message per change
    incs[0].bound = 100000000;
    std::this_thread::sleep_for(300ms);
    stalled->signal(SIGSTOP);
    std::this_thread::sleep_for(2s);
    const long src_rss_peak = src.proc->rss_kb();
    const auto mark = stalled->line_count();
    const auto t_cont = Clock::now();
    stalled->signal(SIGCONT);
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 60s));
    incs[0].final = source_counter(*src.proc);
    incs[0].bound = incs[0].final;
    ASSERT_TRUE(wait_reached(*stalled, incs[0].final));
    const auto t_conv = Clock::now();
    ASSERT_TRUE(wait_reached(*healthy, incs[0].final));
    for (Child* r : {stalled.get(), healthy.get()}) {
        check_final(*r, incs[0].final);
        check_final_text(*r, *src.proc);
    }
    const auto vs = check_history(*stalled, incs);
    const auto vh = check_history(*healthy, incs);
    const auto ss = stats(*stalled);
    const auto sh = stats(*healthy);
    // C5: the healthy replica saw nothing of it.
    EXPECT_EQ(vh.suspects, 0u);
    EXPECT_EQ(num(sh, "gaps_detected"), 0);
    EXPECT_EQ(num(sh, "signals_lost"), 0);
    EXPECT_EQ(num(sh, "snapshots"), 1);
    EXPECT_EQ(num(ss, "signals_lost"), static_cast<long long>(vs.lost_reported));
    (void)mark;
    measured("ReplicaStalledUnderLoad", "changes=" + std::to_string(incs[0].final) + " stalled: gaps=" + ss.at("gaps_detected") +
                                            " repaired_by_replay=" + ss.at("repaired_by_replay") + " repaired_by_snapshot=" + ss.at("repaired_by_snapshot") +
                                            " signals_lost=" + ss.at("signals_lost") + " ticks_missing=" + std::to_string(vs.ticks_missing) +
                                            " suspects=" + std::to_string(vs.suspects) + " rss_kb_before=" + std::to_string(rss0) + " rss_kb_after=" + ss.at("rss_kb"));
    measured("ReplicaStalledUnderLoad", "converged_after_burst_end_ms=" + std::to_string(ms(t_conv - t_cont)) + " (from SIGCONT)" +
                                            " source_rss_kb_before=" + std::to_string(src_rss0) + " source_rss_kb_during_stall=" + std::to_string(src_rss_peak) +
                                            " healthy: gaps=" + sh.at("gaps_detected") + " suspects=" + std::to_string(vh.suspects));
    expect_clean(*stalled);
    expect_clean(*healthy);
    expect_clean(*src.proc);
}

// R7: a replica whose callbacks take 1 ms per change while the source publishes ~2500 changes/s;
// a fast replica beside it is unaffected; the slow one converges once the load stops.
TEST(Fault, SlowReplicaCallbacks) {
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    auto slow = start_replica(src.url, "slow", {"--callback-ms", "1"});
    auto fast = start_replica(src.url, "fast");
    ASSERT_TRUE(wait_valid(*slow, 0));
    ASSERT_TRUE(wait_valid(*fast, 0));
    const long rss0 = slow->rss_kb();
    src.proc->send("burst 6000 5 2");  // 5 changes every 2 ms
    incs[0].bound = 6000;
    long rss_peak = rss0;
    while (!src.proc->wait_prefix("BURST_DONE", 100ms)) rss_peak = std::max(rss_peak, slow->rss_kb());
    const auto t_end = Clock::now();
    incs[0].final = source_counter(*src.proc);
    ASSERT_TRUE(wait_reached(*fast, incs[0].final));
    const auto t_fast = Clock::now();
    ASSERT_TRUE(wait_reached(*slow, incs[0].final, 60s));
    const auto t_slow = Clock::now();
    for (Child* r : {slow.get(), fast.get()}) {
        check_final(*r, incs[0].final);
        check_final_text(*r, *src.proc);
    }
    const auto vs = check_history(*slow, incs);
    const auto vf = check_history(*fast, incs);
    const auto ss = stats(*slow);
    const auto sf = stats(*fast);
    EXPECT_EQ(vf.suspects, 0u);
    EXPECT_EQ(num(sf, "gaps_detected"), 0);
    EXPECT_EQ(num(sf, "signals_lost"), 0);
    EXPECT_LT(rss_peak - rss0, 64 * 1024) << "slow replica RSS growth";
    measured("SlowReplicaCallbacks", "changes=" + std::to_string(incs[0].final) + " slow: suspects=" + std::to_string(vs.suspects) +
                                         " gaps=" + ss.at("gaps_detected") + " signals_lost=" + ss.at("signals_lost") +
                                         " rss_kb_before=" + std::to_string(rss0) + " rss_kb_peak=" + std::to_string(rss_peak) +
                                         " lag_after_load_ms=" + std::to_string(ms(t_slow - t_end)) + " fast_lag_ms=" + std::to_string(ms(t_fast - t_end)));
    expect_clean(*slow);
    expect_clean(*fast);
    expect_clean(*src.proc);
}

// R8: replicas join in waves while the source publishes one message per change back to back.
TEST(Fault, LateJoiners) {
    std::vector<Incarnation> incs{{0, 100000000, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    src.proc->send("burstfor 6000 1");
    std::vector<long long> acquire_ms;
    std::uint64_t joiners = 0;
    std::vector<std::unique_ptr<Child>> last_wave;
    for (int wave = 0; wave < 6; ++wave) {
        std::vector<std::unique_ptr<Child>> ws;
        std::vector<Clock::time_point> t0;
        for (int k = 0; k < 4; ++k) {
            t0.push_back(Clock::now());
            ws.push_back(start_replica(src.url, "joiner-" + std::to_string(wave) + "-" + std::to_string(k)));
        }
        for (std::size_t k = 0; k < ws.size(); ++k)
            if (auto t = wait_valid(*ws[k], 0)) acquire_ms.push_back(ms(*t - t0[k]));
        joiners += ws.size();
        std::this_thread::sleep_for(300ms);
        if (wave + 1 < 6) {
            for (auto& w : ws) {
                w->send("quit");
                const auto status = w->wait_exit(5s);
                if (!status) w->kill_and_reap();
                EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << w->tail();
                // The whole history is read (the check counts up to the last counter seen).
                const auto lines = w->lines();
                EXPECT_TRUE(!lines.empty() && lines.back().text == "BYE") << w->tail();
                check_history(*w, incs, true);
                expect_clean(*w);
            }
        } else {
            last_wave = std::move(ws);
        }
    }
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 60s));
    incs[0].final = source_counter(*src.proc);
    std::uint64_t resyncs = 0, gaps = 0;
    for (auto& w : last_wave) {
        ASSERT_TRUE(wait_reached(*w, incs[0].final));
        check_final(*w, incs[0].final);
        check_final_text(*w, *src.proc);
        const auto v = check_history(*w, incs, true);
        EXPECT_EQ(v.suspects, 0u) << w->name();
        resyncs += v.resyncs;
        gaps += v.gaps;
        expect_clean(*w);
    }
    measured("LateJoiners", "joiners=" + std::to_string(joiners) + " changes=" + std::to_string(incs[0].final) + " acquisition_ms " + pct(acquire_ms) +
                                " last_wave_gaps=" + std::to_string(gaps) + " last_wave_resyncs=" + std::to_string(resyncs));
    expect_clean(*src.proc);
}

// R9: a hostile peer floods the ROUTER and PUB ports (raw TCP garbage, garbage ZMTP frames,
// garbage subscriptions) while a good replica calls methods and follows the state.
TEST(Fault, GarbageFlood) {
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    auto good = start_replica(src.url, "good");
    ASSERT_TRUE(wait_valid(*good, 0));
    auto base = good->ask("calls 300", "CALLS_DONE", 60s);
    ASSERT_TRUE(base);
    const auto b = kv(base->text);
    const long src_rss0 = src.proc->rss_kb();
    const int src_fds0 = src.proc->fd_count();

    auto flood = std::make_unique<Child>("flood", std::vector<std::string>{ZRO_FAULT_PEER, "flood", "--url", src.url, "--ms", "4000", "--rate", "1000"});
    std::this_thread::sleep_for(300ms);
    src.proc->send("burst 4000 4 2");
    incs[0].bound = 4000;
    auto during = good->ask("calls 1500", "CALLS_DONE", 60s);
    ASSERT_TRUE(during);
    auto fd = flood->wait_prefix("FLOOD_DONE", 30s);
    ASSERT_TRUE(fd) << flood->tail();
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 60s));
    incs[0].final = source_counter(*src.proc);
    ASSERT_TRUE(wait_reached(*good, incs[0].final));
    check_final(*good, incs[0].final);
    check_final_text(*good, *src.proc);
    const auto v = check_history(*good, incs);
    const auto d = kv(during->text);
    const auto st = stats(*good);
    EXPECT_EQ(num(d, "fail"), 0);
    EXPECT_EQ(num(d, "wrong"), 0);
    EXPECT_EQ(num(d, "ok"), 1500);
    EXPECT_EQ(v.suspects, 0u);
    EXPECT_EQ(num(st, "malformed_messages"), 0);
    EXPECT_EQ(num(st, "signals_lost"), 0);
    std::this_thread::sleep_for(500ms);  // let the host drop the flood's connections
    const long src_rss1 = src.proc->rss_kb();
    const int src_fds1 = src.proc->fd_count();
    EXPECT_LE(src_fds1, src_fds0 + 2) << "host descriptors after the flood";
    measured("GarbageFlood", "flood: " + fd->text.substr(11) + " good client: baseline p50_us=" + b.at("p50_us") + " p99_us=" + b.at("p99_us") +
                                 " during p50_us=" + d.at("p50_us") + " p99_us=" + d.at("p99_us") + " max_us=" + d.at("max_us") + " failures=" + d.at("fail"));
    measured("GarbageFlood", "host rss_kb " + std::to_string(src_rss0) + "->" + std::to_string(src_rss1) + " fds " + std::to_string(src_fds0) + "->" +
                                 std::to_string(src_fds1) + " replica suspects=" + std::to_string(v.suspects));
    expect_clean(*good);
    expect_clean(*flood);
    expect_clean(*src.proc);
}

// R10: a 40 MiB frame to a host whose limit is 16 MiB (ZeroMQ drops above 2 x 16 MiB): the
// sender's connection is dropped, nothing reaches the application, other clients go on; a zro
// call with a 40 MiB argument fails locally with too_large.
TEST(Fault, OversizedMessages) {
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    auto good = start_replica(src.url, "good");
    ASSERT_TRUE(wait_valid(*good, 0));
    auto over = std::make_unique<Child>("oversize", std::vector<std::string>{ZRO_FAULT_PEER, "oversize", "--url", src.url, "--name", kName,
                                                                            "--bytes", std::to_string(40 << 20)});
    auto l = over->wait_prefix("OVERSIZE_DONE", 60s);
    ASSERT_TRUE(l) << over->tail();
    const auto m = kv(l->text);
    EXPECT_EQ(m.at("raw_disconnected"), "1");
    EXPECT_EQ(m.at("local_error"), "too_large");
    EXPECT_EQ(m.at("welcomed"), "1");
    src.proc->send("burst 500 5 1");
    incs[0].bound = 500;
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 60s));
    incs[0].final = source_counter(*src.proc);
    ASSERT_TRUE(wait_reached(*good, incs[0].final));
    check_final(*good, incs[0].final);
    const auto v = check_history(*good, incs);
    EXPECT_EQ(v.suspects, 0u);
    auto calls = good->ask("calls 50", "CALLS_DONE", 30s);
    ASSERT_TRUE(calls);
    EXPECT_EQ(num(kv(calls->text), "ok"), 50);
    measured("OversizedMessages", l->text.substr(14) + " host_rss_kb=" + std::to_string(src.proc->rss_kb()) + " good_replica_suspects=" + std::to_string(v.suspects));
    expect_clean(*good);
    expect_clean(*over);
    expect_clean(*src.proc);
}

// R14 (loopback part): the chaos loop for ZRO_SOAK_SECONDS (default 600). Disabled in the
// normal run; scripts/soak.sh runs it (--gtest_also_run_disabled_tests). While the source
// publishes continuously (up to 500 changes/s; one replica's callbacks take 1 ms each): SIGKILL +
// restart every 30 s, SIGSTOP 1 s every 45 s, a garbage flood
// of 3 s every 20 s, one replica SIGSTOPped 1 s every 15 s. At the end C1-C3 hold for every
// replica over all incarnations, and the long-lived replicas' RSS and descriptor counts (sampled
// every 5 s) do not grow: the last third's peak RSS is within 20 % + 4 MiB of the first third's,
// and its peak descriptor count within 2 of the first third's.
TEST(FaultSoak, DISABLED_Chaos) {
    const int seconds = std::getenv("ZRO_SOAK_SECONDS") ? std::atoi(std::getenv("ZRO_SOAK_SECONDS")) : 600;
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    const std::string url = src.url;
    std::vector<std::unique_ptr<Child>> reps;
    reps.push_back(start_replica(url, "steady"));
    reps.push_back(start_replica(url, "slow", {"--callback-ms", "1"}));
    reps.push_back(start_replica(url, "stalled"));
    for (auto& r : reps) ASSERT_TRUE(wait_valid(*r, 0));

    constexpr std::int64_t burst = 100000000;
    auto begin_burst = [&] {
        incs.back().bound = incs.back().init + burst;
        src.proc->send("burst " + std::to_string(burst) + " 1 2");  // up to 500 changes/s
    };
    begin_burst();
    struct Sample {
        int t;
        std::vector<long> rss;
        std::vector<int> fds;
    };
    std::vector<Sample> samples;
    std::vector<long long> detect, resync;
    std::unique_ptr<Child> flood;
    int kills = 0, stops = 0, floods = 0, stalls = 0;
    const auto t0 = Clock::now();
    for (int t = 1; t <= seconds; ++t) {
        std::this_thread::sleep_until(t0 + std::chrono::seconds(t));
        if (t % 30 == 0) {
            std::vector<std::size_t> mark;
            for (auto& r : reps) mark.push_back(r->line_count());
            const auto t_kill = Clock::now();
            src.proc->kill_and_reap();
            expect_clean(*src.proc);
            incs.back().killed = true;
            if (auto l = reps[0]->wait_prefix("STATE Suspect", 10s, mark[0])) detect.push_back(ms(l->at - t_kill));
            const std::int64_t init = incs.back().bound + 1;
            for (std::size_t k = 0; k < reps.size(); ++k) mark[k] = reps[k]->line_count();
            src = start_source(url, init, "source-" + std::to_string(++kills + 1));
            ASSERT_FALSE(src.url.empty());
            incs.push_back({init, init, false, -1});
            const auto t_up = Clock::now();
            // Publishing resumes once every replica is on the new incarnation, so that the
            // resync time is measured on an idle source.
            for (std::size_t k = 0; k < reps.size(); ++k)
                if (auto tv = wait_valid(*reps[k], mark[k], 120s)) resync.push_back(ms(*tv - t_up));
            begin_burst();
        } else if (t % 45 == 0) {
            src.proc->signal(SIGSTOP);
            std::this_thread::sleep_for(1s);
            src.proc->signal(SIGCONT);
            ++stops;
        }
        if (t % 20 == 0) {
            if (flood) expect_clean(*flood);
            flood = std::make_unique<Child>("flood", std::vector<std::string>{ZRO_FAULT_PEER, "flood", "--url", url, "--ms", "3000", "--rate", "500"});
            ++floods;
        }
        if (t % 15 == 0) {
            reps[2]->signal(SIGSTOP);
            std::this_thread::sleep_for(1s);
            reps[2]->signal(SIGCONT);
            ++stalls;
        }
        if (t % 5 == 0) {
            Sample s{t, {}, {}};
            for (auto& r : reps) {
                s.rss.push_back(r->rss_kb());
                s.fds.push_back(r->fd_count());
            }
            samples.push_back(s);
        }
    }
    if (flood) flood->wait_prefix("FLOOD_DONE", 10s);
    src.proc->kill_and_reap();  // stop the endless burst the clean way for the model: one more incarnation
    incs.back().killed = true;
    const std::int64_t init = incs.back().bound + 1;
    std::vector<std::size_t> mark;
    for (auto& r : reps) mark.push_back(r->line_count());
    src = start_source(url, init, "source-final");
    ASSERT_FALSE(src.url.empty());
    incs.push_back({init, init, false, -1});
    for (std::size_t k = 0; k < reps.size(); ++k) ASSERT_TRUE(wait_valid(*reps[k], mark[k], 120s));
    src.proc->send("burst 1000 2 1");
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 60s));
    incs.back().final = source_counter(*src.proc);
    incs.back().bound = incs.back().final;
    for (auto& r : reps) {
        ASSERT_TRUE(wait_reached(*r, incs.back().final, 60s));
        check_final(*r, incs.back().final);
        check_final_text(*r, *src.proc);
        const auto v = check_history(*r, incs);
        const auto st = stats(*r);
        measured("Soak", r->name() + " values_seen=" + std::to_string(v.counters) + " ticks=" + std::to_string(v.ticks) + " ticks_missing=" +
                             std::to_string(v.ticks_missing) + " signals_lost_reported=" + std::to_string(v.lost_reported) + " gaps=" + st.at("gaps_detected") +
                             " snapshots=" + st.at("snapshots") + " suspects=" + std::to_string(v.suspects));
        expect_clean(*r);
    }
    // Resources: compare the first and the last third of the samples.
    ASSERT_GE(samples.size(), 6u);
    const std::size_t third = samples.size() / 3;
    for (std::size_t k = 0; k < reps.size(); ++k) {
        long first = 0, last = 0;
        int fd_first = 0, fd_last = 0;
        for (std::size_t i = 0; i < third; ++i) first = std::max(first, samples[i].rss[k]), fd_first = std::max(fd_first, samples[i].fds[k]);
        for (std::size_t i = samples.size() - third; i < samples.size(); ++i)
            last = std::max(last, samples[i].rss[k]), fd_last = std::max(fd_last, samples[i].fds[k]);
        // A leak grows with the number of cycles; queues (bounded by the HWMs) may fill and drain.
        EXPECT_LE(last, first + first / 5 + 4096) << reps[k]->name() << ": RSS grew (kB)";
        EXPECT_LE(fd_last, fd_first + 2) << reps[k]->name() << ": descriptors grew";
        measured("Soak", reps[k]->name() + " rss_kb_first_third_peak=" + std::to_string(first) + " rss_kb_last_third_peak=" + std::to_string(last) +
                             " fds_first_third_max=" + std::to_string(fd_first) + " fds_last_third_max=" + std::to_string(fd_last));
    }
    measured("Soak", "seconds=" + std::to_string(seconds) + " kills=" + std::to_string(kills) + " stops=" + std::to_string(stops) + " floods=" +
                         std::to_string(floods) + " replica_stalls=" + std::to_string(stalls) + " detection_ms " + pct(detect) + " resync_after_bind_ms " +
                         pct(resync));
    expect_clean(*src.proc);
}

// ---- lab cases: network namespaces (scripts/netlab.sh), root only ------------------------------
// One lab (3 hosts h1..h3 = 10.250.0.1..3 on a bridge, each with its own avahi-daemon) serves
// every FaultLab test of the process; ctest runs them as one test, `fault_lab` (labels fault;lab).
// Without root or without `ip netns`, every case is skipped with the reason.

#if defined(ZRO_NETLAB) && defined(ZRO_DISC_PEER)
namespace {

std::string sh_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'') q += "'\\''";
        else q += c;
    }
    return q + "'";
}

class FaultLab : public ::testing::Test {
public:
    static void SetUpTestSuite() {
        if (::geteuid() != 0) {
            skip_reason() = "not root (the lab needs network namespaces)";
            return;
        }
        lab() = "zf" + std::to_string(::getpid() % 1000000);
        const std::string cmd = std::string(ZRO_NETLAB) + " --lab " + lab() + " up 3 >/tmp/" + lab() + "-up.log 2>&1";
        if (std::system(cmd.c_str()) != 0) {
            skip_reason() = "scripts/netlab.sh up failed (see /tmp/" + lab() + "-up.log)";
            if (std::system((std::string(ZRO_NETLAB) + " --lab " + lab() + " down >/dev/null 2>&1").c_str()) != 0) {
            }
            lab().clear();
        }
    }
    static void TearDownTestSuite() {
        if (!lab().empty() && std::system((std::string(ZRO_NETLAB) + " --lab " + lab() + " down >/dev/null 2>&1").c_str()) != 0) {
        }
    }
    static std::string& lab() {
        static std::string s;
        return s;
    }
    static std::string& skip_reason() {
        static std::string s;
        return s;
    }

protected:
    void SetUp() override {
        if (!skip_reason().empty()) GTEST_SKIP() << "skipping lab test: " << skip_reason();
    }
    /// Runs argv on lab host `h` (h1..h3).
    std::unique_ptr<Child> on(const std::string& h, const std::string& label, std::vector<std::string> argv) {
        std::vector<std::string> a{ZRO_NETLAB, "--lab", lab(), "exec", h};
        a.insert(a.end(), argv.begin(), argv.end());
        return std::make_unique<Child>(label, a);
    }
    int run(const std::string& cmd) { return std::system(cmd.c_str()); }
    std::string ns(const std::string& h) { return lab() + "-" + h; }
    void link(const std::string& h, bool up) {
        ASSERT_EQ(run("ip -n " + lab() + "-br link set v" + h + (up ? " up" : " down")), 0);
    }
    /// Random loss of `pct` % of the packets in and out of host h (nftables), or none (pct 0).
    void loss(const std::string& h, int pct) {
        (void)run("ip netns exec " + ns(h) + " nft delete table inet zfault 2>/dev/null");
        if (pct == 0) return;
        const std::string nft = "ip netns exec " + ns(h) + " nft ";
        ASSERT_EQ(run(nft + "add table inet zfault"), 0);
        ASSERT_EQ(run(nft + sh_quote("add chain inet zfault in { type filter hook input priority 0; policy accept; }")), 0);
        ASSERT_EQ(run(nft + sh_quote("add chain inet zfault out { type filter hook output priority 0; policy accept; }")), 0);
        ASSERT_EQ(run(nft + "add rule inet zfault in numgen random mod 100 " + sh_quote("<") + " " + std::to_string(pct) + " drop"), 0);
        ASSERT_EQ(run(nft + "add rule inet zfault out numgen random mod 100 " + sh_quote("<") + " " + std::to_string(pct) + " drop"), 0);
    }
    Source source_on(const std::string& h, const std::string& hb = "100") {
        Source s;
        s.proc = on(h, "source", {ZRO_TEST_PEER, "source", "--url", "tcp://10.250.0." + h.substr(1) + ":*", "--name", kName, "--heartbeat-ms", hb,
                                  "--init-counter", "0", "--init-text", "i0", "--signal-every", std::to_string(kTickEvery), "--text-every",
                                  std::to_string(kTextEvery)});
        if (auto l = s.proc->wait_prefix("READY ", 15s)) s.url = l->text.substr(6);
        else ADD_FAILURE() << "source did not print READY\n" << s.proc->tail();
        return s;
    }
    std::unique_ptr<Child> replica_on(const std::string& h, const std::string& url, const std::string& label, const std::string& hb = "100") {
        return on(h, label, {ZRO_FAULT_PEER, "replica", "--url", url, "--name", kName, "--heartbeat-ms", hb, "--history", "1"});
    }

    void partition(int seconds);
    void packet_loss(int pct);
};

// R6: the link of the host of one replica goes down for `seconds`, then up again, while the
// source publishes 200 changes/s (one message each); the replica on the other host is unaffected.
void FaultLab::partition(int seconds) {
    const std::string test = "Partition" + std::to_string(seconds) + "s";
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    // Heartbeats 250 ms (suspect after 750 ms of silence): with 100 ms an unaffected replica
    // turned Suspect once in 4 runs on a heavily loaded machine.
    Source src = source_on("h1", "250");
    ASSERT_FALSE(src.url.empty());
    auto cut = replica_on("h2", src.url, "cut-off", "250");
    auto clean = replica_on("h3", src.url, "unaffected", "250");
    ASSERT_TRUE(wait_valid(*cut, 0));
    ASSERT_TRUE(wait_valid(*clean, 0));
    const std::int64_t n = 200LL * (seconds + 6);
    incs[0].bound = n;
    src.proc->send("burst " + std::to_string(n) + " 1 5");
    std::this_thread::sleep_for(1s);
    auto mark = cut->line_count();
    const auto t_down = Clock::now();
    link("h2", false);
    auto sus = cut->wait_prefix("STATE Suspect", 10s, mark);
    EXPECT_TRUE(sus) << cut->tail();
    std::this_thread::sleep_until(t_down + std::chrono::seconds(seconds));
    mark = cut->line_count();
    const auto t_up = Clock::now();
    link("h2", true);
    auto valid = wait_valid(*cut, mark, 30s);
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", std::chrono::seconds(seconds + 60)));
    incs[0].final = source_counter(*src.proc);
    for (Child* r : {cut.get(), clean.get()}) {
        ASSERT_TRUE(wait_reached(*r, incs[0].final));
        check_final(*r, incs[0].final);
        check_final_text(*r, *src.proc);
    }
    const auto vc = check_history(*cut, incs);
    const auto vu = check_history(*clean, incs);
    const auto sc = stats(*cut);
    const auto su = stats(*clean);
    std::string when;  // when an unaffected replica turned Suspect, relative to the link going down
    for (const auto& l : clean->lines())
        if (starts_with(l.text, "STATE ")) when += " [" + std::to_string(ms(l.at - t_down)) + " ms: " + l.text + "]";
    EXPECT_EQ(vu.suspects, 0u) << "unaffected replica's state changes (time since link down):" << when;
    EXPECT_EQ(num(su, "gaps_detected"), 0);
    EXPECT_EQ(num(su, "signals_lost"), 0);
    measured(test, "detection_ms=" + (sus ? std::to_string(ms(sus->at - t_down)) : std::string("none")) +
                       " recovery_after_link_up_ms=" + (valid ? std::to_string(ms(*valid - t_up)) : std::string("none")) +
                       " gaps=" + sc.at("gaps_detected") + " repaired_by_replay=" + sc.at("repaired_by_replay") + " repaired_by_snapshot=" +
                       sc.at("repaired_by_snapshot") + " ticks_missing=" + std::to_string(vc.ticks_missing) + " signals_lost_reported=" +
                       std::to_string(vc.lost_reported) + " unaffected_suspects=" + std::to_string(vu.suspects));
    for (Child* c : {cut.get(), clean.get(), src.proc.get()}) expect_clean(*c);
}

// R2: random loss of `pct` % of the packets in and out of one replica's host (nftables), while
// the source publishes 1000 changes/s for 10 s; heartbeats 1 s (the production default).
void FaultLab::packet_loss(int pct) {
    const std::string test = "PacketLoss" + std::to_string(pct) + "pct";
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = source_on("h1", "1000");
    ASSERT_FALSE(src.url.empty());
    auto lossy = replica_on("h2", src.url, "lossy", "1000");
    auto clean = replica_on("h3", src.url, "unaffected", "1000");
    ASSERT_TRUE(wait_valid(*lossy, 0));
    ASSERT_TRUE(wait_valid(*clean, 0));
    loss("h2", pct);
    incs[0].bound = 10000;
    src.proc->send("burst 10000 5 5");
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 120s));
    const auto t_end = Clock::now();
    incs[0].final = source_counter(*src.proc);
    ASSERT_TRUE(wait_reached(*lossy, incs[0].final, 60s));
    const auto t_lossy = Clock::now();
    loss("h2", 0);
    ASSERT_TRUE(wait_reached(*clean, incs[0].final));
    for (Child* r : {lossy.get(), clean.get()}) {
        check_final(*r, incs[0].final);
        check_final_text(*r, *src.proc);
    }
    const auto vl = check_history(*lossy, incs);
    const auto vu = check_history(*clean, incs);
    const auto sl = stats(*lossy);
    if (pct <= 5) {
        EXPECT_EQ(vl.suspects, 0u) << "false Suspect at " << pct << " % loss (hb 1 s x 3)";
    }
    EXPECT_EQ(vu.suspects, 0u);
    measured(test, "changes=" + std::to_string(incs[0].final) + " lossy: suspects=" + std::to_string(vl.suspects) + " gaps=" + sl.at("gaps_detected") +
                       " signals_lost=" + sl.at("signals_lost") + " ticks_missing=" + std::to_string(vl.ticks_missing) +
                       " lag_after_burst_ms=" + std::to_string(ms(t_lossy - t_end)) + " unaffected_suspects=" + std::to_string(vu.suspects));
    for (Child* c : {lossy.get(), clean.get(), src.proc.get()}) expect_clean(*c);
}

} // namespace

TEST_F(FaultLab, Partition5s) { partition(5); }
TEST_F(FaultLab, Partition60s) { partition(60); }
TEST_F(FaultLab, PacketLoss5pct) { packet_loss(5); }
TEST_F(FaultLab, PacketLoss20pct) { packet_loss(20); }

// R13 (fault side): the avahi-daemons of all three hosts restart. The replica, connected through
// mDNS discovery, stays Valid and keeps receiving; a replica started on the third host afterwards
// (its daemon's cache emptied by the restart) finds the source again: it was re-published.
TEST_F(FaultLab, AvahiRestart) {
    auto src = on("h1", "mdns-source", {ZRO_DISC_PEER, "source", "Counter", "--mdns", "--url", "tcp://10.250.0.1:*", "--hb", "250"});
    ASSERT_TRUE(src->wait_prefix("READY ", 15s)) << src->tail();
    auto rep = on("h2", "mdns-replica", {ZRO_DISC_PEER, "replica", "Counter", "--mdns", "--hb", "250"});
    const auto t_start = Clock::now();
    auto v = rep->wait_prefix("STATE Valid", 30s);
    ASSERT_TRUE(v) << rep->tail();
    const auto discover0 = ms(v->at - t_start);
    const auto mark = rep->line_count();
    const auto t_restart = Clock::now();
    ASSERT_EQ(run(std::string(ZRO_NETLAB) + " --lab " + lab() + " avahi-restart h1 >/dev/null 2>&1"), 0);
    ASSERT_EQ(run(std::string(ZRO_NETLAB) + " --lab " + lab() + " avahi-restart h2 >/dev/null 2>&1"), 0);
    // h3's daemon too, so the late replica there cannot answer from a cache that predates the restarts.
    ASSERT_EQ(run(std::string(ZRO_NETLAB) + " --lab " + lab() + " avahi-restart h3 >/dev/null 2>&1"), 0);
    const auto restarted = Clock::now();
    auto late = on("h3", "mdns-late-replica", {ZRO_DISC_PEER, "replica", "Counter", "--mdns", "--hb", "250"});
    auto lv = late->wait_prefix("STATE Valid", 30s);
    EXPECT_TRUE(lv) << "a replica started after the restarts did not find the source\n" << late->tail() << src->tail();
    std::this_thread::sleep_for(2s);
    // The connected replica never left Valid and kept receiving values.
    EXPECT_FALSE(rep->wait_prefix("STATE Suspect", 0ms, mark)) << rep->tail();
    const auto values_after = rep->wait_prefix("VALUE ", 3s, rep->line_count());
    EXPECT_TRUE(values_after) << "no VALUE line after the restarts\n" << rep->tail();
    measured("AvahiRestart", "first_discovery_ms=" + std::to_string(discover0) + " restart_three_daemons_ms=" + std::to_string(ms(restarted - t_restart)) +
                                 " new_replica_valid_after_restart_ms=" + (lv ? std::to_string(ms(lv->at - restarted)) : std::string("none")) +
                                 " connected_replica_suspects_after_restart=0");
    for (Child* c : {src.get(), rep.get(), late.get()}) expect_clean(*c);
}

// The registry (zro::Registry shared by h3) is SIGKILLed and restarted on the same URL: the
// replica that found its source through it stays Valid; the hosts repopulate the new registry
// (a watcher sees ADDED again) and a replica started afterwards finds the source through it.
TEST_F(FaultLab, RegistryRestart) {
    const std::string reg_url = "tcp://10.250.0.3:5731";
    auto reg = on("h3", "registry", {ZRO_DISC_PEER, "registry", "--url", reg_url, "--hb", "250"});
    ASSERT_TRUE(reg->wait_prefix("READY ", 15s)) << reg->tail();
    auto src = on("h1", "reg-source", {ZRO_DISC_PEER, "source", "Counter", "--registry", reg_url, "--url", "tcp://10.250.0.1:*", "--hb", "250"});
    ASSERT_TRUE(src->wait_prefix("READY ", 15s)) << src->tail();
    auto rep = on("h2", "reg-replica", {ZRO_DISC_PEER, "replica", "Counter", "--registry", reg_url, "--hb", "250"});
    ASSERT_TRUE(rep->wait_prefix("STATE Valid", 30s)) << rep->tail();
    auto watch = on("h2", "reg-watch", {ZRO_DISC_PEER, "watch", "--registry", reg_url, "--hb", "250"});
    // Valid before the kill: a watcher that first meets the restarted registry after the host
    // re-registered sees Counter in its snapshot, not as an ADDED signal (failed once on CI).
    ASSERT_TRUE(watch->wait_prefix("STATE Valid", 15s)) << watch->tail();
    const auto mark = rep->line_count();
    const auto wmark = watch->line_count();
    const auto t_kill = Clock::now();
    reg->kill_and_reap();
    std::this_thread::sleep_for(1s);
    reg = on("h3", "registry-2", {ZRO_DISC_PEER, "registry", "--url", reg_url, "--hb", "250"});
    ASSERT_TRUE(reg->wait_prefix("READY ", 15s)) << reg->tail();
    const auto t_up = Clock::now();
    auto added = watch->wait_prefix("ADDED Counter", 30s, wmark);
    EXPECT_TRUE(added) << "the restarted registry was not repopulated\n" << watch->tail() << reg->tail();
    auto late = on("h2", "reg-late-replica", {ZRO_DISC_PEER, "replica", "Counter", "--registry", reg_url, "--hb", "250"});
    auto lv = late->wait_prefix("STATE Valid", 30s);
    EXPECT_TRUE(lv) << late->tail();
    EXPECT_FALSE(rep->wait_prefix("STATE Suspect", 0ms, mark)) << "the connected replica was disturbed\n" << rep->tail();
    measured("RegistryRestart", "outage_ms=" + std::to_string(ms(t_up - t_kill)) + " repopulated_after_restart_ms=" +
                                    (added ? std::to_string(ms(added->at - t_up)) : std::string("none")) + " new_replica_valid_ms=" +
                                    (lv ? std::to_string(ms(lv->at - t_up)) : std::string("none")) + " connected_replica_suspects=0");
    for (Child* c : {src.get(), rep.get(), watch.get(), late.get(), reg.get()}) expect_clean(*c);
}
#endif

// Signals a restarted source emits before a replica that followed the previous incarnation has
// re-acquired cannot be delivered; they must be counted in signals_lost (the new snapshot's own
// count; this was a bug until ReplicaCore::on_snapshot counted it).
TEST(Fault, SignalsBeforeReacquireReported) {
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    auto r = start_replica(src.url, "replica");
    ASSERT_TRUE(wait_valid(*r, 0));
    src.proc->kill_and_reap();
    incs[0].killed = true;
    const auto mark = r->line_count();
    src = start_source(src.url, 1000, "source-2");
    ASSERT_FALSE(src.url.empty());
    incs.push_back({1000, 1100, false, -1});
    src.proc->send("burst 100 1 0");  // ticks at 1010..1100, at once: before the replica re-acquires
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 10s));
    ASSERT_TRUE(wait_valid(*r, mark));
    incs[1].final = source_counter(*src.proc);
    ASSERT_TRUE(wait_reached(*r, incs[1].final));
    check_history(*r, incs);  // fails: 10 ticks missing, 0 reported
}

// ---- through a proxy (issue 12, point 2) ------------------------------------------------------

/// `zro proxy --from URL --to tcp://127.0.0.1:0` as a child; `url` is where it shares the copies.
struct ProxyProcess {
    std::unique_ptr<Child> proc;
    std::string url;
};

ProxyProcess start_proxy(const std::string& from) {
    ProxyProcess p;
    p.proc = std::make_unique<Child>("zro proxy", std::vector<std::string>{ZRO_CLI, "proxy", "--from", from, "--to", "tcp://127.0.0.1:0"});
    // {"event":"proxying","url":"tcp://127.0.0.1:N","node_id":"..."}
    if (auto l = p.proc->wait_prefix("{\"event\":\"proxying\"", 15s)) {
        const std::string key = "\"url\":\"";
        const auto at = l->text.find(key);
        if (at != std::string::npos) p.url = l->text.substr(at + key.size(), l->text.find('"', at + key.size()) - at - key.size());
    }
    if (p.url.empty()) ADD_FAILURE() << "zro proxy did not print its URL\n" << p.proc->tail();
    return p;
}

// The source is SIGKILLed mid-burst and restarted on the same URL, with the replicas behind a
// `zro proxy` process: they must see what they would see without it (SourceKillRestart): Suspect
// within 3 of the source host's heartbeats, Valid again with the new state, every value a
// subsequence of the source's, every tick delivered or reported lost. A call in flight when the
// source dies fails with source_gone, not a timeout.
TEST(Fault, SourceKillRestartBehindProxy) {
    const int cycles = std::getenv("ZRO_FAULT_KILLS") ? std::min(5, std::atoi(std::getenv("ZRO_FAULT_KILLS"))) : 5;
    constexpr long long heartbeat_ms = 100;  // start_source's --heartbeat-ms
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    ProxyProcess proxy = start_proxy(src.url);
    ASSERT_FALSE(proxy.url.empty());
    std::vector<std::unique_ptr<Child>> reps;
    for (int i = 0; i < 2; ++i) reps.push_back(start_replica(proxy.url, "replica-" + std::to_string(i + 1)));
    for (auto& r : reps) ASSERT_TRUE(wait_valid(*r, 0, 20s));

    std::vector<long long> detect, outage;
    constexpr std::int64_t burst = 1000000;
    for (int cycle = 0; cycle < cycles; ++cycle) {
        Incarnation& inc = incs.back();
        inc.bound = inc.init + burst;
        src.proc->send("burst " + std::to_string(burst) + " 10 1");
        // A call that the source holds for 30 s: it is in flight when the source dies.
        const auto called_from = src.proc->line_count();
        Child call("zro call", {ZRO_CLI, "call", kName, "slow", "30000", "--url", proxy.url, "--timeout", "60s"});
        ASSERT_TRUE(src.proc->wait_prefix("CALLED slow", 15s, called_from)) << call.tail();
        std::this_thread::sleep_for(200ms);
        std::vector<std::size_t> mark;
        for (auto& r : reps) mark.push_back(r->line_count());
        const auto t_kill = Clock::now();
        src.proc->signal(SIGKILL);
        src.proc->kill_and_reap();
        inc.killed = true;
        for (std::size_t k = 0; k < reps.size(); ++k) {
            auto l = reps[k]->wait_prefix("STATE Suspect", 10s, mark[k]);
            ASSERT_TRUE(l) << reps[k]->name() << " never turned Suspect after the kill (cycle " << cycle << ")\n" << reps[k]->tail();
            detect.push_back(ms(l->at - t_kill));
            // 3 heartbeats for the proxy's replica, then UNREACHABLE at once (313-321 ms measured
            // idle); the slack is for a loaded machine and sanitizer builds.
            EXPECT_LE(detect.back(), 3 * heartbeat_ms + 300) << reps[k]->name() << " (cycle " << cycle << ")";
        }
        const auto status = call.wait_exit(10s);
        ASSERT_TRUE(status) << "the call in flight did not end within 10 s of the kill\n" << call.tail();
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << call.tail();  // 1: the remote operation failed
        bool gone = false;
        for (const auto& l : call.stderr_lines()) gone = gone || l.find("source_gone") != std::string::npos;
        EXPECT_TRUE(gone) << "the call in flight did not fail with source_gone:\n" << call.tail();

        const std::int64_t init = inc.bound + 1;
        for (std::size_t k = 0; k < reps.size(); ++k) mark[k] = reps[k]->line_count();
        src = start_source(src.url, init, "source-" + std::to_string(cycle + 2));
        ASSERT_FALSE(src.url.empty());
        incs.push_back({init, init, false, -1});
        for (std::size_t k = 0; k < reps.size(); ++k) {
            auto t = wait_valid(*reps[k], mark[k], 20s);
            if (!t) return;
            outage.push_back(ms(*t - t_kill));
        }
    }
    Incarnation& last = incs.back();
    src.proc->send("burst 3000 10 1");
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 60s));
    last.final = source_counter(*src.proc);
    last.bound = last.final;
    for (auto& r : reps) {
        ASSERT_TRUE(wait_reached(*r, last.final));
        check_final(*r, last.final);
        check_final_text(*r, *src.proc);
        const auto v = check_history(*r, incs);
        measured("SourceKillRestartBehindProxy", r->name() + " values_seen=" + std::to_string(v.counters) + " ticks=" + std::to_string(v.ticks) +
                                                     " ticks_missing=" + std::to_string(v.ticks_missing) +
                                                     " signals_lost_reported=" + std::to_string(v.lost_reported));
        expect_clean(*r);
    }
    measured("SourceKillRestartBehindProxy", "cycles=" + std::to_string(cycles) + " detection_ms " + pct(detect));
    measured("SourceKillRestartBehindProxy", "outage_kill_to_valid_ms " + pct(outage));
    for (auto& r : reps) EXPECT_TRUE(r->ask("quit", "BYE"));
    expect_clean(*proxy.proc);
    expect_clean(*src.proc);
}

// Signals the source emits after a restart, before the proxy's replica re-acquired, are lost to
// the proxy; the replicas behind must report them lost (as SignalsBeforeReacquireReported does
// without a proxy), never see a silent hole.
TEST(Fault, SignalsBeforeReacquireReportedBehindProxy) {
    std::vector<Incarnation> incs{{0, 0, false, -1}};
    Source src = start_source("tcp://127.0.0.1:*", 0);
    ASSERT_FALSE(src.url.empty());
    ProxyProcess proxy = start_proxy(src.url);
    ASSERT_FALSE(proxy.url.empty());
    auto r = start_replica(proxy.url, "replica");
    ASSERT_TRUE(wait_valid(*r, 0, 20s));
    src.proc->kill_and_reap();
    incs[0].killed = true;
    const auto mark = r->line_count();
    src = start_source(src.url, 1000, "source-2");
    ASSERT_FALSE(src.url.empty());
    incs.push_back({1000, 1100, false, -1});
    src.proc->send("burst 100 1 0");  // ticks at 1010..1100, at once: before the proxy re-acquires
    ASSERT_TRUE(src.proc->wait_prefix("BURST_DONE", 10s));
    ASSERT_TRUE(wait_valid(*r, mark, 20s));
    incs[1].final = source_counter(*src.proc);
    ASSERT_TRUE(wait_reached(*r, incs[1].final));
    const auto v = check_history(*r, incs);
    measured("SignalsBeforeReacquireReportedBehindProxy", "ticks=" + std::to_string(v.ticks) + " ticks_missing=" + std::to_string(v.ticks_missing) +
                                                              " signals_lost_reported=" + std::to_string(v.lost_reported));
    expect_clean(*r);
    expect_clean(*proxy.proc);
}
