// zro — unit tests for the MessagePack codec (src/wire/codec.hpp).

#include "wire/codec.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace {

using zro::Value;
using zro::detail::wire::decode;
using zro::detail::wire::DecodeError;
using zro::detail::wire::encode;
using zro::detail::wire::max_decode_depth;
using zro::detail::wire::Writer;

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int c : b) s.push_back(static_cast<char>(c));
    return s;
}

std::string hex(const std::string& s) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
        out.push_back(' ');
    }
    return out;
}

// "ok" on success, else the error's reason token.
std::string reason(const std::string& frame) {
    auto r = decode(frame.data(), frame.size());
    if (auto* e = std::get_if<DecodeError>(&r)) return e->reason;
    return "ok";
}

Value decoded(const std::string& frame) {
    auto r = decode(frame.data(), frame.size());
    if (auto* e = std::get_if<DecodeError>(&r)) {
        ADD_FAILURE() << "decode(" << hex(frame) << ") failed: " << e->reason << ": " << e->detail;
        return Value();
    }
    return std::get<Value>(std::move(r));
}

void expect_round_trip(const Value& v) {
    const std::string frame = encode(v);
    const Value back = decoded(frame);
    EXPECT_TRUE(back == v) << v.to_string() << " came back as " << back.to_string();
    EXPECT_EQ(encode(back), frame) << v.to_string();
}

std::string nested_arrays(std::size_t depth) {
    std::string s(depth - 1, static_cast<char>(0x91));  // [[[ ... ]]]
    s.push_back(static_cast<char>(0x90));
    return s;
}

std::string nested_maps(std::size_t depth) {
    std::string s;
    for (std::size_t i = 1; i < depth; ++i) s += bytes({0x81, 0xa1, 'k'});  // {"k": {"k": ...}}
    s.push_back(static_cast<char>(0x80));
    return s;
}

// ------------------------------------------------------------------------------------------
// Round trips.

TEST(Codec, RoundTripsScalars) {
    expect_round_trip(Value());
    expect_round_trip(Value(true));
    expect_round_trip(Value(false));
    expect_round_trip(Value(1.5));
    expect_round_trip(Value(-0.25));
    expect_round_trip(Value(std::numeric_limits<double>::infinity()));
    expect_round_trip(Value(-std::numeric_limits<double>::infinity()));
    expect_round_trip(Value(std::numeric_limits<double>::denorm_min()));
    expect_round_trip(Value(std::numeric_limits<double>::max()));
    expect_round_trip(Value(""));
    expect_round_trip(Value("hello"));
    expect_round_trip(Value(std::string(31, 'a')));     // fixstr max
    expect_round_trip(Value(std::string(32, 'b')));     // str8
    expect_round_trip(Value(std::string(256, 'c')));    // str16
    expect_round_trip(Value(std::string(70000, 'd')));  // str32
    expect_round_trip(Value(std::string("nul\0inside", 10)));
    expect_round_trip(Value(Value::Bytes{}));
    expect_round_trip(Value(Value::Bytes{{0, 1, 2, 255}}));
    expect_round_trip(Value(Value::Bytes{std::vector<std::uint8_t>(300, 7)}));
    expect_round_trip(Value(Value::Bytes{std::vector<std::uint8_t>(70000, 9)}));
}

TEST(Codec, FloatsKeepTheirExactBits) {
    // Integral doubles included: msgpack-cxx's own pack_double would write them as integers.
    for (double d : {0.0, -0.0, 3.0, -5.0, 1e19, 18446744073709551616.0, -9223372036854775808.0,
                     std::numeric_limits<double>::quiet_NaN(), 1e-310, -1e300}) {
        const std::string frame = encode(Value(d));
        ASSERT_EQ(frame.size(), 9u) << d;  // always float 64, even for integral values
        EXPECT_EQ(static_cast<unsigned char>(frame[0]), 0xcb);
        const Value back = decoded(frame);
        ASSERT_EQ(back.kind(), Value::Kind::float64);
        const double b = std::get<double>(back.storage());
        EXPECT_EQ(std::memcmp(&b, &d, sizeof d), 0);
    }
}

