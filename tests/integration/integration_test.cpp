// zro — shared live objects over ZeroMQ.
// Multi-process integration tests: a source, replicas and a garbage sender run as separate
// processes (zro_test_peer) talking over tcp on 127.0.0.1, ports chosen free at run time. The test
// drives them through stdin and waits for the lines they print (with timeouts; no sleeps standing
// in for conditions). Figures worth recording are printed as "[measured] key=value".

#include "support/ports.hpp"
#include "support/process.hpp"

#include <zro/error.hpp>
#include <zro/value.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#ifndef ZRO_TEST_PEER
#error "ZRO_TEST_PEER must name the zro_test_peer executable"
#endif

using namespace std::chrono_literals;
using zro::test::Clock;
using zro::test::free_tcp_port;
using zro::test::Line;
using zro::test::ms_between;
using zro::test::Process;
using zro::test::starts_with;

namespace {

const std::string kPeer = ZRO_TEST_PEER;
const std::string kName = "TestObject";

std::unique_ptr<Process> spawn_peer(const std::string& label, std::vector<std::string> args) {
    args.insert(args.begin(), kPeer);
    return std::make_unique<Process>(label, std::move(args));
}

/// Starts a source and waits for its READY line; `url` gets the URL it serves (empty on failure).
std::unique_ptr<Process> start_source(std::string& url, std::vector<std::string> extra = {},
                                      const std::string& bind = "tcp://127.0.0.1:*", const std::string& label = "source",
                                      const std::string& heartbeat_ms = "100") {
    std::vector<std::string> a{"source", "--url", bind, "--name", kName, "--heartbeat-ms", heartbeat_ms};
    a.insert(a.end(), extra.begin(), extra.end());
    auto p = spawn_peer(label, a);
    url.clear();
    if (auto l = p->wait_for_prefix("READY ", 10s)) url = l->text.substr(6);
    else ADD_FAILURE() << label << " did not print READY\n" << p->tail();
    return p;
}

std::unique_ptr<Process> start_replica(const std::string& url, const std::string& label, std::vector<std::string> extra = {},
                                       const std::string& name = kName, const std::string& heartbeat_ms = "100") {
    std::vector<std::string> a{"replica", "--url", url, "--name", name, "--heartbeat-ms", heartbeat_ms};
    a.insert(a.end(), extra.begin(), extra.end());
    return spawn_peer(label, a);
}

/// `key=value` pairs of a line such as "STATS a=1 b=2".
std::map<std::string, std::string> kv(const std::string& line) {
    std::map<std::string, std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        const std::size_t sp = line.find(' ', i);
        const std::string tok = line.substr(i, sp == std::string::npos ? std::string::npos : sp - i);
        const std::size_t eq = tok.find('=');
        if (eq != std::string::npos) out[tok.substr(0, eq)] = tok.substr(eq + 1);
        if (sp == std::string::npos) break;
        i = sp + 1;
    }
    return out;
}
long long num(const std::map<std::string, std::string>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? -1 : std::stoll(it->second);
}

/// How a replica peer prints a value (Value::to_string of the same value).
template <class T> std::string V(const T& v) { return zro::Value(v).to_string(); }

/// Sends a call/set command to a replica and returns its answer with the call number removed:
/// "REPLY <value>" or "ERROR <code> <message>".
std::string call(Process& rep, const std::string& command, std::chrono::milliseconds timeout = 5s) {
    if (!rep.send(command)) return "<replica gone>";
    auto l = rep.wait_for(
        [](const std::string& s) { return starts_with(s, "REPLY ") || starts_with(s, "ERROR ") || starts_with(s, "COMMAND_FAILED"); },
        timeout);
    if (!l) return "<no answer to '" + command + "'>";
    const std::string& s = l->text;
    if (starts_with(s, "COMMAND_FAILED")) return s;
    const std::size_t a = s.find(' ');
    const std::size_t b = s.find(' ', a + 1);
    return s.substr(0, a) + (b == std::string::npos ? std::string() : s.substr(b));
}

/// Waits until `line` appears anywhere in the output. For lines that travel on another socket
/// than the line waited for before (a PROP on the SUB vs a REPLY on the DEALER): their relative
/// order is not defined.
bool saw(Process& p, const std::string& line, std::chrono::milliseconds timeout = 5s) {
    return p.wait_line([&](const std::string& s) { return s == line; }, timeout).has_value();
}

std::map<std::string, std::string> stats(Process& rep) {
    auto l = rep.request("stats", "STATS ", 5s);
    if (!l) {
        ADD_FAILURE() << rep.name() << " did not answer 'stats'\n" << rep.tail();
        return {};
    }
    return kv(l->text);
}

void measured(const std::string& key, long long value) {
    std::cout << "[measured] " << key << "=" << value << std::endl;
    ::testing::Test::RecordProperty(key, std::to_string(value));
}

/// The PROP and SIGNAL lines of a replica, in order.
std::vector<std::string> events_of(const Process& rep) {
    std::vector<std::string> out;
    for (const auto& l : rep.lines())
        if (starts_with(l.text, "PROP ") || starts_with(l.text, "SIGNAL ")) out.push_back(l.text);
    return out;
}

std::vector<std::string> lines_starting(const Process& p, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& l : p.lines())
        if (starts_with(l.text, prefix)) out.push_back(l.text);
    return out;
}

} // namespace

