// zro — shared live objects over ZeroMQ.
// `zro inspect OBJ`: the schema as .rep text, current values, state and host.

#include "json_value.hpp"
#include "lookup.hpp"
#include "rep_text.hpp"

#include <zro/dynamic_replica.hpp>

#include <CLI/CLI.hpp>

namespace zro::cli {
namespace {

Value params_value(const std::vector<Parameter>& params) {
    Value::List out;
    for (const auto& p : params) out.push_back(Value::map_of({{"name", p.name}, {"type", p.type}}));
    return Value(std::move(out));
}

struct InspectArgs {
    std::string object;
    bool rep_only = false;
};

int run(const CommonOptions& common, const InspectArgs& args) {
    const std::string& object = args.object;
    const auto timeout = common.timeout(std::chrono::seconds(5));
    const auto urls = target_urls(common, timeout, object);
    Node node(common.node_options());
    auto a = acquire_object(node, urls, object, Clock::now() + timeout, timeout);
    const Schema& s = a.replica->schema();

    if (args.rep_only) {
        std::fputs(rep_text(s).c_str(), stdout);
        return 0;
    }
    if (common.json) {
        Value::List props, sigs, methods, enums, pods, models;
        for (const auto& p : s.properties())
            props.push_back(Value::map_of({{"name", p.name},
                                           {"type", p.type},
                                           {"mode", std::string(to_string(p.mode))},
                                           {"default", p.default_value.is_nil() ? s.zero_value(p.parsed_type) : p.default_value},
                                           {"value", with_field_names(a.replica->property(p.name), p.parsed_type, s)}}));
        for (const auto& g : s.signals()) sigs.push_back(Value::map_of({{"name", g.name}, {"params", params_value(g.params)}}));
        for (const auto& m : s.methods())
            methods.push_back(Value::map_of({{"name", m.name}, {"params", params_value(m.params)}, {"return", m.return_type}}));
        for (const auto& e : s.enums()) {
            Value::Map values;
            for (const auto& [n, num] : e.values) values.emplace_back(Value(n), Value(num));
            enums.push_back(Value::map_of({{"name", e.name}, {"values", Value(std::move(values))}}));
        }
        for (const auto& m : s.models()) {
            const ModelReplica& mr = a.replica->model(m.name);
            Value::List roles(m.roles.begin(), m.roles.end());
            models.push_back(Value::map_of({{"name", m.name},
                                            {"roles", Value(std::move(roles))},
                                            {"has_model", mr.has_model()},
                                            {"rows", mr.row_count()},
                                            {"columns", mr.column_count()}}));
        }
        for (const auto& pod : s.pods()) pods.push_back(Value::map_of({{"name", pod.name}, {"fields", params_value(pod.fields)}}));
        print_line(json_text(Value::map_of({{"object", object},
                                          {"type", s.type_name()},
                                          {"signature", s.signature()},
                                          {"url", a.host.url},
                                          {"node_id", a.host.node_id},
                                          {"state", std::string(to_string(a.replica->state()))},
                                          {"enums", Value(std::move(enums))},
                                          {"pods", Value(std::move(pods))},
                                          {"properties", Value(std::move(props))},
                                          {"signals", Value(std::move(sigs))},
                                          {"methods", Value(std::move(methods))},
                                          {"models", Value(std::move(models))},
                                          {"rep", rep_text(s)}})));
        return 0;
    }
    const Style st = style_for(common);
    Table head;
    head.row({"object", st.bold(object)});
    head.row({"class", s.type_name()});
    head.row({"signature", s.signature()});
    head.row({"host", a.host.url});
    head.row({"node", a.host.node_id});
    head.row({"state", a.replica->valid() ? st.green(std::string(to_string(a.replica->state())))
                                          : st.yellow(std::string(to_string(a.replica->state())))});
    head.print(stdout, st);
    std::printf("\n%s", rep_text(s).c_str());
    if (!s.properties().empty()) {
        std::printf("\n");
        Table t;
        t.header({"PROPERTY", "VALUE", "TYPE", "MODE"});
        for (const auto& p : s.properties())
            t.row({p.name, st.cyan(value_text(a.replica->property(p.name), p.parsed_type, s)), p.type, std::string(to_string(p.mode))});
        t.print(stdout, st);
    }
    if (!s.models().empty()) {  // the root's counts are exact in every replica (docs/MODELS.md)
        std::printf("\n");
        Table t;
        t.header({"MODEL", "ROLES", "ROWS", "COLUMNS"});
        for (const auto& m : s.models()) {
            const ModelReplica& mr = a.replica->model(m.name);
            t.row({m.name, join_names(m.roles), mr.has_model() ? std::to_string(mr.row_count()) : st.dim("(no model)"),
                   mr.has_model() ? std::to_string(mr.column_count()) : ""});
        }
        t.print(stdout, st);
    }
    return 0;
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<InspectArgs>();
    cmd.add_option("OBJECT", args->object, "the object's name")->required();
    cmd.add_flag("--rep", args->rep_only, "print only the class as .rep text");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"inspect", 20, "an object's class as .rep text, its values, state and host",
                            "Acquires OBJECT and prints where it lives (host URL, node id), its state, its class as\n"
                            "QtRO .rep text (its PODs, enums, PROPs with defaults and modes, MODELs with their roles,\n"
                            "SIGNALs, SLOTs), every property's current value and each model's roles and root counts\n"
                            "(`zro get OBJ MODEL --rows A:B` prints its rows). --rep prints only the .rep text, which `zro serve` reads:\n"
                            "a mock of a live object in two commands.\n\n"
                            "examples:\n"
                            "  zro inspect SimpleSwitch --url tcp://192.168.1.20:5555\n"
                            "  zro inspect SimpleSwitch --rep > switch.rep && zro serve switch.rep --url tcp://127.0.0.1:6000\n"
                            "  zro inspect SimpleSwitch --json | jq .properties",
                            define}};

} // namespace
} // namespace zro::cli
