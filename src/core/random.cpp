// zro — shared live objects over ZeroMQ.
#include "core/random.hpp"

#include <mutex>
#include <random>

namespace zro::detail {

std::uint64_t random_u64() {
    static std::mutex mutex;
    static std::mt19937_64 gen{std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32)};
    std::lock_guard lock(mutex);
    return gen();
}

std::string hex_id(std::uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 15];
    return s;
}

} // namespace zro::detail
