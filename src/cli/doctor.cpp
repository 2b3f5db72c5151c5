// zro — shared live objects over ZeroMQ.
// `zro doctor`: checks what breaks discovery on real LANs, each finding with a fix.

#include "json_value.hpp"
#include "lookup.hpp"

#include <zro/discovery.hpp>
#include <zro/dynamic_source.hpp>
#include <zro/host.hpp>

#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace zro::cli {
namespace {

struct Finding {
    std::string check;
    std::string status;  // ok | warn | fail | info | skip
    std::string detail;
    std::string fix;
};

bool connect_unix(const std::string& path, std::string& error) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::strerror(errno);
        return false;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (!ok) error = std::strerror(errno);
    ::close(fd);
    return ok;
}

std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
    dirs += ":/usr/sbin:/sbin";
    std::stringstream ss(dirs);
    std::string dir;
    while (std::getline(ss, dir, ':'))
        if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    return {};
}

// Runs a command (no shell metacharacters from users reach it), returns its output and status.
std::string run_command(const std::string& cmd, int& status) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) {
        status = -1;
        return out;
    }
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    status = ::pclose(p);
    return out;
}

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

// avahi-daemon.conf [server] keys that decide which interfaces it uses.
std::map<std::string, std::string> avahi_config(const std::string& path) {
    std::map<std::string, std::string> out;
    std::ifstream in(path);
    std::string line, section;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line[0] == '[') {
            section = line;
            continue;
        }
        const auto eq = line.find('=');
        if (section == "[server]" && eq != std::string::npos) out[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    return out;
}

std::set<std::string> split_list(const std::string& s) {
    std::set<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        item = trim(item);
        if (!item.empty()) out.insert(item);
    }
    return out;
}

struct Interface {
    std::string name;
    unsigned flags = 0;
    std::vector<std::string> v4, v6;
};

// avahi-daemon's own socket. zro talks to the daemon over D-Bus, so a socket this process cannot
// see (a daemon in another mount namespace) is only a failure when D-Bus has no Avahi either.
void check_avahi_socket(std::vector<Finding>& out, const std::string& socket_path, bool avahi_on_bus) {
    struct stat sb{};
    std::string err;
    const char* bad = avahi_on_bus ? "info" : "fail";
    const std::string but = avahi_on_bus ? " (avahi-daemon answers on D-Bus, which is what zro uses)" : "";
    if (::stat(socket_path.c_str(), &sb) != 0) {
        out.push_back({"avahi-daemon socket", bad, socket_path + " does not exist" + (avahi_on_bus ? but : ": avahi-daemon is not running here"),
                       avahi_on_bus ? "" : "apt-get install avahi-daemon && systemctl enable --now avahi-daemon (or run it in this network namespace)"});
    } else if (!connect_unix(socket_path, err)) {
        out.push_back({"avahi-daemon socket", bad, "cannot connect to " + socket_path + ": " + err + but,
                       avahi_on_bus ? "" : "systemctl restart avahi-daemon; check the socket's permissions"});
    } else {
        out.push_back({"avahi-daemon socket", "ok", "connected to " + socket_path, ""});
    }
}

// The system bus socket: $DBUS_SYSTEM_BUS_ADDRESS (unix:path=...) or the standard path.
std::string system_bus_path() {
    if (const char* env = std::getenv("DBUS_SYSTEM_BUS_ADDRESS")) {
        std::string a = env;
        const auto p = a.find("unix:path=");
        if (p != std::string::npos) {
            a = a.substr(p + 10);
            return a.substr(0, a.find_first_of(",;"));
        }
    }
    return "/run/dbus/system_bus_socket";
}

void check_dbus(std::vector<Finding>& out) {
    const std::string bus = system_bus_path();
    std::string err;
    if (!connect_unix(bus, err)) {
        out.push_back({"system D-Bus", "fail", "cannot connect to " + bus + ": " + err,
                       "apt-get install dbus && systemctl start dbus (avahi-daemon is reached over the system bus)"});
        return;
    }
    const std::string dbus_send = find_program("dbus-send");
    if (dbus_send.empty()) {
        out.push_back({"avahi on D-Bus", "skip", "connected to " + bus + ", but dbus-send is not installed to ask for org.freedesktop.Avahi",
                       "apt-get install dbus-bin"});
        return;
    }
    int status = 0;
    const std::string reply = run_command(dbus_send + " --system --print-reply --reply-timeout=2000 --dest=org.freedesktop.DBus "
                                                      "/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Avahi",
                                          status);
    if (status != 0)
        out.push_back({"avahi on D-Bus", "fail", "the system bus did not answer: " + trim(reply), "systemctl restart dbus"});
    else if (reply.find("boolean true") != std::string::npos)
        out.push_back({"avahi on D-Bus", "ok", "org.freedesktop.Avahi is on the system bus", ""});
    else
        out.push_back({"avahi on D-Bus", "fail", "org.freedesktop.Avahi is not on the system bus: avahi-daemon is not running",
                       "systemctl enable --now avahi-daemon"});
}

