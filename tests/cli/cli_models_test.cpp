// zro — shared live objects over ZeroMQ.
// CLI model tests: `zro inspect/get/watch/set` on item models, against `zro serve` driven by
// stdin lines ({"model":...}) and against a static (zroc-generated) source in this process;
// and a static replica reading a model that `zro serve` shares.

#include "cli_support.hpp"

#include "rep_playlist_merged.h"

#include <zro/standard_item_model.hpp>

#include <gtest/gtest.h>

using namespace zro::test::cli;
using zro::test::Process;

namespace {

// (a using-declaration: in here `zro` is the runner, not the namespace, for unqualified calls)
using zro::test::cli::zro;

/// A `zro serve playlist.rep` and the `at()` arguments to reach it. `sync()` returns once the
/// server has applied every line sent before: lines are applied in order, so a property set
/// after them that `zro get` sees says they all were (no sleeping).
struct ServedPlaylist {
    Served served{"playlist.rep"};
    int volume = 100;

    std::vector<std::string> at(std::vector<std::string> args) const {
        args.insert(args.end(), {"--url", served.url});
        return args;
    }
    void send(const std::string& line) { ASSERT_TRUE(served.proc->send(line)); }
    void sync() {
        const std::string v = std::to_string(++volume);
        send("{\"set\":\"volume\",\"value\":" + v + "}");
        for (int i = 0; i < 100; ++i) {
            if (zro(at({"get", "Playlist", "volume"})).out == v + "\n") return;
            std::this_thread::sleep_for(20ms);
        }
        FAIL() << "zro serve did not apply its stdin lines:\n" << served.proc->tail();
    }
    /// Three tracks, the first with two children.
    void fill() {
        send(R"({"model":"tracks","insert":"end","rows":[{"title":"So What","seconds":562},{"title":"Freddie","seconds":586},{"title":"Blue in Green","seconds":337}]})");
        send(R"({"model":"tracks","parent":[0],"insert":0,"rows":[{"title":"take 1"},{"title":"take 2","seconds":570}]})");
        sync();
    }
};

Value rows_of(const Result& r) { return json(r.lines().at(0)).at("rows"); }

/// A table line without the padding of an empty last cell.
std::string trimmed(std::string line) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line;
}

