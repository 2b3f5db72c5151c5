// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// A child process for the multi-process suites (integration, cli, fault, bench): started with
/// fork/exec, its stdin on a pipe, its stdout read by a thread into timestamped lines, its stderr
/// kept in memory (or appended to a log file). The reader drains both pipes all the time, so a
/// child never blocks on a full pipe while the test looks at another one, and a test can wait for
/// lines with a timeout and measure durations between the times the lines were read.
///
/// Two ways to wait for a line, for the two ways suites follow a child's output:
///   - in order: `wait_for`, `wait_for_prefix`, `wait_for_exact`, `request` look from a cursor on
///     and move it past the line they return (the lines before it are consumed too);
///   - anywhere: `wait_line`, `wait_prefix`, `ask` look from an index (0: every line the child
///     printed) and move nothing, for lines whose order relative to others is not defined.
///
/// Signals go to the child's pid only. The destructor SIGKILLs the child if it still runs (after
/// `Options::quit_command` and a grace period, when set) and reaps it, so a test that fails
/// half-way never leaves processes behind; children also get PR_SET_PDEATHSIG(SIGKILL), so they
/// die with the test binary even if it crashes. In a Google Test binary the destructor can report
/// what the child printed when the test failed (`Options::dump_on_failure`, or always with
/// ZRO_TEST_DUMP=N in the environment) and fail the test on a sanitizer report in its stderr.
///
/// Thread contract: the waits, the line accessors and `signal` may be called from any thread;
/// `send`, `close_stdin`, `wait_exit` and `kill_and_reap` from the thread that owns the object.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace zro::test {

using Clock = std::chrono::steady_clock;

/// One line a child printed, and when the reader thread read it.
struct Line {
    std::string text;
    Clock::time_point at;
};

inline long long ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

inline bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

class Process {
public:
    using Pred = std::function<bool(const std::string&)>;

    struct Options {
        /// Appends the child's stderr to this file instead of keeping it in memory (then
        /// `stderr_lines()` and `alarms()` are empty).
        std::string stderr_log;
        /// Sent to stdin at destruction (then stdin is closed) before the child is killed; the
        /// child gets `quit_grace` to exit on its own. Empty: killed at once.
        std::string quit_command;
        std::chrono::milliseconds quit_grace{2000};
        /// Google Test: at destruction, when the current test has failed, print the last lines.
        std::size_t dump_on_failure = 40;
        /// Google Test: at destruction, add a failure when `alarms()` is not empty.
        bool fail_on_alarm = true;
    };

    /// Spawns `argv[0]` (searched on PATH when it has no '/') with `argv`; `name` names the
    /// process in failure output. Throws std::runtime_error when the pipes or fork fail.
    Process(std::string name, std::vector<std::string> argv);
    Process(std::string name, std::vector<std::string> argv, Options options);
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process();

    pid_t pid() const noexcept { return pid_; }
    const std::string& name() const noexcept { return name_; }
    /// When the process was forked.
    Clock::time_point started() const noexcept { return started_; }

    /// Writes `line` and a newline to the child's stdin. False if the child is gone.
    bool send(const std::string& line);
    void close_stdin();
    /// Sends a signal (SIGKILL, SIGSTOP, SIGCONT, SIGTERM, ...). False if the child was reaped.
    bool signal(int sig);

    // ---- in order (from the cursor) ----------------------------------------------------------

    /// Waits for the next line from the cursor on that satisfies `pred`; on success the cursor
    /// moves past it, on timeout past every line read so far.
    std::optional<Line> wait_for(const Pred& pred, std::chrono::milliseconds timeout);
    std::optional<Line> wait_for_prefix(const std::string& prefix, std::chrono::milliseconds timeout);
    std::optional<Line> wait_for_exact(const std::string& text, std::chrono::milliseconds timeout);
    /// Sends `command` and waits (in order) for the next line starting with `reply_prefix`.
    std::optional<Line> request(const std::string& command, const std::string& reply_prefix,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5));

    // ---- anywhere (from an index) ------------------------------------------------------------

    /// The first line at index >= `from` that satisfies `pred`, waiting up to `timeout`; its
    /// index goes to `*index` when given.
    std::optional<Line> wait_line(const Pred& pred, std::chrono::milliseconds timeout, std::size_t from = 0,
                                  std::size_t* index = nullptr);
    std::optional<Line> wait_prefix(const std::string& prefix, std::chrono::milliseconds timeout, std::size_t from = 0);
    /// Sends `command` and waits for a line starting with `reply_prefix` printed after it was sent.
    std::optional<Line> ask(const std::string& command, const std::string& reply_prefix,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// True if some stdout line read so far satisfies `pred`.
    bool any_line(const Pred& pred) const;

    /// Every stdout line so far (a copy), and their number.
    std::vector<Line> lines() const;
    std::size_t line_count() const;
    /// Every stderr line so far (empty with `Options::stderr_log`).
    std::vector<std::string> stderr_lines() const;
    /// Sanitizer reports and other alarming stderr lines (empty when clean).
    std::vector<std::string> alarms() const;

    /// Waits for the child to exit on its own; its wait status (also when it was reaped before),
    /// or nothing after `timeout`. Once it returns a status, every line the child wrote has been
    /// read (the reader saw the end of its output, waited for up to 5 s more): reaping alone is
    /// not enough, the last lines may still be in the pipe, and a check of the child's history
    /// would miss them (Fault.LateJoiners once took a joiner's last tick for lost this way).
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    /// Waits until the reader thread has read the child's output to its end; false at `deadline`.
    bool wait_output_closed(Clock::time_point deadline);
    /// SIGKILLs the child (after SIGCONT: a stopped child must be able to die) and reaps it;
    /// then waits (up to 5 s) until its output is read to the end, as wait_exit does.
    void kill_and_reap();

    /// The child's resident set size in kB and its number of open descriptors (/proc; -1 when
    /// unreadable).
    long rss_kb() const;
    int fd_count() const;

    /// The last `n` stdout and stderr lines, for failure messages.
    std::string tail(std::size_t n = 20) const;

private:
    void read_loop();
    void add_lines(std::vector<std::string> got, bool is_out);
    std::optional<Line> find_locked(const Pred& pred, std::size_t& i, std::size_t* index) const;
    void quit_and_reap();
    void report() const;

    std::string name_;
    Options options_;
    pid_t pid_ = -1;
    Clock::time_point started_;
    int stdin_ = -1, stdout_ = -1, stderr_ = -1;
    std::thread reader_;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Line> lines_;
    std::vector<std::string> err_lines_;
    std::size_t cursor_ = 0;
    bool eof_ = false;

    std::mutex reap_mutex_;
    bool reaped_ = false;
    int status_ = 0;
};

} // namespace zro::test