TEST(Codec, EdgeIntegers) {
    constexpr auto i64min = std::numeric_limits<std::int64_t>::min();
    constexpr auto i64max = std::numeric_limits<std::int64_t>::max();
    constexpr auto u64max = std::numeric_limits<std::uint64_t>::max();
    struct Case {
        Value v;
        std::string wire;
    };
    const std::vector<Case> cases = {
        {Value(i64min), bytes({0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0})},
        {Value(std::int64_t{-2147483649LL}), bytes({0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff})},
        {Value(std::int64_t{-2147483648LL}), bytes({0xd2, 0x80, 0, 0, 0})},
        {Value(-32769), bytes({0xd2, 0xff, 0xff, 0x7f, 0xff})},
        {Value(-32768), bytes({0xd1, 0x80, 0x00})},
        {Value(-129), bytes({0xd1, 0xff, 0x7f})},
        {Value(-128), bytes({0xd0, 0x80})},
        {Value(-33), bytes({0xd0, 0xdf})},
        {Value(-32), bytes({0xe0})},
        {Value(-1), bytes({0xff})},
        {Value(0), bytes({0x00})},
        {Value(127), bytes({0x7f})},
        {Value(128), bytes({0xcc, 0x80})},
        {Value(255), bytes({0xcc, 0xff})},
        {Value(256), bytes({0xcd, 0x01, 0x00})},
        {Value(65535), bytes({0xcd, 0xff, 0xff})},
        {Value(65536), bytes({0xce, 0x00, 0x01, 0x00, 0x00})},
        {Value(std::uint64_t{4294967295u}), bytes({0xce, 0xff, 0xff, 0xff, 0xff})},
        {Value(std::uint64_t{4294967296u}), bytes({0xcf, 0, 0, 0, 1, 0, 0, 0, 0})},
        {Value(i64max), bytes({0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})},
        {Value(u64max), bytes({0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})},
        // Non-negative int64 is written as a positive int.
        {Value(std::int64_t{5}), bytes({0x05})},
        {Value(std::int64_t{200}), bytes({0xcc, 200})},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.v.to_string());
        EXPECT_EQ(hex(encode(c.v)), hex(c.wire));
        const Value back = decoded(c.wire);
        EXPECT_TRUE(back == c.v);
        // MessagePack knows only negative and positive: negative → int64, else uint64.
        const bool negative = c.v.kind() == Value::Kind::int64 &&
                              std::get<std::int64_t>(c.v.storage()) < 0;
        EXPECT_EQ(back.kind(), negative ? Value::Kind::int64 : Value::Kind::uint64);
    }
    EXPECT_EQ(std::get<std::int64_t>(decoded(bytes({0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0})).storage()),
              i64min);
    EXPECT_EQ(std::get<std::uint64_t>(decoded(encode(Value(u64max))).storage()), u64max);
}

TEST(Codec, DecodesNonCanonicalIntegerForms) {
    // Other encoders may use wider forms than needed, or signed forms for positive numbers.
    EXPECT_TRUE(decoded(bytes({0xcc, 0x05})) == Value(5));
    EXPECT_TRUE(decoded(bytes({0xcf, 0, 0, 0, 0, 0, 0, 0, 0x05})) == Value(5));
    EXPECT_TRUE(decoded(bytes({0xd0, 0x05})) == Value(5));
    EXPECT_TRUE(decoded(bytes({0xd3, 0, 0, 0, 0, 0, 0, 0, 0x05})) == Value(5));
    EXPECT_TRUE(decoded(bytes({0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})) == Value(-1));
    EXPECT_EQ(decoded(bytes({0xd1, 0x00, 0x07})).kind(), Value::Kind::uint64);
}

