// zro — shared live objects over ZeroMQ.
// `zro proxy --from SOURCES --to URL`: a zro::Proxy on the command line (docs/PROXY.md).

#include "cli.hpp"
#include "json_value.hpp"

#include <zro/proxy.hpp>

#include <CLI/CLI.hpp>

namespace zro::cli {
namespace {

struct ProxyArgs {
    std::vector<std::string> from;
    std::string to;
    std::vector<std::string> objects;
    std::string outer_key, allowed, announce_registry, outer_interface;
    bool allow_any_client = false, announce_mdns = false;
};

int run(const CommonOptions& common, const ProxyArgs& args) {
    ProxyOptions o;
    for (const auto& f : args.from) {
        if (f == "mdns") o.from_mdns = true;
        else if (f.rfind("registry=", 0) == 0) o.from_registry = f.substr(9);
        else if (f.find("://") != std::string::npos) o.from_urls.push_back(f);
        else throw CliError(Exit::usage, "--from '" + f + "': expected a host URL, 'mdns' or 'registry=URL'");
    }
    if (args.from.empty()) throw CliError(Exit::usage, "--from: say where the sources are (a URL, 'mdns' or 'registry=URL')");
    o.objects = args.objects;
    // Inner side: the proxy as a client, with the common security options (--key, --server-key,
    // --known-hosts) and --interface for mDNS.
    o.inner = common.node_options();
    o.inner.discovery_interface = common.interface;
    // Outer side: the proxy as a host.
    if (!args.outer_key.empty()) o.outer.security.key_file = args.outer_key;
    if (!args.allowed.empty() || args.allow_any_client) {
        if (args.outer_key.empty()) throw CliError(Exit::usage, "--allowed and --allow-any-client need --outer-key (the outer host's key pair)");
        o.outer.security.allowed_clients_dir = args.allowed;
        o.outer.security.allow_any_client = args.allow_any_client;
    } else if (!args.outer_key.empty()) {
        throw CliError(Exit::usage, "--outer-key without --allowed DIR or --allow-any-client would refuse every client");
    }
    o.outer.discovery = args.announce_mdns;
    o.outer.discovery_interface = args.outer_interface;
    o.outer.registry_url = args.announce_registry;
    std::unique_ptr<Proxy> proxy;
    try {
        proxy = std::make_unique<Proxy>(args.to, std::move(o));
    } catch (const Error& e) {
        throw CliError(exit_for(e.code()) == Exit::failed ? Exit::usage : exit_for(e.code()), e.what());
    }
    print_line(json_text(Value::map_of({{"event", "proxying"}, {"url", proxy->url()}, {"node_id", proxy->outer().node_id()}})));
    InterruptScope on_interrupt([&proxy] { proxy->stop(); });
    proxy->run();
    return 0;
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<ProxyArgs>();
    cmd.add_option("--from", args->from, "where the sources are: a host URL, 'mdns' or 'registry=URL' (repeatable)")
        ->type_name("SOURCE")
        ->required()
        ->allow_extra_args(false);
    cmd.add_option("--to", args->to, "the URL to share the copies at, e.g. tcp://0.0.0.0:6000")->type_name("URL")->required();
    cmd.add_option("-o,--objects", args->objects, "which objects: shell globs (repeatable; default: all)")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    cmd.add_option("--outer-key", args->outer_key, "the outer host's key pair (NAME.key_secret)")->type_name("FILE");
    cmd.add_option("--allowed", args->allowed, "directory of client keys allowed on the outer side")->type_name("DIR");
    cmd.add_flag("--allow-any-client", args->allow_any_client, "encrypt the outer side without checking client keys");
    cmd.add_flag("--announce-mdns", args->announce_mdns, "publish the outer host through avahi-daemon");
    cmd.add_option("--outer-interface", args->outer_interface, "the interface to announce on")->type_name("IF");
    cmd.add_option("--announce-registry", args->announce_registry, "register the copies in this registry")->type_name("URL");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"proxy", 75, "share the objects of one network again on another (a proxy)",
                            "Acquires every matching object of the inner side (--from) and shares a copy of\n"
                            "each at --to under the same name, class and signature, at the source's own stream\n"
                            "position: replicas behind it see every change and signal in order, calls and\n"
                            "writes come back with the source's result or error, and a lost source makes them\n"
                            "Suspect at once (docs/PROXY.md). The inner side uses --key, --server-key and\n"
                            "--known-hosts as any verb does; the outer host has its own --outer-key and\n"
                            "--allowed. Prints {\"event\":\"proxying\",\"url\":...} once bound, then runs until\n"
                            "Ctrl-C. Objects with MODEL members are not relayed yet.\n\n"
                            "examples:\n"
                            "  zro proxy --from tcp://10.0.1.5:5555 --to tcp://0.0.0.0:6000\n"
                            "  zro proxy --from mdns --interface eth0 --to tcp://0.0.0.0:6000 --announce-mdns --outer-interface eth1\n"
                            "  zro proxy --from registry=tcp://10.0.1.2:5600 --to tcp://0.0.0.0:6000 -o 'Pump*'",
                            define}};

} // namespace
} // namespace zro::cli
