// zro — shared live objects over ZeroMQ.
#include "core/log.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace zro {
namespace {

LogLevel level_from_env() {
    const char* e = std::getenv("ZRO_LOG");
    if (!e) return LogLevel::warn;
    if (!std::strcmp(e, "debug")) return LogLevel::debug;
    if (!std::strcmp(e, "info")) return LogLevel::info;
    if (!std::strcmp(e, "error")) return LogLevel::error;
    if (!std::strcmp(e, "off")) return LogLevel::off;
    return LogLevel::warn;
}

std::atomic<LogLevel>& current_level() {
    static std::atomic<LogLevel> level{level_from_env()};
    return level;
}

struct Sink {
    std::mutex mutex;
    std::function<void(LogLevel, std::string_view)> fn;
};
Sink& sink() {
    static Sink s;
    return s;
}

const char* level_name(LogLevel l) {
    switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
    case LogLevel::off: break;
    }
    return "off";
}

} // namespace

void set_log_level(LogLevel level) { current_level().store(level); }
LogLevel log_level() { return current_level().load(); }

void set_log_sink(std::function<void(LogLevel, std::string_view)> fn) {
    std::lock_guard lock(sink().mutex);
    sink().fn = std::move(fn);
}

namespace detail {

bool log_enabled(LogLevel level) noexcept { return level >= current_level().load(std::memory_order_relaxed); }

void log_line(LogLevel level, const std::string& line) {
    std::lock_guard lock(sink().mutex);
    if (sink().fn) {
        sink().fn(level, line);
        return;
    }
    std::fprintf(stderr, "zro %s: %s\n", level_name(level), line.c_str());
}

} // namespace detail
} // namespace zro
