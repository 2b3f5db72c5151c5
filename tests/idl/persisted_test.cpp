// zro — shared live objects over ZeroMQ.
// PERSISTED properties through zro::PersistedStore and its file-backed default, zro::FileStore.

#include "rep_persisted_merged.h"

#include <gtest/gtest.h>

#include "support/nodes.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace std::chrono_literals;
using zro::test::fast;
using zro::test::pump_until;
namespace fs = std::filesystem;

namespace {

class TempDir {
public:
    TempDir() : path_(fs::temp_directory_path() / ("zro-persisted-" + std::to_string(::getpid()) + "-" +
                                                   ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        fs::remove_all(path_);
    }
    ~TempDir() { fs::remove_all(path_); }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

} // namespace

TEST(Persisted, ReplicaShowsTheLastValuesItSawBeforeItReachesTheSource) {
    TempDir dir;
    auto store = std::make_shared<zro::FileStore>(dir.path() / "store");
    {
        zro::Host host("tcp://127.0.0.1:*", fast());
        SettingsSimpleSource src;
        src.set_theme("dark");
        src.set_volume(9);
        src.set_transient(7);
        src.set_history({1, 2, 3});
        auto reg = host.enable_remoting(src, "Settings");
        zro::Node client(fast());
        client.connect_to(host.url());
        auto rep = client.acquire<SettingsReplica>("Settings");
        rep->use_persisted_store(store);  // nothing saved yet: the .rep defaults stay
        EXPECT_EQ(rep->theme(), "light");
        ASSERT_TRUE(pump_until(host, client, [&] { return rep->valid(); }));
        EXPECT_EQ(rep->theme(), "dark");
        rep.reset();  // saves
    }
    EXPECT_TRUE(fs::exists(store->path_for("Settings", SettingsInterface::signature)));

    // A new node that never reaches a source: the replica starts from the saved values.
    zro::Node offline(fast());
    auto rep = offline.acquire<SettingsReplica>("Settings");
    EXPECT_EQ(rep->theme(), "light");
    rep->use_persisted_store(store);
    EXPECT_EQ(rep->state(), zro::ReplicaState::defaulted);
    EXPECT_EQ(rep->theme(), "dark");
    EXPECT_EQ(rep->volume(), 9);
    EXPECT_EQ(rep->transient(), 1);  // not PERSISTED
    EXPECT_EQ(rep->history(), (std::vector<std::int32_t>{1, 2, 3}));

    // Another object name has its own values.
    auto other = offline.acquire<SettingsReplica>("Other settings/2");
    other->use_persisted_store(store);
    EXPECT_EQ(other->theme(), "light");
    other->save_persisted();
    EXPECT_TRUE(fs::exists(store->path_for("Other settings/2", SettingsInterface::signature)));
    EXPECT_EQ(store->path_for("Other settings/2", "0123456789abcdef").filename(), "Other%20settings%2F2-0123456789abcdef.zro");
}

TEST(Persisted, FileStoreIgnoresMissingCorruptAndOtherSignatureFiles) {
    TempDir dir;
    zro::FileStore store(dir.path());
    EXPECT_FALSE(store.restore("x", "0000000000000000"));
    store.save("x", "0000000000000000", {zro::Value(1), zro::Value("two")});
    EXPECT_EQ(*store.restore("x", "0000000000000000"), (std::vector<zro::Value>{zro::Value(1), zro::Value("two")}));
    EXPECT_FALSE(store.restore("x", "1111111111111111"));
    std::ofstream(store.path_for("x", "0000000000000000"), std::ios::trunc) << "\xc1 not msgpack";
    EXPECT_FALSE(store.restore("x", "0000000000000000"));
    EXPECT_THROW(store.path_for("x", "../../etc"), zro::Error);

    // A saved list of the wrong shape leaves the defaults alone.
    store.save("Settings", std::string(SettingsInterface::signature), {zro::Value(1)});
    zro::Node offline(fast());
    auto rep = offline.acquire<SettingsReplica>("Settings");
    rep->use_persisted_store(std::make_shared<zro::FileStore>(dir.path()));
    EXPECT_EQ(rep->theme(), "light");
}
