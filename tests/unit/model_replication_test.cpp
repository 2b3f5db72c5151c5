// zro — shared live objects over ZeroMQ.
// Item models replicated between a host and a client node in one process, over tcp loopback:
// the behaviours QtRO's modelview / modelreplica tests define (docs/MODELS.md), on zro's design
// (values pushed into windows, structural operations for every row, errors on refused writes).

#include <zro/list_model.hpp>
#include <zro/standard_item_model.hpp>
#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include "support/nodes.hpp"

#include <array>
#include <functional>
#include <random>

using namespace std::chrono_literals;
using zro::ModelChange;
using zro::ModelPath;
using zro::test::fast;
using zro::test::pump_until;
using Kind = zro::ModelChange::Kind;

namespace {

constexpr std::size_t display = 0, decoration = 1;

/// A flat table of `rows` rows and 2 columns: "r<row>c<col>" / <row * 10 + col>.
void fill(zro::StandardItemModel& m, const ModelPath& parent, std::size_t rows, const std::string& prefix = "r") {
    const std::size_t at = m.row_count(parent);
    m.insert_rows(parent, at, rows);
    for (std::size_t r = at; r < at + rows; ++r)
        for (std::size_t c = 0; c < m.column_count(parent); ++c) {
            m.set_value(parent, r, c, display, prefix + std::to_string(r) + "c" + std::to_string(c));
            if (m.role_names().size() > decoration) m.set_value(parent, r, c, decoration, static_cast<std::int64_t>(r * 10 + c));
        }
}

/// What differs between the source and the replica ("" when nothing): the counts of every
/// parent the replica knows, and every row it holds. `compared` counts the rows compared.
std::string differences(const zro::ItemModel& source, const zro::ModelReplica& replica, std::size_t& compared,
                        const ModelPath& parent = {}) {
    const std::string at = "parent of depth " + std::to_string(parent.size());
    if (replica.row_count(parent) != source.row_count(parent) || replica.column_count(parent) != source.column_count(parent))
        return at + ": " + std::to_string(replica.row_count(parent)) + "x" + std::to_string(replica.column_count(parent)) +
               ", source " + std::to_string(source.row_count(parent)) + "x" + std::to_string(source.column_count(parent));
    for (std::size_t r = 0; r < source.row_count(parent); ++r) {
        ModelPath child = parent;
        child.push_back(r);
        if (replica.row_count(child) > 0 || (source.row_count(child) > 0 && replica.cached(parent, r)))
            if (auto d = differences(source, replica, compared, child); !d.empty()) return d;
        if (!replica.cached(parent, r)) continue;
        ++compared;
        for (std::size_t c = 0; c < source.column_count(parent); ++c) {
            if (replica.flags(parent, r, c) != source.flags(parent, r, c))
                return at + ", row " + std::to_string(r) + ", column " + std::to_string(c) + ": flags differ";
            for (std::size_t role = 0; role < replica.role_names().size(); ++role)
                if (replica.data(parent, r, c, role) != source.data(parent, r, c, role))
                    return at + ", row " + std::to_string(r) + ", column " + std::to_string(c) + ": " +
                           replica.data(parent, r, c, role).to_string() + ", source " + source.data(parent, r, c, role).to_string();
        }
    }
    return "";
}

bool same(const zro::ItemModel& source, const zro::ModelReplica& replica) {
    std::size_t compared = 0;
    return differences(source, replica, compared).empty();
}

/// Every row the replica holds equals the source's, and every parent it knows has the source's
/// counts. Returns how many rows it compared.
std::size_t expect_same(const zro::ItemModel& source, const zro::ModelReplica& replica) {
    std::size_t compared = 0;
    EXPECT_EQ(differences(source, replica, compared), "");
    return compared;
}

struct Pair {
    zro::Host host{"tcp://127.0.0.1:*", fast()};
    zro::Node client{fast()};
    Pair() { client.connect_to(host.url()); }
    template <class P> bool until(P p, std::chrono::milliseconds t = 5s) { return pump_until(host, client, p, t); }
    /// For checks that something does *not* happen: turns both loops for 150 ms.
    void settle() { pump_until(host, client, [] { return false; }, 150ms); }
};

} // namespace

