// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// A peer process for the benchmark driver: fork/exec with stdin and stdout on pipes (stderr
/// appended to a log file), line-oriented reads with deadlines, and a destructor that makes sure
/// the child is gone (quit, then SIGKILL) so a failed run never leaves processes behind.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace zbench {

using Clock = std::chrono::steady_clock;

class Process {
public:
    Process(std::vector<std::string> argv, const std::string& stderr_log) {
        ::signal(SIGPIPE, SIG_IGN);
        int in[2], out[2];
        if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        const int err = ::open(stderr_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
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
            if (err >= 0) ::dup2(err, 2);
            ::execvp(args[0], args.data());
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        if (err >= 0) ::close(err);
        in_ = in[1];
        out_ = out[0];
        ::fcntl(out_, F_SETFL, ::fcntl(out_, F_GETFL) | O_NONBLOCK);
        argv0_ = argv.empty() ? "" : argv[0];
    }
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process() { stop(); }

    pid_t pid() const noexcept { return pid_; }
    bool eof() const noexcept { return eof_; }
    int out_fd() const noexcept { return out_; }

    void send(const std::string& line) {
        if (in_ < 0) return;
        const std::string s = line + "\n";
        [[maybe_unused]] auto n = ::write(in_, s.data(), s.size());
    }
    void signal(int sig) { if (pid_ > 0) ::kill(pid_, sig); }

    /// Reads what is available into the line queue; false at EOF.
    bool pump() {
        char buf[8192];
        for (;;) {
            const ssize_t r = ::read(out_, buf, sizeof buf);
            if (r > 0) {
                partial_.append(buf, static_cast<std::size_t>(r));
                std::size_t pos;
                while ((pos = partial_.find('\n')) != std::string::npos) {
                    lines_.push_back(partial_.substr(0, pos));
                    partial_.erase(0, pos + 1);
                }
                continue;
            }
            if (r == 0) { eof_ = true; return false; }
            return errno == EAGAIN || errno == EINTR;
        }
    }

    /// Takes the first queued line starting with `prefix` (a "FAIL" line is returned too).
    std::optional<std::string> take(const std::string& prefix) {
        for (auto it = lines_.begin(); it != lines_.end(); ++it)
            if (it->rfind(prefix, 0) == 0 || it->rfind("FAIL", 0) == 0) {
                std::string s = *it;
                lines_.erase(it);
                return s;
            }
        return std::nullopt;
    }

    /// Waits for a line starting with `prefix` until `deadline`.
    std::optional<std::string> wait_line(const std::string& prefix, Clock::time_point deadline) {
        for (;;) {
            pump();
            if (auto l = take(prefix)) return l;
            if (eof_) return std::nullopt;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) return std::nullopt;
            pollfd p{out_, POLLIN, 0};
            ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
        }
    }

    /// Asks the peer to quit, waits up to 2 s, then kills it.
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGCONT);
        send("quit");
        if (in_ >= 0) { ::close(in_); in_ = -1; }
        const auto end = Clock::now() + std::chrono::seconds(2);
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (Clock::now() > end) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        pid_ = -1;
        if (out_ >= 0) { ::close(out_); out_ = -1; }
    }

private:
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1;
    bool eof_ = false;
    std::string partial_, argv0_;
    std::deque<std::string> lines_;
};

/// Waits until every process in `ps` printed a line starting with `prefix`; the lines, in order
/// (an empty string for a process that did not before `deadline`).
inline std::vector<std::string> wait_all(const std::vector<Process*>& ps, const std::string& prefix,
                                         Clock::time_point deadline) {
    std::vector<std::string> got(ps.size());
    std::vector<bool> have(ps.size(), false);
    std::size_t left = ps.size();
    while (left > 0) {
        std::vector<pollfd> fds;
        for (std::size_t i = 0; i < ps.size(); ++i) {
            if (have[i]) continue;
            ps[i]->pump();
            if (auto l = ps[i]->take(prefix)) {
                got[i] = *l;
                have[i] = true;
                --left;
                continue;
            }
            if (ps[i]->eof()) {  // the peer died: it will not print the line
                have[i] = true;
                --left;
                continue;
            }
            fds.push_back({ps[i]->out_fd(), POLLIN, 0});
        }
        if (left == 0) break;
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (ms <= 0) break;
        ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(ms, 50)));
    }
    return got;
}

} // namespace zbench