// ------------------------------------------------------------------------------------------------
// One source, three replica processes: a burst of 20000 counter changes (100 per loop turn) is
// seen by every replica as 1, 2, ..., 20000: nothing lost, nothing reordered, nothing doubled.
TEST(Integration, ThreeReplicasSeeEveryChangeInOrder) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    std::vector<std::unique_ptr<Process>> reps;
    for (int i = 0; i < 3; ++i) reps.push_back(start_replica(url, "replica" + std::to_string(i)));
    for (auto& r : reps) ASSERT_TRUE(r->wait_for_prefix("INIT", 10s)) << r->tail();

    constexpr std::int64_t N = 20000;
    const auto t0 = Clock::now();
    auto done = src->request("burst " + std::to_string(N) + " 100 0 0 0", "BURST_DONE", 20s);
    ASSERT_TRUE(done) << src->tail();
    EXPECT_EQ(num(kv(done->text), "counter"), N) << done->text;
    const std::string last = "PROP counter " + V(N);
    Clock::time_point converged = t0;
    for (auto& r : reps) {
        auto l = r->wait_for_exact(last, 20s);
        ASSERT_TRUE(l) << r->name() << " never saw counter " << N << "\n" << r->tail();
        converged = std::max(converged, l->at);
    }
    measured("converge_20000_changes_3_replicas_ms", ms_between(t0, converged));

    for (auto& r : reps) {
        std::vector<std::int64_t> seen;
        for (const auto& e : events_of(*r))
            if (starts_with(e, "PROP counter ")) seen.push_back(std::stoll(e.substr(13)));
        ASSERT_EQ(seen.size(), static_cast<std::size_t>(N)) << r->name() << " saw " << seen.size() << " counter changes";
        for (std::int64_t i = 0; i < N; ++i)
            ASSERT_EQ(seen[static_cast<std::size_t>(i)], i + 1) << r->name() << ": change #" << i << " out of order";
        // Gaps are allowed only if they were repaired by replay (then every change was still seen).
        const auto detected = lines_starting(*r, "NOTICE gap_detected").size();
        EXPECT_EQ(detected, lines_starting(*r, "NOTICE gap_repaired").size()) << r->tail();
        EXPECT_TRUE(lines_starting(*r, "NOTICE resynchronized").empty()) << r->tail();
        EXPECT_TRUE(lines_starting(*r, "NOTICE signals_lost").empty()) << r->tail();
        EXPECT_TRUE(lines_starting(*r, "STATE Suspect").empty()) << r->tail();
        auto st = stats(*r);
        EXPECT_EQ(num(st, "deltas_applied"), N);
        EXPECT_EQ(num(st, "counter_violations"), 0);
        EXPECT_EQ(num(st, "malformed_messages"), 0);
        EXPECT_EQ(num(st, "gaps_detected"), num(st, "repaired_by_replay"));
        EXPECT_EQ(num(st, "snapshots"), 1);
    }
}

// ------------------------------------------------------------------------------------------------
// Method calls and property writes from a replica process: results, and every error a caller can
// get. A replica of an object the host does not have stays uninitialized.
TEST(Integration, MethodCallsReturnResultsAndEachError) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica");
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();

    EXPECT_EQ(call(*rep, "call add 2 3"), "REPLY " + V(5));
    EXPECT_EQ(call(*rep, "call add -7 3"), "REPLY " + V(-4));
    EXPECT_EQ(call(*rep, "call add 2147483646 1"), "REPLY " + V(2147483647));
    {
        const zro::Value expected(zro::Value::List{1, "two", 3.5, true, nullptr, zro::Value::map_of({{"k", zro::Value{1, 2}}})});
        EXPECT_EQ(call(*rep, R"(call echo [1, "two", 3.5, true, nil, {"k": [1, 2]}])"), "REPLY " + V(expected));
        EXPECT_EQ(call(*rep, R"(call echo "héllo wörld, with spaces")"), "REPLY " + V("héllo wörld, with spaces"));
        EXPECT_EQ(call(*rep, R"(call echo b"00ff10")"), "REPLY " + V(zro::Value::Bytes{{0x00, 0xff, 0x10}}));
        EXPECT_EQ(call(*rep, "call echo 18446744073709551615"), "REPLY " + V(std::uint64_t{18446744073709551615ull}));
        EXPECT_EQ(call(*rep, "call echo -9223372036854775808"), "REPLY " + V(std::int64_t{INT64_MIN}));
        EXPECT_EQ(call(*rep, "call echo nil"), "REPLY " + V(zro::Value()));
    }
    // Errors.
    std::string r = call(*rep, "call fail");
    EXPECT_TRUE(starts_with(r, "ERROR handler_failed ")) << r;
    EXPECT_NE(r.find("deliberate failure"), std::string::npos) << r;
    r = call(*rep, "call add 2147483647 1");  // the sum does not fit the declared int32 result
    EXPECT_TRUE(starts_with(r, "ERROR handler_failed ")) << r;
    r = call(*rep, "call nope");
    EXPECT_TRUE(starts_with(r, "ERROR unknown_method ")) << r;
    r = call(*rep, "call add 1");
    EXPECT_TRUE(starts_with(r, "ERROR bad_arguments ")) << r;
    r = call(*rep, "call add 1 2 3");
    EXPECT_TRUE(starts_with(r, "ERROR bad_arguments ")) << r;
    r = call(*rep, R"(call add "x" 1)");
    EXPECT_TRUE(starts_with(r, "ERROR bad_arguments ")) << r;
    r = call(*rep, "call add 4294967296 1");
    EXPECT_TRUE(starts_with(r, "ERROR bad_arguments ")) << r;
    // A deferred reply, and a caller that gives up first (the late answer is then ignored).
    EXPECT_EQ(call(*rep, "call slow 50"), "REPLY " + V(50));
    r = call(*rep, "callt 100 slow 600");
    EXPECT_TRUE(starts_with(r, "ERROR timeout ")) << r;
    ASSERT_TRUE(src->wait_for_exact("SLOW_REPLIED 600", 5s)) << src->tail();
    EXPECT_EQ(call(*rep, "call add 20 22"), "REPLY " + V(42));

    // Property writes: READWRITE and READPUSH go through; READONLY and unknown ones do not.
    EXPECT_EQ(call(*rep, "set text hello"), "REPLY " + V(zro::Value()));
    EXPECT_TRUE(saw(*rep, "PROP text " + V("hello"))) << rep->tail();
    EXPECT_EQ(call(*rep, "set counter 42"), "REPLY " + V(zro::Value()));
    EXPECT_TRUE(saw(*rep, "PROP counter " + V(42))) << rep->tail();
    r = call(*rep, "set mode 3");
    EXPECT_TRUE(starts_with(r, "ERROR read_only ")) << r;
    r = call(*rep, "set nope 1");
    EXPECT_TRUE(starts_with(r, "ERROR unknown_property ")) << r;
    r = call(*rep, "set text 5");
    EXPECT_TRUE(starts_with(r, "ERROR bad_arguments ")) << r;
    auto status = src->request("status", "STATUS ");
    ASSERT_TRUE(status);
    EXPECT_EQ(num(kv(status->text), "counter"), 42);

    // An object the host does not have: the host answers unknown_object, the replica stays
    // uninitialized (and says why), and calls fail at once with not_connected.
    auto ghost = start_replica(url, "ghost-replica", {}, "NoSuchObject");
    ASSERT_TRUE(ghost->wait_for_prefix("STARTED", 10s)) << ghost->tail();
    std::string ghost_state;
    for (const auto deadline = Clock::now() + 5s; Clock::now() < deadline;) {
        auto l = ghost->request("state", "STATE_NOW ");
        ASSERT_TRUE(l) << ghost->tail();
        ghost_state = l->text;
        if (ghost_state.find("no object") != std::string::npos) break;
        std::this_thread::sleep_for(50ms);  // poll interval of a condition with a deadline
    }
    EXPECT_TRUE(starts_with(ghost_state, "STATE_NOW Uninitialized ")) << ghost_state;
    EXPECT_NE(ghost_state.find("no object 'NoSuchObject'"), std::string::npos) << ghost_state;
    r = call(*ghost, "call add 1 2");
    EXPECT_TRUE(starts_with(r, "ERROR not_connected ")) << r;
    EXPECT_FALSE(ghost->any_line([](const std::string& s) { return s == "INIT" || starts_with(s, "STATE "); })) << ghost->tail();

    // stop_source(): answered, then the source process exits; its replica turns suspect.
    EXPECT_EQ(call(*rep, "call stop_source"), "REPLY " + V(zro::Value()));
    auto st = src->wait_exit(5s);
    ASSERT_TRUE(st) << "the source did not exit after stop_source()\n" << src->tail();
    EXPECT_TRUE(WIFEXITED(*st) && WEXITSTATUS(*st) == 0) << "wait status " << *st;
    EXPECT_TRUE(rep->wait_for_prefix("STATE Suspect", 5s)) << rep->tail();
}

