// zro — shared live objects over ZeroMQ.
// `zro`: the command line. Verbs live in src/cli/<verb>.cpp and register themselves (cli.hpp).

#include "cli.hpp"

#include <zro/error.hpp>
#include <zro/log.hpp>

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

namespace zro::cli {
void deliver_interrupt();  // common.cpp
}

namespace {

using namespace zro::cli;

const char* const main_description = "zro: browse, watch and drive zro objects (docs/CLI.md)";
const char* const hosts_help =
    "hosts: --url URL (repeatable) or the ZRO_URL environment variable (comma-separated).\n"
    "without them: hosts found through mDNS (avahi-daemon), or through --registry URL.\n"
    "zro VERB -h shows a verb's arguments, options and examples.\n";

// CLI11 reads an argument written "[a,b]" of a repeatable option as the two arguments "a" and
// "b" (its syntax for containers), which would cut `zro call Obj m '[1,2]'` into pieces. JSON
// must reach the verbs whole: such an argument gets `bracket_guard` appended before parsing
// (guarded_arguments), so CLI11 takes it as it is, and every option's value loses it again.
constexpr char bracket_guard = '\x1f';

std::string drop_bracket_guard(std::string& text) {
    if (!text.empty() && text.back() == bracket_guard) text.pop_back();
    return {};  // no error
}

// argv after the program name, in the reversed order CLI::App::parse(std::vector&) takes.
std::vector<std::string> guarded_arguments(int argc, char** argv) {
    std::vector<std::string> out;
    for (int i = argc - 1; i > 0; --i) {
        std::string a = argv[i];
        if (a.size() >= 2 && a.front() == '[' && a.back() == ']') a += bracket_guard;
        out.push_back(std::move(a));
    }
    return out;
}

/// `zro` and one CLI11 command per verb, with its own options and the common ones.
struct CommandLine {
    CLI::App app{main_description, "zro"};
    CommonOptions common;
    std::map<std::string, std::pair<CLI::App*, VerbRun>, std::less<>> verbs;

    CommandLine() {
        auto format = std::make_shared<CLI::Formatter>();
        format->label("SUBCOMMAND", "VERB");
        format->label("Positionals", "Arguments");
        format->column_width(32);
        app.formatter(format);
        app.require_subcommand(1);
        app.footer(std::string(hosts_help) + "\n" + exit_codes_help());
        for (const Verb* v : zro::cli::verbs()) {
            CLI::App* cmd = app.add_subcommand(v->name, v->summary);
            cmd->group("Verbs");  // the heading of the list in `zro -h`
            // An option given twice counts once, the last value (repeatable ones collect all).
            cmd->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
            VerbRun run = v->define(*cmd);
            for (CLI::Option* positional : cmd->get_options([](const CLI::Option* o) { return o->get_positional(); }))
                positional->type_name("");  // their help says what they are; "TEXT" adds nothing
            add_common_options(*cmd, common);
            for (CLI::Option* o : cmd->get_options([](const CLI::Option* o) { return o->get_type_size() > 0; }))
                o->transform(CLI::Validator(drop_bracket_guard, ""));
            cmd->footer(v->details + "\n\n" + exit_codes_help());
            verbs.emplace(v->name, std::pair{cmd, std::move(run)});
        }
    }
};

/// A parse error as one line naming what is wrong, in zro's words where CLI11's are terse.
std::string usage_error_text(const CLI::App& cmd, const CLI::ParseError& e) {
    if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
        const auto extras = cmd.remaining();
        if (!extras.empty()) {
            const std::string& first = extras.front();
            const bool option = first.size() > 1 && first[0] == '-';
            return (option ? "unknown option '" : "unexpected argument '") + first + "'";
        }
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
        // CLI11 says "--timeout: 1 required T missing" for an option given without its value.
        const std::string what = e.what();
        const auto colon = what.find(": ");
        const CLI::Option* opt = colon == std::string::npos ? nullptr : cmd.get_option_no_throw(what.substr(0, colon));
        if (opt && opt->empty()) return "option " + opt->get_name() + " needs a value (" + opt->get_type_name() + ")";
    }
    return e.what();
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
    CommandLine cl;
    const std::string name = argc > 1 ? argv[1] : "";
    if (name.empty()) {
        std::fputs(cl.app.help().c_str(), stderr);
        return static_cast<int>(Exit::usage);
    }
    if (name == "-h" || name == "--help" || name == "help") {
        std::fputs(cl.app.help().c_str(), stdout);
        return 0;
    }
    const auto verb = cl.verbs.find(name);
    if (verb == cl.verbs.end()) {
        std::vector<std::string> names;
        for (const Verb* v : verbs()) names.push_back(v->name);
        std::fprintf(stderr, "zro: unknown verb '%s'; verbs: %s (zro -h)\n", name.c_str(), join_names(names).c_str());
        return static_cast<int>(Exit::usage);
    }
    const auto& [cmd, run] = verb->second;
    try {
        auto arguments = guarded_arguments(argc, argv);
        cl.app.parse(arguments);
    } catch (const CLI::CallForHelp&) {
        std::fputs(cl.app.help().c_str(), stdout);  // the verb's help: CLI11 hands it to the command given
        return 0;
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "zro %s: %s (zro %s -h)\n", name.c_str(), usage_error_text(*cmd, e).c_str(), name.c_str());
        return static_cast<int>(Exit::usage);
    }
    SignalThread signals;
    try {
        return run(cl.common);
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