TEST(ModelReplication, EmptyModelThenRowsFollow) {
    Pair p;
    zro::StandardItemModel source({"display", "decoration"}, 2);
    p.host.enable_remoting(source, "Tracks");
    auto tracks = p.client.acquire_model("Tracks", {.prefetch_rows = 50});
    ASSERT_TRUE(p.until([&] { return tracks->replica().valid(); }));
    EXPECT_TRUE(tracks->has_model());
    EXPECT_EQ(tracks->row_count(), 0u);
    EXPECT_EQ(tracks->column_count(), 2u);
    EXPECT_EQ(tracks->role_names(), (std::vector<std::string>{"display", "decoration"}));
    fill(source, {}, 3);
    p.until([&] { return tracks->row_count() == 3 && tracks->cached({}, 2); });
    ASSERT_EQ(tracks->row_count(), 3u) << tracks->replica().stats().deltas_applied << " " << tracks->replica().last_seq();
    ASSERT_TRUE(tracks->cached({}, 2)) << tracks->cached_rows();
    EXPECT_EQ(expect_same(source, *tracks), 3u);
}

TEST(ModelReplication, InitialDataArrivesAndChangesArePushedIntoTheWindow) {
    Pair p;
    zro::StandardItemModel source({"display", "decoration"}, 2);
    fill(source, {}, 500);
    p.host.enable_remoting(source, "Tracks");
    auto tracks = p.client.acquire_model("Tracks", {.prefetch_rows = 100});
    ASSERT_TRUE(p.until([&] { return tracks->replica().valid() && tracks->cached({}, 99); }));
    EXPECT_EQ(tracks->row_count(), 500u);
    EXPECT_FALSE(tracks->cached({}, 100));
    EXPECT_EQ(expect_same(source, *tracks), 100u);

    // A change inside the window arrives with its value: inside the callback the row is there.
    std::vector<zro::Value> seen;
    tracks->on_change([&](const ModelChange& c) {
        if (c.kind == Kind::data_changed && c.first == 42) seen.push_back(tracks->data({}, 42, 1, display));
    });
    source.set_value({}, 42, 1, display, "changed");
    ASSERT_TRUE(p.until([&] { return !seen.empty(); }));
    EXPECT_EQ(seen.front(), zro::Value("changed"));
    EXPECT_TRUE(tracks->cached({}, 42));

    // Outside the window: nothing held, so nothing to push; reading it fetches the block.
    source.set_value({}, 300, 0, display, "far");
    EXPECT_TRUE(tracks->data({}, 300, 0, display).is_nil());
    ASSERT_TRUE(p.until([&] { return tracks->data({}, 300, 0, display) == zro::Value("far"); }));
    EXPECT_EQ(tracks->data({}, 301, 1, decoration), zro::Value(std::int64_t{3011}));
}

TEST(ModelReplication, RowsInsertedRemovedAndMovedKeepTheReplicaEqual) {
    Pair p;
    zro::StandardItemModel source({"display", "decoration"}, 2);
    fill(source, {}, 40);
    p.host.enable_remoting(source, "Tracks");
    auto tracks = p.client.acquire_model("Tracks", {.prefetch_rows = 60});
    ASSERT_TRUE(p.until([&] { return tracks->replica().valid() && tracks->cached({}, 39); }));
    std::vector<Kind> kinds;
    tracks->on_change([&](const ModelChange& c) { kinds.push_back(c.kind); });

    source.insert_rows({}, 5, 3);
    source.set_value({}, 6, 0, display, "new");
    source.remove_rows({}, 0, 2);
    source.move_rows({}, 10, 4, {}, 30);
    source.move_rows({}, 30, 2, {}, 0);
    fill(source, {}, 10, "tail");  // rows 41..50, inside the window
    ASSERT_TRUE(p.until([&] { return tracks->row_count() == source.row_count({}) && kinds.size() >= 6; }));
    ASSERT_TRUE(p.until([&] { return same(source, *tracks); }));
    EXPECT_EQ(expect_same(source, *tracks), 51u);
    EXPECT_EQ(kinds[0], Kind::rows_inserted);
    EXPECT_EQ(kinds[2], Kind::rows_removed);
    EXPECT_EQ(kinds[3], Kind::rows_moved);
}