TEST(Codec, DecodesFloat32AsDouble) {
    Value v = decoded(bytes({0xca, 0x3f, 0xc0, 0x00, 0x00}));  // 1.5f
    ASSERT_EQ(v.kind(), Value::Kind::float64);
    EXPECT_EQ(std::get<double>(v.storage()), 1.5);
    v = decoded(bytes({0xca, 0xc0, 0x49, 0x0f, 0xdb}));  // -3.14159274f
    EXPECT_EQ(std::get<double>(v.storage()), static_cast<double>(-3.14159274f));
    v = decoded(bytes({0xca, 0x7f, 0x80, 0x00, 0x00}));  // +inf
    EXPECT_TRUE(std::isinf(std::get<double>(v.storage())));
    v = decoded(bytes({0xca, 0x7f, 0xc0, 0x00, 0x00}));  // NaN
    EXPECT_TRUE(std::isnan(std::get<double>(v.storage())));
    v = decoded(bytes({0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0}));  // 1.5
    EXPECT_EQ(std::get<double>(v.storage()), 1.5);
    // Re-encoding writes float64.
    EXPECT_EQ(hex(encode(decoded(bytes({0xca, 0x3f, 0xc0, 0x00, 0x00})))),
              hex(bytes({0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0})));
}

TEST(Codec, RoundTripsContainers) {
    expect_round_trip(Value(Value::List{}));
    expect_round_trip(Value(Value::Map{}));
    expect_round_trip(Value{1, "two", 3.0, nullptr, true});
    expect_round_trip(Value::map_of({{"a", 1}, {"b", Value{1, 2, Value::map_of({{"c", "d"}})}}}));
    // Map order is preserved.
    const Value zyx = Value::map_of({{"z", 1}, {"y", 2}, {"x", 3}});
    expect_round_trip(zyx);
    EXPECT_EQ(hex(encode(zyx)), hex(bytes({0x83, 0xa1, 'z', 1, 0xa1, 'y', 2, 0xa1, 'x', 3})));
    // Non-string keys.
    Value::Map m;
    m.emplace_back(Value(1), Value("one"));
    m.emplace_back(Value(-1), Value("minus one"));
    m.emplace_back(Value{1, 2}, Value(nullptr));
    m.emplace_back(Value(Value::Bytes{{1, 2}}), Value(2.5));
    m.emplace_back(Value(nullptr), Value(false));
    expect_round_trip(Value(std::move(m)));
    // Sizes that cross the fix/16/32 header boundaries.
    for (std::size_t n : {15u, 16u, 65535u, 65536u}) {
        Value::List l(n, Value(7));
        expect_round_trip(Value(std::move(l)));
        Value::Map big;
        for (std::size_t i = 0; i < n; ++i) big.emplace_back(i, i % 3);
        expect_round_trip(Value(std::move(big)));
    }
}

TEST(Codec, DepthLimitIsThirtyTwo) {
    ASSERT_EQ(max_decode_depth, 32u);
    EXPECT_EQ(reason(nested_arrays(32)), "ok");
    EXPECT_EQ(reason(nested_arrays(33)), "too_deep");
    EXPECT_EQ(reason(nested_maps(32)), "ok");
    EXPECT_EQ(reason(nested_maps(33)), "too_deep");
    // A scalar inside the 32nd level is fine: only lists/maps count.
    std::string s(32, static_cast<char>(0x91));
    s.push_back(0x01);
    EXPECT_EQ(reason(s), "ok");
    // Far deeper input is rejected quickly, not by exhausting a stack.
    EXPECT_EQ(reason(nested_arrays(1000000)), "too_deep");
    // What decodes at depth 32 re-encodes to the same bytes.
    EXPECT_EQ(encode(decoded(nested_arrays(32))), nested_arrays(32));
    EXPECT_EQ(encode(decoded(nested_maps(32))), nested_maps(32));
}

