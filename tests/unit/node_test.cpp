// zro — shared live objects over ZeroMQ.
// A host and a client node in one process, over real sockets (tcp loopback, ipc, inproc), driven
// from the test thread. Multi-process behaviour is covered by tests/integration.

#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include "support/nodes.hpp"

#include <unistd.h>

#include <numeric>

using namespace std::chrono_literals;
using zro::test::fast;
using zro::test::pump_until;

namespace {

zro::Schema switch_schema() {
    zro::Schema s("SimpleSwitch");
    s.add_property("currState", "bool", false, zro::PropertyMode::read_push)
        .add_property("label", "string", "switch", zro::PropertyMode::read_write)
        .add_property("serial", "string", "A1", zro::PropertyMode::constant)
        .add_signal("toggled", {{"state", "bool"}, {"count", "int32"}})
        .add_method("server_slot", {{"clientState", "bool"}})
        .add_method("add", {{"a", "int32"}, {"b", "int32"}}, "int32");
    return s;
}

/// Runs both nodes' loops (each node has its own; in one thread we alternate).
void pump(zro::Node& a, zro::Node& b, std::chrono::milliseconds d) {
    const auto end = std::chrono::steady_clock::now() + d;
    while (std::chrono::steady_clock::now() < end) {
        a.run_for(2ms);
        b.run_for(2ms);
    }
}

} // namespace

TEST(Node, ReplicaInitializesFollowsChangesAndSignalsInOrder) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    auto reg = host.enable_remoting(src, "SimpleSwitch");

    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("SimpleSwitch");
    EXPECT_EQ(rep->state(), zro::ReplicaState::uninitialized);
    bool initialized = false;
    rep->on_initialized([&] { initialized = true; });
    std::vector<std::string> seen;
    rep->on_property_changed([&](std::string_view n, const zro::Value& v) { seen.push_back(std::string(n) + "=" + v.to_string()); });
    rep->on_signal([&](std::string_view n, const std::vector<zro::Value>& a) { seen.push_back(std::string(n) + "(" + a[0].to_string() + "," + a[1].to_string() + ")"); });

    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    EXPECT_TRUE(initialized);
    EXPECT_EQ(rep->property("label"), zro::Value("switch"));
    EXPECT_EQ(rep->schema().signature(), src.schema().signature());

    src.set_property("currState", true);
    src.emit_signal("toggled", {true, 1});
    src.set_property("currState", false);
    src.set_property("currState", false);  // no change: no notification
    src.set_property("label", "x");
    ASSERT_TRUE(pump_until(host, client, [&] { return seen.size() == 4; }));
    EXPECT_EQ(seen, (std::vector<std::string>{"currState=true", "toggled(true,1)", "currState=false", "label=\"x\""}));
    EXPECT_EQ(rep->stats().gaps_detected, 0u);
}

TEST(Node, MethodCallsReturnResultsAndErrors) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    src.on_call("add", [](const std::vector<zro::Value>& a) { return zro::Value(a[0].as<int>() + a[1].as<int>()); });
    src.on_call("server_slot", [](const std::vector<zro::Value>&) -> zro::Value { throw std::runtime_error("boom"); });
    auto reg = host.enable_remoting(src, "S");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("S");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));

    auto ok = rep->invoke("add", {2, 40});
    auto boom = rep->invoke("server_slot", {true});
    auto wrong_type = rep->invoke("add", {"x", 1});
    auto wrong_count = rep->invoke("add", {1});
    auto unknown = rep->invoke("nope");
    ASSERT_TRUE(pump_until(host, client, [&] { return ok.finished() && boom.finished(); }));
    EXPECT_EQ(ok.value(), zro::Value(42));
    ASSERT_TRUE(boom.error());
    EXPECT_EQ(boom.error()->code, zro::ErrorCode::handler_failed);
    EXPECT_NE(boom.error()->message.find("boom"), std::string::npos);
    EXPECT_EQ(wrong_type.error()->code, zro::ErrorCode::bad_arguments);
    EXPECT_EQ(wrong_count.error()->code, zro::ErrorCode::bad_arguments);
    EXPECT_EQ(unknown.error()->code, zro::ErrorCode::unknown_method);
}

