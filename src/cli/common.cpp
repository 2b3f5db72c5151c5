// zro — shared live objects over ZeroMQ.
// Shared parts of the `zro` command line: options, verb table, output helpers, exit codes.

#include "cli.hpp"

#include <zro/security.hpp>

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
    case ErrorCode::unknown_property: return Exit::not_found;
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

// ---- options ------------------------------------------------------------------------------------

const std::vector<OptionSpec>& common_options() {
    static const std::vector<OptionSpec> specs = {
        {"url", 'u', "URL", "host to ask, e.g. tcp://192.168.1.20:5555 (repeatable; default: $ZRO_URL)", true},
        {"registry", 0, "URL", "find hosts through the zro::Registry at URL instead of mDNS"},
        {"interface", 0, "IF", "browse mDNS on this interface only (default: every one avahi uses)"},
        {"timeout", 't', "T", "how long to wait: 3, 3s, 500ms, 1.5s, 2m"},
        {"key", 0, "FILE", "this node's secret key file (NAME.key_secret, `zro keygen`): use CurveZMQ"},
        {"server-key", 0, "URL=KEY", "pin the key of the host at URL: Z85 text or a .key file (repeatable)", true},
        {"known-hosts", 0, "FILE", "pinned host keys, one 'URL KEY' per line"},
        {"json", 'j', "", "machine-readable JSON output"},
        {"no-color", 0, "", "no colours even on a terminal (NO_COLOR=1 does the same)"},
        {"help", 'h', "", "this help"},
    };
    return specs;
}

namespace {
const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, std::string_view name, char short_name) {
    for (const auto* list : {&specs, &common_options()})
        for (const auto& s : *list)
            if ((!name.empty() && s.name == name) || (short_name && s.short_name == short_name)) return &s;
    return nullptr;
}
bool looks_negative_number(const std::string& a) {
    return a.size() >= 2 && a[0] == '-' && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.');
}
} // namespace

Args::Args(const std::vector<std::string>& argv, const std::vector<OptionSpec>& specs) {
    bool options_done = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (options_done || a.size() < 2 || a[0] != '-' || looks_negative_number(a)) {
            positional_.push_back(a);
            continue;
        }
        if (a == "--") {
            options_done = true;
            continue;
        }
        std::string name, value;
        bool has_value = false;
        const OptionSpec* spec = nullptr;
        if (a[1] == '-') {
            name = a.substr(2);
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                has_value = true;
            }
            spec = find_spec(specs, name, 0);
        } else {
            if (a.size() > 2) {  // -n5
                value = a.substr(2);
                has_value = true;
            }
            spec = find_spec(specs, {}, a[1]);
        }
        if (!spec) throw CliError(Exit::usage, "unknown option '" + a + "' (see -h)");
        if (spec->value_name.empty()) {
            if (has_value) throw CliError(Exit::usage, "option --" + spec->name + " takes no value");
            values_[spec->name].push_back("1");
            continue;
        }
        if (!has_value) {
            if (i + 1 >= argv.size()) throw CliError(Exit::usage, "option --" + spec->name + " needs a value (" + spec->value_name + ")");
            value = argv[++i];
        }
        auto& v = values_[spec->name];
        if (!spec->repeatable) v.clear();
        v.push_back(value);
    }
}

bool Args::has(std::string_view name) const { return values_.find(name) != values_.end(); }

std::string Args::get(std::string_view name, std::string fallback) const {
    auto it = values_.find(name);
    return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

const std::vector<std::string>& Args::all(std::string_view name) const {
    static const std::vector<std::string> none;
    auto it = values_.find(name);
    return it == values_.end() ? none : it->second;
}

std::chrono::milliseconds Args::timeout(std::chrono::milliseconds fallback) const {
    return has("timeout") ? parse_duration(get("timeout"), "--timeout") : fallback;
}

NodeOptions Args::node_options() const {
    NodeOptions o;
    auto& sec = o.security;
    if (has("key")) {
        try {
            sec.keys = KeyPair::load(get("key"));
        } catch (const Error& e) {
            throw CliError(Exit::usage, "--key " + get("key") + ": " + e.what());
        }
    }
    for (const auto& pin : all("server-key")) {
        const auto eq = pin.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pin.size())
            throw CliError(Exit::usage, "--server-key " + pin + ": expected URL=KEY (Z85 text or a .key file)");
        const std::string url = pin.substr(0, eq), key = pin.substr(eq + 1);
        if (is_valid_key(key)) {
            sec.server_keys[url] = key;
            continue;
        }
        try {
            sec.server_keys[url] = load_public_key(key);
        } catch (const Error& e) {
            throw CliError(Exit::usage, "--server-key " + url + ": '" + key + "' is neither a Z85 key nor a readable key file (" + e.what() + ")");
        }
    }
    sec.known_hosts_file = get("known-hosts");
    if (!sec.enabled() && (!sec.server_keys.empty() || !sec.known_hosts_file.empty()))
        throw CliError(Exit::usage, "--server-key and --known-hosts need --key: without a key pair zro talks plain ZeroMQ");
    return o;
}

std::vector<std::string> Args::urls() const {
    std::vector<std::string> out;
    for (const auto& u : all("url"))
        if (!u.empty()) out.push_back(u);
    if (out.empty())
        if (const char* env = std::getenv("ZRO_URL")) {
            std::string s = env;
            std::size_t start = 0;
            while (start <= s.size()) {
                auto comma = s.find(',', start);
                if (comma == std::string::npos) comma = s.size();
                if (comma > start) out.push_back(s.substr(start, comma - start));
                start = comma + 1;
            }
        }
    return out;
}

std::chrono::milliseconds parse_duration(std::string_view text, std::string_view what) {
    std::string s(text);
    char* end = nullptr;
    errno = 0;
    const double n = std::strtod(s.c_str(), &end);
    const std::string unit = end ? std::string(end) : std::string();
    double ms = -1;
    if (end != s.c_str() && errno == 0 && std::isfinite(n) && n >= 0) {
        if (unit.empty() || unit == "s") ms = n * 1000;
        else if (unit == "ms") ms = n;
        else if (unit == "m" || unit == "min") ms = n * 60000;
    }
    if (ms < 0 || ms > 1e12)
        throw CliError(Exit::usage, std::string(what) + ": '" + s + "' is not a duration (e.g. 3, 3s, 500ms, 1.5s, 2m)");
    return std::chrono::milliseconds(static_cast<long long>(std::llround(ms)));
}

std::string format_duration(std::chrono::milliseconds d) {
    const auto ms = d.count();
    char buf[64];
    if (ms < 1000) std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
    else if (ms % 1000 == 0) std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(ms / 1000));
    else std::snprintf(buf, sizeof buf, "%.3g s", static_cast<double>(ms) / 1000.0);
    return buf;
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

Style style_for(const Args& args, bool for_stderr) {
    Style s;
    const char* term = std::getenv("TERM");
    s.color = ::isatty(for_stderr ? 2 : 1) && !std::getenv("NO_COLOR") && !(term && std::string(term) == "dumb") &&
              !args.has("no-color");
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