std::vector<Interface> interfaces() {
    std::map<std::string, Interface> by_name;
    std::vector<std::string> order;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return {};
    for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!by_name.count(i->ifa_name)) order.push_back(i->ifa_name);
        Interface& itf = by_name[i->ifa_name];
        itf.name = i->ifa_name;
        itf.flags = i->ifa_flags;
        if (!i->ifa_addr) continue;
        char buf[INET6_ADDRSTRLEN] = {};
        if (i->ifa_addr->sa_family == AF_INET) {
            ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
            itf.v4.push_back(buf);
        } else if (i->ifa_addr->sa_family == AF_INET6) {
            ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, buf, sizeof buf);
            itf.v6.push_back(buf);
        }
    }
    ::freeifaddrs(list);
    std::vector<Interface> out;
    for (const auto& n : order) out.push_back(by_name[n]);
    return out;
}

std::string flag_text(unsigned f) {
    std::string s;
    auto add = [&](bool on, const char* name) {
        if (!on) return;
        if (!s.empty()) s += ",";
        s += name;
    };
    add(f & IFF_UP, "UP");
    add(f & IFF_RUNNING, "RUNNING");
    add(f & IFF_MULTICAST, "MULTICAST");
    add(f & IFF_LOOPBACK, "LOOPBACK");
    add(f & IFF_POINTOPOINT, "POINTOPOINT");
    return s.empty() ? "-" : s;
}

void check_interfaces(std::vector<Finding>& out, const std::map<std::string, std::string>& conf, Value::List& itf_json) {
    auto get = [&](const char* k, const char* d) {
        auto it = conf.find(k);
        return it == conf.end() ? std::string(d) : it->second;
    };
    const auto allow = split_list(get("allow-interfaces", ""));
    const auto deny = split_list(get("deny-interfaces", ""));
    const bool use4 = get("use-ipv4", "yes") == "yes", use6 = get("use-ipv6", "yes") == "yes";
    const bool p2p = get("allow-point-to-point", "no") == "yes";
    std::vector<std::string> used;
    for (const auto& i : interfaces()) {
        std::string why;
        if (!(i.flags & IFF_UP)) why = "down (ip link set " + i.name + " up)";
        else if (i.flags & IFF_LOOPBACK) why = "loopback: mDNS is not sent there";
        else if (!(i.flags & IFF_MULTICAST)) why = "not multicast-capable (ip link set " + i.name + " multicast on)";
        else if ((i.flags & IFF_POINTOPOINT) && !p2p) why = "point-to-point (allow-point-to-point=no in avahi-daemon.conf)";
        else if (!(i.flags & IFF_RUNNING)) why = "no carrier (cable or link down)";
        else if (!allow.empty() && !allow.count(i.name)) why = "not in allow-interfaces of avahi-daemon.conf";
        else if (deny.count(i.name)) why = "in deny-interfaces of avahi-daemon.conf";
        else if ((!use4 || i.v4.empty()) && (!use6 || i.v6.empty())) why = "no usable address";
        const bool ok = why.empty();
        if (ok) {
            why = "up, running, multicast";
            if (use4 && !i.v4.empty()) why += "; hosts bound to 0.0.0.0 are reachable as tcp://" + i.v4[0] + ":PORT";
            used.push_back(i.name);
        }
        Value::List v4, v6;
        for (const auto& a : i.v4) v4.push_back(Value(a));
        for (const auto& a : i.v6) v6.push_back(Value(a));
        itf_json.push_back(Value::map_of({{"name", i.name},
                                          {"flags", flag_text(i.flags)},
                                          {"ipv4", Value(std::move(v4))},
                                          {"ipv6", Value(std::move(v6))},
                                          {"used", ok},
                                          {"why", why}}));
        std::string addrs;
        for (const auto& a : i.v4) addrs += (addrs.empty() ? "" : " ") + a;
        for (const auto& a : i.v6) addrs += (addrs.empty() ? "" : " ") + a;
        out.push_back({"interface " + i.name, ok ? "ok" : "info",
                       std::string(ok ? "used: " : "not used: ") + why + "  [" + flag_text(i.flags) + "] " + addrs, ""});
    }
    if (used.empty())
        out.push_back({"interfaces", "fail", "no interface is up, running and multicast-capable with an address: mDNS cannot work here",
                       "bring a LAN interface up (ip link set IF up; ip addr add ...) or enable multicast on it"});
    else
        out.push_back({"interfaces", "ok", "mDNS would use: " + join_names(used), ""});
}

