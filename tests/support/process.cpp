// zro — shared live objects over ZeroMQ.
#include "process.hpp"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace zro::test {

using namespace std::chrono_literals;

namespace {

// Bounds the memory a child that floods its stderr can take.
constexpr std::size_t kMaxStderrLines = 100000;

std::runtime_error os_error(const char* what) { return std::runtime_error(std::string(what) + ": " + std::strerror(errno)); }

} // namespace

Process::Process(std::string name, std::vector<std::string> argv) : Process(std::move(name), std::move(argv), Options{}) {}

Process::Process(std::string name, std::vector<std::string> argv, Options options)
    : name_(std::move(name)), options_(std::move(options)) {
    ::signal(SIGPIPE, SIG_IGN);  // writing to a dead child's stdin must not kill the test
    int in[2], out[2], err[2] = {-1, -1};
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw os_error("pipe2");
    if (options_.stderr_log.empty()) {
        if (::pipe2(err, O_CLOEXEC) != 0) throw os_error("pipe2");
    } else {
        err[1] = ::open(options_.stderr_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (err[1] < 0) throw os_error(("open " + options_.stderr_log).c_str());
    }
    // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    started_ = Clock::now();
    pid_ = ::fork();
    if (pid_ < 0) throw os_error("fork");
    if (pid_ == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);  // the test died before we got here
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execvp(args[0], args.data());
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

Process::~Process() {
    quit_and_reap();
    if (reader_.joinable()) reader_.join();
    close_stdin();
    if (stdout_ >= 0) ::close(stdout_);
    if (stderr_ >= 0) ::close(stderr_);
    report();
}

void Process::report() const {
    if (options_.fail_on_alarm)
        for (const auto& l : alarms()) {
            ADD_FAILURE() << name_ << " reported: " << l;
            break;
        }
    const char* env = std::getenv("ZRO_TEST_DUMP");
    if (env && std::atoi(env) > 0) std::cerr << tail(static_cast<std::size_t>(std::atoi(env)));
    else if (options_.dump_on_failure > 0 && ::testing::Test::HasFailure()) std::cerr << tail(options_.dump_on_failure);
}

bool Process::send(const std::string& line) {
    if (stdin_ < 0) return false;
    const std::string s = line + "\n";
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

void Process::close_stdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
}

bool Process::signal(int sig) {
    std::lock_guard lock(reap_mutex_);
    if (reaped_) return false;
    return ::kill(pid_, sig) == 0;
}

// ---- waiting for lines ----------------------------------------------------------------------

std::optional<Line> Process::find_locked(const Pred& pred, std::size_t& i, std::size_t* index) const {
    for (; i < lines_.size(); ++i)
        if (pred(lines_[i].text)) {
            if (index) *index = i;
            return lines_[i];
        }
    return std::nullopt;
}

std::optional<Line> Process::wait_line(const Pred& pred, std::chrono::milliseconds timeout, std::size_t from,
                                       std::size_t* index) {
    const auto deadline = Clock::now() + timeout;
    std::unique_lock lock(mutex_);
    std::size_t i = from;
    for (;;) {
        if (auto l = find_locked(pred, i, index)) return l;
        if (eof_ || cv_.wait_until(lock, deadline) == std::cv_status::timeout) return find_locked(pred, i, index);
    }
}

std::optional<Line> Process::wait_prefix(const std::string& prefix, std::chrono::milliseconds timeout, std::size_t from) {
    return wait_line([&](const std::string& s) { return starts_with(s, prefix); }, timeout, from);
}

std::optional<Line> Process::ask(const std::string& command, const std::string& reply_prefix, std::chrono::milliseconds timeout) {
    const std::size_t from = line_count();
    send(command);
    return wait_prefix(reply_prefix, timeout, from);
}

std::optional<Line> Process::wait_for(const Pred& pred, std::chrono::milliseconds timeout) {
    std::size_t start;
    {
        std::lock_guard lock(mutex_);
        start = cursor_;
    }
    std::size_t at = 0;
    auto l = wait_line(pred, timeout, start, &at);
    std::lock_guard lock(mutex_);
    cursor_ = l ? at + 1 : lines_.size();
    return l;
}

std::optional<Line> Process::wait_for_prefix(const std::string& prefix, std::chrono::milliseconds timeout) {
    return wait_for([&](const std::string& s) { return starts_with(s, prefix); }, timeout);
}

std::optional<Line> Process::wait_for_exact(const std::string& text, std::chrono::milliseconds timeout) {
    return wait_for([&](const std::string& s) { return s == text; }, timeout);
}

std::optional<Line> Process::request(const std::string& command, const std::string& reply_prefix,
                                     std::chrono::milliseconds timeout) {
    if (!send(command)) return std::nullopt;
    return wait_for_prefix(reply_prefix, timeout);
}

bool Process::any_line(const Pred& pred) const {
    std::lock_guard lock(mutex_);
    std::size_t i = 0;
    return find_locked(pred, i, nullptr).has_value();
}

std::vector<Line> Process::lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
}

std::size_t Process::line_count() const {
    std::lock_guard lock(mutex_);
    return lines_.size();
}

std::vector<std::string> Process::stderr_lines() const {
    std::lock_guard lock(mutex_);
    return err_lines_;
}

std::vector<std::string> Process::alarms() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& l : err_lines_)
        if (l.find("Sanitizer") != std::string::npos || l.find("runtime error:") != std::string::npos ||
            l.find("terminate called") != std::string::npos)
            out.push_back(l);
    return out;
}

