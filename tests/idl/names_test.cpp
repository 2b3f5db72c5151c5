// zro — shared live objects over ZeroMQ.
// User names that are also zro's member names (tests/idl/reps/zro_names.rep): an ENUM state, a
// PROP state, name, valid and schema, slots and signals named like zro's machinery. The
// generated classes compile and work; zro's members stay reachable qualified.

#include "rep_zro_names_merged.h"

#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include "support/nodes.hpp"

using zro::test::fast;
using zro::test::pump_until;

namespace {

class MachineImpl : public MachineSimpleSource {
public:
    std::int32_t x_() override { return x() + 1; }
    std::int32_t handle_call(std::int32_t index) override { return index * 2; }
    std::string invoke_method(std::string method) override { return "called " + method; }
    bool model(std::int32_t index) override { return index > 0; }
};

} // namespace

TEST(GeneratedNames, UserNamesLikeZrosOwnWork) {
    using State = MachineInterface::state;
    zro::Host host("tcp://127.0.0.1:*", fast());
    MachineImpl src;
    auto reg = host.enable_remoting(src, "M1");
    EXPECT_EQ(src.zro::Source::schema().type_name(), "Machine");  // the PROP schema hides it
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire<MachineReplica>("M1");
    EXPECT_EQ(rep->state(), State::Busy);  // the property, at its .rep default
    EXPECT_EQ(rep->zro::Replica::state(), zro::ReplicaState::defaulted);
    EXPECT_EQ(rep->name(), "machine");
    EXPECT_EQ(rep->zro::Replica::name(), "M1");
    std::vector<std::int32_t> values;
    rep->on_property_value([&](const std::int32_t& i) { values.push_back(i); });
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->zro::Replica::valid(); }));

    src.set_state(State::Idle);
    src.set_value(3);
    src.set_x(41);
    src.set_schema(9);
    src.emit_property_value(5);
    ASSERT_TRUE(pump_until(host, client, [&] { return values.size() == 1; }));
    EXPECT_EQ(rep->state(), State::Idle);
    EXPECT_EQ(rep->value(), 3);
    EXPECT_EQ(rep->schema(), 9);

    auto valid = rep->set_valid(true);  // PROP valid READWRITE
    auto x = rep->x_();
    auto handled = rep->handle_call(21);
    auto invoked = rep->invoke_method("go");
    auto modelled = rep->model(1);
    ASSERT_TRUE(pump_until(host, client, [&] {
        return valid.finished() && x.finished() && handled.finished() && invoked.finished() && modelled.finished() && rep->valid();
    }));
    EXPECT_EQ(x.value(), 42);
    EXPECT_EQ(handled.value(), 42);
    EXPECT_EQ(invoked.value(), "called go");
    EXPECT_TRUE(modelled.value());
    EXPECT_EQ(values, (std::vector<std::int32_t>{5}));
}
