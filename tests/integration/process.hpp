// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// A child process for the integration tests: spawned with fork/exec, its stdin and stdout/stderr
/// on pipes. A reader thread drains both pipes all the time (so a child never blocks on a full
/// pipe while the test looks at another one) and records every line with the time it was read,
/// so tests can wait for lines with a timeout and measure durations between events.
///
/// The destructor SIGKILLs the child (if it still runs) and reaps it by pid, so a test that fails
/// half-way never leaves processes behind. Children also get PR_SET_PDEATHSIG(SIGKILL): they die
/// with the test binary even if it crashes.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace zit {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

/// One line a child printed, and when the test read it.
struct Line {
    std::string text;
    Clock::time_point at;
};

inline long long ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

inline bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

class Process {
public:
    using Pred = std::function<bool(const std::string&)>;

    /// Spawns `argv[0]` with `argv`. `label` names the process in failure output.
    Process(std::string label, std::vector<std::string> argv) : label_(std::move(label)), argv_(std::move(argv)) {
        ::signal(SIGPIPE, SIG_IGN);  // writing to a dead child's stdin must not kill the test
        int in[2], out[2], err[2];
        if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
            throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
        // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
        std::vector<char*> args;
        for (auto& a : argv_) args.push_back(a.data());
        args.push_back(nullptr);
        const pid_t parent = ::getpid();
        started_ = Clock::now();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);  // the test died before we got here
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            ::execv(args[0], args.data());
            const char msg[] = "exec failed\n";
            (void)!::write(2, msg, sizeof msg - 1);
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        stdin_ = in[1];
        stdout_ = out[0];
        stderr_ = err[0];
        reader_ = std::thread([this] { read_loop(); });
    }

    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    ~Process() {
        kill_and_reap();
        if (reader_.joinable()) reader_.join();
        // A sanitizer report in a child fails the test even if the child's work looked right.
        for (const auto& l : err_lines_)
            if (l.find("AddressSanitizer") != std::string::npos || l.find("LeakSanitizer") != std::string::npos ||
                l.find("ThreadSanitizer") != std::string::npos || l.find("runtime error:") != std::string::npos) {
                ADD_FAILURE() << label_ << " reported: " << l;
                break;
            }
        // On failure (or always, with ZIT_DUMP=N in the environment) show what the child printed.
        const char* env = std::getenv("ZIT_DUMP");
        if (env && std::atoi(env) > 0) dump(static_cast<std::size_t>(std::atoi(env)));
        else if (::testing::Test::HasFailure()) dump(40);
        if (stdin_ >= 0) ::close(stdin_);
        if (stdout_ >= 0) ::close(stdout_);
        if (stderr_ >= 0) ::close(stderr_);
    }

    pid_t pid() const noexcept { return pid_; }
    const std::string& label() const noexcept { return label_; }
    Clock::time_point started() const noexcept { return started_; }

    /// Writes `line` and a newline to the child's stdin. False if the child is gone.
    bool send(const std::string& line) {
        if (stdin_ < 0) return false;
        std::string s = line + "\n";
        const char* p = s.data();
        std::size_t left = s.size();
        while (left > 0) {
            const ssize_t n = ::write(stdin_, p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        return true;
    }

    void close_stdin() {
        if (stdin_ >= 0) ::close(stdin_);
        stdin_ = -1;
    }

    /// Sends a signal (SIGKILL, SIGSTOP, SIGCONT, SIGTERM, ...). False if the child was reaped.
    bool signal(int sig) {
        std::lock_guard lock(reap_mutex_);
        if (reaped_) return false;
        return ::kill(pid_, sig) == 0;
    }

    /// Waits for the next line (from the cursor on) that satisfies `pred`; on success the cursor
    /// moves past it (lines skipped on the way are consumed too).
    std::optional<Line> wait_for(const Pred& pred, std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        std::unique_lock lock(mutex_);
        for (;;) {
            for (; cursor_ < lines_.size(); ++cursor_)
                if (pred(lines_[cursor_].text)) return lines_[cursor_++];
            if (eof_) return std::nullopt;
            if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
                for (; cursor_ < lines_.size(); ++cursor_)
                    if (pred(lines_[cursor_].text)) return lines_[cursor_++];
                return std::nullopt;
            }
        }
    }
    /// Waits until some line, anywhere in the output (consumed or not), satisfies `pred`. The
    /// cursor does not move: for lines whose order relative to others does not matter.
    std::optional<Line> wait_any(const Pred& pred, std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        std::unique_lock lock(mutex_);
        std::size_t checked = 0;
        for (;;) {
            for (; checked < lines_.size(); ++checked)
                if (pred(lines_[checked].text)) return lines_[checked];
            if (eof_ || cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
                for (; checked < lines_.size(); ++checked)
                    if (pred(lines_[checked].text)) return lines_[checked];
                return std::nullopt;
            }
        }
    }
    std::optional<Line> wait_for_prefix(const std::string& prefix, std::chrono::milliseconds timeout) {
        return wait_for([&](const std::string& s) { return starts_with(s, prefix); }, timeout);
    }
    std::optional<Line> wait_for_exact(const std::string& text, std::chrono::milliseconds timeout) {
        return wait_for([&](const std::string& s) { return s == text; }, timeout);
    }

    /// Sends `command` and waits for the next line starting with `reply_prefix`.
    std::optional<Line> request(const std::string& command, const std::string& reply_prefix,
                                std::chrono::milliseconds timeout = 5s) {
        if (!send(command)) return std::nullopt;
        return wait_for_prefix(reply_prefix, timeout);
    }

    /// Every stdout line so far (a copy).
    std::vector<Line> lines() const {
        std::lock_guard lock(mutex_);
        return lines_;
    }
    std::vector<std::string> stderr_lines() const {
        std::lock_guard lock(mutex_);
        return err_lines_;
    }
    std::size_t line_count() const {
        std::lock_guard lock(mutex_);
        return lines_.size();
    }
    std::size_t cursor() const {
        std::lock_guard lock(mutex_);
        return cursor_;
    }
    /// True if some stdout line (anywhere, consumed or not) satisfies `pred`.
    bool any_line(const Pred& pred) const {
        std::lock_guard lock(mutex_);
        for (const auto& l : lines_)
            if (pred(l.text)) return true;
        return false;
    }

    /// Waits for the child to exit on its own; returns its wait status.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            {
                std::lock_guard lock(reap_mutex_);
                if (reaped_) return status_;
                int st = 0;
                const pid_t r = ::waitpid(pid_, &st, WNOHANG);
                if (r == pid_) {
                    reaped_ = true;
                    status_ = st;
                    return st;
                }
            }
            if (Clock::now() >= deadline) return std::nullopt;
            std::this_thread::sleep_for(5ms);  // polling waitpid: there is no fd to wait on
        }
    }

    /// SIGKILLs the child (if still running) and reaps it.
    void kill_and_reap() {
        std::lock_guard lock(reap_mutex_);
        if (reaped_) return;
        ::kill(pid_, SIGKILL);
        int st = 0;
        while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
        status_ = st;
    }

    /// The last `n` stdout and stderr lines, for failure messages.
    std::string tail(std::size_t n = 15) const {
        std::lock_guard lock(mutex_);
        std::ostringstream os;
        os << "---- " << label_ << " (pid " << pid_ << "): last stdout lines (" << lines_.size() << " in all)\n";
        for (std::size_t i = lines_.size() > n ? lines_.size() - n : 0; i < lines_.size(); ++i) os << "  | " << lines_[i].text << "\n";
        os << "---- " << label_ << ": last stderr lines (" << err_lines_.size() << " in all)\n";
        for (std::size_t i = err_lines_.size() > n ? err_lines_.size() - n : 0; i < err_lines_.size(); ++i) os << "  ! " << err_lines_[i] << "\n";
        return os.str();
    }
    void dump(std::size_t n) const { std::cerr << tail(n); }

