// zro — libFuzzer target: arbitrary bytes → wire::decode_envelope + wire::decode_reply, the decoders of
// every host → client (what a client reads from its DEALER); invariants in message_roundtrip.hpp.
//
// Build: cmake -DZRO_BUILD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (tests/fuzz/CMakeLists.txt), then
//   build/tests/fuzz/fuzz_reply_decode tests/fuzz/corpus/fuzz_reply_decode
// Without a fuzzing engine (e.g. GCC), the fuzz_reply_decode_replay binary replays the corpus.

#include "message_roundtrip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    zro_fuzz::check_decoder<zro_fuzz::wire::HostReply>("fuzz_reply_decode", data, size,
                                                   [](zro_fuzz::wire::Envelope& e) { return zro_fuzz::wire::decode_reply(e); });
    return 0;
}