TEST(ModelReplication, TreesWithChildrenUnderAnyParentAndMovesBetweenParents) {
    Pair p;
    zro::StandardItemModel source({"display", "decoration"}, 2);
    fill(source, {}, 5);
    fill(source, {1}, 4, "a");
    fill(source, {1, 2}, 3, "b");
    p.host.enable_remoting(source, "Tree");
    auto tree = p.client.acquire_model("Tree", {.prefetch_rows = 10});
    ASSERT_TRUE(p.until([&] { return tree->replica().valid() && tree->cached({}, 4); }));
    EXPECT_TRUE(tree->has_children({}, 1));
    EXPECT_FALSE(tree->has_children({}, 0));
    EXPECT_EQ(tree->row_count({1}), 4u);
    tree->set_window({1}, 0, 10);
    tree->set_window({1, 2}, 0, 10);
    ASSERT_TRUE(p.until([&] { return tree->cached({1}, 3) && tree->cached({1, 2}, 2); }));
    EXPECT_EQ(tree->data({1, 2}, 1, 0, display), zro::Value("b1c0"));

    // Rows above a subtree move it: its window follows on both sides.
    source.insert_rows({}, 0, 1);  // [1] is [2] now
    source.set_value({2, 2}, 1, 0, display, "moved along");
    ASSERT_TRUE(p.until([&] { return tree->data({2, 2}, 1, 0, display) == zro::Value("moved along"); }));
    // A subtree between parents: [2,2] (with its 3 children) becomes child 0 of [4].
    source.move_rows({2}, 2, 1, {4}, 0);
    source.set_value({4, 0}, 0, 1, display, "deep");
    ASSERT_TRUE(p.until([&] { return tree->row_count({2}) == 3 && tree->row_count({4}) == 1; }));
    tree->set_window({4}, 0, 10);
    tree->set_window({4, 0}, 0, 10);
    ASSERT_TRUE(p.until([&] { return tree->data({4, 0}, 0, 1, display) == zro::Value("deep"); }));
    source.remove_rows({2}, 0, 1);
    ASSERT_TRUE(p.until([&] { return same(source, *tree); }));
    expect_same(source, *tree);
}

TEST(ModelReplication, ColumnsHeadersAndFlags) {
    Pair p;
    zro::StandardItemModel source({"display", "decoration"}, 3);
    fill(source, {}, 5);
    source.set_header(0, display, "Title");
    source.set_header(1, display, "Artist");
    source.set_flags({}, 2, 1, zro::item_selectable);  // not editable, not enabled
    p.host.enable_remoting(source, "T");
    auto t = p.client.acquire_model("T", {.prefetch_rows = 5});
    ASSERT_TRUE(p.until([&] { return t->replica().valid() && t->cached({}, 4); }));
    EXPECT_EQ(t->header_data(0), zro::Value("Title"));
    EXPECT_EQ(t->header_data(1), zro::Value("Artist"));
    EXPECT_EQ(t->flags({}, 2, 1), zro::ItemFlags{zro::item_selectable});
    EXPECT_EQ(t->flags({}, 2, 0), source.flags({}, 2, 0));

    source.set_header(1, display, "Composer");
    ASSERT_TRUE(p.until([&] { return t->header_data(1) == zro::Value("Composer"); }));
    source.insert_columns({}, 1, 2);
    source.set_value({}, 3, 1, display, "in a new column");
    source.move_columns({}, 0, 1, 3);
    source.remove_columns({}, 4, 1);
    ASSERT_TRUE(p.until([&] { return t->column_count() == 4 && t->data({}, 3, 0, display) == zro::Value("in a new column"); }));
    ASSERT_TRUE(p.until([&] { return same(source, *t); }));
    EXPECT_EQ(expect_same(source, *t), 5u);
    EXPECT_EQ(t->header_data(2), source.header_data(2, display));
}

TEST(ModelReplication, SetDataFromTheReplicaIsAppliedOrRefusedWithItsReason) {
    Pair p;
    zro::StandardItemModel source({"display", "decoration"}, 2);
    fill(source, {}, 4);
    source.set_flags({}, 3, 0, zro::item_selectable | zro::item_enabled);  // read-only item
    p.host.enable_remoting(source, "T");
    auto t = p.client.acquire_model("T", {.prefetch_rows = 4});
    ASSERT_TRUE(p.until([&] { return t->replica().valid() && t->cached({}, 3); }));

    auto ok = t->set_data({}, 1, 1, decoration, std::int64_t{99});
    ASSERT_TRUE(p.until([&] { return ok.finished(); }));
    EXPECT_FALSE(ok.error()) << ok.error()->message;
    EXPECT_EQ(source.data({}, 1, 1, decoration), zro::Value(std::int64_t{99}));
    ASSERT_TRUE(p.until([&] { return t->data({}, 1, 1, decoration) == zro::Value(std::int64_t{99}); }));

    auto refused = t->set_data({}, 3, 0, display, "no");
    auto outside = t->set_data({}, 7, 0, display, "no");
    auto no_role = t->set_data({}, 0, 0, 5, "no");
    ASSERT_TRUE(p.until([&] { return refused.finished() && outside.finished() && no_role.finished(); }));
    ASSERT_TRUE(refused.error() && outside.error() && no_role.error());
    EXPECT_EQ(refused.error()->code, zro::ErrorCode::read_only);
    EXPECT_EQ(outside.error()->code, zro::ErrorCode::bad_arguments);
    EXPECT_NE(outside.error()->message.find("out of range"), std::string::npos) << outside.error()->message;
    EXPECT_EQ(no_role.error()->code, zro::ErrorCode::bad_arguments);
    EXPECT_EQ(source.data({}, 3, 0, display), zro::Value("r3c0"));
}