TEST(Codec, WriterBuildsFrames) {
    Writer w;
    w.array(3).str("INVOKE").uint64(42).map(2).str("a").int64(-1).str("b").bin("\x01\x02", 2);
    EXPECT_EQ(hex(w.buffer()),
              hex(bytes({0x93, 0xa6, 'I', 'N', 'V', 'O', 'K', 'E', 0x2a, 0x82, 0xa1, 'a', 0xff,
                         0xa1, 'b', 0xc4, 0x02, 0x01, 0x02})));
    EXPECT_TRUE(decoded(w.buffer()) ==
                (Value{"INVOKE", 42, Value::map_of({{"a", -1}, {"b", Value::Bytes{{1, 2}}}})}));
    const std::size_t cap = w.buffer().capacity();
    w.clear();
    EXPECT_EQ(w.size(), 0u);
    EXPECT_EQ(w.buffer().capacity(), cap);
    // raw() splices pre-encoded values.
    const std::string inner = encode(Value{1, 2});
    w.array(2).raw(inner.data(), inner.size()).nil();
    EXPECT_TRUE(decoded(w.buffer()) == (Value{Value{1, 2}, nullptr}));
    w.clear();
    w.boolean(true).boolean(false).float64(0.5);
    EXPECT_EQ(hex(w.buffer()), hex(bytes({0xc3, 0xc2, 0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0})));
    w.clear();
    w.bin(nullptr, 0).str("");
    EXPECT_EQ(hex(w.take()), hex(bytes({0xc4, 0x00, 0xa0})));
}

// ------------------------------------------------------------------------------------------
// Bad input.

TEST(CodecBadInput, EmptyFrame) {
    EXPECT_EQ(reason(""), "insufficient_bytes");
    auto r = decode(nullptr, 0);
    ASSERT_TRUE(std::holds_alternative<DecodeError>(r));
    EXPECT_EQ(std::get<DecodeError>(r).reason, "insufficient_bytes");
}

TEST(CodecBadInput, EveryTruncationIsInsufficientBytes) {
    Value::Map m;
    m.emplace_back(Value("method"), Value("set_speed"));
    m.emplace_back(Value("args"), Value{1, -300, 2.5, Value::Bytes{{1, 2, 3}}, nullptr, true});
    m.emplace_back(Value(70000), Value(std::string(300, 'x')));
    m.emplace_back(Value("i64"), Value(std::numeric_limits<std::int64_t>::min()));
    m.emplace_back(Value("f32"), Value(nullptr));
    std::string frame = encode(Value{Value(std::move(m)), Value::List{}, Value::Map{}});
    frame += bytes({0xca, 0x3f, 0xc0, 0x00, 0x00});  // a float32 as the 4th list element
    frame[0] = static_cast<char>(0x94);
    ASSERT_EQ(reason(frame), "ok");
    // A strict prefix of one MessagePack value is never a complete value. Short prefixes whose
    // container headers claim more elements than the prefix has bytes are "too_large" instead.
    int insufficient = 0;
    for (std::size_t len = 0; len < frame.size(); ++len) {
        const std::string r = reason(frame.substr(0, len));
        EXPECT_TRUE(r == "insufficient_bytes" || (r == "too_large" && len < 8))
            << "prefix length " << len << ": " << r;
        insufficient += r == "insufficient_bytes";
    }
    EXPECT_GT(insufficient, static_cast<int>(frame.size()) - 8);
}

TEST(CodecBadInput, ReservedByte) {
    EXPECT_EQ(reason(bytes({0xc1})), "parse_error");
    EXPECT_EQ(reason(bytes({0x92, 0x01, 0xc1})), "parse_error");
    EXPECT_EQ(reason(bytes({0x81, 0xc1, 0x01})), "parse_error");
}

TEST(CodecBadInput, TrailingBytes) {
    EXPECT_EQ(reason(bytes({0x01, 0xff})), "trailing_bytes");
    EXPECT_EQ(reason(bytes({0xc0, 0xc0})), "trailing_bytes");
    EXPECT_EQ(reason(bytes({0x91, 0x01, 0x02})), "trailing_bytes");
    EXPECT_EQ(reason(encode(Value{1, 2}) + std::string(1, '\0')), "trailing_bytes");
    EXPECT_EQ(reason(bytes({0x01, 0xc1})), "trailing_bytes");  // garbage after a complete value
}

