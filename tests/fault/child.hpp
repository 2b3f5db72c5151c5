// zro — shared live objects over ZeroMQ.
// A child process for the fault suite: started with fork/exec, stdin writable, stdout read by a
// thread into timestamped lines, stderr kept for sanitizer reports. Signals (SIGKILL, SIGSTOP,
// SIGCONT) go to the child's pid only; the destructor kills and reaps it. /proc gives its RSS and
// descriptor count. When the current test has failed, the destructor prints the child's output.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace zfault {

using Clock = std::chrono::steady_clock;

struct Line {
    Clock::time_point at;
    std::string text;
};

inline bool has_prefix(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

class Child {
public:
    Child(std::string name, std::vector<std::string> argv) : name_(std::move(name)) {
        ::signal(SIGPIPE, SIG_IGN);
        int in[2], out[2], err[2];
        if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
            throw std::runtime_error("pipe2 failed");
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            ::dup2(err[1], 2);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        ::close(err[1]);
        in_ = in[1];
        reader_ = std::thread([this, o = out[0], e = err[0]] { read_loop(o, e); });
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() {
        kill_and_reap();
        if (reader_.joinable()) reader_.join();
        if (in_ >= 0) ::close(in_);
        // When the test failed, show what the child printed (and any sanitizer report).
        if (::testing::Test::HasFailure()) std::cerr << tail(25);
    }

    const std::string& name() const { return name_; }
    pid_t pid() const { return pid_; }

    void send(const std::string& line) {
        const std::string s = line + "\n";
        std::size_t done = 0;
        while (done < s.size()) {
            const ssize_t n = ::write(in_, s.data() + done, s.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            done += static_cast<std::size_t>(n);
        }
    }
    void signal(int sig) {
        if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
    }
    void kill_and_reap() {
        if (pid_ <= 0 || reaped_) return;
        ::kill(pid_, SIGCONT);  // a stopped child must be able to die
        ::kill(pid_, SIGKILL);
        int st = 0;
        while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
    }
    /// Waits for a normal exit (after "quit"); kills after the timeout. Returns the exit code or -1.
    /// On return every line the child wrote has been read: the reader thread saw the end of its
    /// output. (Reaping alone is not enough: lines still in the pipe would be missing from
    /// lines(), and a history check would take the last events for lost — Fault.LateJoiners
    /// once reported the last tick before a joiner's "quit" as missing this way.)
    int wait_exit(std::chrono::milliseconds timeout) {
        const auto end = Clock::now() + timeout;
        while (!reaped_ && Clock::now() < end) {
            int st = 0;
            const pid_t r = ::waitpid(pid_, &st, WNOHANG);
            if (r == pid_) {
                reaped_ = true;
                wait_output_closed(end + std::chrono::seconds(5));
                return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        kill_and_reap();
        wait_output_closed(Clock::now() + std::chrono::seconds(5));
        return -1;
    }
    /// Waits until the reader thread has read the child's output to its end (the pipes closed).
    bool wait_output_closed(Clock::time_point deadline) {
        std::unique_lock lock(mutex_);
        return cv_.wait_until(lock, deadline, [this] { return eof_; });
    }

    /// The first line at index >= `from` matching `pred`, waiting up to `timeout`.
    std::optional<Line> wait_line(const std::function<bool(const std::string&)>& pred, std::chrono::milliseconds timeout,
                                  std::size_t from = 0, std::size_t* index = nullptr) {
        std::unique_lock lock(mutex_);
        const auto end = Clock::now() + timeout;
        std::size_t i = from;
        for (;;) {
            for (; i < lines_.size(); ++i)
                if (pred(lines_[i].text)) {
                    if (index) *index = i;
                    return lines_[i];
                }
            if (eof_ || cv_.wait_until(lock, end) == std::cv_status::timeout) {
                for (; i < lines_.size(); ++i)
                    if (pred(lines_[i].text)) {
                        if (index) *index = i;
                        return lines_[i];
                    }
                return std::nullopt;
            }
        }
    }
    std::optional<Line> wait_prefix(const std::string& p, std::chrono::milliseconds timeout, std::size_t from = 0) {
        return wait_line([&](const std::string& s) { return has_prefix(s, p); }, timeout, from);
    }
    /// Sends `cmd` and waits for the next line starting with `reply_prefix`.
    std::optional<Line> ask(const std::string& cmd, const std::string& reply_prefix, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const std::size_t from = line_count();
        send(cmd);
        return wait_prefix(reply_prefix, timeout, from);
    }
    std::size_t line_count() const {
        std::lock_guard lock(mutex_);
        return lines_.size();
    }
    std::vector<Line> lines() const {
        std::lock_guard lock(mutex_);
        return lines_;
    }
    /// Sanitizer reports and other alarming stderr lines (empty when clean).
    std::vector<std::string> alarms() const {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& l : err_)
            if (l.find("Sanitizer") != std::string::npos || l.find("runtime error:") != std::string::npos ||
                l.find("terminate called") != std::string::npos)
                out.push_back(l);
        return out;
    }
    std::string tail(std::size_t n = 20) const {
        std::lock_guard lock(mutex_);
        std::string s = "---- " + name_ + " (pid " + std::to_string(pid_) + ") stdout tail:\n";
        for (std::size_t i = lines_.size() > n ? lines_.size() - n : 0; i < lines_.size(); ++i) s += "  " + lines_[i].text + "\n";
        s += "---- stderr tail:\n";
        for (std::size_t i = err_.size() > n ? err_.size() - n : 0; i < err_.size(); ++i) s += "  " + err_[i] + "\n";
        return s;
    }

    long rss_kb() const { return proc_status_kb(pid_, "VmRSS:"); }
    int fds() const { return fd_count(pid_); }

    static long proc_status_kb(pid_t pid, const char* key) {
        std::ifstream f("/proc/" + std::to_string(pid) + "/status");
        std::string line;
        while (std::getline(f, line))
            if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
        return -1;
    }
    static int fd_count(pid_t pid) {
        int n = 0;
        DIR* d = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
        if (!d) return -1;
        while (const dirent* e = ::readdir(d))
            if (e->d_name[0] != '.') ++n;
        ::closedir(d);
        return n;
    }

private:
    void read_loop(int out_fd, int err_fd) {
        std::string obuf, ebuf;
        char chunk[65536];
        bool o_open = true, e_open = true;
        while (o_open || e_open) {
            pollfd fds[2];
            int n = 0, oi = -1, ei = -1;
            if (o_open) { oi = n; fds[n++] = {out_fd, POLLIN, 0}; }
            if (e_open) { ei = n; fds[n++] = {err_fd, POLLIN, 0}; }
            if (::poll(fds, static_cast<nfds_t>(n), -1) < 0) {
                if (errno == EINTR) continue;
                break;
            }
            auto drain = [&](int fd, std::string& buf, bool& open, bool is_out) {
                const ssize_t r = ::read(fd, chunk, sizeof chunk);
                if (r <= 0) {
                    if (r < 0 && errno == EINTR) return;
                    open = false;
                    ::close(fd);
                    if (!buf.empty()) push(is_out, buf);
                    return;
                }
                buf.append(chunk, static_cast<std::size_t>(r));
                std::size_t start = 0;
                for (std::size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1)
                    push(is_out, buf.substr(start, nl - start));
                buf.erase(0, start);
            };
            if (oi >= 0 && (fds[oi].revents & (POLLIN | POLLHUP | POLLERR))) drain(out_fd, obuf, o_open, true);
            if (ei >= 0 && (fds[ei].revents & (POLLIN | POLLHUP | POLLERR))) drain(err_fd, ebuf, e_open, false);
        }
        std::lock_guard lock(mutex_);
        eof_ = true;
        cv_.notify_all();
    }
    void push(bool is_out, std::string text) {
        std::lock_guard lock(mutex_);
        if (is_out) lines_.push_back({Clock::now(), std::move(text)});
        else if (err_.size() < 5000) err_.push_back(std::move(text));
        cv_.notify_all();
    }

    std::string name_;
    pid_t pid_ = -1;
    bool reaped_ = false;
    int in_ = -1;
    std::thread reader_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Line> lines_;
    std::vector<std::string> err_;
    bool eof_ = false;
};

} // namespace zfault
