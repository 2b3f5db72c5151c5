// zro — shared live objects over ZeroMQ.
// `zro`: the command line. Verbs live in src/cli/<verb>.cpp and register themselves (cli.hpp).

#include "cli.hpp"

#include <zro/error.hpp>
#include <zro/log.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <thread>

namespace zro::cli {
void deliver_interrupt();  // common.cpp
}

namespace {

using namespace zro::cli;

const char* exit_codes_text =
    "exit codes:\n"
    "  0  success\n"
    "  1  the remote operation failed (handler failed, source gone, ...); doctor: a check failed\n"
    "  2  usage: bad command line, bad JSON, unreadable .rep file\n"
    "  3  no host answered at the URL(s) in time\n"
    "  4  not found: no such object, property, method or signal\n"
    "  5  bad value: a value or argument that does not match the schema\n"
    "  6  read-only: the property's mode does not allow writes\n"
    "  7  timeout: the object did not become valid or the reply did not come in time\n"
    "  8  discovery unavailable: no --url, and avahi-daemon (or the --registry) cannot be reached\n";

void print_main_help(std::FILE* out) {
    std::fprintf(out, "zro: browse, watch and drive zro objects (docs/CLI.md)\n\n"
                      "usage: zro VERB [OPTIONS] [ARGS]      zro VERB -h for a verb's options and examples\n\n"
                      "verbs:\n");
    Table t;
    for (const Verb* v : verbs()) t.row({v->name, v->summary});
    t.print(out, Style{}, "  ");
    std::fprintf(out, "\nhosts: --url URL (repeatable) or the ZRO_URL environment variable (comma-separated).\n"
                      "without them: hosts found through mDNS (avahi-daemon), or through --registry URL.\n\n%s", exit_codes_text);
}

void print_verb_help(const Verb& v) {
    std::printf("%s\n\noptions:\n", v.usage.c_str());
    Table t;
    auto add = [&](const OptionSpec& o) {
        std::string flag = o.short_name ? std::string("-") + o.short_name + ", " : std::string("    ");
        flag += "--" + o.name;
        if (!o.value_name.empty()) flag += " " + o.value_name;
        t.row({flag, o.help});
    };
    for (const auto& o : v.options) add(o);
    for (const auto& o : common_options()) add(o);
    t.print(stdout, Style{}, "  ");
    std::printf("\n%s", exit_codes_text);
}

/// SIGINT/SIGTERM/SIGHUP are blocked in every thread (zmq's too, which start later and inherit
/// the mask) and read here through a signalfd, so verbs can stop cleanly.
class SignalThread {
public:
    SignalThread() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &set, nullptr);
        sfd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
        if (::pipe2(wake_, O_CLOEXEC) != 0) wake_[0] = wake_[1] = -1;
        thread_ = std::thread([this] {
            pollfd fds[2] = {{sfd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
            while (true) {
                if (::poll(fds, 2, -1) < 0) continue;
                if (fds[1].revents) return;
                if (fds[0].revents & POLLIN) {
                    signalfd_siginfo info{};
                    if (::read(sfd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) deliver_interrupt();
                }
            }
        });
    }
    ~SignalThread() {
        if (wake_[1] >= 0) {
            char c = 1;
            (void)!::write(wake_[1], &c, 1);
        }
        if (thread_.joinable()) thread_.join();
        ::close(sfd_);
        ::close(wake_[0]);
        ::close(wake_[1]);
    }

private:
    int sfd_ = -1;
    int wake_[2] = {-1, -1};
    std::thread thread_;
};

} // namespace

int main(int argc, char** argv) {
    ::signal(SIGPIPE, SIG_IGN);  // a closed stdout is seen as a write error (print_line)
    std::vector<std::string> rest(argv + 1, argv + argc);
    if (rest.empty()) {
        print_main_help(stderr);
        return static_cast<int>(Exit::usage);
    }
    const std::string name = rest[0];
    if (name == "-h" || name == "--help" || name == "help") {
        print_main_help(stdout);
        return 0;
    }
    const Verb* verb = nullptr;
    for (const Verb* v : verbs())
        if (v->name == name) verb = v;
    if (!verb) {
        std::vector<std::string> names;
        for (const Verb* v : verbs()) names.push_back(v->name);
        std::fprintf(stderr, "zro: unknown verb '%s'; verbs: %s (zro -h)\n", name.c_str(), join_names(names).c_str());
        return static_cast<int>(Exit::usage);
    }
    rest.erase(rest.begin());
    SignalThread signals;
    try {
        Args args(rest, verb->options);
        if (args.help()) {
            print_verb_help(*verb);
            return 0;
        }
        return verb->run(args);
    } catch (const CliError& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "zro %s: %s\n", name.c_str(), e.what());
        return static_cast<int>(e.code());
    } catch (const zro::Error& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "zro %s: %s (%s)\n", name.c_str(), e.what(), std::string(zro::to_string(e.code())).c_str());
        return static_cast<int>(exit_for(e.code()));
    } catch (const std::exception& e) {
        std::fflush(stdout);
        std::fprintf(stderr, "zro %s: %s\n", name.c_str(), e.what());
        return static_cast<int>(Exit::failed);
    }
}