TEST(CodecBadInput, HugeHeadersAreRejectedQuicklyAndCheaply) {
    struct Case {
        std::string frame;
        const char* reason;
    };
    const std::vector<Case> cases = {
        {bytes({0xdd, 0x08, 0x00, 0x00, 0x00}), "too_large"},  // array32 of 2^27
        {bytes({0xdd, 0xff, 0xff, 0xff, 0xff}), "too_large"},  // array32 of 2^32-1
        {bytes({0xdf, 0xff, 0xff, 0xff, 0xff}), "too_large"},  // map32 of 2^32-1
        {bytes({0xdc, 0xff, 0xff}), "too_large"},              // array16 of 65535
        {bytes({0xde, 0xff, 0xff}), "too_large"},              // map16 of 65535
        {bytes({0xdd, 0x00, 0x00, 0x00, 0x05}), "insufficient_bytes"},  // 5 claimed, none there
        {bytes({0xdb, 0xff, 0xff, 0xff, 0xff}), "insufficient_bytes"},  // str32
        {bytes({0xc6, 0xff, 0xff, 0xff, 0xff}), "insufficient_bytes"},  // bin32
        {bytes({0xda, 0xff, 0xff, 'a'}), "insufficient_bytes"},         // str16
        {bytes({0xc5, 0xff, 0xff, 'a'}), "insufficient_bytes"},         // bin16
        {bytes({0xd9, 0xff}), "insufficient_bytes"},                    // str8
        {bytes({0x91, 0xdd, 0xff, 0xff, 0xff, 0xff}), "too_large"},
    };
    for (const auto& c : cases) {
        const auto t0 = std::chrono::steady_clock::now();
        EXPECT_EQ(reason(c.frame), c.reason) << hex(c.frame);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - t0)
                            .count();
        EXPECT_LT(us, 50000) << hex(c.frame);  // microseconds in practice; generous for sanitizers
    }
}

TEST(CodecBadInput, NestedHugeHeadersDoNotAmplify) {
    // 32 nested array32 headers, each claiming as many elements as the frame has bytes, then
    // padding. Each header alone is within the per-container limit, so a decoder that reserves
    // at the header would reserve 32 × 24 × size bytes (~400 MiB here) before finding the frame
    // short. Ours validates the whole frame first.
    constexpr std::size_t size = 1 << 19;
    std::string frame;
    for (int i = 0; i < 32; ++i) frame += bytes({0xdd, 0x00, 0x08, 0x00, 0x00});  // 2^19
    frame.resize(size, static_cast<char>(0xc0));
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(reason(frame), "insufficient_bytes");
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
    EXPECT_LT(ms, 500);
}

