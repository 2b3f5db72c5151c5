// zro — shared live objects over ZeroMQ.
// Generated MODEL members: a PlaylistSimpleSource sets its models, a PlaylistReplica reads them
// by typed accessor and role constant; a dynamic replica of the same source sees the same.

#include "rep_models_merged.h"

#include <zro/standard_item_model.hpp>

#include <gtest/gtest.h>

#include "support/nodes.hpp"

using namespace std::chrono_literals;
using zro::test::fast;
using zro::test::pump_until;

namespace {
struct Playlist : PlaylistSimpleSource {
    std::int32_t count() override { return 3; }
};
} // namespace

TEST(GeneratedModels, TypedAccessorsRoleConstantsAndTheSignature) {
    // Models after properties in the schema, properties numbered without them.
    const auto& schema = PlaylistInterface::static_schema();
    ASSERT_EQ(schema.models().size(), 2u);
    EXPECT_EQ(schema.models()[0].roles, (std::vector<std::string>{"title", "seconds"}));
    EXPECT_EQ(schema.property_index("name"), std::optional<std::size_t>(1));
    EXPECT_EQ(PlaylistInterface::signature, schema.signature());
    static_assert(PlaylistInterface::tracks_role_title == 0 && PlaylistInterface::tracks_role_seconds == 1);

    zro::Host host("tcp://127.0.0.1:*", fast());
    Playlist source;
    zro::StandardItemModel tracks({"title", "seconds"});
    tracks.append_row({}, {"So What", std::int64_t{562}});
    tracks.append_row({}, {"Blue in Green", std::int64_t{337}});
    source.set_tracks(&tracks);
    EXPECT_EQ(source.tracks(), &tracks);
    host.enable_remoting(source, "Playlist");

    zro::Node client(fast());
    client.connect_to(host.url());
    auto replica = client.acquire<PlaylistReplica>("Playlist");
    replica->tracks().set_window({}, 0, 10);  // before the source answered: kept, sent with the first snapshot
    auto dynamic = client.acquire_dynamic("Playlist");
    ASSERT_TRUE(pump_until(host, client, [&] { return replica->valid() && dynamic->valid() && replica->tracks().cached({}, 1); }));
    EXPECT_EQ(replica->tracks().row_count(), 2u);
    EXPECT_EQ(replica->tracks().data({}, 1, 0, PlaylistReplica::tracks_role_seconds), zro::Value(std::int64_t{337}));
    EXPECT_FALSE(replica->queue().has_model());
    EXPECT_EQ(replica->volume(), 5);
    EXPECT_EQ(dynamic->model("tracks").row_count(), 2u);

    // Set, replace, clear on the source; the replica follows.
    zro::StandardItemModel queue({"title"});
    queue.append_row({}, {"next"});
    source.set_queue(&queue);
    replica->queue().set_window({}, 0, 5);
    ASSERT_TRUE(pump_until(host, client, [&] { return replica->queue().cached({}, 0); }));
    EXPECT_EQ(replica->queue().data({}, 0, 0, PlaylistReplica::queue_role_title), zro::Value("next"));
    tracks.set_value({}, 0, 0, 0, "So What (take 2)");
    ASSERT_TRUE(pump_until(host, client, [&] { return replica->tracks().data({}, 0) == zro::Value("So What (take 2)"); }));
    source.set_tracks(nullptr);
    ASSERT_TRUE(pump_until(host, client, [&] { return !replica->tracks().has_model(); }));
    auto write = replica->tracks().set_data({}, 0, 0, 0, "x");
    ASSERT_TRUE(pump_until(host, client, [&] { return write.finished(); }));
    ASSERT_TRUE(write.error());
    EXPECT_EQ(write.error()->code, zro::ErrorCode::unknown_model);
}
