// zro — shared live objects over ZeroMQ.
// Nodes whose loops run on their own threads (`start()`), used from the test thread through the
// thread-safe entry points. Built into zro_loop_tests, which the ThreadSanitizer build runs.

#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include "support/nodes.hpp"

#include <atomic>
#include <future>

using namespace std::chrono_literals;
using zro::test::fast;

namespace {
zro::Schema counter_schema() {
    zro::Schema s("Counter");
    s.add_property("value", "int64", 0, zro::PropertyMode::read_push).add_method("add", {{"a", "int32"}, {"b", "int32"}}, "int32");
    return s;
}
} // namespace

TEST(Threading, StartedNodesServeAndWaitFromAnotherThread) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(counter_schema());
    src.on_call("add", [](const std::vector<zro::Value>& a) { return zro::Value(a[0].as<int>() + a[1].as<int>()); });
    auto reg = host.enable_remoting(src, "C");
    host.start();

    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("C");
    client.start();
    ASSERT_TRUE(rep->wait_for_source(5s));

    // Calls are made on the client's loop (replicas belong to it); the reply is awaited here.
    std::promise<zro::PendingReply<zro::Value>> made;
    client.post([&] { made.set_value(rep->invoke("add", {20, 22})); });
    auto reply = made.get_future().get();
    ASSERT_TRUE(reply.wait(5s));
    EXPECT_EQ(reply.value(), zro::Value(42));

    // Changes made on the host's loop arrive in order on the client's loop.
    std::atomic<std::int64_t> last{0};
    std::atomic<bool> in_order{true};
    // Registered (and known to be) before the host changes anything: otherwise the changes may be
    // applied in the same client turn before the posted registration runs.
    std::promise<void> registered;
    client.post([&] {
        rep->on_property_changed([&](std::string_view, const zro::Value& v) {
            const auto n = v.as<std::int64_t>();
            if (n != last.load() + 1) in_order = false;
            last = n;
        });
        registered.set_value();
    });
    registered.get_future().wait();
    host.post([&] {
        for (int i = 1; i <= 1000; ++i) src.set_property("value", i);
    });
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (last.load() != 1000 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    EXPECT_EQ(last.load(), 1000);
    EXPECT_TRUE(in_order.load());

    // then() runs on the loop thread, even for a reply that finished before then() was called.
    std::promise<bool> on_loop;
    client.post([&] {
        rep->invoke("add", {1, 1}).then([&](const zro::PendingReply<zro::Value>& r) {
            on_loop.set_value(r.value() == zro::Value(2));
        });
    });
    auto f = on_loop.get_future();
    ASSERT_EQ(f.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(f.get());

    client.stop();
    host.stop();
}

TEST(Threading, NodeApiCallsFromOtherThreadsArePostedToTheLoop) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    host.start();
    zro::DynamicSource src(counter_schema());
    auto reg = host.enable_remoting(src, "C");  // from this thread, while the loop runs
    zro::Node client(fast());
    client.start();
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("C");
    ASSERT_TRUE(rep->wait_for_source(5s));
    reg.withdraw();  // from this thread
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    std::atomic<bool> suspect{false};
    while (!suspect && std::chrono::steady_clock::now() < deadline) {
        std::promise<bool> p;
        client.post([&] { p.set_value(rep->state() == zro::ReplicaState::suspect); });
        suspect = p.get_future().get();
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_TRUE(suspect.load());
    rep.reset();  // destroying a replica from another thread is posted to its loop
    client.stop();
    host.stop();
}
