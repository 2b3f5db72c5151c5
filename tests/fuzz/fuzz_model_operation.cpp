// zro — libFuzzer target: arbitrary bytes → a model operation (docs/PROTOCOL.md section 15)
// applied to a replica's model cache that holds a small tree. Every input is either applied or
// refused with Error(malformed_message); nothing else may happen (no crash, no other exception,
// no count that wraps around).
//
// Build and run as the other targets (tests/fuzz/CMakeLists.txt); fuzz_model_operation_replay
// replays the corpus in every build.

#include "engine/client/model_cache.hpp"
#include "wire/codec.hpp"

#include <zro/error.hpp>

#include <cstdlib>
#include <iostream>

namespace {

zro::Value payload(std::size_t row, std::size_t children) {
    // Non-negative integers as the decoder gives them: unsigned.
    return zro::Value{row, children, children ? 2u : 0u, zro::Value{zro::Value{33u, zro::Value{"a", 1u}}, zro::Value{33u, zro::Value{"b", 2u}}}};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto decoded = zro::detail::wire::decode(data, size);
    auto* op = std::get_if<zro::Value>(&decoded);
    if (!op) return 0;
    zro::detail::ModelCache cache(2, 8);
    cache.reset(zro::Value{5u, 2u, zro::Value{zro::Value{"h0", nullptr}, zro::Value{"h1", nullptr}}});
    cache.store_rows({}, {payload(0, 0), payload(1, 3), payload(4, 0)});
    cache.store_rows({1}, {payload(0, 0), payload(2, 0)});
    if (!cache.row({1}, 2)) std::abort();  // the tree the inputs are applied to is there
    try {
        cache.apply(*op);
    } catch (const zro::Error& e) {
        if (e.code() != zro::ErrorCode::malformed_message) {
            std::cerr << "fuzz_model_operation: unexpected error " << zro::to_string(e.code()) << ": " << e.what() << "\n";
            std::abort();
        }
        return 0;
    }
    // Whatever was applied, what the cache holds stays within its counts.
    for (const zro::ModelPath& p : {zro::ModelPath{}, zro::ModelPath{1}}) {
        if (const auto* n = cache.node(p))
            for (const auto& [row, r] : n->cached)
                if (row >= n->rows) {
                    std::cerr << "fuzz_model_operation: row " << row << " held beyond " << n->rows << " rows\n";
                    std::abort();
                }
    }
    return 0;
}
