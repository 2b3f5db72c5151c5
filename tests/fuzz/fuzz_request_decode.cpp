// zro — libFuzzer target: arbitrary bytes → wire::decode_envelope + wire::decode_request, the decoders of
// every client → host (what a host reads from its ROUTER); invariants in message_roundtrip.hpp.
//
// Build: cmake -DZRO_BUILD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (tests/fuzz/CMakeLists.txt), then
//   build/tests/fuzz/fuzz_request_decode tests/fuzz/corpus/fuzz_request_decode
// Without a fuzzing engine (e.g. GCC), the fuzz_request_decode_replay binary replays the corpus.

#include "message_roundtrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    zro_fuzz::check_decoder<zro_fuzz::wire::Request>("fuzz_request_decode", data, size,
                                                   [](zro_fuzz::wire::Envelope& e) { return zro_fuzz::wire::decode_request(e); });
    return 0;
}