TEST(ModelReplication, AModelMemberIsSetReplacedAndCleared) {
    Pair p;
    zro::Schema schema("Player");
    schema.add_property("volume", "int32", 5).add_model("tracks", {"display"});
    zro::DynamicSource player(schema);
    p.host.enable_remoting(player, "Player");
    auto rep = p.client.acquire_dynamic("Player");
    ASSERT_TRUE(p.until([&] { return rep->valid(); }));
    zro::ModelReplica& tracks = rep->model("tracks");
    EXPECT_FALSE(tracks.has_model());
    EXPECT_THROW(rep->model("nope"), zro::Error);
    int resets = 0;
    tracks.on_change([&](const ModelChange& c) { resets += c.kind == Kind::reset; });
    tracks.set_window({}, 0, 10);

    zro::StandardItemModel three({"display"}), four({"display"});
    fill(three, {}, 3);
    fill(four, {}, 4, "x");
    player.set_model("tracks", &three);
    ASSERT_TRUE(p.until([&] { return tracks.has_model() && tracks.row_count() == 3 && tracks.cached({}, 2); }));
    player.set_model("tracks", &four);
    ASSERT_TRUE(p.until([&] { return tracks.row_count() == 4 && tracks.data({}, 3) == zro::Value("x3c0"); }));
    EXPECT_EQ(&rep->model("tracks"), &tracks);  // the same object throughout
    player.set_model("tracks", nullptr);
    ASSERT_TRUE(p.until([&] { return !tracks.has_model(); }));
    EXPECT_EQ(tracks.row_count(), 0u);
    EXPECT_GE(resets, 3);
    three.set_value({}, 0, 0, display, "not shared any more");  // no longer watched
    p.settle();
    EXPECT_FALSE(tracks.has_model());
}

TEST(ModelReplication, FetchedRowsStayRightWhileTheSourceChangesAtFullSpeed) {
    Pair p;
    zro::StandardItemModel source({"display", "decoration"}, 1);
    fill(source, {}, 2000);
    p.host.enable_remoting(source, "Busy");
    auto busy = p.client.acquire_model("Busy", {.cache_size = 300});
    ASSERT_TRUE(p.until([&] { return busy->replica().valid(); }));
    std::mt19937 rng(7);
    // The replica scrolls a window and reads rows here and there while the source inserts,
    // removes, moves and changes rows every turn: answers come at stream positions other than
    // the replica's and must be brought forward.
    for (int turn = 0; turn < 300; ++turn) {
        const std::size_t n = source.row_count({});
        switch (rng() % 4) {
        case 0: source.insert_rows({}, rng() % n, 1 + rng() % 3); break;
        case 1: source.remove_rows({}, rng() % (n - 5), 1 + rng() % 3); break;
        case 2: source.move_rows({}, rng() % (n - 10), 1 + rng() % 3, {}, rng() % (n - 10)); break;
        default: source.set_value({}, rng() % n, 0, display, "t" + std::to_string(turn)); break;
        }
        if (turn % 25 == 0) busy->set_window({}, (turn * 5) % 1500, 100);
        (void)busy->data({}, rng() % n);
        p.host.run_for(1ms);
        p.client.run_for(1ms);
    }
    ASSERT_TRUE(p.until([&] { return same(source, *busy); }));
    EXPECT_GT(expect_same(source, *busy), 100u);
    EXPECT_LE(busy->cached_rows(), 300u + 100u);
}