TEST(CodecBadInput, ExtTypesAreRejected) {
    const std::vector<std::string> frames = {
        bytes({0xd4, 0x01, 0x00}),                    // fixext1
        bytes({0xd5, 0x01, 0x00, 0x00}),              // fixext2
        bytes({0xd6, 0xff, 0, 0, 0, 0}),              // fixext4 (type -1: timestamp)
        bytes({0xd7, 0x01, 0, 0, 0, 0, 0, 0, 0, 0}),  // fixext8
        bytes({0xd8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),  // fixext16
        bytes({0xc7, 0x00, 0x05}),                    // ext8, empty
        bytes({0xc7, 0x02, 0x05, 0xaa, 0xbb}),        // ext8
        bytes({0xc8, 0x00, 0x01, 0x05, 0xaa}),        // ext16
        bytes({0xc9, 0x00, 0x00, 0x00, 0x01, 0x05, 0xaa}),  // ext32
        bytes({0x92, 0x01, 0xd4, 0x01, 0x00}),        // inside a list
        bytes({0x81, 0xa1, 'k', 0xc7, 0x00, 0x05}),   // as a map value
        bytes({0x81, 0xd4, 0x01, 0x00, 0x01}),        // as a map key
    };
    for (const auto& f : frames) EXPECT_EQ(reason(f), "ext_type") << hex(f);
}

TEST(CodecBadInput, DuplicateKeys) {
    EXPECT_EQ(reason(bytes({0x82, 0xa1, 'a', 0x01, 0xa1, 'a', 0x02})), "duplicate_key");
    EXPECT_EQ(reason(bytes({0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x02})), "ok");
    // Same key written in two encodings: fixstr and str8; 1 and uint8 1; float32 and float64.
    EXPECT_EQ(reason(bytes({0x82, 0xa1, 'a', 0x01, 0xd9, 0x01, 'a', 0x02})), "duplicate_key");
    EXPECT_EQ(reason(bytes({0x82, 0x01, 0xc0, 0xcc, 0x01, 0xc0})), "duplicate_key");
    EXPECT_EQ(reason(bytes({0x82, 0xca, 0x3f, 0xc0, 0, 0, 0xc0, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0,
                            0xc0})),
              "duplicate_key");
    // 0.0 and -0.0 compare equal.
    EXPECT_EQ(reason(bytes({0x82, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xcb, 0x80, 0, 0, 0, 0, 0, 0,
                            0, 0xc0})),
              "duplicate_key");
    // Equal list keys; nil twice.
    EXPECT_EQ(reason(bytes({0x82, 0x92, 1, 2, 0xc0, 0x92, 1, 2, 0xc0})), "duplicate_key");
    EXPECT_EQ(reason(bytes({0x82, 0xc0, 1, 0xc0, 2})), "duplicate_key");
    // Different kinds are different keys: str "a" vs bin "a", 1 vs 1.0, -1 vs 255, true vs 1.
    EXPECT_EQ(reason(bytes({0x82, 0xa1, 'a', 1, 0xc4, 0x01, 'a', 2})), "ok");
    EXPECT_EQ(reason(bytes({0x82, 0x01, 1, 0xcb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 2})), "ok");
    EXPECT_EQ(reason(bytes({0x82, 0xff, 1, 0xcc, 0xff, 2})), "ok");
    EXPECT_EQ(reason(bytes({0x82, 0xc3, 1, 0x01, 2})), "ok");
    // Nested maps are checked too.
    EXPECT_EQ(reason(bytes({0x91, 0x81, 0x00, 0x82, 0x05, 0xc0, 0x05, 0xc0})), "duplicate_key");

    // Large maps (the hashed path), string and non-string keys; the duplicate is the last key.
    for (bool strings : {true, false}) {
        for (std::size_t n : {17u, 1000u}) {
            Writer w;
            w.map(static_cast<std::uint32_t>(n));
            for (std::size_t i = 0; i + 1 < n; ++i) {
                if (strings) w.str("key" + std::to_string(i)); else w.uint64(i * 1000);
                w.nil();
            }
            std::string unique = w.buffer(), dup = w.buffer();
            Writer last;
            if (strings) last.str("key" + std::to_string(n)); else last.float64(0.5);
            unique += last.buffer() + bytes({0xc0});
            Writer again;
            if (strings) again.str("key3"); else again.uint64(3000);
            dup += again.buffer() + bytes({0xc0});
            EXPECT_EQ(reason(unique), "ok") << n << strings;
            EXPECT_EQ(reason(dup), "duplicate_key") << n << strings;
        }
    }
}

// ------------------------------------------------------------------------------------------
// Randomized: random and mutated frames never crash, and whatever decodes re-encodes to a
// frame that decodes to the same value (differential).

Value random_value(std::mt19937_64& rng, int depth) {
    const int kinds = depth >= 4 ? 7 : 9;
    switch (rng() % kinds) {
    case 0: return Value();
    case 1: return Value(rng() % 2 == 0);
    case 2: return Value(static_cast<std::int64_t>(rng()) >> (rng() % 64));
    case 3: return Value(static_cast<std::uint64_t>(rng() >> (rng() % 64)));
    case 4: {
        const std::uint64_t bits = rng();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return rng() % 2 ? Value(d) : Value(static_cast<double>(rng() % 1000) / 8);
    }
    case 5: return Value(std::string(rng() % 40, static_cast<char>('a' + rng() % 26)));
    case 6: return Value(Value::Bytes{std::vector<std::uint8_t>(rng() % 20, 0xab)});
    case 7: {
        Value::List l(rng() % 6);
        for (auto& e : l) e = random_value(rng, depth + 1);
        return Value(std::move(l));
    }
    default: {
        Value::Map m;
        const std::size_t n = rng() % 5;
        for (std::size_t i = 0; i < n; ++i)
            m.emplace_back(rng() % 4 ? Value("k" + std::to_string(i)) : random_value(rng, 4),
                           random_value(rng, depth + 1));
        return Value(std::move(m));
    }
    }
}

const std::uint8_t interesting_bytes[] = {
    0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6,
    0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd3, 0xd4, 0xd8, 0xd9, 0xda,
    0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff};

std::string mutate(std::string s, std::mt19937_64& rng) {
    const int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
        const std::size_t pos = s.empty() ? 0 : rng() % s.size();
        switch (rng() % 6) {
        case 0:
            if (!s.empty()) s[pos] = static_cast<char>(s[pos] ^ (1 << (rng() % 8)));
            break;
        case 1:
            if (!s.empty())
                s[pos] = static_cast<char>(interesting_bytes[rng() % sizeof interesting_bytes]);
            break;
        case 2:
            s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos),
                     static_cast<char>(interesting_bytes[rng() % sizeof interesting_bytes]));
            break;
        case 3:
            if (!s.empty()) s.erase(pos, 1 + rng() % 3);
            break;
        case 4: s.resize(pos); break;
        default:
            if (!s.empty()) s[pos] = static_cast<char>(rng());
            break;
        }
    }
    return s;
}

