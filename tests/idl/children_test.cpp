// zro — shared live objects over ZeroMQ.
// CLASS sub-objects: a child source is shared beside its parent as "<parent>.<property>", and a
// parent replica acquired with node.acquire<ClassReplica>(name) follows it.

#include "rep_children_merged.h"

#include <gtest/gtest.h>

#include "support/nodes.hpp"

using namespace std::chrono_literals;
using zro::test::fast;
using zro::test::pump_until;

namespace {

} // namespace

TEST(Children, ChildChangesReachTheChildReplicaAndNullStaysNull) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    SimpleClockSimpleSource left_clock, right_clock, spare_clock;
    left_clock.set_hour(1);
    right_clock.set_hour(2);
    spare_clock.set_hour(3);
    TypeWithSubObjectSimpleSource left, right, empty;
    left.set_clock(&left_clock);
    right.set_clock(&right_clock);
    host.enable_remoting(left, "Left");
    host.enable_remoting(right, "Right");
    host.enable_remoting(empty, "Empty");

    zro::Node client(fast());
    client.connect_to(host.url());
    auto l = client.acquire<TypeWithSubObjectReplica>("Left");
    auto r = client.acquire<TypeWithSubObjectReplica>("Right");
    auto e = client.acquire<TypeWithSubObjectReplica>("Empty");
    EXPECT_EQ(l->clock(), nullptr);  // before the source answers
    std::vector<SimpleClockReplica*> swaps;
    l->on_clock_changed([&](SimpleClockReplica* c) { swaps.push_back(c); });

    // two parents of one type keep their own children; a null child is null
    ASSERT_TRUE(pump_until(host, client, [&] {
        return l->valid() && r->valid() && e->valid() && l->clock() && r->clock() && l->clock()->valid() && r->clock()->valid();
    }));
    EXPECT_EQ(l->clock()->hour(), 1);
    EXPECT_EQ(r->clock()->hour(), 2);
    EXPECT_EQ(l->clock()->zro::Replica::name(), "Left.clock");
    EXPECT_EQ(e->clock(), nullptr);
    EXPECT_EQ(swaps.size(), 1u);

    // a change on a child source reaches its child replica, signals too
    std::vector<int> ticks;
    l->clock()->on_time_updated([&](const std::int32_t& h, const std::int32_t&) { ticks.push_back(h); });
    left_clock.set_hour(11);
    left_clock.emit_time_updated(11, 0);
    ASSERT_TRUE(pump_until(host, client, [&] { return l->clock()->hour() == 11 && ticks.size() == 1; }));
    EXPECT_EQ(r->clock()->hour(), 2);

    // the child becomes null, then another object
    left.set_clock(nullptr);
    ASSERT_TRUE(pump_until(host, client, [&] { return l->clock() == nullptr; }));
    left.set_clock(&spare_clock);
    ASSERT_TRUE(pump_until(host, client, [&] { return l->clock() && l->clock()->valid(); }));
    EXPECT_EQ(l->clock()->hour(), 3);
    EXPECT_EQ(swaps.size(), 3u);
    EXPECT_EQ(swaps[1], nullptr);

    // a dynamic replica sees the child's object name, and can acquire it itself
    auto dyn = client.acquire_dynamic("Right");
    ASSERT_TRUE(pump_until(host, client, [&] { return dyn->valid(); }));
    EXPECT_EQ(dyn->property("clock"), zro::Value("Right.clock"));
}

TEST(Children, NestedSubObjects) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    SimpleClockSimpleSource clock;
    clock.set_minute(59);
    TypeWithSubObjectSimpleSource middle;
    middle.set_clock(&clock);
    OuterSimpleSource outer;
    outer.set_inner(&middle);
    host.enable_remoting(outer, "Outer");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire<OuterReplica>("Outer");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->inner() && rep->inner()->clock() && rep->inner()->clock()->valid(); }));
    EXPECT_EQ(rep->inner()->clock()->minute(), 59);
    EXPECT_EQ(rep->inner()->after(), 42);
}