// ---- exit -----------------------------------------------------------------------------------

std::optional<int> Process::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        {
            std::lock_guard lock(reap_mutex_);
            int st = 0;
            if (reaped_) return status_;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) {
                reaped_ = true;
                status_ = st;
                break;
            }
        }
        if (Clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(5ms);  // polling waitpid: there is no fd to wait on
    }
    wait_output_closed(deadline + 5s);
    return status_;
}

bool Process::wait_output_closed(Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return cv_.wait_until(lock, deadline, [this] { return eof_; });
}

void Process::kill_and_reap() {
    {
        std::lock_guard lock(reap_mutex_);
        if (reaped_) return;
        ::kill(pid_, SIGCONT);
        ::kill(pid_, SIGKILL);
        int st = 0;
        while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
        status_ = st;
    }
    wait_output_closed(Clock::now() + 5s);
}

void Process::quit_and_reap() {
    if (!options_.quit_command.empty()) {
        signal(SIGCONT);
        send(options_.quit_command);
        close_stdin();
        wait_exit(options_.quit_grace);
    }
    kill_and_reap();
}

// ---- /proc ----------------------------------------------------------------------------------

long Process::rss_kb() const {
    std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
    const std::string key = "VmRSS:";
    std::string line;
    while (std::getline(f, line))
        if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + key.size());
    return -1;
}

int Process::fd_count() const {
    DIR* d = ::opendir(("/proc/" + std::to_string(pid_) + "/fd").c_str());
    if (!d) return -1;
    int n = 0;
    while (const dirent* e = ::readdir(d))
        if (e->d_name[0] != '.') ++n;
    ::closedir(d);
    return n;
}

// ---- output ---------------------------------------------------------------------------------

std::string Process::tail(std::size_t n) const {
    std::lock_guard lock(mutex_);
    std::ostringstream os;
    os << "---- " << name_ << " (pid " << pid_ << "): last stdout lines (" << lines_.size() << " in all)\n";
    for (std::size_t i = lines_.size() > n ? lines_.size() - n : 0; i < lines_.size(); ++i) os << "  | " << lines_[i].text << "\n";
    os << "---- " << name_ << ": last stderr lines (" << err_lines_.size() << " in all)\n";
    for (std::size_t i = err_lines_.size() > n ? err_lines_.size() - n : 0; i < err_lines_.size(); ++i) os << "  ! " << err_lines_[i] << "\n";
    return os.str();
}

void Process::read_loop() {
    struct Stream {
        int fd;
        bool is_out;
        std::string partial;
    };
    std::vector<Stream> open{{stdout_, true, {}}};
    if (stderr_ >= 0) open.push_back({stderr_, false, {}});
    char chunk[65536];
    while (!open.empty()) {
        std::vector<pollfd> fds;
        for (const auto& s : open) fds.push_back({s.fd, POLLIN, 0});
        if (::poll(fds.data(), static_cast<nfds_t>(fds.size()), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (std::size_t k = fds.size(); k-- > 0;) {
            if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            Stream& s = open[k];
            const ssize_t n = ::read(s.fd, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {  // end of stream: a last line without its newline still counts
                if (!s.partial.empty()) add_lines({std::move(s.partial)}, s.is_out);
                open.erase(open.begin() + static_cast<std::ptrdiff_t>(k));
                continue;
            }
            s.partial.append(chunk, static_cast<std::size_t>(n));
            std::vector<std::string> got;
            std::size_t start = 0;
            for (std::size_t nl; (nl = s.partial.find('\n', start)) != std::string::npos; start = nl + 1)
                got.emplace_back(s.partial, start, nl - start);
            s.partial.erase(0, start);
            if (!got.empty()) add_lines(std::move(got), s.is_out);
        }
    }
    std::lock_guard lock(mutex_);
    eof_ = true;
    cv_.notify_all();
}

void Process::add_lines(std::vector<std::string> got, bool is_out) {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    for (auto& s : got) {
        if (is_out) lines_.push_back({std::move(s), now});
        else if (err_lines_.size() < kMaxStderrLines) err_lines_.push_back(std::move(s));
    }
    if (is_out) cv_.notify_all();
}

} // namespace zro::test
