// zro — libFuzzer target: arbitrary request frames → a live host's ROUTER (handshake, acquire,
// invoke, set, replay, list and everything malformed), over inproc in the same process.
//
// A real zro::Host shares a DynamicSource; its loop is turned on the fuzzing thread itself
// (Loop::run_once), so one iteration costs no thread hand-off. The input is cut into up to 16
// messages at the separator "|#|", each message into up to 4 frames at "|&|"; every message is
// sent as one multipart message from a raw DEALER, exactly as a peer on the network would. After
// them the target sends a probe, an ACQUIRE of the shared object with a fresh request id, and
// reads the answers. So the bytes go through the real code: the ROUTER read loop, the frame
// count check, the size limit, wire::decode, the envelope checks and every on_request handler with
// the source's handlers behind them.
//
// Invariants checked (abort() on violation, so every engine and sanitizer reports it):
//  * every message gets exactly one answer (a missing answer shows as a 5 s timeout, an extra one
//    as a second probe-shaped answer or as an answer left over for the next iteration). Answers may
//    come in any order: a call the source drops is answered at the end of the loop turn;
//  * every answer is one frame that wire::decode_reply accepts as a well-formed host → client
//    message (WELCOME, SNAPSHOT, REPLY, REPLAYED, PONG, OBJECTS or ERROR, src/wire/messages.hpp);
//    ERROR and failed REPLY carry a known error code and a string message;
//  * the probe is answered with a SNAPSHOT of the object: same epoch every time (no restart),
//    seq never goes backwards, and the read-only property `mode` still holds its initial 7
//    (bad input never touches state; only a valid SET may change `text` or `counter`).
//
// Build: cmake -DZRO_BUILD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (tests/fuzz/CMakeLists.txt), then
//   scripts/fuzz.sh host_request SECONDS   (or build/tests/fuzz/fuzz_host_request CORPUS)
// Without a fuzzing engine (e.g. GCC), link replay_main.cpp for a main() that replays the
// files and directories given on the command line once each (the fuzz_<name>_replay binary).

#include "engine/node_core.hpp"
#include "engine/shared_context.hpp"
#include "loop/loop.hpp"
#include "wire/codec.hpp"
#include "wire/messages.hpp"

#include <zro/zro.hpp>

#include <zmq.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace {

namespace wire = zro::detail::wire;

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "fuzz_host_request: invariant violated: %s %s\n", what, detail.c_str());
    std::abort();
}

constexpr std::string_view object_name = "Fuzzed";
constexpr std::int64_t mode_initial = 7;

zro::Schema fuzz_schema() {
    zro::Schema s("FuzzTarget");
    s.add_property("counter", "int64", std::int64_t{0}, zro::PropertyMode::read_push)
        .add_property("text", "string", "", zro::PropertyMode::read_write)
        .add_property("mode", "int32", 0, zro::PropertyMode::read_only)
        .add_property("items", "list<map<string,double>>", zro::Value(zro::Value::List{}), zro::PropertyMode::read_write)
        .add_signal("tick", {{"n", "int64"}})
        .add_method("add", {{"a", "int32"}, {"b", "int32"}}, "int32")
        .add_method("echo", {{"v", "var"}}, "var")
        .add_method("fail")
        .add_method("drop")
        .add_method("wrong_return", {}, "int32")
        .add_method("ping_signal", {{"n", "int64"}});
    return s;
}

/// A Host whose loop the harness turns itself.
struct FuzzHost : zro::Host {
    using zro::Host::Host;
    zro::detail::Loop& loop() { return *core_->loop(); }
};

/// The host, its source and the client socket; built on first use and kept for the process.
struct Harness {
    std::unique_ptr<FuzzHost> host;
    std::unique_ptr<zro::DynamicSource> source;
    zro::Registration registration;
    std::unique_ptr<zmq::socket_t> dealer;
    std::uint64_t probe_count = 0;
    std::uint64_t epoch = 0;
    std::uint64_t last_seq = 0;

    Harness() {
        zro::NodeOptions opts;
        opts.name = "fuzz-host";
        opts.heartbeat_interval = std::chrono::milliseconds(1000);
        opts.max_message_size = 64 * 1024;  // the size check is reachable by the fuzzer
        opts.history_messages = 16;
        host = std::make_unique<FuzzHost>("inproc://zro-fuzz-host-" + std::to_string(::getpid()), opts);
        source = std::make_unique<zro::DynamicSource>(fuzz_schema());
        source->set_property("mode", zro::Value(mode_initial));
        source->on_call("add", [](const std::vector<zro::Value>& a) {
            return zro::Value(static_cast<std::int64_t>(a[0].as<std::int32_t>()) + a[1].as<std::int32_t>());
        });
        source->on_call("echo", [](const std::vector<zro::Value>& a) { return a[0]; });
        source->on_call("fail", [](const std::vector<zro::Value>&) -> zro::Value { throw std::runtime_error("deliberate"); });
        source->on_call_deferred("drop", [](std::vector<zro::Value>, zro::Responder) {});  // dropped unanswered
        source->on_call("wrong_return", [](const std::vector<zro::Value>&) { return zro::Value("not an int"); });
        zro::DynamicSource* src = source.get();
        source->on_call("ping_signal", [src](const std::vector<zro::Value>& a) {
            src->emit_signal("tick", {a[0]});
            src->set_property("counter", a[0]);
            return zro::Value();
        });
        registration = host->enable_remoting(*source, object_name);
        dealer = std::make_unique<zmq::socket_t>(*zro::detail::shared_context(), zmq::socket_type::dealer);
        dealer->set(zmq::sockopt::linger, 0);
        dealer->connect(host->url());
    }
    ~Harness() {
        dealer.reset();
        registration.withdraw();
        host.reset();
        source.reset();
    }
};

