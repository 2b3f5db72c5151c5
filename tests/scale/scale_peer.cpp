// zro — shared live objects over ZeroMQ.
// zro_scale_peer: the processes scripts/scale.sh (label `scale`) runs.
//
//   zro_scale_peer host --objects N [--prefix P] [--url U] [--mdns] [--hb MS] [--name L]
//       share N zro::DynamicSource objects of class "ScaleItem", named P01..PN (zero-padded to
//       the width of N; default prefix "obj"), on one zro::Host; idle apart from heartbeats.
//       Prints "READY <url> <node id> <N>", runs until SIGTERM/SIGINT.
//
//   zro_scale_peer replicas --url U --objects N [--prefix P] [--nodes M] [--go FILE]
//                           [--done FILE] [--hb MS] [--timeout MS]
//       M zro::Node objects in this process (one loop thread each), each connected to U. Each
//       node first makes its connection live (LIST answered, listing >= N objects), then prints
//       "CONNECTED <node index>"; once FILE exists (default: at once) every node acquires the N
//       objects (zro::DynamicReplica) in one loop turn and counts them Valid.
//       Per node: "NODE <i> <go ns> <first acquire ns> <last acquire ns> <all valid ns> <valid>"
//       (CLOCK_MONOTONIC, comparable across processes on one machine; all valid = 0 if not all
//       became Valid within --timeout, default 20000 ms), then "RSS_KB <VmRSS> <VmHWM>" of this
//       process with every replica Valid; with --done, waits until FILE exists (the nodes keep
//       running, so the source can be measured with every replica connected). Exit 0 if every
//       replica became Valid, else 1.
#include <zro/zro.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

