// zro — shared live objects over ZeroMQ.
// zro_micro_bench: Google Benchmark for what fits in one process: the wire codec on the hot path
// (encoding and decoding one EVENTS message of 1000 property changes, the way the host and the
// replica do), the source-side cost of one change (DynamicSource::set_property → host batching),
// and the whole pipeline in one process (host and client node over tcp loopback, pumped
// alternately from one thread; no other process: convenient under callgrind).

#include "wire/codec.hpp"
#include "wire/messages.hpp"

#include <zro/zro.hpp>

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

using namespace std::chrono_literals;
namespace wire = zro::detail::wire;

namespace {

/// One EVENTS payload of `n` int64 property changes, encoded as HostEngine::record_property and
/// HostEngine::flush encode it.
std::string events_payload(std::int64_t first, int n) {
    wire::Writer pending;
    for (int i = 0; i < n; ++i) wire::encode_property_event(pending, 0, zro::Value(first + i));
    wire::Writer head;
    wire::EventsHeader{0x1234567890abcdefULL, static_cast<std::uint64_t>(first), static_cast<std::uint32_t>(n)}.encode(head);
    std::string payload;
    payload.reserve(head.size() + pending.size());
    payload.append(head.data(), head.size());
    payload.append(pending.data(), pending.size());
    return payload;
}

void BM_EncodeEvents1000(benchmark::State& state) {
    std::int64_t v = 1;
    for (auto _ : state) {
        auto p = events_payload(v, 1000);
        benchmark::DoNotOptimize(p.data());
        v += 1000;
    }
    state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_EncodeEvents1000);

void BM_DecodeEvents1000(benchmark::State& state) {
    const std::string p = events_payload(1000000, 1000);
    for (auto _ : state) {
        auto d = wire::decode(p.data(), p.size());
        benchmark::DoNotOptimize(&d);
    }
    state.SetItemsProcessed(state.iterations() * 1000);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(p.size()));
}
BENCHMARK(BM_DecodeEvents1000);

/// Decode + walk every event the way ReplicaCore::apply_events reads it.
void BM_DecodeAndWalkEvents1000(benchmark::State& state) {
    const std::string p = events_payload(1000000, 1000);
    std::int64_t sum = 0;
    for (auto _ : state) {
        auto d = wire::decode(p.data(), p.size());
        const auto& m = std::get<zro::Value>(d).as_list();
        for (const auto& ev : m[3].as_list()) sum += ev.as_list()[2].as<std::int64_t>();
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_DecodeAndWalkEvents1000);

/// Validate once + read in place with wire::EventsReader, the way ReplicaCore::apply_events reads
/// EVENTS (a Value is built only for each event's data).
void BM_ValidateAndReadEvents1000(benchmark::State& state) {
    const std::string p = events_payload(1000000, 1000);
    std::int64_t sum = 0;
    for (auto _ : state) {
        wire::DecodeError err;
        if (!wire::validate(p.data(), p.size(), err)) state.SkipWithError("invalid payload");
        auto opened = wire::EventsReader::open(p.data(), p.size());
        auto& events = std::get<wire::EventsReader>(opened);
        wire::Event e;
        while (events.remaining() > 0)
            if (events.next(e).empty()) sum += e.data.as<std::int64_t>();
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_ValidateAndReadEvents1000);

/// Schema::accepts for one property value, the check ReplicaCore makes for every property event:
/// a bool, a list<int32> of 16 elements and a POD of two fields (a double and a string).
zro::Schema accepts_schema() {
    zro::Schema s("Accepts");
    s.add_pod("Reading", {{"celsius", "double"}, {"unit", "string"}});
    s.add_property("flag", "bool");
    s.add_property("numbers", "list<int32>");
    s.add_property("reading", "Reading");
    return s;
}

void accepts_case(benchmark::State& state, std::size_t index, const zro::Value& v) {
    const zro::Schema s = accepts_schema();
    const auto& def = s.properties()[index];
    for (auto _ : state) {
        bool ok = s.accepts(def.parsed_type, v);
        benchmark::DoNotOptimize(ok);
        if (!ok) state.SkipWithError("value refused");
    }
}

void BM_AcceptsBool(benchmark::State& state) { accepts_case(state, 0, zro::Value(true)); }
BENCHMARK(BM_AcceptsBool);

void BM_AcceptsListInt(benchmark::State& state) {
    zro::Value::List l;
    for (int i = 0; i < 16; ++i) l.push_back(zro::Value(i));
    accepts_case(state, 1, zro::Value(std::move(l)));
}
BENCHMARK(BM_AcceptsListInt);

void BM_AcceptsPod(benchmark::State& state) { accepts_case(state, 2, zro::Value{21.5, "C"}); }
BENCHMARK(BM_AcceptsPod);

zro::Schema prop_schema() {
    zro::Schema s("BenchProp");
    s.add_property("v", "int64", std::int64_t{0}, zro::PropertyMode::read_only);
    return s;
}

/// 1000 changes through DynamicSource::set_property into the host's batch, then one loop turn
/// (the flush publishes one EVENTS message; nobody subscribes, so the XPUB drops it cheaply).
void BM_SourceSet1000AndFlush(benchmark::State& state) {
    zro::set_log_level(zro::LogLevel::error);
    zro::Host host("tcp://127.0.0.1:*");
    zro::DynamicSource src(prop_schema());
    auto reg = host.enable_remoting(src, "BenchProp");
    std::int64_t v = 0;
    for (auto _ : state) {
        for (int i = 0; i < 1000; ++i) src.set_property("v", zro::Value(++v));
        host.run_for(0ms);
    }
    state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_SourceSet1000AndFlush);

/// A host and a client node in one process over tcp loopback: `range(0)` changes per source
/// turn; each iteration runs one source turn and pumps the client until it has them all.
void BM_PipelineInProcess(benchmark::State& state) {
    zro::set_log_level(zro::LogLevel::error);
    const int per_turn = static_cast<int>(state.range(0));
    zro::Host host("tcp://127.0.0.1:*");
    zro::DynamicSource src(prop_schema());
    auto reg = host.enable_remoting(src, "BenchProp");
    zro::Node client;
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("BenchProp");
    std::int64_t got = 0, last = 0, errors = 0;
    rep->on_property_changed([&](std::string_view, const zro::Value& v) {
        const auto x = v.as<std::int64_t>();
        errors += x != last + 1;
        last = x;
        ++got;
    });
    for (int i = 0; i < 500 && !rep->valid(); ++i) {
        host.run_for(1ms);
        client.run_for(1ms);
    }
    if (!rep->valid()) {
        state.SkipWithError("replica did not initialize");
        return;
    }
    std::int64_t v = 0;
    for (auto _ : state) {
        for (int i = 0; i < per_turn; ++i) src.set_property("v", zro::Value(++v));
        host.run_for(0ms);
        for (int spins = 0; last < v; ++spins) {
            client.run_for(0ms);
            if (spins > 1000) host.run_for(0ms);  // a repair needs the host's turns too
        }
    }
    if (errors) state.SkipWithError("changes were lost or reordered");
    state.SetItemsProcessed(got);
}
BENCHMARK(BM_PipelineInProcess)->Arg(1)->Arg(1000)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