Harness& harness() {
    static Harness h;
    return h;
}

std::vector<std::string_view> split(std::string_view s, std::string_view sep, std::size_t max_parts) {
    std::vector<std::string_view> parts;
    while (parts.size() + 1 < max_parts) {
        const auto at = s.find(sep);
        if (at == std::string_view::npos) break;
        parts.push_back(s.substr(0, at));
        s.remove_prefix(at + sep.size());
    }
    parts.push_back(s);
    return parts;
}

bool known_error_code(std::uint64_t code) {
    // Only the remote outcomes (1..15) belong on the wire; local usage codes (100+) never.
    return code >= 1 && code <= static_cast<std::uint64_t>(zro::ErrorCode::not_connected);
}

/// Turns the host's loop until the client has an answer (5 s at most); returns it checked and decoded.
wire::HostReply receive_answer(Harness& h, std::size_t index) {
    zmq::message_t m;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!h.dealer->recv(m, zmq::recv_flags::dontwait)) {
        if (std::chrono::steady_clock::now() > deadline) fail("no answer within 5 s for message", std::to_string(index));
        h.host->loop().run_once(std::chrono::milliseconds(1));
    }
    if (m.more()) fail("an answer has more than one frame");
    auto envelope = wire::decode_envelope(m.data(), m.size());
    if (const auto* e = std::get_if<wire::MessageError>(&envelope)) fail("the host sent an undecodable answer:", e->detail);
    auto decoded = wire::decode_reply(std::get<wire::Envelope>(envelope));
    if (const auto* e = std::get_if<wire::MessageError>(&decoded)) fail("the host sent a malformed answer:", e->detail);
    auto& answer = std::get<wire::HostReply>(decoded);
    if (std::holds_alternative<wire::UnknownMessage>(answer)) fail("an answer of an unknown type");
    if (const auto* r = std::get_if<wire::Reply>(&answer); r && r->error_code != 0 && !known_error_code(r->error_code))
        fail("REPLY error without a known code", std::to_string(r->error_code));
    if (const auto* e = std::get_if<wire::ErrorReply>(&answer); e && !known_error_code(e->error_code))
        fail("ERROR without a known code", std::to_string(e->error_code));
    return std::move(answer);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Harness& h = harness();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto messages = split(input, "|#|", 16);

    for (const auto& message : messages) {
        const auto frames = split(message, "|&|", 4);
        for (std::size_t i = 0; i < frames.size(); ++i) {
            zmq::message_t f(frames[i].data(), frames[i].size());
            (void)h.dealer->send(f, i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
        }
    }
    // The probe: ACQUIRE with a request id no message can have used (a 64-byte bin).
    const std::uint64_t probe = ++h.probe_count;
    zro::Value::Bytes token;
    token.data.assign(64, 0xa5);
    for (int i = 0; i < 8; ++i) token.data[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(probe >> (8 * i));
    const zro::Value token_value(token);
    wire::Writer acquire;
    wire::Acquire{token_value, std::string(object_name), std::nullopt, false}.encode(acquire);
    zmq::message_t pm(acquire.data(), acquire.size());
    (void)h.dealer->send(pm, zmq::send_flags::none);

    std::optional<wire::Snapshot> probe_answer;
    for (std::size_t i = 0; i <= messages.size(); ++i) {
        auto a = receive_answer(h, i);
        auto* snapshot = std::get_if<wire::Snapshot>(&a);
        if (snapshot && snapshot->req_id == token_value) {
            if (probe_answer) fail("the probe was answered twice");
            probe_answer = std::move(*snapshot);
        }
    }
    if (!probe_answer) fail("no answer to the probe among the answers (an extra answer?)");
    // Nothing may be left over: one answer per message.
    for (int turn = 0; turn < 2; ++turn) h.host->loop().run_once(std::chrono::milliseconds(0));
    zmq::message_t extra;
    if (h.dealer->recv(extra, zmq::recv_flags::dontwait)) fail("an extra answer after all messages were answered");
    const auto& snap = *probe_answer;
    if (h.epoch == 0) h.epoch = snap.epoch;
    if (snap.epoch != h.epoch) fail("the object's epoch changed");
    if (snap.seq < h.last_seq) fail("the object's seq went backwards");
    h.last_seq = snap.seq;
    if (snap.values.size() != 4 || !(snap.values[2] == zro::Value(mode_initial)))
        fail("read-only property changed", zro::Value(snap.values).to_string());
    return 0;
}
