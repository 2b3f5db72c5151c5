// zro — shared live objects over ZeroMQ.
// `zro get OBJ [PROP...]`: current property values; `zro get OBJ MODEL --rows A:B`: a model's rows.

#include "json_value.hpp"
#include "lookup.hpp"
#include "model_verbs.hpp"

#include <zro/dynamic_replica.hpp>

#include <CLI/CLI.hpp>

namespace zro::cli {
namespace {

struct GetArgs {
    std::string object;
    std::vector<std::string> properties;
    ModelTarget model;
};

// Whether the arguments ask for a model's rows rather than property values: a model option,
// a MODEL member's name, or an object that has only models (a top-level model).
bool asks_for_model(const Schema& s, const GetArgs& args) {
    if (args.model.any_given()) return true;
    if (args.properties.size() == 1) return s.model_index(args.properties[0]).has_value();
    return args.properties.empty() && s.properties().empty() && !s.models().empty();
}

int run(const CommonOptions& common, const GetArgs& args) {
    const std::string& object = args.object;
    const auto timeout = common.timeout(std::chrono::seconds(5));
    const auto urls = target_urls(common, timeout, object);
    const auto deadline = Clock::now() + timeout;
    Node node(common.node_options());
    auto a = acquire_object(node, urls, object, deadline, timeout);
    const Schema& s = a.replica->schema();
    if (asks_for_model(s, args)) {
        if (args.properties.size() > 1)
            throw CliError(Exit::usage, "a model's rows are printed one model at a time; got " + join_names(args.properties));
        return print_model_rows(common, node, a, object, args.properties.empty() ? "" : args.properties[0], args.model, deadline);
    }
    std::vector<const PropertyDef*> props;
    for (const auto& name : args.properties) props.push_back(&find_property(s, object, name));
    if (args.properties.empty())
        for (const auto& p : s.properties()) props.push_back(&p);

    if (common.json) {
        for (const auto* p : props)
            print_line(json_text(Value::map_of({{"object", object}, {"property", p->name}, {"value", with_field_names(a.replica->property(p->name), p->parsed_type, s)}})));
        return 0;
    }
    if (args.properties.size() == 1) {  // one property: the bare value, for scripts
        print_line(json_text(with_field_names(a.replica->property(props[0]->name), props[0]->parsed_type, s)));
        return 0;
    }
    const Style st = style_for(common);
    Table t;
    for (const auto* p : props) t.row({p->name, st.cyan(value_text(a.replica->property(p->name), p->parsed_type, s))});
    t.print(stdout, st);
    return 0;
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<GetArgs>();
    cmd.add_option("OBJECT", args->object, "the object's name")->required();
    cmd.add_option("PROPERTY", args->properties, "the properties to print (default: all), or one MODEL member");
    cmd.add_option("--rows", args->model.rows, "a model's rows A:B (A to B-1), A:, :B or A (default 0:50)")->type_name("A:B");
    cmd.add_option("--roles", args->model.roles, "a model's roles to print (default: all)")->type_name("R1,R2");
    cmd.add_option("--parent", args->model.parent, "the rows under this item of a tree model: its path, rows from the root")
        ->type_name("PATH");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"get", 30, "current property values, or a model's rows",
                            "With one PROPERTY prints its value as JSON (nothing else: for scripts); with none or\n"
                            "several prints NAME VALUE lines. --json prints one line per property,\n"
                            "{\"object\":...,\"property\":...,\"value\":...}, which `zro set -` accepts back.\n"
                            "With a MODEL member (or a top-level model's name as OBJECT, MODEL left out) prints rows\n"
                            "--rows A:B (half-open: A to B-1; default 0:50) of the root, or of --parent PATH (\"0/3\":\n"
                            "the children of row 3 under root row 0), one line per row with each column's --roles\n"
                            "values. --json prints one object: {\"object\",\"model\",\"parent\",\"roles\",\"row_count\",\n"
                            "\"column_count\",\"first\",\"rows\":[{\"row\",\"cells\":[{role:value}],\"children\"}]}.\n\n"
                            "examples:\n"
                            "  zro get SimpleSwitch currState --url tcp://192.168.1.20:5555\n"
                            "  zro get Thermostat --json\n"
                            "  zro get Thermostat --json | zro set - --url tcp://127.0.0.1:6000   # copy values\n"
                            "  zro get Playlist tracks --rows 0:10 --roles title\n"
                            "  zro get Files --parent 0/3 --json        # a top-level tree model",
                            define}};

} // namespace
} // namespace zro::cli
