// zro — libFuzzer target: arbitrary bytes → wire::decode().
//
// Invariants checked (abort() on violation, so every engine and sanitizer reports it):
//  * decode() returns a Value or a DecodeError with a non-empty reason (it never throws:
//    it is noexcept, so an escaping exception would terminate);
//  * differential: for every decoded v, decode(encode(v)) succeeds, re-encodes to the same
//    bytes as encode(v), and equals v (equality is skipped when v holds a NaN, which is never
//    equal to itself; the byte comparison still covers it).
//
// Build: cmake -DZRO_BUILD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (tests/fuzz/CMakeLists.txt), then
//   build/tests/fuzz/fuzz_wire_decode -rss_limit_mb=512 -max_len=65536 tests/fuzz/corpus/fuzz_wire_decode
// Without a fuzzing engine (e.g. GCC), link replay_main.cpp for a main() that replays the
// files and directories given on the command line once each (the fuzz_<name>_replay binary).

#include "wire/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_wire_decode: invariant violated: %s\n", what);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace zro::detail::wire;

    auto first = decode(data, size);
    if (const auto* e = std::get_if<DecodeError>(&first)) {
        if (e->reason.empty()) fail("DecodeError without a reason");
        return 0;
    }
    const zro::Value& v = std::get<zro::Value>(first);

    const std::string once = encode(v);
    auto second = decode(once.data(), once.size());
    if (const auto* e = std::get_if<DecodeError>(&second)) {
        std::fprintf(stderr, "re-decode failed: %s: %s\n", e->reason.c_str(), e->detail.c_str());
        fail("encode(decode(x)) does not decode");
    }
    const zro::Value& w = std::get<zro::Value>(second);
    if (encode(w) != once) fail("encode(decode(encode(v))) != encode(v)");
    if (v == v && !(w == v)) fail("decode(encode(v)) != v");
    return 0;
}
