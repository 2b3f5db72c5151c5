// zro — shared live objects over ZeroMQ.
// zro_bench_peer: the zro side of the multi-process benchmarks (protocol: bench_common.hpp).
//
// The source is a zro::Host with a zro::DynamicSource; replicas are typed (static) replicas, a
// zro::Replica subclass holding an expected schema, the way generated classes will be (QtRO's
// peer uses repc-generated classes too). NodeOptions are the defaults everywhere.

#include "zro_peer.hpp"

#include <zro/proxy.hpp>
#include <zro/zro.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using zbench::say;
using zbench::read_commands;

namespace {

// ---- schemas ---------------------------------------------------------------------------------

zro::Schema prop_schema() {
    zro::Schema s("BenchProp");
    s.add_property("v", "int64", std::int64_t{0}, zro::PropertyMode::read_only);
    return s;
}

zro::Schema rpc_schema() {
    zro::Schema s("BenchRpc");
    s.add_method("add", {{"a", "int32"}, {"b", "int32"}}, "int32");
    return s;
}

zro::Schema init_schema(const std::string& payload) {
    if (payload == "small") {
        zro::Schema s("BenchSmall");
        s.add_property("a", "int32", 7).add_property("b", "double", 2.5).add_property("c", "string", "hello");
        return s;
    }
    if (payload == "big") {
        zro::Schema s("BenchBig");
        for (int i = 0; i < zbench::big_props; ++i) s.add_property("p" + std::to_string(i), "int32", i);
        return s;
    }
    if (payload == "blob") {
        zro::Schema s("BenchBlob");
        s.add_property("blob", "bytes", zro::Value::Bytes{});
        return s;
    }
    throw std::runtime_error("unknown payload " + payload);
}

std::string object_name(const std::string& c, const std::string& payload) {
    if (c == "prop" || c == "lat") return "BenchProp";
    if (c == "rpc") return "BenchRpc";
    return "BenchInit_" + payload;
}

// ---- a typed replica -------------------------------------------------------------------------

/// What a generated replica does: hold the values, hand property 0 to a counter.
class BenchReplica : public zro::Replica {
public:
    static inline const zro::Schema* expected = nullptr;  // set before acquire<BenchReplica>()
    std::function<void(std::int64_t)> on_v;               // property 0 as int64 (prop case)

    BenchReplica() = default;

