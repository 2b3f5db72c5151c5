// zro — shared live objects over ZeroMQ.
// The event loop: timers, posting from other threads, end-of-turn work, blocking waits.

#include "loop/loop.hpp"

#include <zro/error.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using zro::detail::Loop;

TEST(Loop, OneShotAndRepeatingTimersFireInOrder) {
    auto loop = std::make_shared<Loop>();
    std::vector<int> order;
    int ticks = 0;
    // Stops 20 ms after everything fired (so a cancelled repeating timer had time to misfire),
    // not at a fixed time: a loaded machine may run the timers late, never out of order.
    auto done = [&] {
        if (ticks == 3 && order.size() == 2) loop->add_timer(20ms, [&] { loop->stop(); });
    };
    loop->add_timer(30ms, [&] { order.push_back(2); done(); });
    loop->add_timer(10ms, [&] { order.push_back(1); done(); });
    Loop::TimerId rep = 0;
    std::string after_cancel;
    rep = loop->add_timer(5ms, [&, word = std::string(64, 'x')] {
        if (++ticks == 3) {
            loop->cancel_timer(rep);
            after_cancel = word;  // the callback may go on using its captures (ASan checks)
            done();
        }
    }, true);
    loop->add_timer(10s, [&] { loop->stop(); });  // a bound if a timer never fires
    loop->run();
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_EQ(ticks, 3);
    EXPECT_EQ(after_cancel, std::string(64, 'x'));
}

TEST(Loop, CancelledTimerNeverFires) {
    auto loop = std::make_shared<Loop>();
    bool fired = false;
    auto id = loop->add_timer(5ms, [&] { fired = true; });
    loop->cancel_timer(id);
    loop->add_timer(20ms, [&] { loop->stop(); });
    loop->run();
    EXPECT_FALSE(fired);
}

TEST(Loop, PostFromManyThreadsRunsEveryTaskOnTheLoopThread) {
    auto loop = std::make_shared<Loop>();
    std::atomic<int> count{0};
    std::thread::id loop_thread;
    std::thread runner([&] { loop_thread = std::this_thread::get_id(); loop->run(); });
    while (!loop->running()) std::this_thread::yield();
    std::vector<std::thread> posters;
    std::atomic<bool> wrong_thread{false};
    for (int t = 0; t < 4; ++t)
        posters.emplace_back([&] {
            for (int i = 0; i < 1000; ++i)
                loop->post([&] {
                    if (!loop->in_loop_thread()) wrong_thread = true;
                    ++count;
                });
        });
    for (auto& p : posters) p.join();
    EXPECT_TRUE(loop->wait_until([&] { return count.load() == 4000; }, 5s));
    loop->stop();
    runner.join();
    EXPECT_FALSE(wrong_thread.load());
    EXPECT_EQ(count.load(), 4000);
}

TEST(Loop, DeferredWorkRunsAtTheEndOfTheTurnAfterTimers) {
    auto loop = std::make_shared<Loop>();
    std::vector<std::string> seen;
    loop->add_timer(1ms, [&] {
        loop->defer([&] { seen.push_back("deferred"); });
        seen.push_back("timer");
    });
    loop->add_timer(20ms, [&] { loop->stop(); });
    loop->run();
    EXPECT_EQ(seen, (std::vector<std::string>{"timer", "deferred"}));
}

TEST(Loop, WaitUntilPumpsTheLoopWhenNobodyRunsIt) {
    auto loop = std::make_shared<Loop>();
    bool flag = false;
    loop->add_timer(20ms, [&] { flag = true; });
    EXPECT_TRUE(loop->wait_until([&] { return flag; }, 2s));
}

TEST(Loop, WaitUntilTimesOut) {
    auto loop = std::make_shared<Loop>();
    const auto start = Loop::Clock::now();
    EXPECT_FALSE(loop->wait_until([] { return false; }, 50ms));
    EXPECT_GE(Loop::Clock::now() - start, 50ms);
}

TEST(Loop, WaitUntilInsideACallbackRefusesWithWouldDeadlock) {
    auto loop = std::make_shared<Loop>();
    zro::ErrorCode code = zro::ErrorCode::ok;
    loop->post([&] {
        try {
            loop->wait_until([] { return true; }, 1s);
        } catch (const zro::Error& e) {
            code = e.code();
        }
        loop->stop();
    });
    loop->run();
    EXPECT_EQ(code, zro::ErrorCode::would_deadlock);
}