TEST(CodecRandomized, RandomAndMutatedFramesNeverCrashAndRoundTrip) {
    std::mt19937_64 rng(0x5eed2024);
    constexpr int iterations = 200000;
    int decoded_ok = 0;
    std::map<std::string, int> reasons;
    std::vector<std::string> seeds;
    for (int i = 0; i < 64; ++i) seeds.push_back(encode(random_value(rng, 0)));

    std::string frame;
    for (int i = 0; i < iterations; ++i) {
        if (i % 4 == 0) {
            frame.resize(rng() % 48);
            for (auto& c : frame) c = static_cast<char>(rng());
        } else if (i % 4 == 1) {
            frame = encode(random_value(rng, 0));
            if (rng() % 2) frame = mutate(std::move(frame), rng);
        } else {
            frame = mutate(seeds[rng() % seeds.size()], rng);
        }

        auto r = decode(frame.data(), frame.size());
        if (auto* e = std::get_if<DecodeError>(&r)) {
            ASSERT_FALSE(e->reason.empty()) << hex(frame);
            ++reasons[e->reason];
            continue;
        }
        ++decoded_ok;
        const Value& v = std::get<Value>(r);
        const std::string again = encode(v);
        auto r2 = decode(again.data(), again.size());
        ASSERT_TRUE(std::holds_alternative<Value>(r2))
            << hex(frame) << " decoded but its re-encoding " << hex(again) << " did not: "
            << std::get<DecodeError>(r2).reason;
        // Byte equality of the re-encodings is exact even for NaN and -0.0.
        ASSERT_EQ(encode(std::get<Value>(r2)), again) << hex(frame);
        if (v == v) {  // v == v: v holds no NaN
            ASSERT_TRUE(std::get<Value>(r2) == v) << hex(frame);
        }
    }
    // Sanity: the generator exercises both outcomes substantially, and every rejection path.
    EXPECT_GT(decoded_ok, iterations / 10);
    EXPECT_LT(decoded_ok, iterations * 9 / 10);
    std::string summary = "decoded " + std::to_string(decoded_ok);
    for (const auto& [r, n] : reasons) summary += ", " + r + " " + std::to_string(n);
    for (const char* r : {"parse_error", "insufficient_bytes", "trailing_bytes", "too_large",
                          "ext_type", "duplicate_key"})
        EXPECT_GT(reasons[r], 0) << r << " never seen: " << summary;
    RecordProperty("outcomes", summary);
    std::printf("%s\n", summary.c_str());
}

} // namespace

