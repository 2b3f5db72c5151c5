// zro — zro::Proxy in one process over tcp loopback: a source host and a client node pumped on
// the test thread, the proxy on its own loop thread between them. What the client sees through
// the proxy must be what it would see from the source: every change and signal in order, call
// results and error codes, writes by mode, Suspect when the source is lost, Valid again with the
// new state, withdrawal, and the same through a chain of two proxies.

#include <zro/proxy.hpp>
#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include "support/nodes.hpp"

#include <memory>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using zro::test::fast;
using zro::test::pump_until;

namespace {

zro::Schema pump_schema() {
    zro::Schema s("Pump");
    s.add_property("count", "int32", 0, zro::PropertyMode::read_push)
        .add_property("label", "string", "pump", zro::PropertyMode::read_write)
        .add_property("serial", "string", "P1", zro::PropertyMode::constant)
        .add_signal("ticked", {{"n", "int32"}})
        .add_method("add", {{"a", "int32"}, {"b", "int32"}}, "int32")
        .add_method("fail", {}, "void");
    return s;
}

/// A source host sharing one Pump; recreated at the same URL to play a restart.
struct PumpHost {
    explicit PumpHost(const std::string& url = "tcp://127.0.0.1:0") : host(url, fast()), pump(pump_schema()) {
        pump.on_call("add", [](const std::vector<zro::Value>& a) { return zro::Value(a[0].as<int>() + a[1].as<int>()); });
        pump.on_call("fail", [](const std::vector<zro::Value>&) -> zro::Value { throw std::runtime_error("pump jammed"); });
        registration = host.enable_remoting(pump, "Pump");
    }
    zro::Host host;
    zro::DynamicSource pump;
    zro::Registration registration;
};

zro::ProxyOptions proxy_from(const std::string& url) {
    zro::ProxyOptions o;
    o.from_urls = {url};
    o.inner = fast();
    o.outer = fast();
    o.scan_interval = 100ms;
    return o;
}

/// What a client replica saw, in order.
struct Seen {
    std::vector<std::string> events;  ///< "count=N" and "ticked(N)"
    std::vector<zro::ReplicaNotice::Kind> notices;
    void watch(zro::DynamicReplica& r) {
        r.on_property_changed([this](std::string_view name, const zro::Value& v) {
            if (name == "count") events.push_back("count=" + v.to_string());
        });
        r.on_signal([this](std::string_view, const std::vector<zro::Value>& a) { events.push_back("ticked(" + a[0].to_string() + ")"); });
        r.on_notice([this](const zro::ReplicaNotice& n) { notices.push_back(n.kind); });
    }
    bool noticed(zro::ReplicaNotice::Kind k) const { return std::find(notices.begin(), notices.end(), k) != notices.end(); }
};

template <class T> bool finish(zro::Node& a, zro::Node& b, const zro::PendingReply<T>& r) {
    return pump_until(a, b, [&] { return r.finished(); });
}

} // namespace

TEST(Proxy, ChangesAndSignalsArriveInOrderAndCallsAndWritesComeBackWithTheirResults) {
    PumpHost source;
    zro::Proxy proxy("tcp://127.0.0.1:0", proxy_from(source.host.url()));
    proxy.start();
    zro::Node client(fast());
    client.connect_to(proxy.url());
    auto rep = client.acquire_dynamic("Pump");
    Seen seen;
    seen.watch(*rep);
    ASSERT_TRUE(pump_until(source.host, client, [&] { return rep->valid(); }));
    EXPECT_EQ(rep->schema().signature(), source.pump.schema().signature());
    EXPECT_NE(rep->stream_position().epoch, 0u);

    std::vector<std::string> expected;
    for (int i = 1; i <= 300; ++i) {
        source.pump.set_property("count", i);
        expected.push_back("count=" + std::to_string(i));
        if (i % 3 == 0) {
            source.pump.emit_signal("ticked", {i});
            expected.push_back("ticked(" + std::to_string(i) + ")");
        }
        if (i % 50 == 0) source.host.run_for(1ms);  // several flushes, several EVENTS messages
    }
    ASSERT_TRUE(pump_until(source.host, client, [&] { return seen.events.size() >= expected.size(); }));
    EXPECT_EQ(seen.events, expected);
    EXPECT_EQ(rep->stats().signals_lost, 0u);

    auto sum = rep->invoke("add", {2, 3});
    ASSERT_TRUE(finish(source.host, client, sum));
    ASSERT_FALSE(sum.error()) << sum.error()->message;
    EXPECT_EQ(sum.value().as<int>(), 5);
    auto failed = rep->invoke("fail");
    ASSERT_TRUE(finish(source.host, client, failed));
    ASSERT_TRUE(failed.error());
    EXPECT_EQ(failed.error()->code, zro::ErrorCode::handler_failed);
    EXPECT_NE(failed.error()->message.find("pump jammed"), std::string::npos);

    auto write = rep->set_property("label", "north");
    ASSERT_TRUE(finish(source.host, client, write));
    EXPECT_FALSE(write.error());
    EXPECT_EQ(source.pump.property("label").as<std::string>(), "north");
    ASSERT_TRUE(pump_until(source.host, client, [&] { return rep->property("label").as<std::string>() == "north"; }));
    auto refused = rep->set_property("serial", "X");
    ASSERT_TRUE(finish(source.host, client, refused));
    ASSERT_TRUE(refused.error());
    EXPECT_EQ(refused.error()->code, zro::ErrorCode::read_only);
    auto wrong_type = rep->set_property("label", 7);
    ASSERT_TRUE(finish(source.host, client, wrong_type));
    ASSERT_TRUE(wrong_type.error());
    EXPECT_EQ(wrong_type.error()->code, zro::ErrorCode::bad_arguments);
    // The stream position behind the proxy is the source's own.
    EXPECT_EQ(rep->last_seq(), 300u + 100u + 1u);
}