void check_firewall(std::vector<Finding>& out) {
    int status = 0;
    const std::string nft = find_program("nft");
    if (!nft.empty()) {
        const std::string rules = run_command(nft + " list ruleset", status);
        if (status != 0) {
            out.push_back({"firewall (nftables)", "skip", "nft list ruleset failed: " + trim(rules).substr(0, 200), "run zro doctor as root"});
        } else {
            const bool drop = rules.find("policy drop") != std::string::npos || rules.find("policy reject") != std::string::npos;
            const bool mdns = rules.find("5353") != std::string::npos;
            if (rules.find("hook input") == std::string::npos)
                out.push_back({"firewall (nftables)", "ok", "no input chains: nothing filters incoming mDNS or zro traffic", ""});
            else if (drop && !mdns)
                out.push_back({"firewall (nftables)", "warn", "an input chain drops by default and no rule mentions udp port 5353 (mDNS)",
                               "nft add rule inet filter input udp dport 5353 accept; and accept the tcp ports your hosts listen on"});
            else
                out.push_back({"firewall (nftables)", "ok", drop ? "input drops by default; a rule mentions port 5353" : "input chains accept by default",
                               drop ? "make sure the tcp ports of your hosts are accepted too" : ""});
        }
    }
    const std::string ipt = find_program("iptables");
    if (!ipt.empty()) {
        const std::string rules = run_command(ipt + " -S INPUT", status);
        if (status != 0)
            out.push_back({"firewall (iptables)", "skip", "iptables -S INPUT failed: " + trim(rules).substr(0, 200), "run zro doctor as root"});
        else if ((rules.find("-P INPUT DROP") != std::string::npos || rules.find("-P INPUT REJECT") != std::string::npos) &&
                 rules.find("5353") == std::string::npos)
            out.push_back({"firewall (iptables)", "warn", "INPUT drops by default and no rule mentions udp port 5353 (mDNS)",
                           "iptables -A INPUT -p udp --dport 5353 -j ACCEPT; and accept the tcp ports your hosts listen on"});
        else
            out.push_back({"firewall (iptables)", "ok", "INPUT does not drop mDNS", ""});
    }
    if (nft.empty() && ipt.empty()) out.push_back({"firewall", "info", "neither nft nor iptables is installed: no local firewall to check", ""});
}

void check_nss(std::vector<Finding>& out) {
    std::ifstream in("/etc/nsswitch.conf");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("hosts:", 0) == 0) {
            if (line.find("mdns") != std::string::npos)
                out.push_back({"*.local names", "ok", "nsswitch.conf resolves .local names through mDNS", ""});
            else
                out.push_back({"*.local names", "info", "nsswitch.conf has no mdns in 'hosts:': URLs like tcp://device.local:5555 will not resolve",
                               "apt-get install libnss-mdns (or use IP addresses in URLs)"});
            return;
        }
}

// Publishes a host through avahi-daemon and browses for it, as `zro serve --mdns` and `zro list` would.
void check_round_trip(std::vector<Finding>& out, const std::string& interface) {
    const std::string name = "zro-doctor-" + std::to_string(::getpid());
    try {
        NodeOptions o;
        o.discovery = true;
        o.discovery_interface = interface;
        Host host("tcp://0.0.0.0:0", o);
        Schema schema("ZroDoctor");
        schema.add_property("alive", "bool", true, PropertyMode::read_only);
        DynamicSource source(schema);
        auto registration = host.enable_remoting(source, name);
        host.start();
        const auto start = Clock::now();
        DiscoverOptions d;
        d.interface = interface;
        d.timeout = std::chrono::seconds(3);
        bool seen = false;
        std::string url;
        for (const auto& obj : discover_objects(d))
            if (obj.name == name) {
                seen = true;
                url = obj.url;
            }
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        host.stop();
        if (seen)
            out.push_back({"publish and browse round trip", "ok",
                           "published " + name + " and found it back at " + url + " (browse " + format_duration(took) + ")", ""});
        else
            out.push_back({"publish and browse round trip", "fail",
                           "published " + name + " through avahi-daemon but did not browse it back within 3 s",
                           "check that the interface avahi uses loops multicast back and that the firewall accepts udp 5353 and the host's tcp port"});
    } catch (const std::exception& e) {
        out.push_back({"publish and browse round trip", "fail", std::string("could not publish: ") + e.what(),
                       "systemctl restart avahi-daemon; zro doctor again"});
    }
}