// ------------------------------------------------------------------------------------------------
// Signals arrive in order with the property changes around them, with their arguments.
TEST(Integration, SignalsArriveInOrderInterleavedWithPropertyChanges) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica");
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();

    constexpr std::int64_t N = 3000, M = 7, X = 11;
    ASSERT_TRUE(src->request("burst " + std::to_string(N) + " 50 0 " + std::to_string(M) + " " + std::to_string(X), "BURST_DONE", 20s))
        << src->tail();
    ASSERT_TRUE(src->request("emit 3 hello", "EMITTED 3", 5s)) << src->tail();
    ASSERT_TRUE(src->request("set text \"the end\"", "OK set text", 5s)) << src->tail();
    ASSERT_TRUE(rep->wait_for_exact("PROP text " + V("the end"), 10s)) << rep->tail();

    std::vector<std::string> expected;
    std::int64_t ticks = 0;
    for (std::int64_t c = 1; c <= N; ++c) {
        expected.push_back("PROP counter " + V(c));
        if (c % M == 0) {
            expected.push_back("SIGNAL tick " + V(c) + " " + V(""));
            ++ticks;
        }
        if (c % X == 0) expected.push_back("PROP text " + V("t" + std::to_string(c)));
    }
    for (int i = 0; i < 3; ++i) expected.push_back("SIGNAL tick " + V(N) + " " + V("hello"));
    expected.push_back("PROP text " + V("the end"));

    const auto got = events_of(*rep);
    for (std::size_t i = 0; i < std::min(got.size(), expected.size()); ++i)
        ASSERT_EQ(got[i], expected[i]) << "event #" << i << " differs";
    EXPECT_EQ(got.size(), expected.size());
    auto st = stats(*rep);
    EXPECT_EQ(num(st, "signals_delivered"), ticks + 3);
    EXPECT_EQ(num(st, "signals_lost"), 0);
    EXPECT_EQ(num(st, "tick_mismatches"), 0);
}

// ------------------------------------------------------------------------------------------------
// A replica started before its source exists becomes valid once the source starts.
TEST(Integration, ReplicaStartedBeforeTheSourceBecomesValidWhenItStarts) {
    const int port = free_tcp_port();
    ASSERT_GT(port, 0);
    const std::string url = "tcp://127.0.0.1:" + std::to_string(port);
    auto rep = start_replica(url, "early-replica");
    ASSERT_TRUE(rep->wait_for_prefix("STARTED", 10s)) << rep->tail();
    auto s = rep->request("state", "STATE_NOW ");
    ASSERT_TRUE(s) << rep->tail();
    EXPECT_TRUE(starts_with(s->text, "STATE_NOW Uninitialized")) << s->text;
    auto r = call(*rep, "call add 1 2");
    EXPECT_TRUE(starts_with(r, "ERROR not_connected ")) << r;

    std::string served;
    auto src = start_source(served, {"--init-text", "early bird", "--init-counter", "11"}, url, "late-source");
    ASSERT_EQ(served, url);
    const auto ready = src->lines().front().at;
    auto valid = rep->wait_for_prefix("STATE Valid Uninitialized", 10s);
    ASSERT_TRUE(valid) << rep->tail();
    measured("late_source_to_valid_ms", ms_between(ready, valid->at));
    auto values = rep->wait_for_prefix("VALUES ", 5s);
    ASSERT_TRUE(values);
    EXPECT_EQ(values->text, "VALUES counter=" + V(11) + " text=" + V("early bird") + " mode=" + V(0));
    EXPECT_TRUE(rep->wait_for_exact("INIT", 5s));
    EXPECT_EQ(call(*rep, "call add 1 2"), "REPLY " + V(3));
}

