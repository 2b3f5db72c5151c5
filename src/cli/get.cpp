// zro — shared live objects over ZeroMQ.
// `zro get OBJ [PROP...]`: current property values.

#include "json.hpp"
#include "lookup.hpp"

#include <zro/dynamic_replica.hpp>

namespace zro::cli {
namespace {

int run(const Args& args) {
    if (args.positional().empty()) throw CliError(Exit::usage, "usage: zro get OBJECT [PROPERTY...] (see -h)");
    const std::string object = args.positional()[0];
    const auto timeout = args.timeout(std::chrono::seconds(5));
    const auto urls = target_urls(args, timeout, object);
    Node node(args.node_options());
    auto a = acquire_object(node, urls, object, Clock::now() + timeout, timeout);
    const Schema& s = a.replica->schema();
    std::vector<const PropertyDef*> props;
    for (std::size_t i = 1; i < args.positional().size(); ++i) props.push_back(&find_property(s, object, args.positional()[i]));
    if (args.positional().size() == 1)
        for (const auto& p : s.properties()) props.push_back(&p);

    if (args.json()) {
        for (const auto* p : props)
            print_line(to_json(Value::map_of({{"object", object}, {"property", p->name}, {"value", a.replica->property(p->name)}})));
        return 0;
    }
    if (args.positional().size() == 2) {  // one property: the bare value, for scripts
        print_line(to_json(a.replica->property(props[0]->name)));
        return 0;
    }
    const Style st = style_for(args);
    Table t;
    for (const auto* p : props) t.row({p->name, st.cyan(value_text(a.replica->property(p->name), p->type, s))});
    t.print(stdout, st);
    return 0;
}

const VerbRegistration reg{{"get", 30, "current property values",
                            "usage: zro get OBJECT [PROPERTY...] [--url URL] [--json]\n\n"
                            "With one PROPERTY prints its value as JSON (nothing else: for scripts); with none or\n"
                            "several prints NAME VALUE lines. --json prints one line per property,\n"
                            "{\"object\":...,\"property\":...,\"value\":...}, which `zro set -` accepts back.\n\n"
                            "examples:\n"
                            "  zro get SimpleSwitch currState --url tcp://192.168.1.20:5555\n"
                            "  zro get Thermostat --json\n"
                            "  zro get Thermostat --json | zro set - --url tcp://127.0.0.1:6000   # copy values",
                            {},
                            run}};

} // namespace
} // namespace zro::cli
