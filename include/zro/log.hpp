// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Where zro's own log lines go. By default: stderr, level `warn` (override with the
/// environment variable `ZRO_LOG=debug|info|warn|error|off`). Thread-safe.

#include <functional>
#include <string_view>

namespace zro {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

/// Lines below `level` are discarded.
void set_log_level(LogLevel level);
LogLevel log_level();
/// Replaces the sink (nullptr restores stderr). The sink may be called from any zro thread.
void set_log_sink(std::function<void(LogLevel, std::string_view line)> sink);

} // namespace zro