// ------------------------------------------------------------------------------------------------
// The source process is SIGKILLed and restarted on the same URL: the replica turns Suspect within
// a few heartbeats, then Valid again with the new incarnation's state.
TEST(Integration, SourceKilledAndRestartedOnTheSameUrl) {
    std::string url;
    auto src = start_source(url, {"--init-text", "first life"});
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica");
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();
    ASSERT_TRUE(src->request("set counter 5", "OK set", 5s));
    ASSERT_TRUE(rep->wait_for_exact("PROP counter " + V(5), 5s)) << rep->tail();

    const auto killed = Clock::now();
    ASSERT_TRUE(src->signal(SIGKILL));
    src->kill_and_reap();
    auto suspect = rep->wait_for_prefix("STATE Suspect Valid", 5s);
    ASSERT_TRUE(suspect) << rep->tail();
    const auto suspect_ms = ms_between(killed, suspect->at);
    measured("suspect_after_kill_ms", suspect_ms);
    EXPECT_LT(suspect_ms, 1000) << "heartbeat 100 ms: suspect expected after ~300 ms";
    EXPECT_GE(suspect_ms, 150) << "suspect before three heartbeats could have been missed";
    auto reason = rep->wait_for_prefix("REASON ", 5s);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->text.find("no heartbeat"), std::string::npos) << reason->text;
    auto now = rep->request("state", "STATE_NOW ");
    ASSERT_TRUE(now);
    EXPECT_TRUE(starts_with(now->text, "STATE_NOW Suspect ")) << now->text;
    auto r = call(*rep, "call add 1 2");
    EXPECT_TRUE(starts_with(r, "ERROR not_connected ")) << r;

    std::string again;
    auto src2 = start_source(again, {"--init-text", "second life", "--init-counter", "7"}, url, "source2");
    ASSERT_EQ(again, url);
    const auto ready = src2->lines().front().at;
    auto valid = rep->wait_for_prefix("STATE Valid Suspect", 10s);
    ASSERT_TRUE(valid) << rep->tail();
    measured("valid_after_restart_ms", ms_between(ready, valid->at));
    measured("valid_after_restart_from_spawn_ms", ms_between(src2->started(), valid->at));
    measured("total_outage_ms", ms_between(killed, valid->at));
    EXPECT_LT(ms_between(ready, valid->at), 3000);
    auto values = rep->wait_for_prefix("VALUES ", 5s);
    ASSERT_TRUE(values);
    EXPECT_EQ(values->text, "VALUES counter=" + V(7) + " text=" + V("second life") + " mode=" + V(0));
    EXPECT_TRUE(rep->wait_line([](const std::string& s) { return starts_with(s, "NOTICE source_restarted"); }, 5s)) << rep->tail();
    // The values changed by the restart were reported as changes (before or after STATE Valid).
    EXPECT_TRUE(rep->wait_line([](const std::string& s) { return s == "PROP counter " + V(7); }, 5s)) << rep->tail();
    EXPECT_TRUE(rep->wait_line([](const std::string& s) { return s == "PROP text " + V("second life"); }, 5s)) << rep->tail();
    EXPECT_EQ(call(*rep, "call add 1 1"), "REPLY " + V(2));
    ASSERT_TRUE(src2->request("set counter 8", "OK set", 5s));
    EXPECT_TRUE(rep->wait_for_exact("PROP counter " + V(8), 5s)) << rep->tail();
}

// ------------------------------------------------------------------------------------------------
// A source that shuts down cleanly (SIGTERM) withdraws its object: the replica turns Suspect at
// once (WITHDRAWN), not only after three missed heartbeats. Heartbeat 1000 ms here, so the two
// cases are far apart.
TEST(Integration, CleanSourceShutdownWithdrawsTheObjectAtOnce) {
    std::string url;
    auto src = start_source(url, {}, "tcp://127.0.0.1:*", "source", "1000");
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica", {}, kName, "1000");
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();
    // A change seen through the stream proves the replica's subscription is live (see the known
    // bug WithdrawalRightAfterInitializationIsNoticedAtOnce).
    ASSERT_TRUE(src->request("set counter 1", "OK set", 5s));
    ASSERT_TRUE(saw(*rep, "PROP counter " + V(1))) << rep->tail();
    const auto t0 = Clock::now();
    ASSERT_TRUE(src->signal(SIGTERM));
    auto st = src->wait_exit(5s);
    ASSERT_TRUE(st) << src->tail();
    EXPECT_TRUE(WIFEXITED(*st) && WEXITSTATUS(*st) == 0) << "wait status " << *st;
    auto suspect = rep->wait_for_prefix("STATE Suspect", 6s);
    ASSERT_TRUE(suspect) << rep->tail();
    const auto ms = ms_between(t0, suspect->at);
    measured("suspect_after_sigterm_ms", ms);
    auto reason = rep->wait_for_prefix("REASON ", 5s);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->text.find("withdrawn"), std::string::npos)
        << "the replica noticed the shutdown only by missed heartbeats: " << reason->text;
    EXPECT_LT(ms, 1000);
}

