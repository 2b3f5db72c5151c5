// zro — shared live objects over ZeroMQ.
// zroc end to end: the real binary on good and bad files, its messages and exit codes.

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

struct Run {
    int code = -1;
    std::string output;  // stdout and stderr
};

Run zroc(const std::string& args) {
    Run r;
    const std::string cmd = std::string(ZROC_PATH) + " " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

class Zroc : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("zroc-test-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name) << text;
        return (dir_ / name).string();
    }
    static std::string read(const fs::path& p) {
        std::ifstream in(p);
        std::ostringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    fs::path dir_;
};

} // namespace

TEST_F(Zroc, GeneratesEachModeAndPrintsSignatures) {
    const std::string rep = ZRO_SOURCE_DIR "/demos/simpleswitch/simpleswitch.rep";
    for (const char* mode : {"source", "replica", "merged"}) {
        auto r = zroc(rep + " -o " + dir_.string() + " --mode " + mode);
        EXPECT_EQ(r.code, 0) << r.output;
        const std::string header = read(dir_ / (std::string("rep_simpleswitch_") + mode + ".h"));
        EXPECT_NE(header.find("struct SimpleSwitchInterface"), std::string::npos);
        EXPECT_EQ(header.find("class SimpleSwitchReplica") != std::string::npos, std::string(mode) != "source") << mode;
        EXPECT_EQ(header.find("class SimpleSwitchSimpleSource") != std::string::npos, std::string(mode) != "replica") << mode;
        // the QtRO file's Qt include is dropped with a note; the missing return type is a warning
        EXPECT_NE(r.output.find("simpleswitch.rep:3:1: warning: '#include <QtCore>' dropped"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("simpleswitch.rep:8:10: warning: SLOT 'server_slot' has no return type: assuming void"), std::string::npos)
            << r.output;
    }
    auto def = zroc(rep + " -o " + dir_.string());
    EXPECT_EQ(def.code, 0);
    EXPECT_TRUE(fs::exists(dir_ / "rep_simpleswitch_merged.h"));

    auto sig = zroc(rep + " --print-signature");
    EXPECT_EQ(sig.code, 0);
    EXPECT_NE(sig.output.find("SimpleSwitch 0e72a8443efa7f05\n"), std::string::npos) << sig.output;
    auto canon = zroc(rep + " --print-canonical SimpleSwitch");
    EXPECT_NE(canon.output.find("class SimpleSwitch\nprop currState bool READPUSH\nmethod server_slot(bool) void\n"), std::string::npos);
}

TEST_F(Zroc, LeavesAnUnchangedHeaderAlone) {
    const std::string rep = write("a.rep", "class A { PROP(int x = 1) }\n");
    ASSERT_EQ(zroc(rep + " -o " + dir_.string()).code, 0);
    const auto header = dir_ / "rep_a_merged.h";
    const auto before = fs::last_write_time(header);
    fs::last_write_time(header, before - std::chrono::hours(1));
    const auto older = fs::last_write_time(header);
    ASSERT_EQ(zroc(rep + " -o " + dir_.string()).code, 0);
    EXPECT_EQ(fs::last_write_time(header), older);
    write("a.rep", "class A { PROP(int x = 2) }\n");
    ASSERT_EQ(zroc(rep + " -o " + dir_.string()).code, 0);
    EXPECT_NE(read(header).find("zro_prop_x = 2"), std::string::npos);
}

TEST_F(Zroc, ErrorsLookLikeACompilersAndExitWithOne) {
    const std::string bad = write("bad.rep", "class Foo\n{\n    PROP(int foo READWRITE, READONLY)\n}\n");
    auto r = zroc(bad + " -o " + dir_.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.output, bad + ":3:29: error: conflicting property modes READWRITE and READONLY (only CONSTANT with READONLY may be "
                              "combined)\n");
    EXPECT_FALSE(fs::exists(dir_ / "rep_bad_merged.h"));

    // MODEL compiles, and its roles are in the signature's text.
    const std::string model = write("model.rep", "class Foo\n{\n    PROP(int a)\n    MODEL tracks(title, artist)\n}\n");
    r = zroc(model + " --print-canonical Foo");
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(r.output, "class Foo\nprop a int32 READPUSH\nmodel tracks(title,artist)\n");

    r = zroc((dir_ / "missing.rep").string() + " -o " + dir_.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.output.find("missing.rep:0:0: error: cannot open file"), std::string::npos);

    r = zroc(bad + " --check");
    EXPECT_EQ(r.code, 1);
}

TEST_F(Zroc, BadCommandLinesExitWithTwoAndUnwritableOutputWithThree) {
    const std::string rep = write("ok.rep", "class A {}\n");
    EXPECT_EQ(zroc("").code, 2);
    EXPECT_EQ(zroc(rep).code, 2);  // no -o
    EXPECT_EQ(zroc(rep + " -o").code, 2);
    EXPECT_EQ(zroc(rep + " -o " + dir_.string() + " --mode both").code, 2);
    EXPECT_EQ(zroc(rep + " --frobnicate").code, 2);
    EXPECT_EQ(zroc(rep + " " + rep + " -o x").code, 2);
    auto help = zroc("--help");
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.output.find("usage: zroc FILE.rep -o OUTDIR"), std::string::npos);
    EXPECT_EQ(zroc(rep + " --check").code, 0);

    const std::string file = write("not-a-dir", "x");
    EXPECT_EQ(zroc(rep + " -o " + file).code, 3);
}

TEST_F(Zroc, CompilesTheRepFilesInTests) {
    for (const auto& e : fs::recursive_directory_iterator(ZRO_IDL_TEST_DIR "/reps")) {
        if (e.path().extension() != ".rep") continue;
        auto r = zroc(e.path().string() + " -o " + dir_.string());
        EXPECT_EQ(r.code, 0) << e.path() << "\n" << r.output;
    }
}

TEST_F(Zroc, ExternalTypesAndQtAttributes) {
    const std::string rep = write("ext.rep",
                                  "#include \"temperature.h\"\nclass Q_DECL_EXPORT Oven {\nPROP(Temperature t)\nSLOT(bool on())\n}\n");
    auto r = zroc(rep + " -o " + dir_.string());
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("ext.rep:2:1: warning: 'Q_DECL_EXPORT' on class Oven dropped: it is Qt's (use your own export macro)"),
              std::string::npos)
        << r.output;
    const std::string header = read(dir_ / "rep_ext_merged.h");
    EXPECT_EQ(header.find("Q_DECL_EXPORT"), std::string::npos);
    EXPECT_NE(header.find("static_assert(::zro::is_external_type<Temperature>"), std::string::npos);
    EXPECT_NE(header.find("::zro::external_type<Temperature>::schema_type"), std::string::npos);

    // Its signature needs the C++ schema_type: zroc says so instead of printing a wrong one.
    auto sig = zroc(rep + " --print-signature");
    EXPECT_EQ(sig.code, 0);
    EXPECT_NE(sig.output.find("Oven (computed by the C++ compiler from zro::external_type<Temperature>)\n"), std::string::npos)
        << sig.output;
    auto canon = zroc(rep + " --print-canonical Oven");
    EXPECT_EQ(canon.code, 1);
    EXPECT_NE(canon.output.find("ext.rep:2:1: error: class Oven uses Temperature, a type from a C++ header"), std::string::npos)
        << canon.output;
}
