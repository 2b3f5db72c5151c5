// zro — shared live objects over ZeroMQ.
// A raw DEALER speaks to a real host: every malformed request gets a clear error reply, and the
// host keeps serving a good replica in the meantime.

#include "wire/codec.hpp"
#include "wire/messages.hpp"

#include <zro/standard_item_model.hpp>
#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include <zmq.hpp>

using namespace std::chrono_literals;
namespace wire = zro::detail::wire;

namespace {

zro::Schema schema() {
    zro::Schema s("Calc");
    s.add_property("total", "int64", 0, zro::PropertyMode::read_only)
        .add_method("add", {{"a", "int32"}, {"b", "int32"}}, "int32");
    return s;
}

struct RawClient {
    zmq::context_t ctx;
    zmq::socket_t dealer{ctx, zmq::socket_type::dealer};
    explicit RawClient(const std::string& url) {
        dealer.set(zmq::sockopt::linger, 0);
        dealer.connect(url);
    }
    void send_bytes(const std::string& bytes) { dealer.send(zmq::buffer(bytes), zmq::send_flags::none); }
    void send(const zro::Value& v) { send_bytes(wire::encode(v)); }
    /// Receives one reply while pumping the host's loop.
    std::optional<zro::Value> recv(zro::Host& host, std::chrono::milliseconds timeout = 2s) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            host.run_for(2ms);
            zmq::message_t m;
            if (dealer.recv(m, zmq::recv_flags::dontwait)) {
                auto d = wire::decode(m.data(), m.size());
                if (auto* v = std::get_if<zro::Value>(&d)) return *v;
                return std::nullopt;
            }
        }
        return std::nullopt;
    }
};

zro::ErrorCode code_of(const zro::Value& reply) {
    // ERROR [9, req, code, msg] and REPLY [3, call, code, msg] both keep the code at index 2.
    return static_cast<zro::ErrorCode>(reply.at(2).as<int>());
}

/// A request the host must refuse, as bytes, and the code it must answer with.
struct BadRequest {
    const char* what;
    std::string bytes;
    zro::ErrorCode expected;
};

/// Sends each request over `raw` and expects its error code and a message.
void expect_refused(RawClient& raw, zro::Host& host, const std::vector<BadRequest>& cases) {
    for (const auto& c : cases) {
        raw.send_bytes(c.bytes);
        auto reply = raw.recv(host);
        ASSERT_TRUE(reply) << c.what << ": no reply";
        EXPECT_EQ(code_of(*reply), c.expected) << c.what << ": " << reply->to_string();
        EXPECT_TRUE(reply->at(3).is_string()) << c.what;
    }
}

} // namespace

TEST(HostBadInput, EveryMalformedRequestGetsAnErrorAndTheHostKeepsServing) {
    zro::NodeOptions opts;
    opts.heartbeat_interval = 50ms;
    opts.max_message_size = 64 * 1024;
    zro::Host host("tcp://127.0.0.1:*", opts);
    zro::DynamicSource src(schema());
    src.on_call("add", [](const std::vector<zro::Value>& a) { return zro::Value(a[0].as<int>() + a[1].as<int>()); });
    auto reg = host.enable_remoting(src, "Calc");
    RawClient raw(host.url());

    using V = zro::Value;
    expect_refused(raw, host, {
        {"random bytes", std::string("\xc1\xc1\xc1", 3), zro::ErrorCode::malformed_message},
        {"huge array header", std::string("\xdd\xff\xff\xff\xff", 5), zro::ErrorCode::malformed_message},
        {"trailing bytes", wire::encode(V{6, 1}) + "x", zro::ErrorCode::malformed_message},
        {"not an array", wire::encode(V("hello")), zro::ErrorCode::malformed_message},
        {"unknown type", wire::encode(V{99, 1}), zro::ErrorCode::malformed_message},
        {"short invoke", wire::encode(V{3, 1}), zro::ErrorCode::malformed_message},
        {"wrong field kind", wire::encode(V{3, 1, 42, 0, "add", V::List{}}), zro::ErrorCode::malformed_message},
        {"old protocol", wire::encode(V{1, 0, "x", 100}), zro::ErrorCode::version_mismatch},
        {"unknown object", wire::encode(V{3, 7, "Nope", 0, "add", V{1, 2}}), zro::ErrorCode::unknown_object},
        {"unknown method", wire::encode(V{3, 7, "Calc", 0, "mul", V{1, 2}}), zro::ErrorCode::unknown_method},
        {"wrong count", wire::encode(V{3, 7, "Calc", 0, "add", V{1}}), zro::ErrorCode::bad_arguments},
        {"wrong type", wire::encode(V{3, 7, "Calc", 0, "add", V{"1", 2}}), zro::ErrorCode::bad_arguments},
        {"out of range", wire::encode(V{3, 7, "Calc", 0, "add", V{std::int64_t(1) << 40, 2}}), zro::ErrorCode::bad_arguments},
        {"stale epoch", wire::encode(V{3, 7, "Calc", 12345, "add", V{1, 2}}), zro::ErrorCode::source_restarted},
        {"read-only write", wire::encode(V{4, 7, "Calc", 0, "total", 5}), zro::ErrorCode::read_only},
        {"unknown property", wire::encode(V{4, 7, "Calc", 0, "nope", 5}), zro::ErrorCode::unknown_property},
        {"oversized", wire::encode(V{3, 7, "Calc", 0, "add", V{std::string(70000, 'x'), 1}}), zro::ErrorCode::too_large},
        {"deep nesting", std::string(40, '\x91') + std::string("\xc0", 1), zro::ErrorCode::malformed_message},
    });
    // A multi-frame request is refused too.
    raw.dealer.send(zmq::str_buffer("a"), zmq::send_flags::sndmore);
    raw.dealer.send(zmq::str_buffer("b"), zmq::send_flags::none);
    auto reply = raw.recv(host);
    ASSERT_TRUE(reply);
    EXPECT_EQ(code_of(*reply), zro::ErrorCode::malformed_message);

    // Meanwhile a proper client is served normally.
    zro::Node client(opts);
    client.connect_to(host.url());
    auto rep = client.acquire_dynamic("Calc");
    const auto end = std::chrono::steady_clock::now() + 3s;
    while (!rep->valid() && std::chrono::steady_clock::now() < end) {
        host.run_for(2ms);
        client.run_for(2ms);
    }
    ASSERT_TRUE(rep->valid());
    auto sum = rep->invoke("add", {2, 3});
    while (!sum.finished() && std::chrono::steady_clock::now() < end + 3s) {
        host.run_for(2ms);
        client.run_for(2ms);
    }
    EXPECT_EQ(sum.value(), zro::Value(5));
    // A well-formed call over the raw socket works as well.
    raw.send(V{3, 8, "Calc", 0, "add", V{40, 2}});
    auto ok = raw.recv(host);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->at(2), zro::Value(0));
    EXPECT_EQ(ok->at(3), zro::Value(42));
}

