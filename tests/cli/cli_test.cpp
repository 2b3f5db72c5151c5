// zro — shared live objects over ZeroMQ.
// CLI integration tests: the built `zro` binary against `zro serve` sources in other processes,
// over tcp on 127.0.0.1 (port 0: each source picks a free port and prints its URL).

#include "cli_support.hpp"
#include "support/process.hpp"

#include "cli/cli.hpp"
#include "cli/json_value.hpp"

#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using zro::test::Process;
using zro::Value;

using namespace zro::test::cli;

namespace {

// (a using-declaration: in here `zro` is the runner, not the namespace, for unqualified calls)
using zro::test::cli::zro;

class Cli : public ::testing::Test {
protected:
    static void SetUpTestSuite() { mock_ = new Served("mock.rep", {"--reply", "add=42"}); }
    static void TearDownTestSuite() {
        delete mock_;
        mock_ = nullptr;
    }
    static Served& mock() { return *mock_; }
    static std::vector<std::string> at(std::vector<std::string> args) {
        args.push_back("--url");
        args.push_back(mock_->url);
        return args;
    }
    static Served* mock_;
};
Served* Cli::mock_ = nullptr;

// ---- help, usage ------------------------------------------------------------------------------------

TEST(CliUsage, HelpListsEveryVerbAndEachVerbHasExamples) {
    auto r = zro({"-h"});
    ASSERT_EQ(r.code, 0) << r;
    for (const char* verb : {"list", "inspect", "get", "set", "call", "watch", "serve", "status", "doctor"}) {
        EXPECT_TRUE(contains(r.out, std::string("  ") + verb + " ")) << verb << "\n" << r;
        auto h = zro({verb, "-h"});
        EXPECT_EQ(h.code, 0) << h;
        EXPECT_TRUE(contains(h.out, "examples:")) << verb << "\n" << h;
        EXPECT_TRUE(contains(h.out, "--url")) << verb;
        EXPECT_TRUE(contains(h.out, "exit codes:")) << verb;
    }
}

TEST(CliUsage, UnknownVerbOrOptionIsExit2) {
    auto r = zro({"frobnicate"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "unknown verb 'frobnicate'")) << r;
    r = zro({"get", "X", "--bogus"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "--bogus")) << r;
    r = zro({"watch", "X", "--url", "tcp://127.0.0.1:1", "--count", "zero"});
    EXPECT_EQ(r.code, 2) << r;
    r = zro({"get", "X", "--url", "tcp://127.0.0.1:1", "--timeout", "soon"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "not a duration")) << r;
}

TEST(CliUsage, BadOptionsAreNamedWithTheVerbsHelp) {
    auto r = zro({"get", "X", "--bogus"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_EQ(r.err, "zro get: unknown option '--bogus' (zro get -h)\n") << r;
    r = zro({"watch", "X", "--timeout"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_EQ(r.err, "zro watch: option --timeout needs a value (T) (zro watch -h)\n") << r;
    r = zro({"serve", "x.rep", "--url", "tcp://127.0.0.1:0", "--reply"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "option --reply needs a value (METHOD=JSON)")) << r;
    r = zro({"watch", "X", "--count", "zero"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "--count: 'zero' is not a positive number")) << r;
    r = zro({"status", "X", "--sample", "soon"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "--sample: 'soon' is not a duration")) << r;
    r = zro({"inspect"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "OBJECT is required")) << r;
    r = zro({"inspect", "A", "B"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "unexpected argument 'B'")) << r;
    r = zro({"set", "X", "p"});  // the two forms of set and call
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_EQ(r.err, "zro set: OBJECT needs a PROPERTY and a VALUE (or give '-' to read them from stdin)\n") << r;
    r = zro({"call", "-", "X", "extra"});
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "after '-' only an OBJECT may follow")) << r;
}

TEST(CliUsage, VerbHelpListsTheVerbsArgumentsAndOptions) {
    const std::vector<std::pair<std::string, std::vector<std::string>>> own = {
        {"list", {}},
        {"inspect", {"OBJECT", "--rep"}},
        {"get", {"OBJECT", "PROPERTY", "--rows A:B", "--roles R1,R2", "--parent PATH"}},
        {"set", {"OBJECT", "PROPERTY", "VALUE", "--row R", "--column C", "--parent PATH"}},
        {"call", {"OBJECT", "METHOD", "ARG"}},
        {"watch", {"OBJECT", "MEMBER", "-n,--count N", "--changes-only"}},
        {"serve", {"FILE.rep", "-c,--class C", "-n,--name N", "-s,--set PROP=VALUE", "-r,--reply METHOD=JSON", "--mdns",
                   "--wait-void", "--exit-on-eof", "--allowed DIR", "--allow-any-client"}},
        {"status", {"OBJECT", "--sample T", "--probes N"}},
        {"doctor", {"--avahi-socket PATH", "--no-round-trip"}},
        {"keygen", {"DIR", "-n,--name N"}},
    };
    for (const auto& [verb, items] : own) {
        const auto h = zro({verb, "--help"});
        ASSERT_EQ(h.code, 0) << h;
        EXPECT_TRUE(contains(h.out, "zro " + verb)) << h;  // the usage line
        for (const auto& item : items) EXPECT_TRUE(contains(h.out, item)) << verb << ": " << item << "\n" << h;
        for (const char* common : {"-u,--url URL", "--registry URL", "-t,--timeout T", "--key FILE", "-j,--json", "--no-color"})
            EXPECT_TRUE(contains(h.out, common)) << verb << ": " << common << "\n" << h;
    }
}

TEST(CliUsage, BadJsonNamesItsOffset) {
    // The line breaks off at the ']' at offset 17; no host is asked before the line is read.
    auto r = zro({"call", "-", "--url", "tcp://127.0.0.1:1"}, "{\"object\":\"Mock\",]\n");
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "zro call: stdin line 1: bad JSON: ")) << r;
    EXPECT_TRUE(contains(r.err, " at offset 17 in '{\"object\":\"Mock\",]'")) << r;
    // A text that ends too early: the offset is its length.
    r = zro({"set", "-", "--url", "tcp://127.0.0.1:1"}, "\n[1,2\n");
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "stdin line 2: bad JSON: ")) << r;
    EXPECT_TRUE(contains(r.err, "unexpected end of input")) << r;
    EXPECT_TRUE(contains(r.err, " at offset 4 in '[1,2'")) << r;
}