// ---- Reader: validated frames read in place (the EVENTS hot path) ------------------------------

namespace {
using zro::detail::wire::Reader;
using zro::detail::wire::validate;
} // namespace

TEST(CodecReader, ReadsAnEventsEnvelopeAndEachEventInPlace) {
    Writer w;
    w.array(5).uint64(10).uint64(0xabcdef).uint64(41).array(2);
    w.array(3).uint64(0).uint64(2).value(Value(std::int64_t{-7}));
    w.array(3).uint64(1).uint64(0).value(Value(Value::List{Value("a"), Value(Value::Map{{Value("k"), Value(1.5)}})}));
    w.str("a trailing field of a later version");
    DecodeError err;
    ASSERT_TRUE(validate(w.data(), w.size(), err)) << err.detail;
    Reader r(w.data(), w.size());
    EXPECT_EQ(r.array(), 5u);
    EXPECT_EQ(r.uint64(), 10u);
    EXPECT_EQ(r.uint64(), 0xabcdefu);
    EXPECT_EQ(r.uint64(), 41u);
    EXPECT_EQ(r.array(), 2u);
    EXPECT_EQ(r.array(), 3u);
    EXPECT_EQ(r.uint64(), 0u);
    EXPECT_EQ(r.uint64(), 2u);
    EXPECT_EQ(r.value(), Value(std::int64_t{-7}));
    EXPECT_EQ(r.array(), 3u);
    EXPECT_EQ(r.uint64(), 1u);
    EXPECT_EQ(r.uint64(), 0u);
    EXPECT_TRUE(r.next_is_array());
    r.skip();  // the nested list and map, whole
    EXPECT_FALSE(r.at_end());
    EXPECT_EQ(r.value(), Value("a trailing field of a later version"));
    EXPECT_TRUE(r.at_end());
}

TEST(CodecReader, AskingForTheWrongKindThrowsAndConsumesNothing) {
    Writer w;
    w.array(2).int64(-1).str("x");
    Reader r(w.data(), w.size());
    EXPECT_THROW(r.uint64(), zro::Error);  // a list, not an integer
    EXPECT_EQ(r.array(), 2u);
    EXPECT_FALSE(r.next_is_uint());        // negative
    EXPECT_THROW(r.uint64(), zro::Error);
    EXPECT_THROW(r.array(), zro::Error);
    EXPECT_EQ(r.value(), Value(std::int64_t{-1}));
    EXPECT_EQ(r.value(), Value("x"));
    EXPECT_THROW(r.value(), zro::Error);   // past the end
}

TEST(CodecReader, NonNegativeSignedFormsReadAsUnsigned) {
    // int8 5, int16 300, int32 70000, int64 2^40: what another encoder may send for a seq.
    const std::string b = bytes({0x94, 0xd0, 0x05, 0xd1, 0x01, 0x2c, 0xd2, 0x00, 0x01, 0x11, 0x70,
                                 0xd3, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00});
    DecodeError err;
    ASSERT_TRUE(validate(b.data(), b.size(), err)) << err.detail;
    Reader r(b.data(), b.size());
    EXPECT_EQ(r.array(), 4u);
    EXPECT_EQ(r.uint64(), 5u);
    EXPECT_EQ(r.uint64(), 300u);
    EXPECT_EQ(r.uint64(), 70000u);
    EXPECT_EQ(r.uint64(), std::uint64_t{1} << 40);
    EXPECT_TRUE(r.at_end());
}

TEST(CodecReader, ValidateRejectsWhatDecodeRejects) {
    for (const std::string& bad : {std::string(), bytes({0x92, 0x01}), bytes({0x01, 0x02}), bytes({0xc1}),
                                   bytes({0xd4, 0x01, 0x02}), bytes({0xdd, 0xff, 0xff, 0xff, 0xff})}) {
        DecodeError err;
        EXPECT_FALSE(validate(bad.data(), bad.size(), err));
        EXPECT_FALSE(err.reason.empty());
        EXPECT_TRUE(std::holds_alternative<DecodeError>(decode(bad.data(), bad.size())));
    }
}
