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
    // The reverse direction: outer sources shared again at `reverse` on the inner side.
    std::string reverse, reverse_allowed;
    std::vector<std::string> reverse_from, reverse_objects;
    bool reverse_allow_any_client = false, reverse_announce_mdns = false;
};

/// SOURCE values ("URL", "mdns", "registry=URL") of `option` into where a direction finds hosts.
void parse_sources(const std::vector<std::string>& values, const char* option, std::vector<std::string>& urls,
                   bool& mdns, std::string& registry) {
    for (const auto& f : values) {
        if (f == "mdns") mdns = true;
        else if (f.rfind("registry=", 0) == 0) registry = f.substr(9);
        else if (f.find("://") != std::string::npos) urls.push_back(f);
        else throw CliError(Exit::usage, std::string(option) + " '" + f + "': expected a host URL, 'mdns' or 'registry=URL'");
    }
}

/// The reverse direction's options: its client on the outer side holds the outer key pair (the
/// proxy's identity there) and the same pins; its host on the inner side holds the inner key pair
/// and admits the clients of --reverse-allowed.
void set_reverse(const ProxyArgs& args, ProxyOptions& o) {
    auto& r = o.reverse;
    r.url = args.reverse;
    if (args.reverse_from.empty())
        throw CliError(Exit::usage, "--reverse needs --reverse-from: where the outer sources are (a URL, 'mdns' or 'registry=URL')");
    parse_sources(args.reverse_from, "--reverse-from", r.from_urls, r.from_mdns, r.from_registry);
    r.objects = args.reverse_objects;
    r.client = o.inner;
    r.client.discovery_interface = args.outer_interface;
    if (!args.outer_key.empty()) {
        r.client.security.keys = KeyPair{};
        r.client.security.key_file = args.outer_key;
    }
    r.host.discovery = args.reverse_announce_mdns;
    r.host.discovery_interface = o.inner.discovery_interface;
    const bool keyed = o.inner.security.enabled();
    if (!args.reverse_allowed.empty() || args.reverse_allow_any_client) {
        if (!keyed) throw CliError(Exit::usage, "--reverse-allowed and --reverse-allow-any-client need --key (the inner key pair)");
        r.host.security.keys = o.inner.security.keys;
        r.host.security.allowed_clients_dir = args.reverse_allowed;
        r.host.security.allow_any_client = args.reverse_allow_any_client;
    } else if (keyed) {
        throw CliError(Exit::usage, "--reverse with --key needs --reverse-allowed DIR or --reverse-allow-any-client "
                                    "(the inner clients the reverse host admits)");
    }
}

int run(const CommonOptions& common, const ProxyArgs& args) {
    ProxyOptions o;
    parse_sources(args.from, "--from", o.from_urls, o.from_mdns, o.from_registry);
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
    if (!args.reverse.empty()) set_reverse(args, o);
    else if (!args.reverse_from.empty() || !args.reverse_objects.empty() || !args.reverse_allowed.empty())
        throw CliError(Exit::usage, "--reverse-from, --reverse-objects and --reverse-allowed need --reverse URL");
    std::unique_ptr<Proxy> proxy;
    try {
        proxy = std::make_unique<Proxy>(args.to, std::move(o));
    } catch (const Error& e) {
        throw CliError(exit_for(e.code()) == Exit::failed ? Exit::usage : exit_for(e.code()), e.what());
    }
    Value started = Value::map_of({{"event", "proxying"}, {"url", proxy->url()}, {"node_id", proxy->outer().node_id()}});
    if (!proxy->reverse_url().empty()) started.as_map().emplace_back(Value("reverse_url"), Value(proxy->reverse_url()));
    print_line(json_text(started));
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
    cmd.add_option("--reverse", args->reverse, "also carry outer sources in: share their copies at this inner URL")->type_name("URL");
    cmd.add_option("--reverse-from", args->reverse_from, "where the outer sources are: a host URL, 'mdns' (on --outer-interface) or 'registry=URL' (repeatable)")
        ->type_name("SOURCE")
        ->allow_extra_args(false);
    cmd.add_option("--reverse-objects", args->reverse_objects, "which outer objects: shell globs (repeatable; default: all)")
        ->type_name("GLOB")
        ->allow_extra_args(false);
    cmd.add_option("--reverse-allowed", args->reverse_allowed, "directory of client keys allowed on the reverse (inner) host")->type_name("DIR");
    cmd.add_flag("--reverse-allow-any-client", args->reverse_allow_any_client, "encrypt the reverse host without checking client keys");
    cmd.add_flag("--reverse-announce-mdns", args->reverse_announce_mdns, "publish the reverse host through avahi-daemon (on --interface)");
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
                            "Ctrl-C. With --reverse URL it also carries the objects of --reverse-from (outer\n"
                            "hosts) in, sharing their copies at URL on the inner side (\"reverse_url\" in the\n"
                            "first line). Objects with MODEL members are not relayed yet.\n\n"
                            "examples:\n"
                            "  zro proxy --from tcp://10.0.1.5:5555 --to tcp://0.0.0.0:6000\n"
                            "  zro proxy --from mdns --interface eth0 --to tcp://0.0.0.0:6000 --announce-mdns --outer-interface eth1\n"
                            "  zro proxy --from registry=tcp://10.0.1.2:5600 --to tcp://0.0.0.0:6000 -o 'Pump*'\n"
                            "  zro proxy --from tcp://10.0.1.5:5555 --to tcp://0.0.0.0:6000 --reverse tcp://10.0.1.1:6001 --reverse-from tcp://192.168.7.9:5555",
                            define}};

} // namespace
} // namespace zro::cli