TEST(CliJson, FitsJsonToSchemaTypesAndPrintsValuesBack) {
    using namespace zro::cli;
    zro::Schema schema("T");
    schema.add_enum("Mode", {{"Eco", 1}, {"Boost", 5}});
    EXPECT_EQ(to_value(parse_json("21"), schema.parse_type("double"), schema), Value(21.0));
    EXPECT_EQ(to_value(parse_json("3.0"), schema.parse_type("int32"), schema), Value(3));
    EXPECT_EQ(to_value(parse_json("\"Mode::Boost\""), schema.parse_type("Mode"), schema), Value(5));
    EXPECT_EQ(value_text(Value(5), schema.parse_type("Mode"), schema), "Boost (5)");
    const Value bytes = to_value(parse_json("{\"$bytes\":\"00ff\"}"), schema.parse_type("bytes"), schema);
    EXPECT_EQ(bytes, Value(Value::Bytes{{0x00, 0xff}}));
    EXPECT_EQ(json_text(bytes), "{\"$bytes\":\"00ff\"}");
    const Value names = to_value(parse_json("{\"2\":\"two\",\"1\":\"one\"}"), schema.parse_type("map<int32,string>"), schema);
    EXPECT_EQ(names, Value(Value::Map{{Value(2), Value("two")}, {Value(1), Value("one")}}));
    EXPECT_EQ(json_text(names), "{\"2\":\"two\",\"1\":\"one\"}");  // member order kept
    EXPECT_EQ(to_value(parse_json("[[1,\"one\"]]"), schema.parse_type("map<int32,string>"), schema), Value(Value::Map{{Value(1), Value("one")}}));
    EXPECT_EQ(to_value(parse_json("[\"Eco\",5]"), schema.parse_type("list<Mode>"), schema), (Value{1, 5}));
    // Text that is not JSON is a string; a value that does not fit is left for the schema check.
    EXPECT_EQ(arg_value("hall", schema.parse_type("string"), schema), Value("hall"));
    EXPECT_EQ(arg_value("Turbo", schema.parse_type("Mode"), schema), Value("Turbo"));
    EXPECT_EQ(to_value(parse_json("18446744073709551615")), Value(std::uint64_t{18446744073709551615u}));
    EXPECT_EQ(json_text(Value(2.0)), "2.0");  // stays a double when read back
    EXPECT_EQ(json_text(Value("a\"\n\x01")), "\"a\\\"\\n\\u0001\"");
    EXPECT_THROW(parse_json(std::string(300, '[') + std::string(300, ']')), zro::cli::CliError);
}

TEST(CliJson, PodsAreObjectsWithTheirFieldNamesBothWays) {
    using namespace zro::cli;
    zro::Schema schema("T");
    schema.add_enum("Unit", {{"C", 0}, {"K", 1}});
    schema.add_pod("Reading", {{"celsius", "double"}, {"unit", "Unit"}});
    schema.add_pod("Sample", {{"id", "int32"}, {"reading", "Reading"}});
    const zro::Type sample = schema.parse_type("Sample");
    // In: an object by field name (any order) or the fields as a list; members fitted to their types.
    const Value wire{7, Value{21.0, 1}};
    EXPECT_EQ(to_value(parse_json(R"({"reading":{"unit":"K","celsius":21},"id":7})"), sample, schema), wire);
    EXPECT_EQ(to_value(parse_json(R"([7,[21,"K"]])"), sample, schema), wire);
    EXPECT_EQ(to_value(parse_json(R"([{"id":7,"reading":[21,1]}])"), schema.parse_type("list<Sample>"), schema), (Value{wire}));
    // Out: the field lists as objects, also inside lists and maps.
    EXPECT_EQ(json_text(with_field_names(wire, sample, schema)), R"({"id":7,"reading":{"celsius":21.0,"unit":1}})");
    EXPECT_EQ(value_text(Value{wire}, schema.parse_type("list<Sample>"), schema), R"([{"id":7,"reading":{"celsius":21.0,"unit":1}}])");
    EXPECT_EQ(json_text(with_field_names(Value(Value::Map{{Value("a"), Value{1.5, 0}}}), schema.parse_type("map<string,Reading>"), schema)),
              R"({"a":{"celsius":1.5,"unit":0}})");
    // A value without the POD's shape is printed as it is (the schema check names it on input).
    EXPECT_EQ(json_text(with_field_names(Value{1}, sample, schema)), "[1]");
    // Unknown and missing fields are refused, naming the field and the POD's fields.
    try {
        to_value(parse_json(R"({"id":7,"reading":{"celsius":1,"unit":"C","kelvin":2}})"), sample, schema);
        ADD_FAILURE() << "an unknown field was accepted";
    } catch (const CliError& e) {
        EXPECT_EQ(e.code(), Exit::bad_value);
        EXPECT_TRUE(contains(e.what(), "POD Reading has no field 'kelvin' (fields: celsius, unit)")) << e.what();
    }
    try {
        to_value(parse_json(R"({"reading":{"celsius":1,"unit":"C"}})"), sample, schema);
        ADD_FAILURE() << "a missing field was accepted";
    } catch (const CliError& e) {
        EXPECT_EQ(e.code(), Exit::bad_value);
        EXPECT_TRUE(contains(e.what(), "POD Sample: field 'id' (int32) is missing")) << e.what();
    }
}

TEST(CliUsage, DiscoveryUnreachableIsExit8) {
    // No --url: mDNS through avahi-daemon, which the test machine's root namespace does not run
    // (exit 8). Where a daemon runs and finds nothing, it is "no host" (exit 3).
    auto r = zro({"list", "--timeout", "500ms"});
    EXPECT_TRUE(r.code == 8 || r.code == 3) << r;
    EXPECT_TRUE(contains(r.err, "--url")) << r;
    // --registry alone asks only the registry; nothing answers there.
    r = zro({"get", "Mock", "--registry", "tcp://127.0.0.1:1", "--timeout", "500ms"});
    EXPECT_EQ(r.code, 8) << r;
    EXPECT_TRUE(contains(r.err, "registry")) << r;
}

