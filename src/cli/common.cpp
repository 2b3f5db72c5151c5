// zro — shared live objects over ZeroMQ.
// Shared parts of the `zro` command line: verb table, output helpers, exit codes, stdin, interrupts.

#include "cli.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <sys/time.h>

namespace zro::cli {

Exit exit_for(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::ok: return Exit::ok;
    case ErrorCode::unknown_object:
    case ErrorCode::unknown_method:
    case ErrorCode::unknown_property:
    case ErrorCode::unknown_model: return Exit::not_found;
    case ErrorCode::bad_arguments:
    case ErrorCode::type_mismatch: return Exit::bad_value;
    case ErrorCode::read_only: return Exit::read_only;
    case ErrorCode::timeout: return Exit::timeout;
    case ErrorCode::bad_url: return Exit::usage;
    case ErrorCode::not_connected: return Exit::no_host;
    case ErrorCode::unauthorized:
    case ErrorCode::host_unverified: return Exit::refused;
    default: return Exit::failed;
    }
}

// ---- verbs --------------------------------------------------------------------------------------

namespace {
std::vector<Verb>& verb_table() {
    static std::vector<Verb> table;
    return table;
}
} // namespace

VerbRegistration::VerbRegistration(Verb verb) { verb_table().push_back(std::move(verb)); }

std::vector<const Verb*> verbs() {
    std::vector<const Verb*> out;
    for (const auto& v : verb_table()) out.push_back(&v);
    std::stable_sort(out.begin(), out.end(), [](const Verb* a, const Verb* b) { return a->order < b->order; });
    return out;
}

// ---- output -------------------------------------------------------------------------------------

namespace {
std::string wrap(bool on, const char* code, std::string_view s) {
    if (!on) return std::string(s);
    return std::string("\033[") + code + "m" + std::string(s) + "\033[0m";
}
std::size_t display_width(const std::string& s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\033') {  // skip an ANSI escape: ESC [ ... letter
            while (i < s.size() && !std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
            continue;
        }
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++w;  // count UTF-8 lead bytes
    }
    return w;
}
} // namespace

std::string Style::bold(std::string_view s) const { return wrap(color, "1", s); }
std::string Style::dim(std::string_view s) const { return wrap(color, "2", s); }
std::string Style::green(std::string_view s) const { return wrap(color, "32", s); }
std::string Style::yellow(std::string_view s) const { return wrap(color, "33", s); }
std::string Style::red(std::string_view s) const { return wrap(color, "31", s); }
std::string Style::cyan(std::string_view s) const { return wrap(color, "36", s); }

Style style_for(const CommonOptions& common, bool for_stderr) {
    Style s;
    const char* term = std::getenv("TERM");
    s.color = ::isatty(for_stderr ? 2 : 1) && !std::getenv("NO_COLOR") && !(term && std::string(term) == "dumb") &&
              !common.no_color;
    return s;
}

void Table::print(std::FILE* out, const Style& style, std::string_view indent) const {
    std::vector<std::size_t> widths;
    auto measure = [&](const std::vector<std::string>& cells) {
        if (widths.size() < cells.size()) widths.resize(cells.size(), 0);
        for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], display_width(cells[i]));
    };
    if (!header_.empty()) measure(header_);
    for (const auto& r : rows_) measure(r);
    auto emit = [&](const std::vector<std::string>& cells, bool is_header) {
        std::string line(indent);
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const std::string cell = is_header ? style.bold(cells[i]) : cells[i];
            line += cell;
            if (i + 1 < cells.size()) line += std::string(widths[i] - display_width(cells[i]) + 2, ' ');
        }
        std::fprintf(out, "%s\n", line.c_str());
    };
    if (!header_.empty()) emit(header_, true);
    for (const auto& r : rows_) emit(r, false);
    std::fflush(out);
}

bool print_line(const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    return std::fflush(stdout) == 0 && !std::ferror(stdout);
}

std::string clock_time() {
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    std::tm tm{};
    ::localtime_r(&tv.tv_sec, &tm);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(tv.tv_usec / 1000));
    return buf;
}

std::string iso_time() {
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    std::tm tm{};
    ::gmtime_r(&tv.tv_sec, &tm);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(tv.tv_usec / 1000));
    return buf;
}

std::string join_names(const std::vector<std::string>& names) {
    if (names.empty()) return "(none)";
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

// ---- stdin lines --------------------------------------------------------------------------------

std::optional<std::string> LineReader::take_line() {
    auto nl = buffer_.find('\n');
    if (nl == std::string::npos) {
        if (!eof_ || buffer_.empty()) return std::nullopt;
        nl = buffer_.size();
    }
    std::string line = buffer_.substr(0, nl);
    buffer_.erase(0, std::min(nl + 1, buffer_.size()));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++lines_;
    return line;
}

std::optional<std::string> LineReader::next(std::chrono::milliseconds wait) {
    if (auto line = take_line()) return line;
    if (eof_) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(wait.count()));
    if (r > 0) {
        char buf[65536];
        const ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n > 0) buffer_.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || (errno != EINTR && errno != EAGAIN)) eof_ = true;
    }
    return take_line();
}

// ---- interrupts ---------------------------------------------------------------------------------

namespace {
std::mutex interrupt_mutex;
std::function<void()> interrupt_handler;
std::atomic<bool> interrupted_flag{false};
} // namespace

void set_interrupt_handler(std::function<void()> fn) {
    std::lock_guard lock(interrupt_mutex);
    interrupt_handler = std::move(fn);
}

bool interrupted() noexcept { return interrupted_flag.load(); }

/// Called by main's signal thread.
void deliver_interrupt() {
    interrupted_flag = true;
    std::function<void()> fn;
    {
        std::lock_guard lock(interrupt_mutex);
        fn = interrupt_handler;
    }
    if (fn) fn();
    else {
        std::fflush(stdout);
        std::_Exit(130);
    }
}

} // namespace zro::cli