TEST(Node, PropertyWritesFollowTheirModeAndComeBackFromTheSource) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    auto reg = host.enable_remoting(src, "S");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("S");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));

    auto push = rep->set_property("currState", true);   // READPUSH: through the source's setter
    auto set = rep->set_property("label", "kitchen");   // READWRITE
    auto constant = rep->set_property("serial", "B2");  // CONSTANT: refused locally
    auto bad = rep->set_property("label", 5);
    EXPECT_EQ(rep->property("currState"), zro::Value(false));  // unchanged until the source says so
    ASSERT_TRUE(pump_until(host, client, [&] { return push.finished() && set.finished(); }));
    EXPECT_FALSE(push.error());
    EXPECT_FALSE(set.error());
    EXPECT_EQ(constant.error()->code, zro::ErrorCode::read_only);
    EXPECT_EQ(bad.error()->code, zro::ErrorCode::bad_arguments);
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->property("label") == zro::Value("kitchen"); }));
    EXPECT_EQ(src.property("currState"), zro::Value(true));
    EXPECT_EQ(rep->property("currState"), zro::Value(true));
}

TEST(Node, DeferredRepliesAnswerLaterAndDroppedCallsFail) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    std::vector<zro::Responder> parked;
    src.on_call_deferred("add", [&](std::vector<zro::Value> a, zro::Responder r) {
        if (a[0].as<int>() < 0) return;  // dropped: the Responder dies here
        parked.push_back(std::move(r));
    });
    auto reg = host.enable_remoting(src, "S");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("S");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    auto later = rep->invoke("add", {1, 2});
    auto dropped = rep->invoke("add", {-1, 2});
    ASSERT_TRUE(pump_until(host, client, [&] { return parked.size() == 1 && dropped.finished(); }));
    EXPECT_FALSE(later.finished());
    EXPECT_EQ(dropped.error()->code, zro::ErrorCode::handler_failed);
    parked[0].reply(3);
    ASSERT_TRUE(pump_until(host, client, [&] { return later.finished(); }));
    EXPECT_EQ(later.value(), zro::Value(3));
}

TEST(Node, ReplicaAcquiredBeforeTheSourceExistsInitializesWhenItAppears) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("Late");
    pump(host, client, 200ms);
    EXPECT_EQ(rep->state(), zro::ReplicaState::uninitialized);
    zro::DynamicSource src(switch_schema());
    auto reg = host.enable_remoting(src, "Late");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
}

TEST(Node, WithdrawnSourceMakesTheReplicaSuspectAndItRecoversWhenShareAgain) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    auto reg = host.enable_remoting(src, "S");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("S");
    std::vector<zro::ReplicaState> states;
    rep->on_state_changed([&](zro::ReplicaState now, zro::ReplicaState) { states.push_back(now); });
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    reg.withdraw();
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->state() == zro::ReplicaState::suspect; }));
    EXPECT_NE(rep->last_reason().find("withdrawn"), std::string::npos);
    src.set_property("label", "back");
    auto reg2 = host.enable_remoting(src, "S");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    EXPECT_EQ(rep->property("label"), zro::Value("back"));
    EXPECT_EQ(states, (std::vector<zro::ReplicaState>{zro::ReplicaState::valid, zro::ReplicaState::suspect, zro::ReplicaState::valid}));
}

TEST(Node, SilentHostMakesTheReplicaSuspectWithinThreeHeartbeats) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    auto reg = host.enable_remoting(src, "S");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("S");
    auto call = zro::PendingReply<zro::Value>::failed(zro::ErrorCode::ok, "");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    call = rep->invoke("add", {1, 1});  // the host never runs again: this call cannot complete
    const auto start = std::chrono::steady_clock::now();
    client.run_for(1ms);
    while (rep->valid() && std::chrono::steady_clock::now() - start < 2s) client.run_for(5ms);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(rep->state(), zro::ReplicaState::suspect);
    EXPECT_LE(took, 250ms);  // 3 × 50 ms heartbeats + a tick
    EXPECT_GE(took, 100ms);
    ASSERT_TRUE(call.finished());
    EXPECT_EQ(call.error()->code, zro::ErrorCode::source_gone);
    // Heartbeats resume: valid again without a new snapshot being needed.
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
}