TEST(CliUsage, NoHostIsExit3) {
    auto r = zro({"get", "Mock", "--url", "tcp://127.0.0.1:1", "--timeout", "600ms"});
    EXPECT_EQ(r.code, 3) << r;
    EXPECT_TRUE(contains(r.err, "no host answered at tcp://127.0.0.1:1 within 600 ms")) << r;
    r = zro({"list", "--url", "tcp://127.0.0.1:1", "--timeout", "600ms", "--json"});
    EXPECT_EQ(r.code, 3) << r;
    EXPECT_EQ(json(r.lines().at(0)).at(0).at("up"), Value(false)) << r;
}

TEST(CliUsage, ServeRejectsBadInput) {
    auto r = zro({"serve", reps + "/nope.rep", "--url", "tcp://127.0.0.1:0"});
    EXPECT_EQ(r.code, 2) << r;
    r = zro({"serve", reps + "/mock.rep", "--url", "tcp://127.0.0.1:0", "--class", "Other"});
    EXPECT_EQ(r.code, 4) << r;
    EXPECT_TRUE(contains(r.err, "classes: Mock")) << r;
    r = zro({"serve", reps + "/mock.rep", "--url", "tcp://127.0.0.1:0", "--set", "level=high"});
    EXPECT_EQ(r.code, 5) << r;
    r = zro({"serve", reps + "/mock.rep", "--url", "tcp://127.0.0.1:0", "--reply", "add"});
    EXPECT_EQ(r.code, 2) << r;
}

// ---- list, inspect, get --------------------------------------------------------------------------------

