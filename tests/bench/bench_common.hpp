// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// What the benchmark peers (zro, raw ZeroMQ, QtRO) share: the clock, the process's own CPU time
/// and memory, argument parsing and the line protocol they speak with the driver
/// (tests/bench/driver.cpp).
///
/// Line protocol (one line per event on stdout, flushed at once; commands one per line on
/// stdin). Every peer, whatever the implementation, speaks the same:
///
///   source  --case prop|rpc|init [--payload small|big|blob] [--n N] [--batch B] [--subs K]
///           [--source typed|dynamic]  (zro's prop source: generated-style setter or DynamicSource)
///       prints "READY <url> [<pub-port>]"; commands:
///         go    -> makes N changes of property 0 (values 1..N), B per loop turn, then prints
///                  "SENT t0=<ns> t1=<ns>" (first and last change)
///         stat  -> "STAT cpu_ns=<n> rss_kib=<n> hwm_kib=<n>"
///         quit  -> exit 0
///   replica --case prop --url URL [--pub PORT] --n N
///       prints "READY cpu_ns=<n>" once initialized, counts every change of property 0, checks
///       that each value is the previous one + 1, and when the value N arrives prints
///       "DONE count=<changes seen> errors=<out-of-order or missing> t_last=<ns> cpu_ns=<n> ..."
///       commands: stat, quit.
///   source  --case lat --n N   (zro only, case 9)
///       as prop, but on go makes one change per millisecond, its value the CLOCK_MONOTONIC
///       time it was made, N of them, then "SENT t0=<ns> t1=<ns>".
///   replica --case lat --url URL --n N
///       prints "READY cpu_ns=<n>"; for each change, its latency (now - value); after N of them
///       "LAT count=<n> errors=<not increasing> median_ns=<ns> p99_ns=<ns> max_ns=<ns> cpu_ns=<n>".
///   proxy   --from URL [--object NAME]   (zro only, case 9)
///       a zro::Proxy relaying object NAME (default BenchProp) of the host at URL onto a host
///       of its own; prints "READY <url>" once the copy is shared there; stat, quit.
///   client  --case rpc --url URL --mode seq|pipe --n N [--inflight 100]
///       prints "READY"; on "go" runs the calls, then "RPC n=<ok> errors=<e> total_ns=<ns>
///       median_ns=<ns> p99_ns=<ns>".
///   client  --case init --url URL --payload small|big|blob --iters I [--reuse 1]
///       on "go": I times a fresh node: connect -> replica initialized (--reuse 1: one node
///       connected once, each time acquire -> initialized); prints
///       "INIT first_ns=<ns> median_ns=<ns> ok=<n>".
///
///   Case 8, item models (zro and QtRO only; see ModelTally below for the values):
///   source  --case model [--n N] [--batch B]
///       shares the list model "BenchModel" of model_rows rows, one column, one role (zro:
///       "display"; QtRO: Qt::DisplayRole), row i holding i; prints "READY <url>"; on go makes N
///       changes (change k sets row (k-1) % model_window to model_rows + k), B per loop turn,
///       then "SENT t0=<ns> t1=<ns>"; stat, quit.
///   replica --case model --url URL --n N
///       acquires the model viewing rows [0, model_window) (zro: prefetch_rows; QtRO:
///       PrefetchData with a root cache of model_window rows), prints "READY cpu_ns=<n>" once
///       those rows are shown, feeds every value it is told about to a ModelTally and, when the
///       last change is shown, prints "DONE count=<updates seen> errors=<updates skipped>
///       t_last=<ns> cpu_ns=<n>"; stat, quit.
///   client  --case model --url URL --iters I
///       on go: one node connected once (warmed up by a first acquire), then I times: acquire
///       the model -> rows [0, model_window) shown -> release; prints
///       "MODEL first_ns=<ns> median_ns=<ns> ok=<n>".
///
/// Times are CLOCK_MONOTONIC nanoseconds: one clock for every process on the machine, so the
/// driver can subtract a source's t0 from a replica's t_last.

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace zbench {

inline std::int64_t now_ns() {
    timespec ts;
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

/// User + system CPU time of the whole process (all threads, ZeroMQ's I/O thread included).
inline std::int64_t cpu_ns() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto ns = [](const timeval& tv) { return static_cast<std::int64_t>(tv.tv_sec) * 1000000000LL + tv.tv_usec * 1000LL; };
    return ns(ru.ru_utime) + ns(ru.ru_stime);
}

/// A field of /proc/<pid>/status in KiB ("VmRSS", "VmHWM"); -1 if unreadable.
inline long status_kib(const std::string& field, const std::string& pid = "self") {
    std::ifstream f("/proc/" + pid + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.compare(0, field.size() + 1, field + ":") == 0) return std::atol(line.c_str() + field.size() + 1);
    return -1;
}

/// Prints one protocol line and flushes it.
template <class... T> void say(const T&... parts) {
    std::ostringstream os;
    (os << ... << parts);
    os << '\n';
    const std::string s = os.str();
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fflush(stdout);
}

inline std::string stat_line() {
    std::ostringstream os;
    os << "STAT cpu_ns=" << cpu_ns() << " rss_kib=" << status_kib("VmRSS") << " hwm_kib=" << status_kib("VmHWM");
    return os.str();
}

/// `--key value` pairs.
class Args {
public:
    Args(int argc, char** argv) {
        for (int i = 1; i + 1 < argc; i += 2) {
            std::string k = argv[i];
            if (k.rfind("--", 0) != 0) throw std::runtime_error("bad argument " + k);
            kv_[k.substr(2)] = argv[i + 1];
        }
    }
    std::string str(const std::string& k, const std::string& def = "") const {
        auto it = kv_.find(k);
        return it == kv_.end() ? def : it->second;
    }
    long long num(const std::string& k, long long def = 0) const {
        auto it = kv_.find(k);
        return it == kv_.end() ? def : std::atoll(it->second.c_str());
    }

private:
    std::map<std::string, std::string> kv_;
};

/// Median and p99 of per-call times (nearest-rank).
inline std::int64_t percentile(std::vector<std::int64_t> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

/// Non-blocking reader of the driver's command lines on fd 0, for peers whose own loop polls fd 0
/// (raw ZeroMQ's zmq_poll, Qt's QSocketNotifier).
class StdinLines {
public:
    /// Reads what is there; returns the complete lines. `eof` is set when the driver went away.
    std::vector<std::string> read() {
        std::vector<std::string> lines;
        char buf[4096];
        const ssize_t r = ::read(0, buf, sizeof buf);
        if (r <= 0) {
            eof = true;
            return lines;
        }
        pending_.append(buf, static_cast<std::size_t>(r));
        std::size_t pos;
        while ((pos = pending_.find('\n')) != std::string::npos) {
            lines.push_back(pending_.substr(0, pos));
            pending_.erase(0, pos + 1);
        }
        return lines;
    }
    bool eof = false;

private:
    std::string pending_;
};

/// Number of int properties of each init payload (case 4).
constexpr int big_props = 1000;
constexpr std::size_t blob_bytes = 1u << 20;

/// Case 8's client: a warm-up `view_once(ns)` (not timed), then `iters` timed ones; the
/// "MODEL first_ns=… median_ns=… ok=… hwm_kib=…" line. `view_once` returns whether every row of
/// the window was shown and sets `ns` to how long it took.
template <class ViewOnce> std::string model_view_line(int iters, ViewOnce view_once) {
    std::vector<std::int64_t> times;
    int ok = 0;
    for (int i = -1; i < iters; ++i) {
        std::int64_t ns = 0;
        const bool shown = view_once(ns);
        if (i < 0) continue;
        times.push_back(ns);
        ok += shown ? 1 : 0;
    }
    std::ostringstream os;
    os << "MODEL first_ns=" << (times.empty() ? 0 : times.front()) << " median_ns=" << percentile(times, 0.5)
       << " ok=" << ok << " hwm_kib=" << status_kib("VmHWM");
    return os.str();
}

/// Case 8: the shared list's size and the rows a replica views.
constexpr std::int64_t model_rows = 1000000;
constexpr std::int64_t model_window = 100;

/// What a case-8 replica saw of rows [0, model_window): change k sets row (k-1) % model_window
/// to model_rows + k, so each row's values rise by model_window from model_rows + row + 1. An
/// update is a value newer than the row's last one; one that is newer but not the next one
/// means updates were skipped (QtRO re-fetches after invalidation and may see only the newest).
class ModelTally {
public:
    ModelTally() : last_(static_cast<std::size_t>(model_window)) {
        for (std::size_t r = 0; r < last_.size(); ++r) last_[r] = static_cast<std::int64_t>(r);
    }
    /// Row `row` now shows `value`.
    void see(std::int64_t row, std::int64_t value) {
        if (row < 0 || row >= model_window) return;
        std::int64_t& last = last_[static_cast<std::size_t>(row)];
        if (value <= last) return;
        const std::int64_t next = last < model_rows ? model_rows + row + 1 : last + model_window;
        if (value != next) skipped += (value - next) / model_window;
        ++count;
        last = value;
    }
    /// Whether the last of `n` changes is shown.
    bool done(std::int64_t n) const {
        return n > 0 && last_[static_cast<std::size_t>((n - 1) % model_window)] == model_rows + n;
    }
    std::int64_t count = 0;    ///< updates seen
    std::int64_t skipped = 0;  ///< updates never seen (coalesced or lost)

private:
    std::vector<std::int64_t> last_;
};

} // namespace zbench