TEST(ModelReplication, AReplicaThatReadsSomeRolesIsSentOnlyThose) {
    Pair p;
    struct Track {
        std::string title;
        int rating;
    };
    std::array<std::size_t, 2> reads{};  // the source's reads per role
    zro::ListModel<Track> list({"title", "rating"}, [&](const Track& t, std::size_t role) -> zro::Value {
        ++reads.at(role);
        return role == 0 ? zro::Value(t.title) : zro::Value(t.rating);
    });
    for (int i = 0; i < 20; ++i) list.append({"t" + std::to_string(i), i});
    p.host.enable_remoting(list, "Tracks", list.role_names());
    auto ratings = p.client.acquire_model("Tracks", {.prefetch_rows = 10, .roles = {"rating"}});
    ASSERT_TRUE(p.until([&] { return ratings->cached({}, 9); }));
    EXPECT_EQ(ratings->roles(), std::vector<std::string>{"rating"});
    EXPECT_EQ(ratings->data({}, 3, 0, 1).as<int>(), 3);
    EXPECT_THROW(ratings->data({}, 3, 0, 0), zro::Error);
    list.set(4, {"t4", 40});
    ASSERT_TRUE(p.until([&] { return ratings->data({}, 4, 0, 1) == zro::Value(40); }));
    EXPECT_EQ(reads[0], 0u) << "no title was read for a replica that reads ratings only";
    EXPECT_GT(reads[1], 0u);

    // A second replica reading every role: titles travel for the rows it views.
    auto all = p.client.acquire_model("Tracks", {.prefetch_rows = 5});
    ASSERT_TRUE(p.until([&] { return all->cached({}, 4); }));
    EXPECT_EQ(all->data({}, 4, 0, 0), zro::Value("t4"));
    EXPECT_GT(reads[0], 0u);

    // Reading more roles later fetches the rows again, with them.
    EXPECT_THROW(ratings->set_roles({"nope"}), zro::Error);
    EXPECT_EQ(ratings->roles(), std::vector<std::string>{"rating"});
    ratings->set_roles({});
    ASSERT_TRUE(p.until([&] { return ratings->cached({}, 9) && ratings->data({}, 9, 0, 0) == zro::Value("t9"); }));
    EXPECT_GE(expect_same(list, *ratings), 10u);
}

TEST(ModelReplication, BadRequestsGetErrorsAndTheHostKeepsServing) {
    Pair p;
    zro::StandardItemModel source({"display"});
    fill(source, {}, 3);
    p.host.enable_remoting(source, "T");
    auto t = p.client.acquire_model("T", {.prefetch_rows = 3});
    ASSERT_TRUE(p.until([&] { return t->replica().valid() && t->cached({}, 2); }));
    // Windows on parents that do not exist, far past the end, and unknown models.
    t->set_window({7, 1}, 0, 10);
    t->set_window({0}, 0, 10);  // a leaf: no rows, no error
    t->fetch({}, 1000, 10);
    auto other = p.client.acquire_dynamic("T");
    ASSERT_TRUE(p.until([&] { return other->valid(); }));
    EXPECT_EQ(other->schema().type_name(), "ItemModel");
    EXPECT_EQ(other->model("model").role_names(), std::vector<std::string>{"display"});
    EXPECT_THROW(other->model("tracks"), zro::Error);
    p.settle();
    EXPECT_EQ(t->row_count({7, 1}), 0u);
    source.set_value({}, 1, 0, display, "still served");
    ASSERT_TRUE(p.until([&] { return t->data({}, 1) == zro::Value("still served"); }));
    EXPECT_EQ(t->replica().stats().gaps_detected, 0u);
}

TEST(ModelReplication, AReplicaDestroyedInsideAModelCallbackStopsCleanly) {
    Pair p;
    zro::StandardItemModel source({"display"});
    fill(source, {}, 20);
    p.host.enable_remoting(source, "T");
    auto t = p.client.acquire_model("T", {.prefetch_rows = 10});
    ASSERT_TRUE(p.until([&] { return t->replica().valid() && t->cached({}, 9); }));
    // The callback drops the last owner of the replica while more operations are queued behind
    // the one it reports (ASan build: no use after free).
    bool fired = false;
    t->on_change([&](const ModelChange&) {
        fired = true;
        t.reset();
    });
    for (int i = 0; i < 5; ++i) source.insert_rows({}, 0, 1);
    ASSERT_TRUE(p.until([&] { return fired; }));
    p.settle();
    EXPECT_FALSE(t);
}
