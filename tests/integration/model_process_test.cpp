// zro — shared live objects over ZeroMQ.
// Item models across real processes (zro_model_peer): a replica stalled by SIGSTOP while its
// source makes 100,000 model operations ends equal to the source; after the source is killed
// and another starts on the same URL, the replica is equal to the new one. The expected model
// is computed here by running the same operation script (model_script.hpp).

#include "model_script.hpp"
#include "support/ports.hpp"
#include "support/process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <thread>

#ifndef ZRO_MODEL_PEER
#error "ZRO_MODEL_PEER must name the zro_model_peer executable"
#endif

using namespace std::chrono_literals;
using zro::test::Process;
using zro::test::starts_with;

namespace {

constexpr std::size_t kWindow = 100;

std::unique_ptr<Process> source(const std::string& url, std::size_t rows, const std::string& label = "model source") {
    auto p = std::make_unique<Process>(label, std::vector<std::string>{ZRO_MODEL_PEER, "source", "--url", url, "--name", "Table",
                                                                        "--rows", std::to_string(rows)});
    EXPECT_TRUE(p->wait_for_prefix("READY ", 10s)) << p->tail();
    return p;
}

std::unique_ptr<Process> replica(const std::string& url) {
    return std::make_unique<Process>("model replica", std::vector<std::string>{ZRO_MODEL_PEER, "replica", "--url", url, "--name",
                                                                               "Table", "--window", std::to_string(kWindow)});
}

/// Asks the replica for its window until it equals `expected` (rows 0..kWindow-1 held, each as
/// the oracle has it, and the same row count), or `timeout` passes. Returns "" when equal, else
/// what differed the last time.
std::string equal_within(Process& rep, const zro::StandardItemModel& expected, std::chrono::milliseconds timeout) {
    const auto end = zro::test::Clock::now() + timeout;
    std::string why;
    while (zro::test::Clock::now() < end) {
        const std::size_t from = rep.line_count();
        auto dump = rep.ask("dump", "DUMP ", 5s);
        if (!dump) return "no DUMP answer";
        const std::size_t rows = expected.row_count({});
        const std::size_t want_held = std::min(rows, kWindow);
        why.clear();
        if (dump->text.find("rows=" + std::to_string(rows) + " held=" + std::to_string(want_held) + " ") == std::string::npos)
            why = dump->text + " (expected rows=" + std::to_string(rows) + " held=" + std::to_string(want_held) + ")";
        const auto lines = rep.lines();
        for (std::size_t i = from; i < lines.size() && why.empty(); ++i) {
            const std::string& l = lines[i].text;
            if (starts_with(l, "DUMP ")) break;
            if (!starts_with(l, "ROW ")) continue;
            const std::size_t r = std::stoul(l.substr(4));
            const std::string want = "ROW " + std::to_string(r) + " " +
                                     zro::test::script_row(expected.data({}, r, 0, 0), expected.data({}, r, 0, 1),
                                                           expected.data({}, r, 1, 0), expected.data({}, r, 1, 1));
            if (l != want) why = "got  " + l + "\nwant " + want;
        }
        if (why.empty()) return "";
        std::this_thread::sleep_for(100ms);
    }
    return why;
}

} // namespace

TEST(ModelProcesses, AReplicaStalledThrough100kOperationsEndsEqualToTheSource) {
    const std::string url = "tcp://127.0.0.1:" + std::to_string(zro::test::free_tcp_port());
    auto src = source(url, 1000);
    auto rep = replica(url);
    ASSERT_TRUE(rep->wait_for_exact("VALID", 10s)) << rep->tail();
    zro::StandardItemModel expected({"display", "number"}, 2);
    zro::test::script_fill(expected, 1000);
    ASSERT_EQ(equal_within(*rep, expected, 10s), "");

    ASSERT_TRUE(rep->signal(SIGSTOP));
    ASSERT_TRUE(src->request("ops 100000 1", "OPS_DONE ", 60s)) << src->tail();
    // Stopped well past three heartbeats (100 ms): the host dropped its connections and windows.
    std::this_thread::sleep_for(1500ms);
    ASSERT_TRUE(rep->signal(SIGCONT));
    zro::test::script_run(expected, 100000, 1);
    EXPECT_EQ(equal_within(*rep, expected, 30s), "");
    // And it follows from there.
    ASSERT_TRUE(src->request("ops 500 7", "OPS_DONE ", 10s));
    zro::test::script_run(expected, 500, 7);
    EXPECT_EQ(equal_within(*rep, expected, 10s), "");
}

TEST(ModelProcesses, AfterASourceRestartTheReplicaIsEqualToTheNewSource) {
    const std::string url = "tcp://127.0.0.1:" + std::to_string(zro::test::free_tcp_port());
    auto src = source(url, 500);
    auto rep = replica(url);
    ASSERT_TRUE(rep->wait_for_exact("VALID", 10s)) << rep->tail();
    ASSERT_TRUE(src->request("ops 3000 5", "OPS_DONE ", 20s));
    zro::StandardItemModel first({"display", "number"}, 2);
    zro::test::script_fill(first, 500);
    zro::test::script_run(first, 3000, 5);
    ASSERT_EQ(equal_within(*rep, first, 10s), "");

    ASSERT_TRUE(src->signal(SIGKILL));
    src->kill_and_reap();
    auto again = source(url, 300, "model source 2");
    ASSERT_TRUE(again->request("ops 1000 9", "OPS_DONE ", 20s));
    zro::StandardItemModel second({"display", "number"}, 2);
    zro::test::script_fill(second, 300);
    zro::test::script_run(second, 1000, 9);
    EXPECT_EQ(equal_within(*rep, second, 15s), "");
}