TEST(CliModels, InspectShowsModelsAndTheirRepServesTheSameSignature) {
    ServedPlaylist p;
    p.fill();
    auto r = zro(p.at({"inspect", "Playlist"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_TRUE(contains(r.out, "    MODEL tracks(title, seconds);\n")) << r;
    EXPECT_TRUE(contains(r.out, "    MODEL queue(title);\n")) << r;
    EXPECT_TRUE(contains(r.out, "MODEL   ROLES           ROWS  COLUMNS")) << r;
    EXPECT_TRUE(contains(r.out, "tracks  title, seconds  3     1")) << r;
    r = zro(p.at({"inspect", "Playlist", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    const Value j = json(r.lines().at(0));
    ASSERT_EQ(j.at("models").size(), 2u) << r;
    EXPECT_EQ(j.at("models").at(0).at("name"), Value("tracks"));
    EXPECT_EQ(j.at("models").at(0).at("roles"), (Value{"title", "seconds"}));
    EXPECT_EQ(j.at("models").at(0).at("rows"), Value(3));
    EXPECT_EQ(j.at("models").at(1).at("rows"), Value(0));

    // The printed .rep served again has the same signature (models and all).
    r = zro(p.at({"inspect", "Playlist", "--rep"}));
    EXPECT_EQ(Value(signature_when_served(r.out, "zro_cli_playlist_copy.rep")), j.at("signature")) << r.out;
}

TEST(CliModels, GetPrintsRowsRolesChildrenAndJson) {
    ServedPlaylist p;
    p.fill();
    auto r = zro(p.at({"get", "Playlist", "tracks"}));  // default window: all three
    ASSERT_EQ(r.code, 0) << r;
    ASSERT_EQ(r.lines().size(), 4u) << r;
    EXPECT_EQ(r.lines()[0], "ROW  title            seconds  CHILDREN") << r;
    EXPECT_EQ(r.lines()[1], "0    \"So What\"        562      2") << r;
    EXPECT_EQ(trimmed(r.lines()[3]), "2    \"Blue in Green\"  337") << r;

    r = zro(p.at({"get", "Playlist", "tracks", "--rows", "1:3", "--roles", "title", "--json"}));  // half-open
    ASSERT_EQ(r.code, 0) << r;
    Value j = json(r.lines().at(0));
    EXPECT_EQ(j.at("row_count"), Value(3));
    EXPECT_EQ(j.at("column_count"), Value(1));
    EXPECT_EQ(j.at("roles"), (Value{"title"}));
    EXPECT_EQ(j.at("first"), Value(1));
    ASSERT_EQ(j.at("rows").size(), 2u) << r;
    EXPECT_EQ(j.at("rows").at(0).at("row"), Value(1));
    EXPECT_EQ(j.at("rows").at(1).at("cells").at(0), json(R"({"title":"Blue in Green"})"));

    r = zro(p.at({"get", "Playlist", "tracks", "--rows", "0", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(rows_of(r).at(0).at("children"), json(R"({"rows":2,"columns":1})"));

    // Children by path: rows under root row 0.
    r = zro(p.at({"get", "Playlist", "tracks", "--parent", "0", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    j = json(r.lines().at(0));
    EXPECT_EQ(j.at("parent"), (Value{0}));
    EXPECT_EQ(j.at("row_count"), Value(2));
    EXPECT_EQ(j.at("rows").at(1).at("cells").at(0), json(R"({"title":"take 2","seconds":570})"));
    EXPECT_EQ(j.at("rows").at(0).at("cells").at(0), json(R"({"title":"take 1","seconds":null})"));
    r = zro(p.at({"get", "Playlist", "tracks", "--parent", "0", "--rows", "1:", "--roles", "seconds"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "ROW  seconds\n1    570\n") << r;

    // Not found: exit 4 naming what exists; bad arguments: exit 2.
    r = zro(p.at({"get", "Playlist", "playlists", "--rows", "0:1"}));
    EXPECT_EQ(r.code, 4) << r;
    EXPECT_TRUE(contains(r.err, "no model 'playlists' in Playlist (class Playlist); models: tracks, queue")) << r;
    r = zro(p.at({"get", "Playlist", "tracks", "--parent", "5"}));
    EXPECT_EQ(r.code, 4) << r;
    EXPECT_TRUE(contains(r.err, "no row 5 under [] of model 'tracks' (3 rows)")) << r;
    r = zro(p.at({"get", "Playlist", "tracks", "--roles", "artist"}));
    EXPECT_EQ(r.code, 4) << r;
    EXPECT_TRUE(contains(r.err, "roles: title, seconds")) << r;
    r = zro(p.at({"get", "Playlist", "tracks", "--rows", "3:1"}));
    EXPECT_EQ(r.code, 2) << r;
    r = zro(p.at({"get", "Playlist", "--rows", "0:1"}));  // two models: which one?
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "several models")) << r;
}

TEST(CliModels, WatchPrintsEveryOperationWithItsSeqInOrder) {
    ServedPlaylist p;
    p.fill();
    // The volume's current value line says the watcher is attached: it connects to the model
    // before its loop runs, so no operation sent after that line is missed.
    Process watch("zro watch", {zro_bin, "watch", "Playlist", "volume", "tracks", "--json", "--count", "8", "--timeout", "20s",
                                "--url", p.served.url});
    ASSERT_TRUE(watch.wait_for([](const std::string& s) { return contains(s, "\"event\":\"value\""); }, 10s)) << watch.tail();
    p.send(R"({"model":"tracks","insert":1,"rows":[{"title":"All Blues"}]})");  // rows_inserted + data_changed
    p.send(R"({"model":"tracks","set":0,"values":{"seconds":565}})");
    p.send(R"({"model":"tracks","move":0,"to":3})");
    p.send(R"({"model":"tracks","remove":1,"count":2})");
    p.send(R"({"model":"tracks","insert_columns":1})");
    p.send(R"({"model":"tracks","header":0,"values":{"title":"Title"}})");
    p.send(R"({"model":"tracks","clear":true})");
    auto st = watch.wait_exit(15s);
    ASSERT_TRUE(st) << watch.tail();
    EXPECT_EQ(WEXITSTATUS(*st), 0) << watch.tail();

    std::vector<Value> ops;
    for (const auto& l : watch.lines())
        if (contains(l.text, "\"event\":\"model\"")) ops.push_back(json(l.text));
    ASSERT_EQ(ops.size(), 8u) << watch.tail(30);
    const std::vector<std::string> expected{"rows_inserted", "data_changed", "data_changed", "rows_moved",
                                            "rows_removed", "columns_inserted", "header_changed", "reset"};
    for (std::size_t i = 0; i < ops.size(); ++i) {
        EXPECT_EQ(ops[i].at("model"), Value("tracks"));
        EXPECT_EQ(ops[i].at("op").as_string(), expected[i]) << i;  // strings: a failure reads as text
        if (i) {
            EXPECT_EQ(ops[i].at("seq").as<std::uint64_t>(), ops[i - 1].at("seq").as<std::uint64_t>() + 1) << i;
        }
    }
    EXPECT_EQ(ops[0].at("first"), Value(1));
    EXPECT_EQ(ops[0].at("count"), Value(1));
    EXPECT_EQ(ops[2].at("roles"), (Value{"seconds"}));
    EXPECT_EQ(ops[3].at("destination"), Value(3));
    EXPECT_EQ(ops[4].at("count"), Value(2));

    // The human form: one line per operation, with its seq.
    p.send(R"({"model":"tracks","insert":0})");
    Process human("zro watch (text)", {zro_bin, "watch", "Playlist", "tracks", "--count", "1", "--timeout", "20s", "--url",
                                       p.served.url});
    // No attach line without a property: send until one lands (each is a new operation).
    std::optional<zro::test::Line> got;
    for (int i = 0; i < 50 && !got; ++i) {
        p.send(R"({"model":"tracks","remove":0})");
        p.send(R"({"model":"tracks","insert":0})");
        got = human.wait_for([](const std::string& s) { return contains(s, "Playlist.tracks "); }, 200ms);
    }
    ASSERT_TRUE(got) << human.tail();
    EXPECT_TRUE(contains(got->text, "Playlist.tracks removed row 0 under []  seq ") ||
                contains(got->text, "Playlist.tracks inserted row 0 under []  seq "))
        << got->text;
}

TEST(CliModels, SetEditsACellAndReportsRefusals) {
    ServedPlaylist p;
    p.fill();
    auto r = zro(p.at({"set", "Playlist", "tracks", "--row", "2", "title=Blue in Green (take 2)"}));
    ASSERT_EQ(r.code, 0) << r;
    const Value write = p.served.next("\"event\":\"model_write\"");
    EXPECT_EQ(write.at("row"), Value(2));
    EXPECT_EQ(write.at("role"), Value("title"));
    EXPECT_EQ(write.at("value"), Value("Blue in Green (take 2)"));
    r = zro(p.at({"get", "Playlist", "tracks", "--rows", "2", "--roles", "title", "--json"}));
    EXPECT_EQ(rows_of(r).at(0).at("cells").at(0).at("title"), Value("Blue in Green (take 2)")) << r;
    // A child, with JSON for the value.
    r = zro(p.at({"set", "Playlist", "tracks", "--parent", "0", "--row", "0", "seconds=555", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(json(r.lines().at(0)).at("value"), Value(555));
    r = zro(p.at({"get", "Playlist", "tracks", "--parent", "0", "--rows", "0", "--roles", "seconds"}));
    EXPECT_EQ(r.out, "ROW  seconds\n0    555\n") << r;

    // Refused by the source: not editable (exit 6), out of range (exit 5); unknown role (exit 4).
    p.send(R"({"model":"tracks","set":1,"editable":false})");
    p.sync();
    r = zro(p.at({"set", "Playlist", "tracks", "--row", "1", "title=x"}));
    EXPECT_EQ(r.code, 6) << r;
    EXPECT_TRUE(contains(r.err, "failed: ")) << r;
    EXPECT_TRUE(contains(r.err, "(read_only)")) << r;
    r = zro(p.at({"set", "Playlist", "tracks", "--row", "9", "title=x"}));
    EXPECT_EQ(r.code, 5) << r;
    EXPECT_TRUE(contains(r.err, "(bad_arguments)")) << r;
    r = zro(p.at({"set", "Playlist", "tracks", "--row", "0", "artist=x"}));
    EXPECT_EQ(r.code, 4) << r;
    r = zro(p.at({"set", "Playlist", "tracks", "--row", "0", "title"}));
    EXPECT_EQ(r.code, 2) << r;
    r = zro(p.at({"set", "Playlist", "tracks", "x"}));
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "is a model")) << r;
    // A bad stdin line is reported and changes nothing.
    p.send(R"({"model":"tracks","insert":0,"rows":[{"title":"ok"},{"artist":"no"}]})");
    EXPECT_TRUE(stderr_has(*p.served.proc, "model 'tracks' has no role 'artist'"));
    p.sync();
    r = zro(p.at({"get", "Playlist", "tracks", "--json"}));
    EXPECT_EQ(json(r.lines().at(0)).at("row_count"), Value(3)) << r;
}

// A static source (generated by zroc) in this process, read and edited by the command line;
// and a top-level model beside it, whose MODEL argument may be left out.
TEST(CliModels, CommandLineReadsAStaticSourceAndATopLevelModel) {
    zro::StandardItemModel tracks({"title", "seconds"});
    tracks.append_row({}, {"So What", std::int64_t{562}});
    tracks.append_row({}, {"Freddie", std::int64_t{586}});
    tracks.set_flags({}, 1, 0, zro::item_selectable | zro::item_enabled);  // not editable
    PlaylistSimpleSource playlist;
    playlist.set_tracks(&tracks);
    zro::StandardItemModel table({"display"}, 2);
    table.append_row({}, {"a"});
    table.set_value({}, 0, 1, 0, "b");

    zro::Host host("tcp://127.0.0.1:*");
    auto reg = host.enable_remoting(playlist, "Playlist");
    auto reg_table = host.enable_remoting(table, "Table");
    host.start();  // its own thread: the models change only on it from here on (replica writes)
    const std::vector<std::string> url{"--url", host.url()};
    auto at = [&](std::vector<std::string> args) {
        args.insert(args.end(), url.begin(), url.end());
        return args;
    };
    auto r = zro(at({"inspect", "Playlist"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_TRUE(contains(r.out, "MODEL tracks(title, seconds);")) << r;
    EXPECT_TRUE(contains(r.out, "queue   title           (no model)")) << r;
    r = zro(at({"get", "Playlist", "tracks", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(rows_of(r).at(1).at("cells").at(0), json(R"({"title":"Freddie","seconds":586})"));
    r = zro(at({"set", "Playlist", "tracks", "--row", "0", "seconds=565"}));
    ASSERT_EQ(r.code, 0) << r;
    r = zro(at({"get", "Playlist", "tracks", "--rows", "0", "--roles", "seconds"}));
    EXPECT_EQ(r.out, "ROW  seconds\n0    565\n") << r;
    r = zro(at({"set", "Playlist", "tracks", "--row", "1", "seconds=1"}));
    EXPECT_EQ(r.code, 6) << r;
    r = zro(at({"get", "Playlist", "queue", "--json"}));  // no model set: no rows
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(json(r.lines().at(0)).at("row_count"), Value(0));

    // Top level: class ItemModel, member "model", which may be left out.
    r = zro(at({"inspect", "Table", "--rep"}));
    EXPECT_TRUE(contains(r.out, "class ItemModel\n{\n    MODEL model(display);\n};\n")) << r;
    r = zro(at({"get", "Table"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "ROW  0.display  1.display\n0    \"a\"        \"b\"\n") << r;
    EXPECT_EQ(zro(at({"get", "Table", "model", "--roles", "display"})).out, r.out);
    r = zro(at({"set", "Table", "--row", "0", "--column", "1", "display=c"}));
    ASSERT_EQ(r.code, 0) << r;
    r = zro(at({"get", "Table", "--json"}));
    EXPECT_EQ(rows_of(r).at(0).at("cells").at(1), json(R"({"display":"c"})")) << r;
    host.stop();
}

// The reverse: a static replica (generated by zroc) reading the model `zro serve` shares, and
// following its edits.
TEST(CliModels, StaticReplicaReadsAModelServedByTheCommandLine) {
    ServedPlaylist p;
    p.fill();
    zro::Node node;
    node.connect_to(p.served.url);
    auto replica = node.acquire<PlaylistReplica>("Playlist");
    replica->tracks().set_window({}, 0, 10);
    auto pump = [&](auto done) {
        const auto end = std::chrono::steady_clock::now() + 10s;
        while (!done() && std::chrono::steady_clock::now() < end) node.run_for(10ms);
        return done();
    };
    ASSERT_TRUE(pump([&] { return replica->valid() && replica->tracks().cached({}, 2); }));
    EXPECT_EQ(replica->tracks().row_count(), 3u);
    EXPECT_EQ(replica->tracks().data({}, 2, 0, PlaylistReplica::tracks_role_title), Value("Blue in Green"));
    EXPECT_EQ(replica->tracks().data({}, 0, 0, PlaylistReplica::tracks_role_seconds), Value(562));
    EXPECT_TRUE(replica->tracks().has_children({}, 0));
    EXPECT_EQ(replica->tracks().row_count({0}), 2u);

    p.send(R"({"model":"tracks","set":1,"values":{"title":"Freddie Freeloader"}})");
    ASSERT_TRUE(pump([&] { return replica->tracks().data({}, 1) == Value("Freddie Freeloader"); }));
    p.send(R"({"model":"queue","insert":0,"rows":[{"title":"next"}]})");
    ASSERT_TRUE(pump([&] { return replica->queue().row_count() == 1; }));
    // The static replica's write reaches the served model (and is printed there).
    auto w = replica->tracks().set_data({}, 0, 0, PlaylistReplica::tracks_role_title, "So What (live)");
    ASSERT_TRUE(pump([&] { return w.finished(); }));
    EXPECT_FALSE(w.error()) << w.error()->message;
    EXPECT_EQ(p.served.next("\"event\":\"model_write\"").at("value"), Value("So What (live)"));
    ASSERT_TRUE(pump([&] { return replica->tracks().data({}, 0) == Value("So What (live)"); }));
}

} // namespace