TEST_F(Cli, ListShowsTheObject) {
    auto r = zro(at({"list"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_TRUE(contains(r.out, "Mock")) << r;
    EXPECT_TRUE(contains(r.out, mock().url)) << r;
    r = zro(at({"list", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    const Value hosts = json(r.lines().at(0));
    ASSERT_EQ(hosts.size(), 1u);
    EXPECT_EQ(hosts.at(0).at("up"), Value(true));
    EXPECT_EQ(hosts.at(0).at("url"), Value(mock().url));
    EXPECT_EQ(hosts.at(0).at("objects").at(0).at("name"), Value("Mock"));
    EXPECT_EQ(hosts.at(0).at("objects").at(0).at("type"), Value("Mock"));
    EXPECT_EQ(hosts.at(0).at("objects").at(0).at("signature").size(), 16u);
}

TEST_F(Cli, InspectShowsRepTextValuesAndItsRepServesTheSameSignature) {
    auto r = zro(at({"inspect", "Mock"}));
    ASSERT_EQ(r.code, 0) << r;
    for (const char* s : {"class Mock", "PROP(int level=3 READWRITE);", "PROP(Mode mode=Mode::Eco);",
                          "SIGNAL(alarm(int code, QString text));", "SLOT(int add(int a, int b));", "Valid", "kitchen"})
        EXPECT_TRUE(contains(r.out, s)) << s << "\n" << r;
    r = zro(at({"inspect", "Mock", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    const Value j = json(r.lines().at(0));
    EXPECT_EQ(j.at("state"), Value("Valid"));
    EXPECT_EQ(j.at("properties").size(), 7u);
    EXPECT_EQ(j.at("properties").at(2).at("mode"), Value("READONLY"));
    EXPECT_EQ(j.at("properties").at(2).at("value"), Value(21.5));
    EXPECT_EQ(j.at("methods").at(1).at("return"), Value("int32"));
    const std::string signature = j.at("signature").as_string();

    // The printed .rep, served again, has the same signature.
    r = zro(at({"inspect", "Mock", "--rep"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(signature_when_served(r.out, "zro_cli_copy.rep"), signature) << r.out;
}

TEST_F(Cli, GetPrintsValues) {
    auto r = zro(at({"get", "Mock", "label"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "\"kitchen\"\n");
    r = zro(at({"get", "Mock"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_TRUE(contains(r.out, "temperature")) << r;
    EXPECT_TRUE(contains(r.out, "Eco (1)")) << r;
    r = zro(at({"get", "Mock", "level", "temperature", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    ASSERT_EQ(r.lines().size(), 2u) << r;
    EXPECT_EQ(json(r.lines()[1]).at("property"), Value("temperature"));
    EXPECT_EQ(json(r.lines()[1]).at("value"), Value(21.5));
    EXPECT_EQ(json(r.lines()[0]).at("object"), Value("Mock"));
}

// ---- errors naming what was looked for and seen --------------------------------------------------------

TEST_F(Cli, UnknownObjectPropertyMethodAreExit4) {
    auto r = zro(at({"get", "Nope", "--timeout", "700ms"}));
    EXPECT_EQ(r.code, 4) << r;
    EXPECT_TRUE(contains(r.err, "no object 'Nope' at " + mock().url + " within 700 ms; seen: Mock")) << r;
    r = zro(at({"get", "Mock", "nope"}));
    EXPECT_EQ(r.code, 4) << r;
    EXPECT_TRUE(contains(r.err, "no property 'nope'")) << r;
    EXPECT_TRUE(contains(r.err, "on, level, temperature")) << r;
    r = zro(at({"call", "Mock", "nope"}));
    EXPECT_EQ(r.code, 4) << r;
    EXPECT_TRUE(contains(r.err, "methods: flip, add, echo")) << r;
    r = zro(at({"watch", "Mock", "nope", "--timeout", "2s"}));
    EXPECT_EQ(r.code, 4) << r;
}

// ---- set ---------------------------------------------------------------------------------------------

TEST_F(Cli, SetFollowsModesAndTypes) {
    auto r = zro(at({"set", "Mock", "level", "7"}));  // READWRITE
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(zro(at({"get", "Mock", "level"})).out, "7\n");
    r = zro(at({"set", "Mock", "label", "hall"}));  // READPUSH, bare text taken as a string
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(zro(at({"get", "Mock", "label"})).out, "\"hall\"\n");
    EXPECT_TRUE(mock().next("\"property\":\"label\"").at("value") == Value("hall"));
    r = zro(at({"set", "Mock", "mode", "Boost", "--json"}));  // an enum by name
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(json(r.lines().at(0)).at("value"), Value(5));
    EXPECT_EQ(zro(at({"get", "Mock", "mode"})).out, "5\n");
    r = zro(at({"set", "Mock", "names", "{\"1\":\"one\",\"2\":\"two\"}"}));  // map<int32,string>
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(zro(at({"get", "Mock", "names"})).out, "{\"1\":\"one\",\"2\":\"two\"}\n");

    r = zro(at({"set", "Mock", "temperature", "30"}));
    EXPECT_EQ(r.code, 6) << r;
    EXPECT_TRUE(contains(r.err, "READONLY")) << r;
    r = zro(at({"set", "Mock", "level", "\"high\""}));
    EXPECT_EQ(r.code, 5) << r;
    EXPECT_TRUE(contains(r.err, "expected int32")) << r;
    r = zro(at({"set", "Mock", "history", "[1,\"x\"]"}));
    EXPECT_EQ(r.code, 5) << r;
    r = zro(at({"set", "Mock", "mode", "Turbo"}));
    EXPECT_EQ(r.code, 5) << r;
}

// ---- call --------------------------------------------------------------------------------------------

TEST_F(Cli, CallChecksArgumentsAndPrintsReplies) {
    auto r = zro(at({"call", "Mock", "add", "2", "3"}));  // answered by --reply add=42
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "42\n");
    const Value call = mock().next("\"method\":\"add\"");
    EXPECT_EQ(call.at("args"), (Value{2, 3}));
    EXPECT_EQ(call.at("answered"), Value("--reply"));
    r = zro(at({"call", "Mock", "flip", "true", "--json"}));  // void: answered at once
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(json(r.lines().at(0)).at("result"), Value());
    EXPECT_EQ(mock().next("\"method\":\"flip\"").at("answered"), Value("void"));

    r = zro(at({"call", "Mock", "add", "2", "x"}));
    EXPECT_EQ(r.code, 5) << r;
    EXPECT_TRUE(contains(r.err, "argument 2 (b) of add: expected int32")) << r;
    r = zro(at({"call", "Mock", "add", "2"}));
    EXPECT_EQ(r.code, 5) << r;
    EXPECT_TRUE(contains(r.err, "takes 2 arguments, add(int a, int b); got 1")) << r;
}

TEST_F(Cli, CallAndSetReadJsonLinesFromStdin) {
    auto r = zro(at({"call", "-", "--json"}), "{\"object\":\"Mock\",\"method\":\"add\",\"args\":[1,2]}\n"
                                              "{\"object\":\"Mock\",\"property\":\"level\",\"value\":1}\n"
                                              "{\"object\":\"Mock\",\"method\":\"flip\",\"args\":[false]}\n");
    ASSERT_EQ(r.code, 0) << r;
    ASSERT_EQ(r.lines().size(), 2u) << r;  // the property line is not for call
    EXPECT_EQ(json(r.lines()[0]).at("result"), Value(42));
    EXPECT_EQ(json(r.lines()[1]).at("method"), Value("flip"));
    r = zro(at({"call", "-"}), "{\"object\":\"Mock\",\"method\":\"add\",\"args\":[1]}\n");
    EXPECT_EQ(r.code, 5) << r;
    r = zro(at({"call", "-"}), "not json\n");
    EXPECT_EQ(r.code, 2) << r;
    EXPECT_TRUE(contains(r.err, "stdin line 1: bad JSON")) << r;

    // get --json | set - copies values (here onto the same object, with one value changed).
    r = zro(at({"set", "-"}), "{\"object\":\"Mock\",\"property\":\"history\",\"value\":[7,8]}\n"
                              "{\"object\":\"Mock\",\"event\":\"signal\",\"signal\":\"alarm\",\"args\":[1,\"x\"]}\n");
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(zro(at({"get", "Mock", "history"})).out, "[7,8]\n");
    r = zro(at({"set", "-"}), "{\"object\":\"Mock\",\"property\":\"temperature\",\"value\":1}\n");
    EXPECT_EQ(r.code, 6) << r;
}

TEST_F(Cli, CallAnsweredFromServeStdin) {
    Process caller("zro call echo", {zro_bin, "call", "Mock", "echo", "ping", "--url", mock().url, "--json"});
    const Value c = mock().next("\"method\":\"echo\"");
    EXPECT_EQ(c.at("answered"), Value("stdin"));
    EXPECT_EQ(c.at("args"), (Value{"ping"}));
    ASSERT_TRUE(mock().proc->send("{\"reply\":" + zro::cli::json_text(c.at("id")) + ",\"result\":\"pong\"}"));
    auto line = caller.wait_for([](const std::string& s) { return contains(s, "result"); }, 5s);
    ASSERT_TRUE(line) << caller.tail();
    EXPECT_EQ(json(line->text).at("result"), Value("pong"));
    auto st = caller.wait_exit(5s);
    ASSERT_TRUE(st);
    EXPECT_EQ(WEXITSTATUS(*st), 0);

    // An error answer fails the call (exit 1) with the text given.
    Process failing("zro call echo (error)", {zro_bin, "call", "Mock", "echo", "x", "--url", mock().url});
    const Value c2 = mock().next("\"method\":\"echo\"");
    ASSERT_TRUE(mock().proc->send("{\"reply\":" + zro::cli::json_text(c2.at("id")) + ",\"error\":\"no echo today\"}"));
    st = failing.wait_exit(5s);
    ASSERT_TRUE(st);
    EXPECT_EQ(WEXITSTATUS(*st), 1);
    EXPECT_TRUE(stderr_has(failing, "no echo today")) << failing.tail();
}

TEST_F(Cli, CallWithoutAnswerTimesOutExit7) {
    auto r = zro(at({"call", "Mock", "echo", "unanswered", "--timeout", "800ms"}));
    EXPECT_EQ(r.code, 7) << r;
    EXPECT_TRUE(contains(r.err, "no reply from Mock.echo within 800 ms")) << r;
    mock().next("\"args\":[\"unanswered\"]");
}

// ---- serve stdin, watch ------------------------------------------------------------------------------

TEST_F(Cli, WatchSeesStdinSetsAndSignals) {
    Process w("zro watch", {zro_bin, "watch", "Mock", "on", "alarm", "--url", mock().url, "--json", "--count", "2",
                            "--changes-only", "--timeout", "15s"});
    // Give the watcher time to attach; its first line comes only with the first change, so
    // change until it shows up.
    std::optional<zro::test::Line> first;
    for (int i = 0; i < 50 && !first; ++i) {
        mock().proc->send(std::string("{\"set\":\"on\",\"value\":") + (i % 2 ? "false" : "true") + "}");
        first = w.wait_for([](const std::string& s) { return contains(s, "\"event\":\"changed\""); }, 200ms);
    }
    ASSERT_TRUE(first) << w.tail();
    EXPECT_EQ(json(first->text).at("property"), Value("on"));
    mock().proc->send("{\"emit\":\"alarm\",\"args\":[3,\"hot\"]}");
    auto sig = w.wait_for([](const std::string& s) { return contains(s, "\"event\":\"signal\""); }, 5s);
    ASSERT_TRUE(sig) << w.tail();
    const Value j = json(sig->text);
    EXPECT_EQ(j.at("signal"), Value("alarm"));
    EXPECT_EQ(j.at("args"), (Value{3, "hot"}));
    // Each event carries its stream position: the signal came after the change.
    EXPECT_GT(j.at("seq").as<std::uint64_t>(), json(first->text).at("seq").as<std::uint64_t>());
    EXPECT_EQ(j.at("object"), Value("Mock"));
    EXPECT_TRUE(contains(j.at("time").as_string(), "T"));
    auto st = w.wait_exit(5s);  // --count 2 reached
    ASSERT_TRUE(st) << w.tail();
    EXPECT_EQ(WEXITSTATUS(*st), 0);

    // A bad stdin line is reported and serving goes on.
    mock().proc->send("{\"emit\":\"alarm\",\"args\":[\"x\"]}");
    mock().proc->send("{\"set\":\"level\",\"value\":11}");
    for (int i = 0; i < 50 && zro(at({"get", "Mock", "level"})).out != "11\n"; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(zro(at({"get", "Mock", "level"})).out, "11\n");
    EXPECT_TRUE(stderr_has(*mock().proc, "stdin line")) << mock().proc->tail();
    EXPECT_TRUE(stderr_has(*mock().proc, "signal 'alarm' takes 2 arguments; got 1")) << mock().proc->tail();
}

TEST_F(Cli, WatchHumanOutputAndTimeouts) {
    // Current values first, then nothing: --timeout ends it with 0 (no --count).
    auto r = zro(at({"watch", "Mock", "label", "--timeout", "700ms"}));
    EXPECT_EQ(r.code, 0) << r;
    EXPECT_TRUE(contains(r.out, "Mock.label = ")) << r;
    // --count not reached before --timeout: exit 7.
    r = zro(at({"watch", "Mock", "--count", "1", "--timeout", "700ms", "--changes-only"}));
    EXPECT_EQ(r.code, 7) << r;
    EXPECT_TRUE(contains(r.err, "saw 0 of 1 events from Mock within 700 ms")) << r;
}

TEST_F(Cli, WatchJsonPipedIntoSetMirrorsAnotherObject) {
    Served mirror("mock.rep", {"--name", "Mirror"});
    const std::string pipeline = "'" + zro_bin + "' watch Mock level history --json --count 2 --changes-only --timeout 15s --url " +
                                 mock().url + " | '" + zro_bin + "' set - Mirror --url " + mirror.url + " --json";
    Process sh("watch | set", {"/bin/sh", "-c", pipeline});
    std::this_thread::sleep_for(300ms);  // let the watcher attach
    std::optional<zro::test::Line> got;
    for (int i = 0; i < 30 && !got; ++i) {
        mock().proc->send("{\"set\":\"level\",\"value\":" + std::to_string(100 + i) + "}");
        got = sh.wait_for([](const std::string& s) { return contains(s, "\"property\":\"level\""); }, 300ms);
    }
    ASSERT_TRUE(got) << sh.tail();
    const Value level = json(got->text).at("value");
    EXPECT_EQ(json(got->text).at("object"), Value("Mirror"));
    mock().proc->send("{\"set\":\"history\",\"value\":[4,5,6]}");
    auto st = sh.wait_exit(10s);
    ASSERT_TRUE(st) << sh.tail();
    EXPECT_EQ(WEXITSTATUS(*st), 0) << sh.tail();
    EXPECT_EQ(zro({"get", "Mirror", "level", "--url", mirror.url}).out, zro::cli::json_text(level) + "\n");
    EXPECT_EQ(zro({"get", "Mirror", "history", "--url", mirror.url}).out, "[4,5,6]\n");
}

// ---- status, doctor, serve lifecycle --------------------------------------------------------------------

TEST_F(Cli, StatusReportsStateAndCounters) {
    auto r = zro(at({"status", "Mock", "--sample", "200ms", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    const Value j = json(r.lines().at(0));
    EXPECT_EQ(j.at("state"), Value("Valid"));
    EXPECT_EQ(j.at("stats").at("snapshots"), Value(1));
    EXPECT_EQ(j.at("stats").at("signals_lost"), Value(0));
    EXPECT_EQ(j.at("request_round_trip").at("probes"), Value(5));
    EXPECT_EQ(j.at("url"), Value(mock().url));
    // The host publishes at least once per heartbeat (1 s by default).
    ASSERT_TRUE(j.at("last_heard_ms").is_number()) << r;
    EXPECT_LT(j.at("last_heard_ms").as<double>(), 1500.0) << r;
    EXPECT_TRUE(j.at("last_seq").is_number()) << r;
    r = zro(at({"status", "Mock", "--sample", "0"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_TRUE(contains(r.out, "request round trip")) << r;
    EXPECT_TRUE(contains(r.out, "repaired by replay")) << r;
}

TEST(CliDoctor, ReportsEachCheckWithAFix) {
    auto r = zro({"doctor", "--json", "--avahi-socket", "/nonexistent/avahi.socket"});
    EXPECT_EQ(r.code, 1) << r;  // that socket check fails
    const Value j = json(r.lines().at(0));
    EXPECT_EQ(j.at("ok"), Value(false));
    bool avahi = false, lo = false;
    for (const auto& c : j.at("checks").as_list())
        if (c.at("check") == Value("avahi-daemon socket")) {
            avahi = true;
            EXPECT_EQ(c.at("status"), Value("fail"));
            EXPECT_TRUE(contains(c.at("fix").as_string(), "avahi-daemon"));
        }
    for (const auto& i : j.at("interfaces").as_list())
        if (i.at("name") == Value("lo")) {
            lo = true;
            EXPECT_EQ(i.at("used"), Value(false));
            EXPECT_TRUE(contains(i.at("why").as_string(), "loopback"));
        }
    EXPECT_TRUE(avahi) << r;
    EXPECT_TRUE(lo) << r;
    r = zro({"doctor", "--avahi-socket", "/nonexistent/avahi.socket"});
    EXPECT_EQ(r.code, 1) << r;
    EXPECT_TRUE(contains(r.out, "fix: ")) << r;
}

TEST(CliRegistry, ServeRegistersAndVerbsFindObjectsThroughTheRegistry) {
#ifndef ZRO_DISC_PEER
    GTEST_SKIP() << "zro_disc_peer (tests/lab) is not built";
#else
    Process registry("registry", {ZRO_DISC_PEER, "registry", "--url", "tcp://127.0.0.1:*"});
    auto ready = registry.wait_for_prefix("READY ", 10s);
    ASSERT_TRUE(ready) << registry.tail();
    const std::string reg_url = ready->text.substr(6);
    Served s("mock.rep", {"--registry", reg_url, "--name", "Registered"});
    Result r;
    for (int i = 0; i < 50; ++i) {
        r = zro({"list", "--registry", reg_url, "--json", "--timeout", "2s"});
        if (r.code == 0 && contains(r.out, "\"Registered\"")) break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(r.code, 0) << r;
    const Value hosts = json(r.lines().at(0));
    ASSERT_EQ(hosts.size(), 1u) << r;  // the registry itself is not a host of objects here
    EXPECT_EQ(hosts.at(0).at("url"), Value(s.url));
    r = zro({"get", "Registered", "level", "--registry", reg_url});
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "3\n");
    r = zro({"get", "Unregistered", "--registry", reg_url, "--timeout", "1s"});
    EXPECT_EQ(r.code, 4) << r;
    EXPECT_TRUE(contains(r.err, "seen: Registered")) << r;
#endif
}

TEST(CliPod, PodsAreJsonObjectsInGetSetCallAndServe) {
    Served probe("pods.rep", {"--reply", R"(calibrate={"celsius":0.5,"unit":"K"})", "--reply", "count=2"});
    auto at = [&](std::vector<std::string> args) {
        args.insert(args.end(), {"--url", probe.url});
        return args;
    };
    auto r = zro(at({"set", "Probe", "reading", R"({"celsius":21.5,"unit":"C"})"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(probe.next("\"property\":\"reading\"").at("value"), json(R"({"celsius":21.5,"unit":"C"})"));
    EXPECT_EQ(zro(at({"get", "Probe", "reading"})).out, "{\"celsius\":21.5,\"unit\":\"C\"}\n");
    r = zro(at({"set", "Probe", "history", R"([[1,"C"],{"unit":"K","celsius":2}])"}));  // both forms
    ASSERT_EQ(r.code, 0) << r;
    r = zro(at({"get", "Probe", "history", "--json"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(json(r.lines().at(0)).at("value"), json(R"([{"celsius":1.0,"unit":"C"},{"celsius":2.0,"unit":"K"}])"));

    r = zro(at({"set", "Probe", "reading", R"({"celsius":1,"unit":"C","kelvin":274})"}));
    EXPECT_EQ(r.code, 5) << r;
    EXPECT_TRUE(contains(r.err, "POD Reading has no field 'kelvin' (fields: celsius, unit)")) << r;
    r = zro(at({"set", "Probe", "reading", R"({"celsius":1})"}));
    EXPECT_EQ(r.code, 5) << r;
    EXPECT_TRUE(contains(r.err, "field 'unit' (string) is missing")) << r;
    r = zro(at({"set", "Probe", "reading", R"({"celsius":"warm","unit":"C"})"}));
    EXPECT_EQ(r.code, 5) << r;
    EXPECT_TRUE(contains(r.err, "expected")) << r;

    r = zro(at({"call", "Probe", "calibrate", R"({"celsius":1,"unit":"C"})", "0.25"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "{\"celsius\":0.5,\"unit\":\"K\"}\n");
    EXPECT_EQ(probe.next("\"method\":\"calibrate\"").at("args"), json(R"([{"celsius":1.0,"unit":"C"},0.25])"));
    r = zro(at({"call", "Probe", "count", R"([{"id":1,"reading":{"celsius":1,"unit":"C"}},{"id":2,"reading":[3,"K"]}])"}));
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "2\n");
    EXPECT_EQ(probe.next("\"method\":\"count\"").at("args"),
              json(R"([[{"id":1,"reading":{"celsius":1.0,"unit":"C"}},{"id":2,"reading":{"celsius":3.0,"unit":"K"}}]])"));
}

TEST(CliServe, InitialValuesAndStopOnSigterm) {
    Served s("mock.rep", {"--set", "level=9", "--set", "label=attic", "--name", "Attic"});
    auto r = zro({"get", "Attic", "level", "label", "--url", s.url, "--json"});
    ASSERT_EQ(r.code, 0) << r;
    EXPECT_EQ(json(r.lines().at(0)).at("value"), Value(9));
    EXPECT_EQ(json(r.lines().at(1)).at("value"), Value("attic"));
    s.proc->signal(SIGTERM);
    auto st = s.proc->wait_exit(5s);
    ASSERT_TRUE(st);
    EXPECT_TRUE(WIFEXITED(*st));
    EXPECT_EQ(WEXITSTATUS(*st), 0);
}

TEST(CliServe, ExitOnEofFailsPendingCalls) {
    Served s("mock.rep", {"--exit-on-eof"});
    Process caller("zro call", {zro_bin, "call", "Mock", "echo", "hi", "--url", s.url});
    s.next("\"method\":\"echo\"");
    s.proc->close_stdin();
    auto st = caller.wait_exit(5s);
    ASSERT_TRUE(st);
    EXPECT_EQ(WEXITSTATUS(*st), 1) << caller.tail();
    auto sst = s.proc->wait_exit(5s);
    ASSERT_TRUE(sst);
    EXPECT_EQ(WEXITSTATUS(*sst), 0);
}

// ---- CurveZMQ from the command line ---------------------------------------------------------------

TEST(CliSecurity, KeyedServeAdmitsAllowedClientsAndRefusesOthersWithExit9) {
    char tmpl[] = "/tmp/zro-cli-keys-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    for (const char* name : {"hub", "ok", "stranger"})
        ASSERT_EQ(zro({"keygen", dir + "/keys", "--name", name}).code, 0);
    std::filesystem::create_directories(dir + "/allowed");
    std::filesystem::copy_file(dir + "/keys/ok.key", dir + "/allowed/ok.key");

    Served hub("mock.rep", {"--key", dir + "/keys/hub.key_secret", "--allowed", dir + "/allowed"});
    const std::string pin = hub.url + "=" + dir + "/keys/hub.key";  // a .key file as the pin

    auto r = zro({"get", "Mock", "label", "--url", hub.url, "--key", dir + "/keys/ok.key_secret", "--server-key", pin});
    EXPECT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "\"kitchen\"\n") << r;

    // A key the host does not list: refused, exit 9, and the message says why.
    r = zro({"get", "Mock", "label", "--url", hub.url, "--key", dir + "/keys/stranger.key_secret", "--server-key", pin,
             "--timeout", "3s"});
    EXPECT_EQ(r.code, 9) << r;
    EXPECT_TRUE(contains(r.err, "unauthorized") || contains(r.err, "allow-list")) << r;

    // No key at all against a secured host: refused too (never a plain session). libzmq reports
    // the mechanism mismatch only on an attempt where the host's greeting arrived before it
    // closed; the attempts before it end as broken handshakes (0 to 11 of them, about 100 ms
    // each, in 30 runs on an idle machine; more under load), so this lookup gets 5 s.
    r = zro({"get", "Mock", "label", "--url", hub.url, "--timeout", "5s"});
    EXPECT_EQ(r.code, 9) << r;

    // Usage errors: a pin without --key, a key that is neither Z85 nor a file, --key without an allow-list.
    EXPECT_EQ(zro({"get", "Mock", "--url", hub.url, "--server-key", pin}).code, 2);
    EXPECT_EQ(zro({"get", "Mock", "--url", hub.url, "--key", dir + "/keys/ok.key_secret", "--server-key", hub.url + "=nope"}).code, 2);
    EXPECT_EQ(zro({"serve", reps + "/mock.rep", "--url", "tcp://127.0.0.1:0", "--key", dir + "/keys/hub.key_secret"}).code, 2);
    std::filesystem::remove_all(dir);
}

// ---- finding objects ------------------------------------------------------------------------------

TEST(CliLookup, KeepsAskingAHostThatAnswersUntilItSharesTheObject) {
    zro::Host host("tcp://127.0.0.1:*");
    zro::Schema schema("Late");
    schema.add_property("n", "int32", 7);
    zro::DynamicSource src(schema);
    host.start();
    Result r;
    std::thread getter([&] { r = zro({"get", "Late", "n", "--url", host.url(), "--timeout", "5s"}); });
    // The host answers at once but shares the object only later (the scenario, not a wait).
    std::this_thread::sleep_for(800ms);
    auto reg = host.enable_remoting(src, "Late");
    getter.join();
    EXPECT_EQ(r.code, 0) << r;
    EXPECT_EQ(r.out, "7\n") << r;
}

// ---- zro proxy ------------------------------------------------------------------------------------

TEST(CliProxy, AnObjectBehindTheProxyAnswersGetCallAndSetAsTheSourceDoes) {
    Served s("mock.rep", {"--reply", "add=5", "--set", "level=4"});
    Process proxy("zro proxy", {zro_bin, "proxy", "--from", s.url, "--to", "tcp://127.0.0.1:0"});
    auto line = proxy.wait_for([](const std::string& l) { return contains(l, "\"event\":\"proxying\""); }, 10s);
    ASSERT_TRUE(line) << proxy.tail();
    const std::string url = json(line->text).at("url").as_string();

    Result got;
    for (int i = 0; i < 50; ++i) {  // the proxy lists its inner host every second
        got = zro({"get", "Mock", "level", "--url", url, "--json"});
        if (got.code == 0) break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(got.code, 0) << got;
    EXPECT_EQ(json(got.lines().at(0)).at("value"), Value(4));
    auto sum = zro({"call", "Mock", "add", "2", "3", "--url", url});
    ASSERT_EQ(sum.code, 0) << sum;
    EXPECT_EQ(sum.out, "5\n");
    auto set = zro({"set", "Mock", "level", "9", "--url", url});
    ASSERT_EQ(set.code, 0) << set;
    EXPECT_EQ(s.next("\"event\":\"write\"").at("value"), Value(9));
    auto refused = zro({"set", "Mock", "temperature", "30", "--url", url});
    EXPECT_EQ(refused.code, 6) << refused;  // read_only, from the source through the proxy
    auto bad_from = zro({"proxy", "--from", "nowhere", "--to", "tcp://127.0.0.1:0"});
    EXPECT_EQ(bad_from.code, 2) << bad_from;

    proxy.signal(SIGTERM);
    auto st = proxy.wait_exit(5s);
    ASSERT_TRUE(st);
    EXPECT_TRUE(WIFEXITED(*st));
    EXPECT_EQ(WEXITSTATUS(*st), 0);
}

// Each side of the proxy has its own keys: the inner host admits only the proxy's inner key and
// the proxy pins the inner host's key; the outer host admits only the clients on its own
// allow-list, with its own key pair, which clients pin.
TEST(CliProxy, EachSideHasItsOwnKeysAllowListAndPins) {
    char tmpl[] = "/tmp/zro-cli-proxy-keys-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string dir = tmpl;
    for (const char* name : {"device", "proxy-inner", "proxy-outer", "ok", "stranger"})
        ASSERT_EQ(zro({"keygen", dir + "/keys", "--name", name}).code, 0);
    for (const char* side : {"/inner-allowed", "/outer-allowed"}) std::filesystem::create_directories(dir + side);
    std::filesystem::copy_file(dir + "/keys/proxy-inner.key", dir + "/inner-allowed/proxy-inner.key");
    std::filesystem::copy_file(dir + "/keys/ok.key", dir + "/outer-allowed/ok.key");

    Served device("mock.rep", {"--key", dir + "/keys/device.key_secret", "--allowed", dir + "/inner-allowed"});
    auto start_proxy = [&](const std::string& inner_pin) {
        return std::make_unique<Process>(
            "zro proxy", std::vector<std::string>{zro_bin, "proxy", "--from", device.url, "--to", "tcp://127.0.0.1:0", "--key", dir + "/keys/proxy-inner.key_secret",
                                                  "--server-key", device.url + "=" + inner_pin, "--outer-key", dir + "/keys/proxy-outer.key_secret",
                                                  "--allowed", dir + "/outer-allowed"});
    };
    auto url_of = [](Process& p) {
        auto line = p.wait_for([](const std::string& l) { return contains(l, "\"event\":\"proxying\""); }, 10s);
        return line ? json(line->text).at("url").as_string() : std::string();
    };
    auto proxy = start_proxy(dir + "/keys/device.key");
    const std::string url = url_of(*proxy);
    ASSERT_FALSE(url.empty()) << proxy->tail();
    const std::string pin = url + "=" + dir + "/keys/proxy-outer.key";

    Result got;
    for (int i = 0; i < 50; ++i) {  // the proxy lists its inner host every second
        got = zro({"get", "Mock", "label", "--url", url, "--key", dir + "/keys/ok.key_secret", "--server-key", pin});
        if (got.code == 0) break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(got.code, 0) << got << proxy->tail();
    EXPECT_EQ(got.out, "\"kitchen\"\n");
    // A client key the outer host does not list: refused (9), though the inner host never sees it.
    auto r = zro({"get", "Mock", "label", "--url", url, "--key", dir + "/keys/stranger.key_secret", "--server-key", pin, "--timeout", "3s"});
    EXPECT_EQ(r.code, 9) << r;
    // The proxy's inner key is not a client key on the outer side.
    r = zro({"get", "Mock", "label", "--url", url, "--key", dir + "/keys/proxy-inner.key_secret", "--server-key", pin, "--timeout", "3s"});
    EXPECT_EQ(r.code, 9) << r;
    // Pinning the device's key for the proxy: the proxy is not the device (host_unverified, 9).
    r = zro({"get", "Mock", "label", "--url", url, "--key", dir + "/keys/ok.key_secret", "--server-key", url + "=" + dir + "/keys/device.key",
             "--timeout", "3s"});
    EXPECT_EQ(r.code, 9) << r;

    // A proxy that pins a wrong key for the device relays nothing: its outer host shares no Mock.
    auto misled = start_proxy(dir + "/keys/stranger.key");
    const std::string misled_url = url_of(*misled);
    ASSERT_FALSE(misled_url.empty()) << misled->tail();
    std::this_thread::sleep_for(2500ms);  // two scans of the inner host
    r = zro({"get", "Mock", "label", "--url", misled_url, "--key", dir + "/keys/ok.key_secret", "--server-key", misled_url + "=" + dir + "/keys/proxy-outer.key",
             "--timeout", "2s"});
    EXPECT_EQ(r.code, 4) << r << misled->tail();
    std::filesystem::remove_all(dir);
}

} // namespace

namespace {

// --reverse: a source on the outer side is carried in and shared at the reverse URL on the
// inner side, while the forward direction goes on.
TEST(CliProxy, ReverseCarriesAnOuterSourceInAndTheForwardWayStillWorks) {
    Served device("mock.rep", {"--set", "level=4"});
    Served outer("mock.rep", {"--name", "Panel", "--set", "level=7"});
    Process proxy("zro proxy", {zro_bin, "proxy", "--from", device.url, "--to", "tcp://127.0.0.1:0", "--reverse",
                                "tcp://127.0.0.1:0", "--reverse-from", outer.url});
    auto line = proxy.wait_for([](const std::string& l) { return contains(l, "\"event\":\"proxying\""); }, 10s);
    ASSERT_TRUE(line) << proxy.tail();
    const Value started = json(line->text);
    const std::string url = started.at("url").as_string(), reverse_url = started.at("reverse_url").as_string();
    ASSERT_NE(reverse_url, url);

    Result got;
    for (int i = 0; i < 50; ++i) {  // the proxy lists the hosts of each side every second
        got = zro({"get", "Panel", "level", "--url", reverse_url, "--json"});
        if (got.code == 0) break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(got.code, 0) << got << proxy.tail();
    EXPECT_EQ(json(got.lines().at(0)).at("value"), Value(7));
    auto set = zro({"set", "Panel", "level", "9", "--url", reverse_url});
    ASSERT_EQ(set.code, 0) << set;
    EXPECT_EQ(outer.next("\"event\":\"write\"").at("value"), Value(9));
    for (int i = 0; i < 50; ++i) {
        got = zro({"get", "Mock", "level", "--url", url, "--json"});
        if (got.code == 0) break;
        std::this_thread::sleep_for(100ms);
    }
    ASSERT_EQ(got.code, 0) << got;
    EXPECT_EQ(json(got.lines().at(0)).at("value"), Value(4));
    // Each host shares only the other side's objects (the first column of `zro list`).
    auto names = [](const Result& r) {
        std::vector<std::string> out;
        for (const auto& l : r.lines())
            if (l.rfind("OBJECT", 0) != 0) out.push_back(l.substr(0, l.find(' ')));
        return out;
    };
    auto inner_list = zro({"list", "--url", reverse_url});
    ASSERT_EQ(inner_list.code, 0) << inner_list;
    EXPECT_EQ(names(inner_list), std::vector<std::string>{"Panel"}) << inner_list;
    auto outer_list = zro({"list", "--url", url});
    ASSERT_EQ(outer_list.code, 0) << outer_list;
    EXPECT_EQ(names(outer_list), std::vector<std::string>{"Mock"}) << outer_list;

    auto no_sources = zro({"proxy", "--from", device.url, "--to", "tcp://127.0.0.1:0", "--reverse", "tcp://127.0.0.1:0"});
    EXPECT_EQ(no_sources.code, 2) << no_sources;
    EXPECT_TRUE(contains(no_sources.err, "--reverse-from")) << no_sources;
    auto stray = zro({"proxy", "--from", device.url, "--to", "tcp://127.0.0.1:0", "--reverse-from", outer.url});
    EXPECT_EQ(stray.code, 2) << stray;
}

} // namespace
