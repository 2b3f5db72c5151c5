// zro — shared live objects over ZeroMQ.
#pragma once
// Helpers of the CLI integration tests (cli_test.cpp, cli_models_test.cpp): run the built `zro`
// to completion, or a `zro serve` process on a free port, and read their JSON lines.

#include "support/process.hpp"

#include "cli/json_value.hpp"

#include <zro/zro.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace zro::test::cli {

using namespace std::chrono_literals;
using zro::Value;

inline const std::string zro_bin = ZRO_CLI;
inline const std::string reps = ZRO_CLI_REPS;

struct Result {
    int code = -1;
    std::string out, err;
    std::vector<std::string> lines() const {
        std::vector<std::string> l;
        std::size_t start = 0;
        while (start < out.size()) {
            auto nl = out.find('\n', start);
            if (nl == std::string::npos) nl = out.size();
            l.push_back(out.substr(start, nl - start));
            start = nl + 1;
        }
        return l;
    }
};

inline std::ostream& operator<<(std::ostream& os, const Result& r) {
    return os << "exit " << r.code << "\n--- stdout\n" << r.out << "--- stderr\n" << r.err;
}

/// Runs `zro ARGS...` to completion (killed after `limit`), feeding `input` on stdin.
inline Result zro(std::vector<std::string> args, const std::string& input = {}, std::chrono::milliseconds limit = 20s) {
    args.insert(args.begin(), zro_bin);
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    ::signal(SIGPIPE, SIG_IGN);
    if (!input.empty()) (void)!::write(in[1], input.data(), input.size());
    ::close(in[1]);
    Result r;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool out_open = true, err_open = true;
    while (out_open || err_open) {
        pollfd fds[2] = {{out[0], static_cast<short>(out_open ? POLLIN : 0), 0}, {err[0], static_cast<short>(err_open ? POLLIN : 0), 0}};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(pid, SIGKILL);
            ADD_FAILURE() << "zro did not finish within " << limit.count() << " ms";
            break;
        }
        if (::poll(fds, 2, static_cast<int>(left.count())) < 0) continue;
        char buf[65536];
        for (int i = 0; i < 2; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) (i == 0 ? out_open : err_open) = false;
            else (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
        }
    }
    ::close(out[0]);
    ::close(err[0]);
    int st = 0;
    ::waitpid(pid, &st, 0);
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    for (const auto* s : {"AddressSanitizer", "LeakSanitizer", "runtime error:"})
        if (r.err.find(s) != std::string::npos) ADD_FAILURE() << "sanitizer report from zro " << args[1] << ":\n" << r.err;
    return r;
}

inline Value json(const std::string& text) { return zro::cli::to_value(zro::cli::parse_json(text)); }

inline bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

/// Whether a stderr line of `p` contains `needle` (within 3 s: the reader thread may lag).
inline bool stderr_has(const Process& p, const std::string& needle) {
    for (int i = 0; i < 60; ++i) {
        for (const auto& l : p.stderr_lines())
            if (contains(l, needle)) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

/// The signature `zro serve` reports for a .rep given as text (`file` names the temporary copy),
/// or "" (with a test failure) when it did not start serving.
inline std::string signature_when_served(const std::string& rep_text, const std::string& file) {
    const std::string path = ::testing::TempDir() + "/" + file;
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) {
        ADD_FAILURE() << "cannot write " << path;
        return "";
    }
    std::fputs(rep_text.c_str(), f);
    std::fclose(f);
    Process served("zro serve " + file, {zro_bin, "serve", path, "--url", "tcp://127.0.0.1:0"});
    auto line = served.wait_for([](const std::string& s) { return contains(s, "serving"); }, 10s);
    if (!line) {
        ADD_FAILURE() << "zro serve " << file << " did not start: " << served.tail();
        return "";
    }
    return json(line->text).at("signature").as_string();
}

/// `zro serve FILE.rep` on a free port; `url` once it printed its "serving" line.
struct Served {
    std::unique_ptr<Process> proc;
    std::string url;

    explicit Served(const std::string& rep, std::vector<std::string> extra = {}) {
        std::vector<std::string> argv{zro_bin, "serve", reps + "/" + rep, "--url", "tcp://127.0.0.1:0"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        proc = std::make_unique<Process>("zro serve " + rep, argv);
        auto line = proc->wait_for([](const std::string& s) { return contains(s, "\"event\":\"serving\""); }, 10s);
        if (!line) throw std::runtime_error("zro serve did not start:\n" + proc->tail());
        url = json(line->text).at("url").as_string();
    }
    /// The next stdout line of the server that contains `needle`, parsed.
    Value next(const std::string& needle, std::chrono::milliseconds timeout = 5s) {
        auto line = proc->wait_for([&](const std::string& s) { return contains(s, needle); }, timeout);
        if (!line) throw std::runtime_error("zro serve printed no line with " + needle + ":\n" + proc->tail());
        return json(line->text);
    }
};

} // namespace zro::test::cli