// ------------------------------------------------------------------------------------------------
// A replica SIGSTOPped while the source publishes at full speed for 3 s, then SIGCONT: it reports
// the gap, repairs it, ends equal to the source, and accounts for every signal: delivered or
// reported lost.
TEST(Integration, StoppedReplicaReportsRepairsAndAccountsForTheGap) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "stopped-replica", {"--quiet", "1"});
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();

    ASSERT_TRUE(rep->signal(SIGSTOP));
    auto done = src->request("burstfor 3000 100 10 0", "BURST_DONE", 20s);
    ASSERT_TRUE(done) << src->tail();
    const auto b = kv(done->text);
    const long long C = num(b, "counter"), S = num(b, "signals");
    measured("gap_burst_changes", C);
    measured("gap_burst_signals", S);
    const auto resumed = Clock::now();
    ASSERT_TRUE(rep->signal(SIGCONT));
    auto reached = rep->request("watch counter " + std::to_string(C), "REACHED counter", 30s);
    ASSERT_TRUE(reached) << rep->tail();
    measured("gap_repair_after_sigcont_ms", ms_between(resumed, reached->at));

    auto st = stats(*rep);
    EXPECT_EQ(num(st, "last_counter"), C);
    EXPECT_EQ(num(st, "counter_violations"), 0) << "the counter went backwards or repeated";
    EXPECT_EQ(num(st, "tick_mismatches"), 0);
    EXPECT_EQ(num(st, "signals_delivered") + num(st, "signals_lost"), S)
        << "delivered " << num(st, "signals_delivered") << " + lost " << num(st, "signals_lost") << " != emitted " << S;
    measured("gap_signals_delivered", num(st, "signals_delivered"));
    measured("gap_signals_lost", num(st, "signals_lost"));
    measured("gap_gaps_detected", num(st, "gaps_detected"));
    measured("gap_repaired_by_replay", num(st, "repaired_by_replay"));
    measured("gap_repaired_by_snapshot", num(st, "repaired_by_snapshot"));
    measured("gap_suspect_count", num(st, "suspect_count"));
    {
        const auto all = lines_starting(*rep, "NOTICE ");
        for (std::size_t i = 0; i < all.size() && i < 8; ++i) std::cout << "[notice] " << all[i] << std::endl;
        if (all.size() > 8) std::cout << "[notice] ... " << all.size() << " notices in all" << std::endl;
    }

    // The gap was reported, and repaired by replay or by a new snapshot.
    const bool reported = !lines_starting(*rep, "NOTICE gap_detected").empty() || !lines_starting(*rep, "NOTICE resynchronized").empty();
    EXPECT_TRUE(reported) << rep->tail(30);
    EXPECT_TRUE(!lines_starting(*rep, "NOTICE gap_repaired").empty() || !lines_starting(*rep, "NOTICE resynchronized").empty());
    // Lost signals were reported as such, and the notices add up to the counter.
    long long noticed_lost = 0;
    for (const auto& n : lines_starting(*rep, "NOTICE signals_lost ")) {
        std::istringstream is(n.substr(std::string("NOTICE signals_lost ").size()));
        long long first = 0, last = 0, count = 0;
        is >> first >> last >> count;
        noticed_lost += count;
    }
    EXPECT_EQ(noticed_lost, num(st, "signals_lost"));
    auto values = rep->request("values", "VALUES ");
    ASSERT_TRUE(values);
    EXPECT_TRUE(starts_with(values->text, "VALUES counter=" + V(C) + " ")) << values->text;
    // And it keeps following.
    ASSERT_TRUE(src->request("set counter " + std::to_string(C + 1000), "OK set", 5s));
    EXPECT_TRUE(rep->request("watch counter " + std::to_string(C + 1000), "REACHED counter", 5s)) << rep->tail();
}

// A short stop while the source publishes a few hundred messages: the host's history (1024
// messages) still holds all of them, so the replica must repair by replay and lose nothing.
TEST(Integration, ShortStopIsRepairedFromHistoryWithoutLoss) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "stopped-replica");
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();

    constexpr std::int64_t N = 600;
    ASSERT_TRUE(rep->signal(SIGSTOP));
    // 600 messages of one change each, one every 2 ms: ~1.2 s, well past 3 heartbeats.
    auto done = src->request("burst " + std::to_string(N) + " 1 2 3 0", "BURST_DONE", 20s);
    ASSERT_TRUE(done) << src->tail();
    const long long S = num(kv(done->text), "signals");
    const auto resumed = Clock::now();
    ASSERT_TRUE(rep->signal(SIGCONT));
    auto l = rep->wait_for_exact("PROP counter " + V(N), 10s);
    ASSERT_TRUE(l) << rep->tail();
    measured("short_gap_repair_after_sigcont_ms", ms_between(resumed, l->at));
    {
        const auto all = lines_starting(*rep, "NOTICE ");
        for (std::size_t i = 0; i < all.size() && i < 8; ++i) std::cout << "[notice] " << all[i] << std::endl;
        if (all.size() > 8) std::cout << "[notice] ... " << all.size() << " notices in all" << std::endl;
        for (const auto& n : lines_starting(*rep, "STATE ")) std::cout << "[state] " << n << std::endl;
    }

    auto st = stats(*rep);
    measured("short_gap_signals_lost", num(st, "signals_lost"));
    measured("short_gap_repaired_by_replay", num(st, "repaired_by_replay"));
    measured("short_gap_repaired_by_snapshot", num(st, "repaired_by_snapshot"));
    EXPECT_EQ(num(st, "signals_delivered") + num(st, "signals_lost"), S);
    EXPECT_EQ(num(st, "signals_lost"), 0) << "signals still in the host's history were reported lost";
    std::vector<std::int64_t> seen;
    for (const auto& e : events_of(*rep))
        if (starts_with(e, "PROP counter ")) seen.push_back(std::stoll(e.substr(13)));
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(N)) << "changes still in the host's history were skipped";
    for (std::size_t i = 1; i < seen.size(); ++i) ASSERT_GT(seen[i], seen[i - 1]);
}

