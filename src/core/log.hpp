// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Internal logging helpers: `ZRO_LOG_WARN("...", args)`-style streaming and a rate limiter, so
/// a flood of bad frames from one peer costs one line per interval, not one per frame.

#include <zro/log.hpp>

#include <chrono>
#include <sstream>
#include <string>

namespace zro::detail {

bool log_enabled(LogLevel level) noexcept;
void log_line(LogLevel level, const std::string& line);

/// Builds a line from `<<` pieces: `log(LogLevel::warn, "host: dropped ", n, " frames")`.
template <class... Args> void log(LogLevel level, const Args&... args) {
    if (!log_enabled(level)) return;
    std::ostringstream os;
    (os << ... << args);
    log_line(level, os.str());
}

/// Allows one event per `interval`; counts the ones it suppressed. Not thread-safe: each
/// limiter belongs to one loop.
class RateLimiter {
public:
    explicit RateLimiter(std::chrono::milliseconds interval = std::chrono::seconds(1))
        : interval_(interval) {}
    /// True when the caller may log now; `suppressed()` then tells how many were skipped since.
    bool allow() {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ >= interval_) {
            last_ = now;
            reported_ = suppressed_;
            suppressed_ = 0;
            return true;
        }
        ++suppressed_;
        return false;
    }
    std::uint64_t suppressed() const noexcept { return reported_; }

private:
    std::chrono::milliseconds interval_;
    std::chrono::steady_clock::time_point last_{};
    std::uint64_t suppressed_ = 0;
    std::uint64_t reported_ = 0;
};

} // namespace zro::detail