TEST(Node, HostRestartOnTheSameUrlIsFollowedWithTheNewState) {
    auto host = std::make_unique<zro::Host>("tcp://127.0.0.1:*", fast());
    const std::string url = host->url();
    auto src = std::make_unique<zro::DynamicSource>(switch_schema());
    auto reg = host->enable_remoting(*src, "S");
    zro::Node client(fast());
    client.connect_to(url);
    auto rep = client.acquire_dynamic("S");
    std::vector<zro::ReplicaNotice::Kind> notices;
    rep->on_notice([&](const zro::ReplicaNotice& n) { notices.push_back(n.kind); });
    ASSERT_TRUE(pump_until(*host, client, [&] { return rep->valid(); }));
    src.reset();  // withdraws it
    host.reset();
    client.run_for(300ms);
    EXPECT_EQ(rep->state(), zro::ReplicaState::suspect);
    host = std::make_unique<zro::Host>(url, fast());
    src = std::make_unique<zro::DynamicSource>(switch_schema());
    src->set_property("label", "second life");
    reg = host->enable_remoting(*src, "S");
    ASSERT_TRUE(pump_until(*host, client, [&] { return rep->valid(); }, 5s));
    EXPECT_EQ(rep->property("label"), zro::Value("second life"));
}

TEST(Node, WorksOverIpcAndInproc) {
    for (std::string url : {"ipc:///tmp/zro-node-test-" + std::to_string(::getpid()), std::string("inproc://zro-node-test")}) {
        zro::Host host(url, fast());
        zro::DynamicSource src(switch_schema());
        auto reg = host.enable_remoting(src, "S");
        zro::Node client(fast());
        client.connect_to(url);
        auto rep = client.acquire_dynamic("S");
        ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); })) << url;
        src.set_property("label", "via " + url);
        ASSERT_TRUE(pump_until(host, client, [&] { return rep->property("label") == zro::Value("via " + url); })) << url;
    }
}

TEST(Node, BadUrlsAndBusyPortsAreClearErrors) {
    try {
        zro::Host h("udp://127.0.0.1:1");
        FAIL();
    } catch (const zro::Error& e) {
        EXPECT_EQ(e.code(), zro::ErrorCode::bad_url);
        EXPECT_NE(std::string(e.what()).find("unsupported scheme"), std::string::npos);
    }
    zro::Host first("tcp://127.0.0.1:*");
    try {
        zro::Host second(first.url());
        FAIL();
    } catch (const zro::Error& e) {
        EXPECT_EQ(e.code(), zro::ErrorCode::bind_failed);
        EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    }
    zro::DynamicSource src(switch_schema());
    auto reg = first.enable_remoting(src, "S");
    zro::DynamicSource other(switch_schema());
    try {
        auto again = first.enable_remoting(other, "S");
        FAIL();
    } catch (const zro::Error& e) {
        EXPECT_EQ(e.code(), zro::ErrorCode::already_exists);
    }
}

TEST(Node, ListObjectsAnswersWithNamesTypesAndSignatures) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource a(switch_schema());
    auto ra = host.enable_remoting(a, "Kitchen");
    zro::Node client(fast());
    auto reply = client.list_objects(host.url());  // connects, waits for the handshake, asks
    ASSERT_TRUE(pump_until(host, client, [&] { return reply.finished(); }));
    ASSERT_FALSE(reply.error()) << reply.error()->message;
    const zro::Value v = reply.value();
    EXPECT_EQ(v.at("node_id"), zro::Value(host.node_id()));
    ASSERT_EQ(v.at("objects").size(), 1u);
    EXPECT_EQ(v.at("objects").at(0).at("name"), zro::Value("Kitchen"));
    EXPECT_EQ(v.at("objects").at(0).at("type"), zro::Value("SimpleSwitch"));
    EXPECT_EQ(v.at("objects").at(0).at("signature"), zro::Value(a.schema().signature()));

    zro::Node lonely(fast());
    auto none = lonely.list_objects("tcp://127.0.0.1:1", 200ms);  // nobody listens there
    lonely.run_for(300ms);
    ASSERT_TRUE(none.finished());
    EXPECT_EQ(none.error()->code, zro::ErrorCode::timeout);
}