// ------------------------------------------------------------------------------------------------
// Garbage frames at the host's ROUTER while a good replica calls methods and follows changes: the
// good replica notices nothing, every call succeeds; the garbage peer gets the right error back
// for every bad frame.
TEST(Integration, GarbageFramesDoNotDisturbAGoodReplica) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "good-replica");
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();

    auto garbage = spawn_peer("garbage", {"garbage", "--url", url, "--name", kName, "--count", "4000", "--big", "1"});
    ASSERT_TRUE(garbage->wait_for_prefix("GARBAGE_START", 10s)) << garbage->tail();
    ASSERT_TRUE(src->send("burst 2000 1 1 5 0"));  // one change per ms, a tick every 5
    ASSERT_TRUE(rep->send("repeat 1500 add 20 22"));

    auto gdone = garbage->wait_for_prefix("GARBAGE_DONE", 60s);
    ASSERT_TRUE(gdone) << garbage->tail();
    auto rdone = rep->wait_for_prefix("REPEAT_DONE", 30s);
    ASSERT_TRUE(rdone) << rep->tail();
    auto sdone = src->wait_for_prefix("BURST_DONE", 30s);
    ASSERT_TRUE(sdone) << src->tail();
    ASSERT_TRUE(saw(*rep, "PROP counter " + V(2000), 10s)) << rep->tail();

    std::cout << "[garbage] " << gdone->text << std::endl;
    const auto g = kv(gdone->text);
    EXPECT_EQ(num(g, "mismatches"), 0) << garbage->tail(25);
    EXPECT_EQ(num(g, "timeouts"), 0);
    EXPECT_EQ(num(g, "errors"), num(g, "expected_errors"));
    EXPECT_EQ(num(g, "replies"), num(g, "expected_replies"));
    EXPECT_GT(num(g, "errors"), 3000);
    measured("garbage_error_replies", num(g, "errors"));

    EXPECT_EQ(rdone->text, "REPEAT_DONE ok=1500 fail=0 last=" + V(42));
    EXPECT_FALSE(rep->any_line([](const std::string& s) {
        return starts_with(s, "ERROR ") || starts_with(s, "STATE Suspect") || starts_with(s, "NOTICE ");
    })) << rep->tail(30);
    std::vector<std::int64_t> seen;
    for (const auto& e : events_of(*rep))
        if (starts_with(e, "PROP counter ")) seen.push_back(std::stoll(e.substr(13)));
    ASSERT_EQ(seen.size(), 2000u);
    for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i], static_cast<std::int64_t>(i) + 1);
    auto st = stats(*rep);
    EXPECT_EQ(num(st, "malformed_messages"), 0);
    EXPECT_EQ(num(st, "signals_delivered"), 400);
    EXPECT_EQ(num(st, "signals_lost"), 0);
    // The source is alive and well.
    auto status = src->request("status", "STATUS ");
    ASSERT_TRUE(status) << src->tail();
    EXPECT_EQ(num(kv(status->text), "counter"), 2000);
}

// ------------------------------------------------------------------------------------------------
// A replica killed while its call runs on the source: the source answers into the void and goes
// on; another replica keeps getting replies throughout.
TEST(Integration, ReplicaKilledMidCallDoesNotDisturbTheSource) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    auto victim = start_replica(url, "victim");
    auto other = start_replica(url, "other");
    ASSERT_TRUE(victim->wait_for_prefix("INIT", 10s)) << victim->tail();
    ASSERT_TRUE(other->wait_for_prefix("INIT", 10s)) << other->tail();

    ASSERT_TRUE(victim->send("call slow 1500"));
    ASSERT_TRUE(src->wait_for_exact("CALLED slow 1500", 5s)) << src->tail();
    ASSERT_TRUE(victim->signal(SIGKILL));
    victim->kill_and_reap();

    // While the orphaned call is pending, and after it is answered, the other replica's calls work.
    ASSERT_TRUE(other->send("repeat 300 add 1 2"));
    auto first = other->wait_for_prefix("REPEAT_DONE", 10s);
    ASSERT_TRUE(first) << other->tail();
    EXPECT_EQ(first->text, "REPEAT_DONE ok=300 fail=0 last=" + V(3));
    EXPECT_EQ(call(*other, "call slow 20"), "REPLY " + V(20));
    ASSERT_TRUE(src->wait_for_exact("SLOW_REPLIED 1500", 5s)) << src->tail();
    ASSERT_TRUE(other->send("repeat 300 add 2 2"));
    auto second = other->wait_for_prefix("REPEAT_DONE", 10s);
    ASSERT_TRUE(second) << other->tail();
    EXPECT_EQ(second->text, "REPEAT_DONE ok=300 fail=0 last=" + V(4));
    ASSERT_TRUE(src->request("set counter 99", "OK set", 5s));
    EXPECT_TRUE(saw(*other, "PROP counter " + V(99))) << other->tail();
    EXPECT_FALSE(other->any_line([](const std::string& s) { return starts_with(s, "STATE Suspect") || starts_with(s, "ERROR "); }))
        << other->tail();
    auto status = src->request("status", "STATUS ");
    ASSERT_TRUE(status) << "the source stopped answering\n" << src->tail();
    EXPECT_FALSE(src->wait_exit(0ms)) << "the source exited";
}

