// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Random identifiers: node ids, source epochs, call ids and private inproc endpoint names.

#include <cstdint>
#include <string>

namespace zro::detail {

/// 64 random bits (thread-safe; seeded once from std::random_device).
std::uint64_t random_u64();
/// `v` as 16 lowercase hex digits.
std::string hex_id(std::uint64_t v);

} // namespace zro::detail