TEST(Proxy, ALostSourceMakesReplicasBehindSuspectAndARestartMakesThemValidWithTheNewState) {
    auto source = std::make_unique<PumpHost>();
    const std::string url = source->host.url();
    source->pump.set_property("count", 1);
    zro::Proxy proxy("tcp://127.0.0.1:0", proxy_from(url));
    proxy.start();
    zro::Node client(fast());
    client.connect_to(proxy.url());
    auto rep = client.acquire_dynamic("Pump");
    Seen seen;
    seen.watch(*rep);
    ASSERT_TRUE(pump_until(source->host, client, [&] { return rep->valid() && rep->property("count").as<int>() == 1; }));
    const auto epoch = rep->stream_position().epoch;

    source.reset();  // the source's host is gone without a word (its heartbeats stop)
    const auto lost = std::chrono::steady_clock::now();
    ASSERT_TRUE(pump_until({&client}, [&] { return rep->state() == zro::ReplicaState::suspect; }));
    // Three of the source host's heartbeats (50 ms) for the proxy's replica, then at once here.
    EXPECT_LT(std::chrono::steady_clock::now() - lost, 400ms);
    auto call = rep->invoke("add", {1, 1});
    ASSERT_TRUE(call.error());  // an invalid replica fails at once

    source = std::make_unique<PumpHost>(url);
    source->pump.set_property("count", 42);
    ASSERT_TRUE(pump_until(source->host, client, [&] { return rep->valid() && rep->property("count").as<int>() == 42; }));
    EXPECT_NE(rep->stream_position().epoch, epoch);
    EXPECT_TRUE(seen.noticed(zro::ReplicaNotice::Kind::source_restarted));
    auto sum = rep->invoke("add", {20, 22});
    ASSERT_TRUE(finish(source->host, client, sum));
    ASSERT_FALSE(sum.error()) << sum.error()->message;
    EXPECT_EQ(sum.value().as<int>(), 42);
}

TEST(Proxy, AWithdrawnSourceIsWithdrawnBehindTheProxyAndComesBackWhenSharedAgain) {
    PumpHost source;
    zro::Proxy proxy("tcp://127.0.0.1:0", proxy_from(source.host.url()));
    proxy.start();
    zro::Node client(fast());
    client.connect_to(proxy.url());
    auto rep = client.acquire_dynamic("Pump");
    Seen seen;
    seen.watch(*rep);
    ASSERT_TRUE(pump_until(source.host, client, [&] { return rep->valid(); }));
    source.registration.withdraw();
    ASSERT_TRUE(pump_until(source.host, client, [&] { return rep->state() == zro::ReplicaState::suspect; }));
    EXPECT_TRUE(seen.noticed(zro::ReplicaNotice::Kind::source_withdrawn));
    source.registration = source.host.enable_remoting(source.pump, "Pump");
    source.pump.set_property("count", 7);
    ASSERT_TRUE(pump_until(source.host, client, [&] { return rep->valid() && rep->property("count").as<int>() == 7; }, 10s));
}

TEST(Proxy, TwoProxiesInAChainRelayEveryChangeAndCall) {
    PumpHost source;
    zro::Proxy first("tcp://127.0.0.1:0", proxy_from(source.host.url()));
    first.start();
    zro::Proxy second("tcp://127.0.0.1:0", proxy_from(first.url()));
    second.start();
    zro::Node client(fast());
    client.connect_to(second.url());
    auto rep = client.acquire_dynamic("Pump");
    Seen seen;
    seen.watch(*rep);
    ASSERT_TRUE(pump_until(source.host, client, [&] { return rep->valid(); }, 10s));
    for (int i = 1; i <= 100; ++i) source.pump.set_property("count", i);
    ASSERT_TRUE(pump_until(source.host, client, [&] { return rep->property("count").as<int>() == 100; }));
    ASSERT_EQ(seen.events.size(), 100u);
    for (int i = 1; i <= 100; ++i) EXPECT_EQ(seen.events[i - 1], "count=" + std::to_string(i));
    auto sum = rep->invoke("add", {40, 2});
    ASSERT_TRUE(finish(source.host, client, sum));
    ASSERT_FALSE(sum.error()) << sum.error()->message;
    EXPECT_EQ(sum.value().as<int>(), 42);
}