// ------------------------------------------------------------------------------------------------
// Withdrawing the object (Registration::withdraw) makes the replica Suspect at once; sharing it again
// makes it Valid with the current state.
TEST(Integration, WithdrawnObjectTurnsSuspectAndResharingRestoresIt) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica");
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();
    // A change seen through the stream proves the replica's subscription is live (see the known
    // bug WithdrawalRightAfterInitializationIsNoticedAtOnce below).
    ASSERT_TRUE(src->request("set counter 1", "OK set", 5s));
    ASSERT_TRUE(saw(*rep, "PROP counter " + V(1))) << rep->tail();
    ASSERT_TRUE(src->request("withdraw", "OK withdraw", 5s)) << src->tail();
    ASSERT_TRUE(rep->wait_for_prefix("STATE Suspect Valid", 5s)) << rep->tail();
    auto reason = rep->wait_for_prefix("REASON ", 5s);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->text.find("withdrawn"), std::string::npos) << reason->text;
    ASSERT_TRUE(src->request("set text \"while away\"", "OK set", 5s));
    ASSERT_TRUE(src->request("share", "OK share", 5s)) << src->tail();
    ASSERT_TRUE(rep->wait_for_prefix("STATE Valid Suspect", 5s)) << rep->tail();
    auto values = rep->wait_for_prefix("VALUES ", 5s);
    ASSERT_TRUE(values);
    EXPECT_EQ(values->text, "VALUES counter=" + V(1) + " text=" + V("while away") + " mode=" + V(0));
    EXPECT_EQ(call(*rep, "call add 5 5"), "REPLY " + V(10));
}

// ------------------------------------------------------------------------------------------------
// Regression tests for three engine bugs (fixed): the first HELLO dropped by ZMQ_IMMEDIATE and
// retried only a heartbeat later; one gap reported many times while its REPLAY could not be
// sent; a replica Valid before its subscription was live, missing a WITHDRAWN published then.

// A replica acquired while its host is already up should be valid within a few milliseconds on
// loopback, not after a whole heartbeat interval (1 s here).
TEST(Integration, ReplicaBecomesValidWellWithinOneHeartbeatOfStarting) {
    std::string url;
    auto src = start_source(url, {}, "tcp://127.0.0.1:*", "source", "1000");
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica", {}, kName, "1000");
    auto started = rep->wait_for_prefix("STARTED", 10s);
    ASSERT_TRUE(started) << rep->tail();
    auto valid = rep->wait_for_prefix("STATE Valid", 10s);
    ASSERT_TRUE(valid) << rep->tail();
    const auto ms = ms_between(started->at, valid->at);
    measured("time_to_valid_heartbeat_1000_ms", ms);
    EXPECT_LT(ms, 500) << "a replica of a running host on loopback took " << ms << " ms to become valid";
}

// One gap must be reported once (one gap_detected notice, gaps_detected += 1) and repaired once,
// even when the REPLAY request cannot be sent at first (the DEALER is still reconnecting after
// the stop; before the fix the same range was reported 2 to 166 times).
TEST(Integration, EachGapIsReportedOnce) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "stopped-replica", {"--quiet", "1"});
    ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();
    ASSERT_TRUE(rep->signal(SIGSTOP));
    auto done = src->request("burstfor 1500 100 10 0", "BURST_DONE", 20s);
    ASSERT_TRUE(done) << src->tail();
    const long long C = num(kv(done->text), "counter");
    ASSERT_TRUE(rep->signal(SIGCONT));
    ASSERT_TRUE(rep->request("watch counter " + std::to_string(C), "REACHED counter", 30s)) << rep->tail();
    auto st = stats(*rep);
    const auto notices = lines_starting(*rep, "NOTICE gap_detected ");
    std::map<std::string, int> by_first;
    for (const auto& n : notices) {
        std::istringstream is(n.substr(std::string("NOTICE gap_detected ").size()));
        std::string first;
        is >> first;
        ++by_first[first];
    }
    for (const auto& [first, times] : by_first)
        EXPECT_EQ(times, 1) << "the gap starting at seq " << first << " was reported " << times << " times";
    EXPECT_LE(num(st, "gaps_detected"), num(st, "repaired_by_replay") + num(st, "repaired_by_snapshot"))
        << "gaps_detected=" << num(st, "gaps_detected") << " for " << num(st, "repaired_by_replay") << " replay and "
        << num(st, "repaired_by_snapshot") << " snapshot repairs";
}

// A replica must not be Valid before its subscription is live at the host's XPUB, or a WITHDRAWN
// published right after its SNAPSHOT is lost and noticed only by missing three heartbeats. Each
// fresh replica calls withdraw_self() from on_initialized (the source withdraws while answering);
// every one of them should see WITHDRAWN, i.e. turn Suspect with reason "source withdrawn".
TEST(Integration, WithdrawalRightAfterInitializationIsNoticedAtOnce) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    int missed = 0;
    constexpr int rounds = 10;
    for (int i = 0; i < rounds; ++i) {
        auto rep = start_replica(url, "replica" + std::to_string(i), {"--on-init", "call withdraw_self"});
        ASSERT_TRUE(rep->wait_for_prefix("INIT", 10s)) << rep->tail();
        ASSERT_TRUE(src->wait_for_exact("WITHDRAWN_BY_CALL", 5s)) << src->tail();
        ASSERT_TRUE(rep->wait_for_prefix("STATE Suspect Valid", 5s)) << rep->tail();
        auto reason = rep->wait_for_prefix("REASON ", 5s);
        ASSERT_TRUE(reason);
        if (reason->text.find("withdrawn") == std::string::npos) {
            ++missed;
            std::cout << "[round " << i << "] " << reason->text << std::endl;
        }
        ASSERT_TRUE(src->request("share", "OK share", 5s)) << src->tail();
    }
    measured("withdrawn_missed_of_10", missed);
    EXPECT_EQ(missed, 0) << missed << " of " << rounds << " replicas missed the WITHDRAWN published right after their snapshot";
}