TEST(HostBadInput, BadModelRequestsGetErrorsAndTheModelIsStillServed) {
    zro::Host host("tcp://127.0.0.1:*");
    zro::StandardItemModel model({"display", "decoration"});
    model.insert_rows({}, 0, 3);
    model.set_value({}, 1, 0, 0, "one");
    auto reg = host.enable_remoting(model, "T", model.role_names());
    RawClient raw(host.url());
    using V = zro::Value;
    using L = V::List;
    // FETCH [14, req, object, model, viewer, parent, first, count, subscribe, roles];
    // MODEL_SET [15, call, object, epoch, model, parent, row, column, role, value].
    expect_refused(raw, host, {
        {"unknown object", wire::encode(V{14, 1, "Nope", "model", 0, L{}, 0, 10}), zro::ErrorCode::unknown_object},
        {"unknown model", wire::encode(V{14, 2, "T", "tracks", 0, L{}, 0, 10}), zro::ErrorCode::unknown_model},
        {"no such parent", wire::encode(V{14, 3, "T", "model", 0, L{V(7), V(1)}, 0, 10}), zro::ErrorCode::bad_arguments},
        {"unknown role", wire::encode(V{14, 4, "T", "model", 0, L{}, 0, 10, true, L{V(0), V(5)}}), zro::ErrorCode::bad_arguments},
        {"roles not a list", wire::encode(V{14, 5, "T", "model", 0, L{}, 0, 10, true, "display"}), zro::ErrorCode::malformed_message},
        {"parent not a path", wire::encode(V{14, 6, "T", "model", 0, L{V("x")}, 0, 10}), zro::ErrorCode::malformed_message},
        {"negative count", wire::encode(V{14, 7, "T", "model", 0, L{}, 0, -1}), zro::ErrorCode::malformed_message},
        {"write to no role", wire::encode(V{15, 8, "T", 0, "model", L{}, 0, 0, "nope", "x"}), zro::ErrorCode::bad_arguments},
        {"write out of range", wire::encode(V{15, 9, "T", 0, "model", L{}, 9, 0, "display", "x"}), zro::ErrorCode::bad_arguments},
    });
    // The same connection still gets rows, with only the role it asked for.
    raw.send(V{14, 10, "T", "model", 0, L{}, 0, 2, false, L{V(1)}});
    auto rows = raw.recv(host);
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->at(0), V(14)) << rows->to_string();
    // ROWS [14, req, object, epoch, seq, model, parent, row_count, column_count, first, [payload...]]
    const V& row1 = rows->at(10).at(1);  // [row, child rows, child columns, [[flags, [display, decoration]]]]
    EXPECT_EQ(row1.at(0).as<int>(), 1);
    EXPECT_TRUE(row1.at(3).at(0).at(1).at(0).is_nil()) << "display was not asked for: " << row1.to_string();
    raw.send(V{14, 11, "T", "model", 0, L{}, 0, 2});
    rows = raw.recv(host);
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->at(10).at(1).at(3).at(0).at(1).at(0), V("one")) << rows->to_string();
}