private:
    void read_loop() {
        std::string out_buf, err_buf;
        bool out_open = true, err_open = true;
        char chunk[65536];
        while (out_open || err_open) {
            pollfd fds[2];
            int nfds = 0;
            int out_i = -1, err_i = -1;
            if (out_open) { out_i = nfds; fds[nfds++] = {stdout_, POLLIN, 0}; }
            if (err_open) { err_i = nfds; fds[nfds++] = {stderr_, POLLIN, 0}; }
            const int r = ::poll(fds, static_cast<nfds_t>(nfds), 500);
            if (r < 0) {
                if (errno == EINTR) continue;
                break;
            }
            auto drain = [&](int idx, int fd, std::string& buf, bool& open, bool is_out) {
                if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
                const ssize_t n = ::read(fd, chunk, sizeof chunk);
                if (n < 0 && errno == EINTR) return;
                if (n <= 0) {
                    open = false;
                    if (!buf.empty()) { add_line(std::move(buf), is_out); buf.clear(); }
                    return;
                }
                buf.append(chunk, static_cast<std::size_t>(n));
                std::size_t start = 0, nl;
                std::vector<std::string> got;
                while ((nl = buf.find('\n', start)) != std::string::npos) {
                    got.emplace_back(buf, start, nl - start);
                    start = nl + 1;
                }
                buf.erase(0, start);
                if (!got.empty()) add_lines(std::move(got), is_out);
            };
            drain(out_i, stdout_, out_buf, out_open, true);
            drain(err_i, stderr_, err_buf, err_open, false);
        }
        std::lock_guard lock(mutex_);
        eof_ = true;
        cv_.notify_all();
    }
    void add_line(std::string s, bool is_out) { add_lines({std::move(s)}, is_out); }
    void add_lines(std::vector<std::string> got, bool is_out) {
        const auto now = Clock::now();
        std::lock_guard lock(mutex_);
        for (auto& s : got) {
            if (is_out) lines_.push_back({std::move(s), now});
            else if (err_lines_.size() < 100000) err_lines_.push_back(std::move(s));
        }
        if (is_out) cv_.notify_all();
    }

    std::string label_;
    std::vector<std::string> argv_;
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

} // namespace zit
