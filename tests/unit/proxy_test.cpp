// zro — zro::Proxy in one process over tcp loopback: a source host and a client node pumped on
// the test thread, the proxy on its own loop thread between them. What the client sees through
// the proxy must be what it would see from the source: every change and signal in order, call
// results and error codes, writes by mode, Suspect when the source is lost, Valid again with the
// new state, withdrawal, and the same through a chain of two proxies.

#include <zro/proxy.hpp>
#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include "support/nodes.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
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
    explicit PumpHost(const std::string& url = "tcp://127.0.0.1:0", const std::string& name = "Pump")
        : host(url, fast()), pump(pump_schema()) {
        pump.on_call("add", [](const std::vector<zro::Value>& a) { return zro::Value(a[0].as<int>() + a[1].as<int>()); });
        pump.on_call("fail", [](const std::vector<zro::Value>&) -> zro::Value { throw std::runtime_error("pump jammed"); });
        registration = host.enable_remoting(pump, name);
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

/// A TCP port on 127.0.0.1 that was free a moment ago (for a proxy that must know its own URLs
/// before it binds them).
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        return 0;
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

/// `fn()` run on the proxy's loop thread (what `relayed()` asks), its result brought back.
template <class F> auto on_loop(zro::Proxy& proxy, F fn) {
    std::promise<decltype(fn())> p;
    auto f = p.get_future();
    proxy.post([&] { p.set_value(fn()); });
    return f.get();
}

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

// The reverse direction (QtRO's reverseProxy()): a source on the outer side reaches a client on
// the inner side through the proxy's second host, while the forward direction goes on. Each
// direction is also given the other's host (as discovery would find it): neither relays the
// proxy's own copies back.
TEST(Proxy, ReverseCarriesAnOuterSourceToTheInnerSideAndNeverRelaysItsOwnCopies) {
    PumpHost inner_source;                               // on the inner network
    PumpHost outer_source("tcp://127.0.0.1:0", "Panel");  // on the outer network
    const std::string outer_url = "tcp://127.0.0.1:" + std::to_string(free_port());
    const std::string reverse_url = "tcp://127.0.0.1:" + std::to_string(free_port());
    auto o = proxy_from(inner_source.host.url());
    o.from_urls.push_back(reverse_url);  // the inner side sees the reverse host too
    o.reverse.url = reverse_url;
    o.reverse.from_urls = {outer_source.host.url(), outer_url};  // the outer side sees the outer host
    o.reverse.client = fast();
    o.reverse.host = fast();
    zro::Proxy proxy(outer_url, o);
    ASSERT_EQ(proxy.url(), outer_url);
    ASSERT_EQ(proxy.reverse_url(), reverse_url);
    proxy.start();

    zro::Node inner_client(fast());
    inner_client.connect_to(proxy.reverse_url());
    auto panel = inner_client.acquire_dynamic("Panel");
    Seen seen;
    seen.watch(*panel);
    ASSERT_TRUE(pump_until(outer_source.host, inner_client, [&] { return panel->valid(); }));
    EXPECT_EQ(panel->schema().signature(), outer_source.pump.schema().signature());
    for (int i = 1; i <= 100; ++i) {
        outer_source.pump.set_property("count", i);
        if (i % 10 == 0) outer_source.pump.emit_signal("ticked", {i});
    }
    ASSERT_TRUE(pump_until(outer_source.host, inner_client, [&] { return panel->property("count").as<int>() == 100; }));
    ASSERT_EQ(seen.events.size(), 110u);
    EXPECT_EQ(seen.events.front(), "count=1");
    EXPECT_EQ(seen.events.back(), "ticked(100)");
    auto sum = panel->invoke("add", {40, 2});
    ASSERT_TRUE(finish(outer_source.host, inner_client, sum));
    ASSERT_FALSE(sum.error()) << sum.error()->message;
    EXPECT_EQ(sum.value().as<int>(), 42);
    auto write = panel->set_property("label", "east");
    ASSERT_TRUE(finish(outer_source.host, inner_client, write));
    EXPECT_FALSE(write.error());
    EXPECT_EQ(outer_source.pump.property("label").as<std::string>(), "east");

    // The forward direction works beside it.
    zro::Node outer_client(fast());
    outer_client.connect_to(proxy.url());
    auto pump = outer_client.acquire_dynamic("Pump");
    inner_source.pump.set_property("count", 5);
    ASSERT_TRUE(pump_until(inner_source.host, outer_client, [&] { return pump->valid() && pump->property("count").as<int>() == 5; }));

    // Several scans later, each side still shares only the other side's objects.
    pump_until({&inner_source.host, &outer_source.host}, [] { return false; }, 500ms);
    EXPECT_EQ(on_loop(proxy, [&] { return proxy.relayed(); }), std::vector<std::string>{"Pump"});
    EXPECT_EQ(on_loop(proxy, [&] { return proxy.relayed_reverse(); }), std::vector<std::string>{"Panel"});
}