struct DoctorArgs {
    std::string avahi_socket = "/run/avahi-daemon/socket";
    bool no_round_trip = false;
};

int run(const CommonOptions& common, const DoctorArgs& args) {
    std::vector<Finding> findings;
    Value::List itf_json;
    check_dbus(findings);
    bool avahi_on_bus = false;
    for (const auto& f : findings) avahi_on_bus = avahi_on_bus || (f.check == "avahi on D-Bus" && f.status == "ok");
    check_avahi_socket(findings, args.avahi_socket, avahi_on_bus);
    const std::string conf_path = "/etc/avahi/avahi-daemon.conf";
    check_interfaces(findings, avahi_config(conf_path), itf_json);
    check_firewall(findings);
    check_nss(findings);
    if (!avahi_on_bus || args.no_round_trip)
        findings.push_back({"publish and browse round trip", "skip",
                            args.no_round_trip ? "--no-round-trip" : "avahi-daemon is not reachable over D-Bus (see above)", ""});
    else
        check_round_trip(findings, common.interface);

    bool failed = false;
    for (const auto& f : findings) failed = failed || f.status == "fail";
    if (common.json) {
        Value::List list;
        for (const auto& f : findings)
            list.push_back(Value::map_of({{"check", f.check}, {"status", f.status}, {"detail", f.detail}, {"fix", f.fix}}));
        print_line(json_text(Value::map_of({{"ok", !failed}, {"checks", Value(std::move(list))}, {"interfaces", Value(std::move(itf_json))}})));
    } else {
        const Style st = style_for(common);
        Table t;
        for (const auto& f : findings) {
            std::string mark = f.status == "ok"     ? st.green("ok")
                               : f.status == "fail" ? st.red("FAIL")
                               : f.status == "warn" ? st.yellow("warn")
                                                    : st.dim(f.status);
            t.row({mark, f.check, f.detail});
            if (!f.fix.empty()) t.row({"", "", st.cyan("fix: " + f.fix)});
        }
        t.print(stdout, st);
    }
    return failed ? static_cast<int>(Exit::failed) : 0;
}

VerbRun define(CLI::App& cmd) {
    auto args = std::make_shared<DoctorArgs>();
    cmd.add_option("--avahi-socket", args->avahi_socket, "avahi-daemon's socket (default /run/avahi-daemon/socket)")->type_name("PATH");
    cmd.add_flag("--no-round-trip", args->no_round_trip, "do not publish a test host through avahi-daemon");
    return [args](const CommonOptions& common) { return run(common, *args); };
}

const VerbRegistration reg{{"doctor", 90, "check what breaks discovery on this machine, with fixes",
                            "Checks, each with a finding and a fix: the system D-Bus ($DBUS_SYSTEM_BUS_ADDRESS) answers\n"
                            "and has org.freedesktop.Avahi (what zro uses); avahi-daemon's socket answers; every\n"
                            "interface (from getifaddrs) with its flags and addresses, and whether mDNS would use it\n"
                            "and why (up, running, multicast, not loopback, avahi-daemon.conf allow/deny-interfaces,\n"
                            "use-ipv4/6); firewall rules (nft, iptables) that drop mDNS; .local name resolution; and a\n"
                            "round trip: a host bound to 0.0.0.0 published through avahi-daemon and browsed back\n"
                            "(skipped when avahi is not on the bus, or with --no-round-trip). Exits 1 if a check failed.\n\n"
                            "examples:\n"
                            "  zro doctor\n"
                            "  zro doctor --json | jq '.checks[] | select(.status != \"ok\")'",
                            define}};

} // namespace
} // namespace zro::cli
