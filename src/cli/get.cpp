// zro — shared live objects over ZeroMQ.
// `zro get OBJ [PROP...]`: current property values.

#include "json_value.hpp"
#include "lookup.hpp"

#include <zro/dynamic_replica.hpp>

#include <CLI/CLI.hpp>

namespace zro::cli {
namespace {

struct GetArgs {
    std::string object;
    std::vector<std::string> properties;
};

int run(const CommonOptions& common, const GetArgs& args) {
    const std::string& object = args.object;
    const auto timeout = common.timeout(std::chrono::seconds(5));
    const auto urls = target_urls(common, timeout, object);
    Node node(common.node_options());
    auto a = acquire_object(node, urls, object, Clock::now() + timeout, timeout);
    const Schema& s = a.replica->schema();
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
    cmd.add_option("PROPERTY", args->properties, "the properties to print (default: all)");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"get", 30, "current property values",
                            "With one PROPERTY prints its value as JSON (nothing else: for scripts); with none or\n"
                            "several prints NAME VALUE lines. --json prints one line per property,\n"
                            "{\"object\":...,\"property\":...,\"value\":...}, which `zro set -` accepts back.\n\n"
                            "examples:\n"
                            "  zro get SimpleSwitch currState --url tcp://192.168.1.20:5555\n"
                            "  zro get Thermostat --json\n"
                            "  zro get Thermostat --json | zro set - --url tcp://127.0.0.1:6000   # copy values",
                            define}};

} // namespace
} // namespace zro::cli