TEST(Node, BusyLoopBatchesOneChangePerTurnAndDeliversEveryChangeInOrder) {
    // A 0 ms timer changing one property per turn keeps the host's loop busy: with publish
    // batching the changes of many turns leave in one EVENTS message; with it off, one per turn.
    constexpr std::int64_t changes = 5000;
    for (const auto delay : {std::chrono::microseconds(200), std::chrono::microseconds(0)}) {
        SCOPED_TRACE("max_publish_delay " + std::to_string(delay.count()) + " us");
        zro::NodeOptions options = fast();
        options.max_publish_delay = delay;
        zro::Host host("tcp://127.0.0.1:*", options);
        zro::Schema schema("Counter");
        schema.add_property("n", "int64", std::int64_t{0});
        zro::DynamicSource src(schema);
        auto reg = host.enable_remoting(src, "Counter");
        zro::Node client(fast());
        client.connect_to(host.url());
        auto rep = client.acquire_dynamic("Counter");
        std::vector<std::int64_t> seen;
        rep->on_property_changed([&](std::string_view, const zro::Value& v) { seen.push_back(v.as<std::int64_t>()); });
        ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));

        std::int64_t next = 0;
        zro::Timer ticker = host.add_timer(0ms, [&] {
            src.set_property("n", ++next);
            if (next == changes) ticker.cancel();
        });
        ASSERT_TRUE(pump_until(host, client, [&] { return seen.size() == changes; }, 10s)) << seen.size();
        std::vector<std::int64_t> expected(changes);
        std::iota(expected.begin(), expected.end(), 1);
        EXPECT_EQ(seen, expected);
        const auto& st = rep->stats();
        EXPECT_EQ(st.gaps_detected, 0u);
        EXPECT_EQ(rep->last_seq(), static_cast<std::uint64_t>(changes)) << "one seq per change";
        ASSERT_TRUE(rep->last_heard());
        EXPECT_LT(std::chrono::steady_clock::now() - *rep->last_heard(), 1s);
        if (delay.count() > 0)
            EXPECT_LT(st.event_messages, static_cast<std::uint64_t>(changes / 4)) << "changes were not batched";
        else
            EXPECT_EQ(st.event_messages, static_cast<std::uint64_t>(changes)) << "one message per turn expected";

        // An idle loop holds nothing: a single change leaves at the end of its turn.
        const auto before = st.event_messages;
        src.set_property("n", std::int64_t{-1});
        host.run_for(1ms);
        ASSERT_TRUE(pump_until(host, client, [&] { return seen.back() == -1; }, 1s));
        EXPECT_EQ(rep->stats().event_messages, before + 1);
    }
}

// ---- the handle rule (docs/GUIDE.md, "Handles"): dropping a handle ends nothing ----------------

TEST(Handles, ADroppedConnectionStaysConnectedUntilDisconnect) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    host.enable_remoting(src, "S");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("S");
    int dropped_calls = 0, kept_calls = 0;
    rep->on_property_changed([&](std::string_view, const zro::Value&) { ++dropped_calls; });  // handle dropped
    zro::Connection kept = rep->on_property_changed([&](std::string_view, const zro::Value&) { ++kept_calls; });
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    src.set_property("label", "one");
    ASSERT_TRUE(pump_until(host, client, [&] { return dropped_calls == 1 && kept_calls == 1; }));
    EXPECT_TRUE(kept.connected());
    kept.disconnect();
    EXPECT_FALSE(kept.connected());
    src.set_property("label", "two");
    ASSERT_TRUE(pump_until(host, client, [&] { return dropped_calls == 2; }));
    pump(host, client, 50ms);
    EXPECT_EQ(kept_calls, 1);
    rep.reset();
    kept.disconnect();  // harmless once its object is gone
}