namespace {

long long mono_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

std::string object_name(const std::string& prefix, long i, long n) {
    const int width = static_cast<int>(std::to_string(n).size() < 2 ? 2 : std::to_string(n).size());
    char buf[32];
    std::snprintf(buf, sizeof buf, "%0*ld", width, i);
    return prefix + buf;
}

long status_kb(const char* key) {
    std::ifstream f("/proc/self/status");
    std::string line;
    const std::string k = std::string(key) + ":";
    while (std::getline(f, line))
        if (line.rfind(k, 0) == 0) return std::atol(line.c_str() + k.size());
    return -1;
}

zro::Node* g_node = nullptr;
void on_signal(int) {
    if (g_node) g_node->stop();
}

int usage() {
    std::fprintf(stderr, "usage: zro_scale_peer host --objects N [--prefix P] [--url U] [--mdns] [--hb MS] [--name L]\n"
                         "       zro_scale_peer replicas --url U --objects N [--prefix P] [--nodes M] [--go FILE] [--hb MS] "
                         "[--done FILE] [--timeout MS]\n");
    return 2;
}

int run_host(std::map<std::string, std::string>& opt, bool mdns) {
    const long n = std::stol(opt["objects"]);
    zro::NodeOptions o;
    o.heartbeat_interval = std::chrono::milliseconds(std::stol(opt["hb"]));
    o.discovery = mdns;
    if (opt.count("name")) o.name = opt["name"];
    zro::Host host(opt["url"], o);
    zro::Schema schema("ScaleItem");
    schema.add_property("index", "int64", std::int64_t{0}, zro::PropertyMode::constant)
        .add_property("value", "int64", std::int64_t{0}, zro::PropertyMode::read_only)
        .add_property("label", "string", std::string(), zro::PropertyMode::read_push)
        .add_signal("changed", {{"value", "int64"}})
        .add_method("ping", {}, "string");
    std::vector<std::unique_ptr<zro::DynamicSource>> sources;
    std::vector<zro::Registration> regs;
    sources.reserve(static_cast<std::size_t>(n));
    for (long i = 1; i <= n; ++i) {
        auto src = std::make_unique<zro::DynamicSource>(schema);
        const std::string name = object_name(opt["prefix"], i, n);
        src->set_property("index", std::int64_t{i});
        src->set_property("label", name);
        src->on_call("ping", [&host](const std::vector<zro::Value>&) { return zro::Value(host.node_id()); });
        regs.push_back(host.enable_remoting(*src, name));
        sources.push_back(std::move(src));
    }
    std::printf("READY %s %s %ld\n", host.url().c_str(), host.node_id().c_str(), n);
    g_node = &host;
    host.run();
    g_node = nullptr;
    return 0;
}

struct NodeRun {
    std::unique_ptr<zro::Node> node;
    std::vector<std::unique_ptr<zro::DynamicReplica>> replicas;
    std::vector<zro::Connection> conns;
    long long go = 0, first_acquire = 0, last_acquire = 0;
    std::atomic<long long> all_valid{0};
    std::atomic<long> valid{0};
    std::atomic<bool> acquired{false};
};

int run_replicas(std::map<std::string, std::string>& opt) {
    const long n = std::stol(opt["objects"]);
    const long m = std::stol(opt["nodes"]);
    const auto timeout = std::chrono::milliseconds(std::stol(opt["timeout"]));
    const std::string url = opt["url"];
    std::vector<std::string> names;
    for (long i = 1; i <= n; ++i) names.push_back(object_name(opt["prefix"], i, n));
    zro::NodeOptions o;
    o.heartbeat_interval = std::chrono::milliseconds(std::stol(opt["hb"]));

    std::vector<std::unique_ptr<NodeRun>> runs;
    for (long k = 0; k < m; ++k) {
        auto r = std::make_unique<NodeRun>();
        r->node = std::make_unique<zro::Node>(o);
        r->node->connect_to(url);
        // The live connection: the host answered LIST (this runs the node's loop while it waits)
        // and shares the N objects already.
        const auto until = std::chrono::steady_clock::now() + timeout;
        bool live = false;
        while (!live && std::chrono::steady_clock::now() < until) {
            auto reply = r->node->list_objects(url, std::chrono::milliseconds(2000));
            if (reply.wait(std::chrono::milliseconds(2500)) && !reply.error()) {
                const zro::Value v = reply.value();
                const zro::Value* objs = v.find("objects");
                live = objs && objs->is_list() && static_cast<long>(objs->as_list().size()) >= n;
            }
            if (!live) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (!live) {
            std::fprintf(stderr, "zro_scale_peer: node %ld: %s did not list %ld objects within %lld ms\n", k, url.c_str(), n,
                         static_cast<long long>(timeout.count()));
            std::fflush(nullptr);
            std::_Exit(1);
        }
        std::printf("CONNECTED %ld\n", k);
        runs.push_back(std::move(r));
    }
    for (auto& r : runs) r->node->start();

    if (opt.count("go")) {
        struct stat st{};
        while (stat(opt["go"].c_str(), &st) != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const long long go = mono_ns();
    for (auto& rp : runs) {
        NodeRun* r = rp.get();
        r->go = go;
        r->node->post([r, &names, n] {
            r->replicas.reserve(names.size());
            r->first_acquire = mono_ns();
            for (const auto& name : names) {
                auto rep = r->node->acquire_dynamic(name);
                r->conns.push_back(rep->on_initialized([r, n] {
                    if (r->valid.fetch_add(1) + 1 == n) r->all_valid = mono_ns();
                }));
                r->replicas.push_back(std::move(rep));
            }
            r->last_acquire = mono_ns();
            r->acquired = true;
        });
    }
    const auto until = std::chrono::steady_clock::now() + timeout;
    bool all = false;
    while (std::chrono::steady_clock::now() < until) {
        all = true;
        for (auto& r : runs) all = all && r->all_valid.load() != 0;
        if (all) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    // RSS with every replica Valid (and the nodes still running).
    const long rss = status_kb("VmRSS"), hwm = status_kb("VmHWM");
    for (std::size_t k = 0; k < runs.size(); ++k) {
        auto& r = *runs[k];
        std::printf("NODE %zu %lld %lld %lld %lld %ld\n", k, r.go, r.acquired ? r.first_acquire : 0LL,
                    r.acquired ? r.last_acquire : 0LL, r.all_valid.load(), r.valid.load());
    }
    std::printf("RSS_KB %ld %ld\n", rss, hwm);
    std::fflush(nullptr);
    if (opt.count("done")) {
        struct stat st{};
        const auto hold_until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (stat(opt["done"].c_str(), &st) != 0 && std::chrono::steady_clock::now() < hold_until)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Tearing 50 nodes and their replicas down is not what is measured: leave at once.
    std::_Exit(all ? 0 : 1);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string mode = argv[1];
    std::map<std::string, std::string> opt{{"url", "tcp://0.0.0.0:*"}, {"hb", "1000"}, {"prefix", "obj"},
                                           {"nodes", "1"}, {"timeout", "20000"}};
    bool mdns = false;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--mdns") { mdns = true; continue; }
        if (a.rfind("--", 0) != 0 || i + 1 >= argc) return usage();
        opt[a.substr(2)] = argv[++i];
    }
    if (!opt.count("objects")) return usage();
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    zro::set_log_level(zro::LogLevel::warn);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    try {
        if (mode == "host") return run_host(opt, mdns);
        if (mode == "replicas") return run_replicas(opt);
    } catch (const zro::Error& e) {
        std::fprintf(stderr, "zro_scale_peer: %s (%s)\n", e.what(), std::string(zro::to_string(e.code())).c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "zro_scale_peer: %s\n", e.what());
        return 1;
    }
    return usage();
}
