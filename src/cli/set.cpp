// zro — shared live objects over ZeroMQ.
// `zro set OBJ PROP VALUE` and `zro set -` (JSON lines on stdin).

#include "json_value.hpp"
#include "lookup.hpp"
#include "model_verbs.hpp"

#include <zro/dynamic_replica.hpp>

#include <CLI/CLI.hpp>

namespace zro::cli {
namespace {

// The new value as given: a JSON value from a stdin line, or a command-line argument.
struct GivenValue {
    const Json* json = nullptr;
    std::string text;
};

// Sets one property; throws CliError with the matching exit code.
void set_one(Acquired& a, const std::string& object, const std::string& prop, const GivenValue& given,
             Clock::time_point deadline, std::chrono::milliseconds timeout, bool json_out) {
    const Schema& s = a.replica->schema();
    const PropertyDef& p = find_property(s, object, prop);
    if (p.mode != PropertyMode::read_push && p.mode != PropertyMode::read_write)
        throw CliError(Exit::read_only, "property '" + prop + "' of " + object + " is " + std::string(to_string(p.mode)) +
                                            ": only the source changes it");
    const Value value = given.json ? to_value(*given.json, p.parsed_type, s) : arg_value(given.text, p.parsed_type, s);
    check_value(s, p.parsed_type, value, "property '" + prop + "' of " + object);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() < 1) left = std::chrono::milliseconds(1);
    auto reply = a.replica->set_property(prop, value, left);
    reply.wait(left + std::chrono::milliseconds(100));
    if (!reply.finished())
        throw CliError(Exit::timeout, "no answer to setting " + object + "." + prop + " within " + format_duration(timeout));
    if (auto err = reply.error()) {
        if (err->code == ErrorCode::timeout)
            throw CliError(Exit::timeout, "no answer to setting " + object + "." + prop + " within " + format_duration(timeout));
        throw CliError(exit_for(err->code), "setting " + object + "." + prop + " to " + json_text(value) + " failed: " +
                                                err->message + " (" + std::string(to_string(err->code)) + ")");
    }
    if (json_out)
        print_line(json_text(Value::map_of({{"object", object}, {"property", prop}, {"value", with_field_names(value, p.parsed_type, s)}, {"ok", true}})));
}

// `zro set OBJECT PROPERTY VALUE`, or `zro set - [OBJECT]` (then `property` holds that OBJECT).
struct SetArgs {
    std::string object, property;
    std::optional<std::string> value;
    ModelTarget model;  ///< --row, --column, --parent: a model cell instead of a property
};

int run(const CommonOptions& common, const SetArgs& args) {
    const auto timeout = common.timeout(std::chrono::seconds(5));
    if (args.object == "-") {
        if (args.value) throw CliError(Exit::usage, "after '-' only an OBJECT may follow, no VALUE: the values come from stdin");
        const std::string& rename = args.property;
        const auto urls = target_urls(common, timeout);
        Node node(common.node_options());
        ObjectCache cache(node, urls, timeout);
        for_each_stdin_json(node, [&](const Json& line, std::size_t n) {
            const std::string prop = field_string(line, "property");
            const Json* value = field(line, "value");
            if (prop.empty() || !value) return;  // signals, state changes: not for set
            const std::string object = rename.empty() ? field_string(line, "object") : rename;
            if (object.empty())
                throw CliError(Exit::usage, "stdin line " + std::to_string(n) + ": no \"object\" (or give OBJECT after '-')");
            set_one(cache.get(object), object, prop, {value, {}}, Clock::now() + timeout, timeout, common.json);
        });
        return 0;
    }
    if (args.model.row) {  // `zro set OBJ [MODEL] --row R ROLE=VALUE`
        if (args.property.empty())
            throw CliError(Exit::usage, "--row needs ROLE=VALUE (after the MODEL, which a top-level model may leave out)");
        const bool model_named = args.value.has_value();
        const auto urls = target_urls(common, timeout, args.object);
        const auto deadline = Clock::now() + timeout;
        Node node(common.node_options());
        auto a = acquire_object(node, urls, args.object, deadline, timeout);
        return set_model_cell(common, node, a, args.object, model_named ? args.property : "", args.model,
                              model_named ? *args.value : args.property, deadline, timeout);
    }
    if (args.property.empty() || !args.value)
        throw CliError(Exit::usage, "OBJECT needs a PROPERTY and a VALUE (or give '-' to read them from stdin)");
    const auto urls = target_urls(common, timeout, args.object);
    const auto deadline = Clock::now() + timeout;
    Node node(common.node_options());
    auto a = acquire_object(node, urls, args.object, deadline, timeout);
    if (a.replica->schema().model_index(args.property))
        throw CliError(Exit::usage, "'" + args.property + "' is a model: edit a cell with --row R [--column C] [--parent PATH] ROLE=VALUE");
    set_one(a, args.object, args.property, {nullptr, *args.value}, deadline, timeout, common.json);
    return 0;
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<SetArgs>();
    cmd.add_option("OBJECT", args->object, "the object's name, or - for JSON lines on stdin")->required();
    cmd.add_option("PROPERTY", args->property, "the property to change (after -: the object every line goes to)");
    cmd.add_option("VALUE", args->value, "the new value: JSON, or text for a string (not after -); ROLE=VALUE for a model cell");
    cmd.add_option("--row", args->model.row, "edit a cell of the MODEL named as PROPERTY: its row")->type_name("R");
    cmd.add_option("--column", args->model.column, "with --row: the cell's column (default 0)")->type_name("C");
    cmd.add_option("--parent", args->model.parent, "with --row: the path of the row's parent (\"0/3\"; default the root)")
        ->type_name("PATH");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"set", 40, "change a property (push or set, as its mode says)",
                            "VALUE is JSON (true, 21.5, \"text\", [1,2], {\"k\":1}); text that is not JSON is taken as a\n"
                            "string, and enum values may be given by name. The value is checked against the schema\n"
                            "before it is sent. READPUSH properties are pushed through the source's setter, READWRITE\n"
                            "ones set; READONLY, CONSTANT and SOURCEONLYSETTER ones are refused (exit 6).\n"
                            "With '-', each stdin line {\"object\":O,\"property\":P,\"value\":V} is applied in order\n"
                            "(the lines `zro get --json` and `zro watch --json` print; other lines are skipped);\n"
                            "OBJECT after '-' overrides the lines' object. Stops at the first error.\n"
                            "With --row, PROPERTY names a MODEL member (left out for a top-level model) and VALUE is\n"
                            "ROLE=VALUE: that role of the cell (--row, --column, --parent) is set through the model's\n"
                            "set_data; a refusal (an item that is not editable: exit 6; out of range: exit 5) prints\n"
                            "the source's message.\n\n"
                            "examples:\n"
                            "  zro set SimpleSwitch currState true --url tcp://192.168.1.20:5555\n"
                            "  zro set Thermostat mode Eco\n"
                            "  zro watch Switch --json --url tcp://a:5555 | zro set - Mirror --url tcp://b:5555\n"
                            "  zro set Playlist tracks --row 2 title='So What'\n"
                            "  zro set Files --parent 0 --row 1 --column 1 display=14kB",
                            define}};

} // namespace
} // namespace zro::cli