TEST(Handles, ADroppedTimerRunsUntilCancel) {
    zro::Node node(fast());
    int dropped_ticks = 0, kept_ticks = 0;
    node.add_timer(5ms, [&] { ++dropped_ticks; });
    zro::Timer kept = node.add_timer(5ms, [&] { ++kept_ticks; });
    node.run_for(60ms);
    EXPECT_GE(dropped_ticks, 3);
    EXPECT_GE(kept_ticks, 3);
    kept.cancel();
    const int at_cancel = kept_ticks, dropped_before = dropped_ticks;
    node.run_for(60ms);
    EXPECT_EQ(kept_ticks, at_cancel);
    EXPECT_GT(dropped_ticks, dropped_before);
    kept.cancel();  // harmless twice
}

TEST(Handles, ADroppedRegistrationKeepsTheSourceSharedUntilWithdraw) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    zro::DynamicSource other(switch_schema());
    host.enable_remoting(other, "Dropped");  // handle dropped at once
    zro::Registration kept = host.enable_remoting(src, "Kept");
    EXPECT_EQ(kept.name(), "Kept");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto dropped_rep = client.acquire_dynamic("Dropped");
    auto kept_rep = client.acquire_dynamic("Kept");
    ASSERT_TRUE(pump_until(host, client, [&] { return dropped_rep->valid() && kept_rep->valid(); }));
    kept.withdraw();
    ASSERT_TRUE(pump_until(host, client, [&] { return kept_rep->state() == zro::ReplicaState::suspect; }));
    EXPECT_NE(kept_rep->last_reason().find("withdrawn"), std::string::npos);
    pump(host, client, 200ms);  // four heartbeats: the dropped handle's source is still served
    EXPECT_TRUE(dropped_rep->valid());
    kept.withdraw();  // harmless twice
    // The name is free again once withdrawn.
    EXPECT_NO_THROW(host.enable_remoting(src, "Kept"));
}

TEST(Handles, DestroyingTheSourceWithdrawsIt) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    auto src = std::make_unique<zro::DynamicSource>(switch_schema());
    zro::Registration registration = host.enable_remoting(*src, "S");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("S");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    src.reset();
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->state() == zro::ReplicaState::suspect; }));
    registration.withdraw();  // harmless: already withdrawn
}

TEST(Handles, ADroppedResponderAnswersTheCall) {
    // Not a registration: a Responder is an answer owed to a caller, so dropping it answers.
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    src.on_call_deferred("add", [](std::vector<zro::Value>, zro::Responder) {});
    host.enable_remoting(src, "S");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("S");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    auto reply = rep->invoke("add", {1, 2});
    ASSERT_TRUE(pump_until(host, client, [&] { return reply.finished(); }));
    ASSERT_TRUE(reply.error());
    EXPECT_EQ(reply.error()->code, zro::ErrorCode::handler_failed);
}

// ---- one error code per rule -------------------------------------------------------------------

namespace {
template <class F> zro::ErrorCode code_of(F&& f) {
    try {
        f();
    } catch (const zro::Error& e) {
        return e.code();
    }
    return zro::ErrorCode::ok;
}
} // namespace

TEST(Errors, ABadObjectNameIsBadArgumentsFromEveryEntryPoint) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    zro::DynamicSource src(switch_schema());
    const std::string too_long(256, 'x'), with_nul("a\0b", 3);
    for (const std::string& name : {std::string(), too_long, with_nul}) {
        EXPECT_EQ(code_of([&] { host.enable_remoting(src, name); }), zro::ErrorCode::bad_arguments) << name.size();
        EXPECT_EQ(code_of([&] { host.acquire_dynamic(name); }), zro::ErrorCode::bad_arguments) << name.size();
    }
}

TEST(Errors, ABadOptionIsBadArguments) {
    zro::NodeOptions slow_heartbeat = fast();
    slow_heartbeat.heartbeat_interval = 1ms;
    EXPECT_EQ(code_of([&] { zro::Node n(slow_heartbeat); }), zro::ErrorCode::bad_arguments);
    zro::NodeOptions tiny = fast();
    tiny.max_message_size = 100;
    EXPECT_EQ(code_of([&] { zro::Host h("tcp://127.0.0.1:*", tiny); }), zro::ErrorCode::bad_arguments);
}
