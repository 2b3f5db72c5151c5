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
// Without a fuzzing engine (e.g. GCC), define ZRO_FUZZ_REPLAY_MAIN to get a main() that
// replays the files and directories given on the command line once each.

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

#ifdef ZRO_FUZZ_REPLAY_MAIN
#include <filesystem>
#include <fstream>
#include <iterator>

namespace {
int replay_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", p.c_str());
        return 1;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return 0;
}
} // namespace

int main(int argc, char** argv) {
    int errors = 0, files = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file()) errors += replay_file(entry.path()), ++files;
        } else {
            errors += replay_file(arg), ++files;
        }
    }
    std::printf("fuzz_wire_decode: replayed %d inputs, %d unreadable\n", files, errors);
    return errors == 0 ? 0 : 1;
}
#endif