// ------------------------------------------------------------------------------------------------
// Whose heartbeat counts (docs/PROTOCOL.md §4): the host's, from its WELCOME. A replica node with
// a shorter interval than its host must not take the host's quiet for death.
TEST(Integration, SlowHostUnderAFastNodeStaysValidAndIsDeclaredGoneByTheHostsInterval) {
    std::string url;
    auto src = start_source(url, {}, "tcp://127.0.0.1:*", "source", "2000");
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica", {}, kName, "300");
    ASSERT_TRUE(rep->wait_for_prefix("STATE Valid", 10s)) << rep->tail();
    const std::size_t after_valid = rep->line_count();
    // 10 s of a healthy host publishing only every 2 s: no state change, no failed call.
    for (int i = 0; i < 10; ++i) {
        std::this_thread::sleep_for(1s);
        EXPECT_EQ(call(*rep, "call add " + std::to_string(i) + " 1"), "REPLY " + V(std::int64_t{i + 1}));
    }
    const auto all = rep->lines();
    for (std::size_t i = after_valid; i < all.size(); ++i)
        EXPECT_FALSE(starts_with(all[i].text, "STATE ")) << "state changed under a healthy host: " << all[i].text << "\n" << rep->tail();

    // SIGKILL: Suspect after three of the host's intervals of silence (its last heartbeat came up
    // to one interval before the kill), within 3.5 intervals, and not at the node's own 3 x 300 ms.
    const auto killed = Clock::now();
    ASSERT_TRUE(src->signal(SIGKILL));
    auto suspect = rep->wait_for_prefix("STATE Suspect Valid", 10s);
    ASSERT_TRUE(suspect) << rep->tail();
    const auto ms = ms_between(killed, suspect->at);
    measured("suspect_after_kill_host_2000ms_node_300ms_ms", ms);
    EXPECT_LE(ms, 7000) << "3.5 host intervals";
    EXPECT_GE(ms, 3900) << "declared gone by the node's own interval, not the host's";
}

// Intervals of 1 s and 3 s rather than 400 ms and 1 s: the same ratio, with room for a loaded
// machine's scheduling delays inside the half interval of slack (3 host intervals after the
// last heartbeat, which came up to one interval before the kill, plus a quarter-interval tick).
TEST(Integration, FastHostUnderASlowNodeIsDeclaredGoneWithinThreeAndAHalfHostIntervals) {
    std::string url;
    auto src = start_source(url, {}, "tcp://127.0.0.1:*", "source", "1000");
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica", {}, kName, "3000");
    ASSERT_TRUE(rep->wait_for_prefix("STATE Valid", 10s)) << rep->tail();
    std::this_thread::sleep_for(2500ms);  // a few heartbeats of the host
    const auto killed = Clock::now();
    ASSERT_TRUE(src->signal(SIGKILL));
    auto suspect = rep->wait_for_prefix("STATE Suspect Valid", 15s);
    ASSERT_TRUE(suspect) << rep->tail();
    const auto ms = ms_between(killed, suspect->at);
    measured("suspect_after_kill_host_1000ms_node_3000ms_ms", ms);
    EXPECT_LE(ms, 3500) << "3.5 host intervals of 1000 ms (the node's own 3 x 3000 ms would be 9 s)";
}

// A host that was stopped past the Suspect deadline and resumes publishes its next changes at
// once: the replica is Valid again before it delivers them, so a call made from the change
// callback (as the SimpleSwitch replica does) never fails for being Suspect.
TEST(Integration, CallsFromChangeCallbacksAfterAStoppedHostResumesDoNotFailAsSuspect) {
    std::string url;
    auto src = start_source(url);
    ASSERT_FALSE(url.empty());
    std::vector<std::unique_ptr<Process>> reps;
    for (int i = 0; i < 3; ++i)
        reps.push_back(start_replica(url, "replica-" + std::to_string(i + 1), {"--quiet", "1", "--call-on-change", "echo"}));
    for (auto& r : reps) ASSERT_TRUE(r->wait_for_prefix("STATE Valid", 10s)) << r->tail();
    ASSERT_TRUE(src->send("burst 1000000 1 50"));  // one change every 50 ms
    for (auto& r : reps) ASSERT_TRUE(r->wait_for_prefix("CHANGE_CALL_OK", 5s)) << r->tail();
    ASSERT_TRUE(src->signal(SIGSTOP));
    for (auto& r : reps) ASSERT_TRUE(r->wait_for_prefix("STATE Suspect Valid", 5s)) << r->tail();
    std::this_thread::sleep_for(4s);
    ASSERT_TRUE(src->signal(SIGCONT));
    for (auto& r : reps) ASSERT_TRUE(r->wait_for_prefix("STATE Valid Suspect", 10s)) << r->tail();
    std::this_thread::sleep_for(1500ms);  // ~30 more changes, each calling back
    for (auto& r : reps) {
        std::size_t ok_after = 0;
        bool resumed = false;
        for (const auto& l : r->lines()) {
            if (l.text == "STATE Valid Suspect") resumed = true;
            if (resumed && starts_with(l.text, "CHANGE_CALL_OK")) ++ok_after;
            // Calls in flight when the host stopped fail with source_gone (documented); a call
            // refused because the replica was still Suspect is the bug this test guards.
            EXPECT_EQ(l.text.find("is not valid"), std::string::npos) << r->name() << ": " << l.text;
        }
        EXPECT_GE(ok_after, 10u) << r->tail();
    }
}

// The client never sends a frame larger than the host's limit (from WELCOME): a clear local
// too_large naming the host, and the connection keeps serving.
TEST(Integration, RequestsLargerThanTheHostsLimitFailLocallyWithTooLarge) {
    std::string url;
    auto src = start_source(url, {"--max-message-size", "8192"});
    ASSERT_FALSE(url.empty());
    auto rep = start_replica(url, "replica");
    ASSERT_TRUE(rep->wait_for_prefix("STATE Valid", 10s)) << rep->tail();
    const std::string big(10000, 'x');
    const auto r = call(*rep, "call echo \"" + big + "\"");
    EXPECT_TRUE(starts_with(r, "ERROR too_large ")) << r;
    EXPECT_NE(r.find("limit of host " + url), std::string::npos) << r;
    EXPECT_NE(r.find("8192"), std::string::npos) << r;
    EXPECT_EQ(call(*rep, "call add 2 3"), "REPLY " + V(5));
    EXPECT_TRUE(lines_starting(*rep, "STATE Suspect").empty()) << rep->tail();
}