    zro::PendingReply<zro::Value> call(std::string_view method, std::vector<zro::Value> args) {
        return zro_invoke_method(method, std::move(args), 30s);
    }

protected:
    const zro::Schema* zro_expected_schema() const noexcept override { return expected; }
    std::vector<std::size_t> zro_apply_snapshot(const zro::Schema&, std::vector<zro::Value> values) override {
        values_ = std::move(values);
        if (on_v && !values_.empty() && values_[0].is_integer()) on_v(values_[0].as<std::int64_t>());
        return {};
    }
    void zro_notify_property_changed(std::size_t) override {}
    void zro_apply_property(std::size_t index, zro::Value value) override {
        if (index == 0 && on_v) on_v(value.as<std::int64_t>());
        if (index < values_.size()) values_[index] = std::move(value);
    }
    void zro_apply_signal(std::size_t, std::vector<zro::Value>) override {}

private:
    std::vector<zro::Value> values_;
};

/// A typed source, written the way zroc generates one from `PROP(int64 v)` (idl/src/generate.cpp,
/// `setter`): the setter compares, notifies with the property index, stores. No name lookup, no
/// per-call type check (the C++ type is the check). The QtRO peer uses repc's generated source.
class TypedPropSource : public zro::Source {
public:
    explicit TypedPropSource(zro::Schema s) : schema_(std::move(s)) {}
    ~TypedPropSource() override = default;
    const zro::Schema& zro_schema() const override { return schema_; }
    zro::Value zro_property_value(std::size_t) const override { return zro::Value(v_); }
    void zro_handle_write(std::size_t, zro::Value value) override { set_v(value.as<std::int64_t>()); }
    void zro_handle_call(std::size_t, std::vector<zro::Value>, zro::Responder r) override { r.fail("no methods"); }
    void set_v(std::int64_t value) {
        if (value == v_) return;
        zro_notify_property_changed(0, zro::Value(value));
        v_ = value;
    }

private:
    zro::Schema schema_;
    std::int64_t v_ = 0;
};

// ---- source ----------------------------------------------------------------------------------

int run_source(const zbench::Args& a) {
    const std::string c = a.str("case", "prop");
    const std::string payload = a.str("payload", "small");
    const std::int64_t n = a.num("n", 100000);
    const std::int64_t batch = std::max<std::int64_t>(1, a.num("batch", 1000));

    // --source typed (default for the prop case: what generated code does) or dynamic
    // (zro::DynamicSource::set_property by name, type-checked per call).
    const bool typed = (c == "prop" || c == "lat") && a.str("source", "typed") == "typed";
    zro::Host host("tcp://127.0.0.1:*");
    zro::Schema schema = c == "prop" || c == "lat" ? prop_schema() : c == "rpc" ? rpc_schema() : init_schema(payload);
    zro::DynamicSource src(schema);
    TypedPropSource typed_src(schema);
    if (c == "rpc")
        src.on_call("add", [](const std::vector<zro::Value>& args) {
            return zro::Value(args[0].as<std::int32_t>() + args[1].as<std::int32_t>());
        });
    if (c == "init" && payload == "blob") {
        zro::Value::Bytes b;
        b.data.resize(zbench::blob_bytes);
        for (std::size_t i = 0; i < b.data.size(); ++i) b.data[i] = static_cast<std::uint8_t>(i * 31);
        src.set_property("blob", zro::Value(std::move(b)));
    }
    auto reg = typed ? host.enable_remoting(typed_src, object_name(c, payload)) : host.enable_remoting(src, object_name(c, payload));

    std::int64_t next = 0, t0 = 0;
    zro::Timer blaster;
    read_commands(host, [&](const std::string& cmd) {
        if (cmd == "go" && c == "prop" && next == 0) {
            // One timer tick per loop turn (interval 0): `batch` changes per turn, flushed as one
            // EVENTS message at the end of each turn.
            t0 = zbench::now_ns();
            blaster = host.add_timer(0ms, [&] {
                if (typed)
                    for (std::int64_t i = 0; i < batch && next < n; ++i) typed_src.set_v(++next);
                else
                    for (std::int64_t i = 0; i < batch && next < n; ++i) src.set_property("v", zro::Value(++next));
                if (next >= n) {
                    blaster.cancel();
                    say("SENT t0=", t0, " t1=", zbench::now_ns());
                }
            });
        } else if (cmd == "go" && c == "lat" && next == 0) {
            // One change per millisecond, its value the time it was made: each replica's
            // latency is its clock at delivery minus the value (one CLOCK_MONOTONIC per machine).
            t0 = zbench::now_ns();
            blaster = host.add_timer(1ms, [&] {
                typed_src.set_v(zbench::now_ns());
                if (++next >= n) {
                    blaster.cancel();
                    say("SENT t0=", t0, " t1=", zbench::now_ns());
                }
            });
        } else if (cmd == "stat") {
            say(zbench::stat_line());
        } else if (cmd == "quit") {
            host.stop();
        }
    });
    say("READY ", host.url());
    host.run();
    return 0;
}

// ---- replica (prop) ----------------------------------------------------------------------------

int run_replica(const zbench::Args& a) {
    const std::int64_t n = a.num("n", 100000);
    const bool lat = a.str("case") == "lat";
    const zro::Schema schema = prop_schema();
    BenchReplica::expected = &schema;
    zro::Node node;
    node.connect_to(a.str("url"));
    auto rep = node.acquire<BenchReplica>("BenchProp");
    std::int64_t last = 0, count = 0, errors = 0;
    bool done = false, ready = false;
    std::vector<std::int64_t> latencies;
    rep->on_v = [&](std::int64_t v) {
        if (!ready) { last = v; return; }  // the initial snapshot
        if (lat) {
            // The values are the source's clock when it made each change: increasing, one each.
            latencies.push_back(zbench::now_ns() - v);
            if (v <= last) ++errors;
            last = v;
            if (++count == n)
                say("LAT count=", count, " errors=", errors, " median_ns=", zbench::percentile(latencies, 0.5),
                    " p99_ns=", zbench::percentile(latencies, 0.99), " max_ns=", zbench::percentile(latencies, 1.0),
                    " cpu_ns=", zbench::cpu_ns());
            return;
        }
        if (v == last + 1) ++count;
        else ++errors;  // out of order, or a jump (a resynchronisation by snapshot)
        last = v;
        if (v == n && !done) {
            done = true;
            const auto& st = rep->stats();
            say("DONE count=", count, " errors=", errors, " t_last=", zbench::now_ns(), " cpu_ns=", zbench::cpu_ns(),
                " gaps=", st.gaps_detected, " replays=", st.repaired_by_replay, " resyncs=", st.repaired_by_snapshot);
        }
    };
    if (!rep->wait_for_source(30s)) {
        say("FAIL replica did not initialize");
        return 1;
    }
    ready = true;
    read_commands(node, [&](const std::string& cmd) {
        if (cmd == "stat") say(zbench::stat_line(), " count=", count, " last=", last, " errors=", errors);
        else if (cmd == "quit") node.stop();
    });
    say("READY cpu_ns=", zbench::cpu_ns());
    node.run();
    return 0;
}

// ---- clients (rpc, init) -----------------------------------------------------------------------

int run_rpc_client(const zbench::Args& a) {
    const std::int64_t n = a.num("n", 10000);
    const std::string mode = a.str("mode", "seq");
    const std::int64_t inflight = mode == "pipe" ? a.num("inflight", 100) : 1;
    const zro::Schema schema = rpc_schema();
    BenchReplica::expected = &schema;
    // Declared before the node: destroying the node fails the calls still in flight (cancelled),
    // and their continuations must find these alive (and `quitting` set).
    std::vector<std::int64_t> times;
    times.reserve(static_cast<std::size_t>(n));
    std::int64_t issued = 0, completed = 0, errors = 0, t_start = 0;
    bool quitting = false;
    std::function<void()> issue;
    zro::Node node;
    node.connect_to(a.str("url"));
    auto rep = node.acquire<BenchReplica>("BenchRpc");
    if (!rep->wait_for_source(30s)) {
        say("FAIL client did not initialize");
        return 1;
    }
    issue = [&] {
        const std::int64_t i = issued++;
        const std::int64_t t = zbench::now_ns();
        rep->call("add", {zro::Value(static_cast<std::int32_t>(i % 1000000)), zro::Value(1)})
            .then([&, i, t](const zro::PendingReply<zro::Value>& r) {
                if (quitting) return;
                times.push_back(zbench::now_ns() - t);
                if (r.error() || r.value().as<std::int64_t>() != i % 1000000 + 1) ++errors;
                if (++completed == n) {
                    const std::int64_t total = zbench::now_ns() - t_start;
                    say("RPC n=", completed - errors, " errors=", errors, " total_ns=", total,
                        " median_ns=", zbench::percentile(times, 0.5), " p99_ns=", zbench::percentile(times, 0.99));
                    return;
                }
                if (issued < n) issue();
            });
    };
    read_commands(node, [&](const std::string& cmd) {
        if (cmd == "go") {
            t_start = zbench::now_ns();
            for (std::int64_t k = 0; k < inflight && issued < n; ++k) issue();
        } else if (cmd == "stat") {
            say(zbench::stat_line());
        } else if (cmd == "quit") {
            quitting = true;
            node.stop();
        }
    });
    say("READY");
    node.run();
    return 0;
}

int run_init_client(const zbench::Args& a) {
    const std::string payload = a.str("payload", "small");
    const int iters = static_cast<int>(a.num("iters", 20));
    const bool reuse = a.num("reuse", 0) != 0;
    const zro::Schema schema = init_schema(payload);
    BenchReplica::expected = &schema;
    const std::string url = a.str("url");
    std::string line;
    say("READY");
    while (std::getline(std::cin, line)) {
        if (line == "quit") break;
        if (line == "stat") { say(zbench::stat_line()); continue; }
        if (line != "go") continue;
        std::vector<std::int64_t> times;
        int ok = 0;
        if (reuse) {
            // One node, connected once (and warmed up by a first acquire); each iteration times
            // acquire -> valid on the live connection.
            zro::Node node;
            node.connect_to(url);
            (void)node.acquire<BenchReplica>(object_name("init", payload))->wait_for_source(10s);
            for (int i = 0; i < iters; ++i) {
                const std::int64_t t0 = zbench::now_ns();
                auto rep = node.acquire<BenchReplica>(object_name("init", payload));
                const bool valid = rep->wait_for_source(10s);
                times.push_back(zbench::now_ns() - t0);
                ok += valid ? 1 : 0;
            }
        } else {
            for (int i = 0; i < iters; ++i) {
                zro::Node node;  // a fresh node (and ZeroMQ context) each time
                const std::int64_t t0 = zbench::now_ns();
                node.connect_to(url);
                auto rep = node.acquire<BenchReplica>(object_name("init", payload));
                const bool valid = rep->wait_for_source(10s);
                times.push_back(zbench::now_ns() - t0);
                ok += valid ? 1 : 0;
            }
        }
        say("INIT first_ns=", times.front(), " median_ns=", zbench::percentile(times, 0.5), " ok=", ok,
            " hwm_kib=", zbench::status_kib("VmHWM"));
    }
    return 0;
}

// ---- proxy -----------------------------------------------------------------------------------

/// A zro::Proxy relaying one object of the host at --from onto a host of its own; "READY <url>"
/// once the copy is shared there (so replicas acquiring it find it at once).
int run_proxy(const zbench::Args& a) {
    const std::string name = a.str("object", "BenchProp");
    zro::ProxyOptions o;
    o.from_urls = {a.str("from")};
    o.objects = {name};
    o.scan_interval = 100ms;  // only shortens the set-up: the bench waits for the copy
    zro::Proxy proxy("tcp://127.0.0.1:*", std::move(o));
    bool shared = false;
    zro::Timer poll = proxy.inner().add_timer(10ms, [&] {
        const auto names = proxy.relayed();
        if (shared || std::find(names.begin(), names.end(), name) == names.end()) return;
        shared = true;
        poll.cancel();
        say("READY ", proxy.url());
    });
    read_commands(proxy.inner(), [&](const std::string& cmd) {
        if (cmd == "stat") say(zbench::stat_line());
        else if (cmd == "quit") proxy.stop();
    });
    proxy.run();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        zro::set_log_level(zro::LogLevel::warn);
        const zbench::Args a(argc, argv);
        const std::string role = a.str("role");
        if (a.str("case") == "model") {
            if (role == "source") return zbench::run_model_source(a);
            if (role == "replica") return zbench::run_model_replica(a);
            if (role == "client") return zbench::run_model_client(a);
        }
        if (role == "proxy") return run_proxy(a);
        if (role == "source") return run_source(a);
        if (role == "replica") return run_replica(a);
        if (role == "client" && a.str("case") == "rpc") return run_rpc_client(a);
        if (role == "client" && a.str("case") == "init") return run_init_client(a);
        std::cerr << "usage: zro_bench_peer --role source|replica|client|proxy --case prop|lat|rpc|init|model ...\n";
        return 2;
    } catch (const std::exception& e) {
        say("FAIL ", e.what());
        return 1;
    }
}
