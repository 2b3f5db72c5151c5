// zro — shared live objects over ZeroMQ.
// Types from C++ headers (tests/idl/reps/external.rep including external_types.h): classes
// generated with zro::external_type<T> used over tcp loopback, a dynamic replica beside, and a
// FLAG as a map key.

#include "rep_external_merged.h"

#include <zro/idl/ast.hpp>
#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include "support/nodes.hpp"

using namespace std::chrono_literals;
using weather::Temperature;
using zro::test::fast;
using zro::test::pump_until;

namespace {

class WeatherImpl : public WeatherSimpleSource {
public:
    using WeatherSimpleSource::set_inside;  // READONLY: protected on the simple source

    Temperature warmer(Temperature t, double by) override { return Temperature(t.celsius() + by); }
    std::vector<ExtPOD> echo(std::vector<ExtPOD> pods) override { return pods; }
};

ActivePositions both() { return ActivePositions(PositionEnum::Position::Left) | PositionEnum::Position::Top; }

} // namespace

TEST(GeneratedExternal, SignatureIsHashedWithTheSchemaTypesCppGives) {
    const zro::Schema& s = WeatherInterface::static_schema();
    EXPECT_EQ(s.signature(), WeatherInterface::signature);
    EXPECT_EQ(s.properties().at(0).type, "double");
    EXPECT_EQ(s.properties().at(2).type, "map<int32,Reading>");  // flags travel as their enum type's integer
    EXPECT_EQ(s.find_pod("Reading")->fields.at(0).type, "double");
    EXPECT_EQ(s.methods().at(1).return_type, "list<list<var>>");
    static_assert(WeatherInterface::signature.size() == 16);  // a compile-time constant still

    // The .rep alone cannot give the schema: the parser says where it is instead.
    const auto doc = zro::idl::parse_file(ZRO_IDL_TEST_DIR "/reps/external.rep");
    try {
        (void)zro::idl::to_schema(doc, "Weather");
        FAIL() << "to_schema accepted a class with external types";
    } catch (const zro::idl::ParseError& e) {
        EXPECT_NE(std::string(e.what()).find("weather::Temperature"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("WeatherInterface::static_schema()"), std::string::npos) << e.what();
    }
}

TEST(GeneratedExternal, FlagsOrderAsMapKeysAndRoundTrip) {
    std::map<ActivePositions, Reading> m{{both(), Reading{Temperature(3), "corner"}}, {ActivePositions(), Reading{}}};
    EXPECT_EQ(zro::from_value<decltype(m)>(zro::to_value(m)), m);
    EXPECT_EQ(zro::to_value(m).as_map().front().first, zro::Value(0));  // keys are the bits
}

TEST(GeneratedExternal, TypedSourceAndReplicaEndToEnd) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    WeatherImpl src;
    auto reg = host.enable_remoting(src, "Weather");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire<WeatherReplica>("Weather");
    std::vector<std::vector<ExtPOD>> measured;
    std::vector<Reading> latest;
    rep->on_measured([&](const std::vector<ExtPOD>& pods, const Reading& r) {
        measured.push_back(pods);
        latest.push_back(r);
    });
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));

    src.set_inside(Temperature(21.5));
    src.set_by_position({{both(), Reading{Temperature(-4), "roof"}}});
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->inside() == Temperature(21.5) && !rep->by_position().empty(); }));
    EXPECT_EQ(rep->by_position().at(both()).temperature.celsius(), -4);
    EXPECT_EQ(rep->by_position().at(both()).where, "roof");

    auto set = rep->set_outside(Temperature(12));  // READWRITE, written by the replica
    auto warmer = rep->warmer(Temperature(20), 1.5);
    auto echoed = rep->echo({ExtPOD{1, 0.5f, "a"}, ExtPOD{2, 1.5f, "b"}});
    ASSERT_TRUE(pump_until(host, client, [&] { return set.finished() && warmer.finished() && echoed.finished(); }));
    EXPECT_FALSE(set.error());
    EXPECT_EQ(src.outside(), Temperature(12));
    EXPECT_EQ(warmer.value(), Temperature(21.5));
    EXPECT_EQ(echoed.value(), (std::vector<ExtPOD>{ExtPOD{1, 0.5f, "a"}, ExtPOD{2, 1.5f, "b"}}));
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->outside() == Temperature(12); }));

    src.emit_measured({ExtPOD{7, 2.0f, "x"}}, Reading{Temperature(30), "sun"});
    ASSERT_TRUE(pump_until(host, client, [&] { return measured.size() == 1; }));
    EXPECT_EQ(measured[0], (std::vector<ExtPOD>{ExtPOD{7, 2.0f, "x"}}));
    EXPECT_EQ(latest[0].temperature.fahrenheit(), 86);
}

TEST(GeneratedExternal, DynamicReplicaSeesTheSchemaTypes) {
    zro::Host host("tcp://127.0.0.1:*", fast());
    WeatherImpl src;
    src.set_outside(Temperature(5));
    auto reg = host.enable_remoting(src, "Weather");
    zro::Node client(fast());
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("Weather");
    ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
    EXPECT_EQ(rep->schema().signature(), WeatherInterface::signature);
    EXPECT_EQ(rep->property("outside"), zro::Value(5.0));
    auto warmer = rep->invoke("warmer", {zro::Value(1.0), zro::Value(2.0)});
    auto wrong = rep->invoke("warmer", {zro::Value("warm"), zro::Value(2.0)});  // not a double: refused
    ASSERT_TRUE(pump_until(host, client, [&] { return warmer.finished() && wrong.finished(); }));
    EXPECT_EQ(warmer.value(), zro::Value(3.0));
    ASSERT_TRUE(wrong.error());
    EXPECT_EQ(wrong.error()->code, zro::ErrorCode::bad_arguments);
}
