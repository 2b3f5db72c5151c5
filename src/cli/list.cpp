// zro — shared live objects over ZeroMQ.
// `zro list`: hosts and the objects they share.

#include "json_value.hpp"
#include "lookup.hpp"

#include <CLI/CLI.hpp>

namespace zro::cli {
namespace {

int run(const CommonOptions& common) {
    const auto timeout = common.timeout(std::chrono::seconds(3));
    const auto urls = target_urls(common, timeout);
    Node node(common.node_options());
    const auto hosts = ask_hosts(node, urls, Clock::now() + timeout);
    bool all_up = true;
    for (const auto& h : hosts) all_up = all_up && h.up;

    if (common.json) {
        Value::List list;
        for (const auto& h : hosts) {
            Value::List objs;
            for (const auto& o : h.objects)
                objs.push_back(Value::map_of({{"name", o.name}, {"type", o.type}, {"signature", o.signature}}));
            Value host = Value::map_of({{"url", h.url}, {"up", h.up}, {"node_id", h.node_id}, {"objects", Value(std::move(objs))}});
            if (!h.up) host.as_map().emplace_back(Value("error"), Value(h.error));
            list.push_back(std::move(host));
        }
        print_line(json_text(Value(std::move(list))));
    } else {
        const Style st = style_for(common);
        Table t;
        t.header({"OBJECT", "TYPE", "SIGNATURE", "HOST", "NODE"});
        for (const auto& h : hosts) {
            if (!h.up) {
                t.row({st.red("-"), "", "", h.url, st.red("down: " + h.error)});
                continue;
            }
            if (h.objects.empty()) t.row({st.dim("(no objects)"), "", "", h.url, h.node_id});
            for (const auto& o : h.objects) t.row({st.bold(o.name), o.type, st.dim(o.signature), h.url, h.node_id});
        }
        t.print(stdout, st);
    }
    if (!all_up) {
        std::vector<std::string> down;
        for (const auto& h : hosts)
            if (!h.up) down.push_back(h.url);
        throw CliError(Exit::no_host, "no host answered at " + url_list(down) + " within " + format_duration(timeout));
    }
    return 0;
}

VerbRun define(CLI::App&) { return run; }  // no options of its own

const VerbRegistration reg{{"list", 10, "hosts and the objects they share",
                            "Asks each host which objects it shares: name, class, signature, host URL, node id.\n"
                            "A host is printed as up only after it answered the handshake and the list request.\n\n"
                            "examples:\n"
                            "  zro list --url tcp://192.168.1.20:5555\n"
                            "  zro list --url tcp://10.0.0.5:5555 --url tcp://10.0.0.6:5555 --json\n"
                            "  ZRO_URL=tcp://127.0.0.1:5555 zro list",
                            define}};

} // namespace
} // namespace zro::cli