TEST(Loop, WaitUntilFromAnotherThreadWhileTheLoopRunsElsewhere) {
    auto loop = std::make_shared<Loop>();
    int value = 0;  // only touched on the loop thread
    loop->add_timer(5ms, [&] { ++value; }, true);
    std::thread runner([&] { loop->run(); });
    while (!loop->running()) std::this_thread::yield();
    EXPECT_TRUE(loop->wait_until([&] { return value >= 5; }, 5s));
    loop->stop();
    runner.join();
}

TEST(Loop, BusyLoopStillServesItsSocketsAndTellsItIsBusy) {
    // A 0 ms timer keeps every turn busy; the loop then polls its sockets about every 50 us
    // instead of every turn, but a message must still be handled promptly.
    auto loop = std::make_shared<Loop>();
    zmq::context_t ctx;
    zmq::socket_t in(ctx, zmq::socket_type::pair), out(ctx, zmq::socket_type::pair);
    in.bind("inproc://busy-loop");
    out.connect("inproc://busy-loop");
    std::int64_t turns = 0, turns_at_receipt = 0;
    std::chrono::steady_clock::time_point sent, received;
    loop->add_socket(in, [&] {
        zmq::message_t m;
        while (in.recv(m, zmq::recv_flags::dontwait)) {
            received = std::chrono::steady_clock::now();
            turns_at_receipt = turns;
            loop->stop();
        }
    });
    bool busy_seen = false;
    loop->add_timer(0ms, [&] {
        ++turns;
        busy_seen = busy_seen || loop->has_immediate_work();
        if (turns == 1000) {
            sent = std::chrono::steady_clock::now();
            out.send(zmq::str_buffer("x"), zmq::send_flags::none);
        }
    }, true);
    loop->add_timer(5s, [&] { loop->stop(); });
    loop->run();
    ASSERT_GT(turns_at_receipt, 0) << "the message was never handled";
    EXPECT_TRUE(busy_seen) << "a due 0 ms timer is immediate work";
    EXPECT_LT(received - sent, 20ms);

    // Without a due timer or posted work, the loop is not busy.
    auto quiet = std::make_shared<Loop>();
    quiet->add_timer(1h, [] {});
    EXPECT_FALSE(quiet->has_immediate_work());
    quiet->post([] {});
    EXPECT_TRUE(quiet->has_immediate_work()) << "a posted task is immediate work";
}

TEST(Loop, WhenWritableFiresOnceTheConnectionIsUpAndNeverWithoutOne) {
    // A DEALER with ZMQ_IMMEDIATE cannot send before its connection is up: the watch tells when.
    auto loop = std::make_shared<Loop>();
    zmq::context_t ctx;
    zmq::socket_t router(ctx, zmq::socket_type::router);
    router.bind("tcp://127.0.0.1:*");
    const std::string endpoint = router.get(zmq::sockopt::last_endpoint);
    // Port 1 (tcpmux): nobody listens there. (A ZeroMQ socket bound and closed just before is
    // no good: its listener closes asynchronously and may still accept the connection.)
    const std::string dead_endpoint = "tcp://127.0.0.1:1";

    zmq::socket_t lonely(ctx, zmq::socket_type::dealer), dealer(ctx, zmq::socket_type::dealer);
    lonely.set(zmq::sockopt::immediate, 1);
    dealer.set(zmq::sockopt::immediate, 1);
    lonely.connect(dead_endpoint);
    int lonely_fired = 0, fired = 0, cancelled_fired = 0;
    loop->when_writable(lonely, [&] { ++lonely_fired; });
    dealer.connect(endpoint);
    loop->when_writable(dealer, [&] { ++cancelled_fired; });
    loop->cancel_when_writable(dealer);
    loop->when_writable(dealer, [&] {
        ++fired;
        EXPECT_TRUE(dealer.send(zmq::str_buffer("hello"), zmq::send_flags::dontwait)) << "writable but the send failed";
    });
    // At least 300 ms (time for a wrong second firing, or for the lonely one), then until the
    // connection is up: under ThreadSanitizer beside another test it can take longer.
    const auto started = std::chrono::steady_clock::now();
    loop->add_timer(50ms, [&] {
        const auto waited = std::chrono::steady_clock::now() - started;
        if ((fired > 0 && waited >= 300ms) || waited >= 10s) loop->stop();
    }, true);
    loop->run();
    EXPECT_EQ(fired, 1) << "fires once, when the connection is up";
    EXPECT_EQ(cancelled_fired, 0);
    EXPECT_EQ(lonely_fired, 0) << "no connection, never writable";
    // The send left the DEALER; libzmq's I/O threads may still carry it (slow under TSan).
    router.set(zmq::sockopt::rcvtimeo, 5000);
    zmq::message_t id, body;
    ASSERT_TRUE(router.recv(id));
    ASSERT_TRUE(router.recv(body));
    EXPECT_EQ(body.to_string(), "hello");
}
