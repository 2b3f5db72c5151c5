// zro — shared live objects over ZeroMQ.
// zro_test_peer: the processes the integration tests start. One line per event on stdout
// (flushed at once), commands one per line on stdin (read by a thread that posts them into the
// node's loop). Modes:
//
//   source   --url URL --name NAME [--heartbeat-ms 100] [--rate-per-turn K] [--turn-ms T]
//            [--turns N] [--signal-every M] [--text-every X] [--init-counter C] [--init-text S]
//            [--max-message-size BYTES]
//       Hosts a DynamicSource (counter int64 READPUSH, text string READWRITE, mode int32
//       READONLY; signal tick(int64 n, string note); methods add, echo, fail, slow, stop_source).
//       Prints "READY <url>". Commands:
//         set PROP VALUE             -> "OK set PROP"
//         emit N [NOTE]              -> N × tick(counter, NOTE), then "EMITTED N signals=<total>"
//         burst N [K T M X]          -> N changes counter=counter+1, K per loop turn, a turn every
//                                       T ms (0: back to back), tick(counter,"") when counter%M==0,
//                                       text="t<counter>" when counter%X==0; then
//                                       "BURST_DONE counter=<c> signals=<s> changes=<n> ms=<t>"
//         burstfor MS [K M X]        -> the same, back to back, for MS milliseconds
//         status                     -> "STATUS counter=<c> signals=<s> text=<t> calls=<n>"
//         withdraw | share           -> disable / enable remoting ("OK withdraw" / "OK share")
//         quit                       -> "BYE", exit 0
//       Also prints "CALLED slow <ms>" and "SLOW_REPLIED <ms>" for slow(), "STOPPING" for stop_source(),
//       "WITHDRAWN_BY_CALL" for withdraw_self() (which answers, then withdraws the object at once).
//
//   replica  --url URL --name NAME [--heartbeat-ms 100] [--quiet 1] [--on-init COMMAND]
//            [--call-on-change METHOD]
//       Acquires dynamically; prints STATE <new> <old> (then REASON <last_reason> unless valid,
//       or VALUES ... when valid), INIT, PROP <name> <value>,
//       SIGNAL <name> <args...>, NOTICE <kind> <first> <last> <count>. --quiet 1 leaves out PROP
//       and SIGNAL lines (the peer still checks the counter and ticks itself; see `stats`).
//       --on-init runs COMMAND (as if read from stdin) inside the on_initialized callback.
//       --call-on-change calls METHOD(counter) from inside every counter change callback (as
//       the SimpleSwitch replica does) and prints "ERROR <n> <code> <message>" when it fails,
//       "CHANGE_CALL_OK <n>" when it succeeds.
//       Commands:
//         call METHOD ARGS...        -> "REPLY <n> <value>" or "ERROR <n> <code> <message>"
//         callt MS METHOD ARGS...    -> the same with a timeout of MS
//         set PROP VALUE             -> "REPLY <n> nil" or "ERROR <n> <code> <message>"
//         repeat N METHOD ARGS...    -> N calls one after the other; failures as ERROR lines;
//                                       then "REPEAT_DONE ok=<a> fail=<b> last=<value>"
//         stats                      -> "STATS key=value ..." (ReplicaStats and the peer's checks)
//         state                      -> "STATE_NOW <state> <reason>"
//         values                     -> "VALUES counter=<v> text=<v> mode=<v>" (or "VALUES none")
//         watch counter N            -> "REACHED counter N" once the counter is >= N
//         quit                       -> "BYE", exit 0
//
//   garbage  --url URL --name NAME [--count N] [--big 0|1]
//       A raw ZeroMQ DEALER that sends malformed and odd requests to the host's ROUTER, each with
//       a known expected answer, one at a time, and checks each answer. Prints "MISMATCH ..." per
//       wrong answer (at most 20 lines) and finally
//       "GARBAGE_DONE cases=<n> frames=<f> errors=<ERROR replies> replies=<REPLY replies>
//        other=<other> expected_errors=<e> expected_replies=<r> mismatches=<m> timeouts=<t>".
//
// Values on command lines: 5, -3, 1.5, true, false, nil, "a string", b"00ff", [1, "x"], {"k": 1};
// a bare word is a string.

#include <zro/zro.hpp>

#include <zmq.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// ---- output -------------------------------------------------------------------------------------

std::mutex g_out_mutex;

void say(const std::string& line) {
    std::string s = line;
    s.push_back('\n');
    std::lock_guard lock(g_out_mutex);
    const char* p = s.data();
    std::size_t left = s.size();
    while (left > 0) {
        const ssize_t n = ::write(1, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

/// Messages must stay on one line.
std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

// ---- arguments ----------------------------------------------------------------------------------

struct Args {
    std::map<std::string, std::string> v;
    std::string str(const std::string& k, const std::string& def = "") const {
        auto it = v.find(k);
        return it == v.end() ? def : it->second;
    }
    long long num(const std::string& k, long long def) const {
        auto it = v.find(k);
        return it == v.end() ? def : std::strtoll(it->second.c_str(), nullptr, 10);
    }
};

Args parse_args(int argc, char** argv, int first) {
    Args a;
    for (int i = first; i < argc; ++i) {
        std::string k = argv[i];
        if (k.rfind("--", 0) != 0 || i + 1 >= argc) {
            std::fprintf(stderr, "zro_test_peer: bad argument '%s'\n", argv[i]);
            std::exit(2);
        }
        a.v[k.substr(2)] = argv[++i];
    }
    return a;
}

// ---- value parsing (command lines) --------------------------------------------------------------

struct Parser {
    std::string_view s;
    std::size_t i = 0;

    void ws() {
        while (i < s.size() && (std::isspace(static_cast<unsigned char>(s[i])) || s[i] == ',')) ++i;
    }
    bool done() {
        ws();
        return i >= s.size();
    }
    [[noreturn]] void fail(const std::string& why) { throw std::runtime_error("cannot parse value at " + std::to_string(i) + ": " + why); }

    static int hexval(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    std::string quoted() {
        ++i;  // opening quote
        std::string out;
        while (i < s.size() && s[i] != '"') {
            if (s[i] == '\\' && i + 1 < s.size()) ++i;
            out.push_back(s[i++]);
        }
        if (i >= s.size()) fail("unterminated string");
        ++i;
        return out;
    }

    zro::Value value() {
        ws();
        if (i >= s.size()) fail("expected a value");
        const char c = s[i];
        if (c == '[') {
            ++i;
            zro::Value::List l;
            for (;;) {
                ws();
                if (i < s.size() && s[i] == ']') { ++i; break; }
                if (i >= s.size()) fail("unterminated list");
                l.push_back(value());
            }
            return zro::Value(std::move(l));
        }
        if (c == '{') {
            ++i;
            zro::Value::Map m;
            for (;;) {
                ws();
                if (i < s.size() && s[i] == '}') { ++i; break; }
                if (i >= s.size()) fail("unterminated map");
                zro::Value k = value();
                ws();
                if (i >= s.size() || s[i] != ':') fail("expected ':'");
                ++i;
                m.emplace_back(std::move(k), value());
            }
            return zro::Value(std::move(m));
        }
        if (c == '"') return zro::Value(quoted());
        if (c == 'b' && i + 1 < s.size() && s[i + 1] == '"') {
            ++i;
            const std::string hex = quoted();
            zro::Value::Bytes b;
            for (std::size_t k = 0; k + 1 < hex.size(); k += 2) b.data.push_back(static_cast<std::uint8_t>(hexval(hex[k]) * 16 + hexval(hex[k + 1])));
            return zro::Value(std::move(b));
        }
        // a bare token
        const std::size_t start = i;
        while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != ',' && s[i] != ']' && s[i] != '}' && s[i] != ':') ++i;
        const std::string tok(s.substr(start, i - start));
        if (tok == "nil" || tok == "null") return zro::Value();
        if (tok == "true") return zro::Value(true);
        if (tok == "false") return zro::Value(false);
        if (!tok.empty() && (std::isdigit(static_cast<unsigned char>(tok[0])) || ((tok[0] == '-' || tok[0] == '+') && tok.size() > 1))) {
            char* end = nullptr;
            errno = 0;
            if (tok.find_first_of(".eE") == std::string::npos) {
                if (tok[0] == '-') {
                    const long long v = std::strtoll(tok.c_str(), &end, 10);
                    if (*end == 0 && errno == 0) return zro::Value(static_cast<std::int64_t>(v));
                } else {
                    const unsigned long long v = std::strtoull(tok.c_str(), &end, 10);
                    if (*end == 0 && errno == 0) {
                        if (v <= static_cast<unsigned long long>(INT64_MAX)) return zro::Value(static_cast<std::int64_t>(v));
                        return zro::Value(static_cast<std::uint64_t>(v));
                    }
                }
            } else {
                const double d = std::strtod(tok.c_str(), &end);
                if (*end == 0) return zro::Value(d);
            }
        }
        if (tok.empty()) fail("empty token");
        return zro::Value(tok);
    }

    std::vector<zro::Value> values() {
        std::vector<zro::Value> out;
        while (!done()) out.push_back(value());
        return out;
    }
};

/// Splits off the first whitespace-separated word of `rest`.
std::string word(std::string_view& rest) {
    std::size_t i = 0;
    while (i < rest.size() && std::isspace(static_cast<unsigned char>(rest[i]))) ++i;
    std::size_t j = i;
    while (j < rest.size() && !std::isspace(static_cast<unsigned char>(rest[j]))) ++j;
    std::string w(rest.substr(i, j - i));
    rest.remove_prefix(j);
    return w;
}

long long to_num(const std::string& s, long long def = 0) {
    if (s.empty()) return def;
    return std::strtoll(s.c_str(), nullptr, 10);
}

// ---- stdin reader ---------------------------------------------------------------------------------

/// Reads stdin lines on a thread and posts each into the node's loop; EOF posts "quit".
class StdinPump {
public:
    StdinPump(zro::Node& node, std::function<void(const std::string&)> handler) : node_(&node), handler_(std::move(handler)) {
        std::thread([this] { run(); }).detach();
    }
    /// Call before the node is destroyed: later lines are dropped.
    void close() {
        std::lock_guard lock(mutex_);
        node_ = nullptr;
    }

private:
    void run() {
        std::string buf;
        char chunk[4096];
        for (;;) {
            const ssize_t n = ::read(0, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            buf.append(chunk, static_cast<std::size_t>(n));
            std::size_t nl;
            while ((nl = buf.find('\n')) != std::string::npos) {
                post(buf.substr(0, nl));
                buf.erase(0, nl + 1);
            }
        }
        if (!buf.empty()) post(buf);
        post("quit");
    }
    void post(std::string line) {
        std::lock_guard lock(mutex_);
        if (!node_) return;
        node_->post([h = &handler_, line = std::move(line)] { (*h)(line); });
    }

    std::mutex mutex_;
    zro::Node* node_;
    std::function<void(const std::string&)> handler_;
};

zro::Node* g_node = nullptr;
StdinPump* g_pump = nullptr;  // keeps the pump reachable (it is deliberately never freed)

void install_signal_handlers() {
    std::signal(SIGTERM, [](int) {
        if (g_node) g_node->stop();
    });
    std::signal(SIGINT, [](int) {
        if (g_node) g_node->stop();
    });
}

// ---- source -------------------------------------------------------------------------------------

zro::Schema test_schema() {
    zro::Schema s("TestObject");
    s.add_property("counter", "int64", std::int64_t{0}, zro::PropertyMode::read_push)
        .add_property("text", "string", "", zro::PropertyMode::read_write)
        .add_property("mode", "int32", 0, zro::PropertyMode::read_only)
        .add_signal("tick", {{"n", "int64"}, {"note", "string"}})
        .add_method("add", {{"a", "int32"}, {"b", "int32"}}, "int32")
        .add_method("echo", {{"v", "var"}}, "var")
        .add_method("fail")
        .add_method("slow", {{"ms", "int32"}}, "int32")
        .add_method("stop_source")
        .add_method("withdraw_self");
    return s;
}

int run_source(const Args& args) {
    zro::NodeOptions opts;
    opts.heartbeat_interval = std::chrono::milliseconds(args.num("heartbeat-ms", 100));
    if (const long long max = args.num("max-message-size", 0); max > 0) opts.max_message_size = static_cast<std::size_t>(max);
    opts.name = "source";
    zro::Host host(args.str("url", "tcp://127.0.0.1:*"), opts);
    g_node = &host;
    const std::string name = args.str("name", "TestObject");

    zro::DynamicSource src(test_schema());
    src.set_property("counter", zro::Value(static_cast<std::int64_t>(args.num("init-counter", 0))));
    src.set_property("text", args.str("init-text", ""));

    std::uint64_t signals = 0;  // tick signals emitted while shared
    std::uint64_t calls = 0;
    const std::uint64_t def_k = static_cast<std::uint64_t>(std::max(1LL, args.num("rate-per-turn", 100)));
    const long long def_t = args.num("turn-ms", 0);
    const std::uint64_t def_m = static_cast<std::uint64_t>(args.num("signal-every", 0));
    const std::uint64_t def_x = static_cast<std::uint64_t>(args.num("text-every", 0));

    zro::Registration reg;
    src.on_call("add", [&](const std::vector<zro::Value>& a) {
        ++calls;
        return zro::Value(static_cast<std::int64_t>(a[0].as<std::int32_t>()) + a[1].as<std::int32_t>());
    });
    src.on_call("echo", [&](const std::vector<zro::Value>& a) {
        ++calls;
        return a[0];
    });
    src.on_call("fail", [&](const std::vector<zro::Value>&) -> zro::Value {
        ++calls;
        throw std::runtime_error("deliberate failure from fail()");
    });
    src.on_call_deferred("slow", [&](std::vector<zro::Value> a, zro::Responder r) {
        ++calls;
        const int ms = a[0].as<int>();
        say("CALLED slow " + std::to_string(ms));
        auto held = std::make_shared<zro::Responder>(std::move(r));
        host.add_timer(std::chrono::milliseconds(std::max(ms, 0)), [held, ms] {
            held->reply(zro::Value(ms));
            say("SLOW_REPLIED " + std::to_string(ms));
        }, false);
    });
    src.on_call_deferred("withdraw_self", [&](std::vector<zro::Value>, zro::Responder r) {
        ++calls;
        r.reply();
        reg.withdraw();  // withdraws at once: WITHDRAWN is published in this very turn
        say("WITHDRAWN_BY_CALL");
    });
    src.on_call_deferred("stop_source", [&](std::vector<zro::Value>, zro::Responder r) {
        ++calls;
        r.reply();
        say("STOPPING");
        // Give the reply time to leave (sockets close with linger 0).
        host.add_timer(200ms, [&] { host.stop(); }, false);
    });

    reg = host.enable_remoting(src, name);

    auto counter = [&] { return src.property("counter").as<std::int64_t>(); };
    auto change = [&](std::uint64_t m, std::uint64_t x) {
        const std::int64_t c = counter() + 1;
        src.set_property("counter", zro::Value(c));
        if (m && c % static_cast<std::int64_t>(m) == 0) {
            src.emit_signal("tick", {zro::Value(c), zro::Value("")});
            if (src.remoted()) ++signals;
        }
        if (x && c % static_cast<std::int64_t>(x) == 0) src.set_property("text", "t" + std::to_string(c));
    };

    struct Burst {
        std::uint64_t remaining = 0;  // for counted bursts
        bool timed = false;
        Clock::time_point deadline;
        std::uint64_t k = 1, m = 0, x = 0;
        long long t = 0;
        std::uint64_t done = 0;
        Clock::time_point started;
    };
    auto burst = std::make_shared<Burst>();
    bool bursting = false;
    std::function<void()> step = [&] {
        auto& b = *burst;
        std::uint64_t n = b.k;
        if (!b.timed) n = std::min(n, b.remaining);
        for (std::uint64_t i = 0; i < n; ++i) change(b.m, b.x);
        b.done += n;
        if (!b.timed) b.remaining -= n;
        const bool finished = b.timed ? Clock::now() >= b.deadline : b.remaining == 0;
        if (finished) {
            bursting = false;
            say("BURST_DONE counter=" + std::to_string(counter()) + " signals=" + std::to_string(signals) +
                " changes=" + std::to_string(b.done) + " ms=" +
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - b.started).count()));
            return;
        }
        if (b.t <= 0) host.post(step);
        else host.add_timer(std::chrono::milliseconds(b.t), step, false);
    };

    auto handle = [&](const std::string& line) {
        std::string_view rest(line);
        const std::string cmd = word(rest);
        try {
            if (cmd.empty()) return;
            if (cmd == "quit") {
                say("BYE");
                host.stop();
            } else if (cmd == "set") {
                const std::string prop = word(rest);
                Parser p{rest};
                src.set_property(prop, p.value());
                say("OK set " + prop);
            } else if (cmd == "emit") {
                const long long n = to_num(word(rest), 1);
                std::string note(rest);
                while (!note.empty() && std::isspace(static_cast<unsigned char>(note.front()))) note.erase(0, 1);
                for (long long i = 0; i < n; ++i) {
                    src.emit_signal("tick", {zro::Value(counter()), zro::Value(note)});
                    if (src.remoted()) ++signals;
                }
                say("EMITTED " + std::to_string(n) + " signals=" + std::to_string(signals));
            } else if (cmd == "burst" || cmd == "burstfor") {
                if (bursting) throw std::runtime_error("a burst is already running");
                *burst = Burst{};
                auto& b = *burst;
                b.started = Clock::now();
                if (cmd == "burst") {
                    b.remaining = static_cast<std::uint64_t>(to_num(word(rest), 0));
                    b.k = static_cast<std::uint64_t>(to_num(word(rest), static_cast<long long>(def_k)));
                    b.t = to_num(word(rest), def_t);
                } else {
                    b.timed = true;
                    b.deadline = b.started + std::chrono::milliseconds(to_num(word(rest), 1000));
                    b.k = static_cast<std::uint64_t>(to_num(word(rest), static_cast<long long>(def_k)));
                    b.t = 0;
                }
                b.m = static_cast<std::uint64_t>(to_num(word(rest), static_cast<long long>(def_m)));
                b.x = static_cast<std::uint64_t>(to_num(word(rest), static_cast<long long>(def_x)));
                if (b.k == 0) b.k = 1;
                bursting = true;
                if (!b.timed && b.remaining == 0) {
                    b.remaining = 0;
                    step();
                } else {
                    host.post(step);
                }
            } else if (cmd == "status") {
                say("STATUS counter=" + std::to_string(counter()) + " signals=" + std::to_string(signals) +
                    " text=" + src.property("text").to_string() + " calls=" + std::to_string(calls));
            } else if (cmd == "withdraw") {
                reg.withdraw();
                say("OK withdraw");
            } else if (cmd == "share") {
                reg = host.enable_remoting(src, name);
                say("OK share");
            } else {
                say("BAD_COMMAND " + one_line(line));
            }
        } catch (const std::exception& e) {
            say("COMMAND_FAILED " + cmd + ": " + one_line(e.what()));
        }
    };

    // Never destroyed: its detached thread may still sit in read() while the process exits.
    auto* pump = new StdinPump(host, handle);
    g_pump = pump;
    install_signal_handlers();
    say("READY " + host.url());

    // --turns N starts a counted burst of N turns at once.
    if (const long long turns = args.num("turns", 0); turns > 0) {
        host.post([&, turns] { handle("burst " + std::to_string(turns * static_cast<long long>(def_k))); });
    }

    host.run();
    pump->close();
    g_node = nullptr;
    reg.withdraw();
    return 0;
}

// ---- replica ------------------------------------------------------------------------------------

int run_replica(const Args& args) {
    zro::NodeOptions opts;
    opts.heartbeat_interval = std::chrono::milliseconds(args.num("heartbeat-ms", 100));
    opts.name = "replica";
    zro::Node node(opts);
    g_node = &node;
    node.connect_to(args.str("url"));
    auto rep = node.acquire_dynamic(args.str("name", "TestObject"));
    const bool quiet = args.num("quiet", 0) != 0;

    // The peer's own checks of what it was given.
    std::uint64_t counter_changes = 0, counter_violations = 0, ticks = 0, tick_mismatches = 0;
    std::optional<std::int64_t> last_counter;
    std::optional<std::int64_t> watch_target;
    std::uint64_t next_call = 1;

    auto values_line = [&]() -> std::string {
        if (rep->state() == zro::ReplicaState::uninitialized) return "VALUES none";
        try {
            return "VALUES counter=" + rep->property("counter").to_string() + " text=" + rep->property("text").to_string() +
                   " mode=" + rep->property("mode").to_string();
        } catch (const std::exception& e) {
            return std::string("VALUES none ") + one_line(e.what());
        }
    };
    auto check_watch = [&] {
        if (watch_target && last_counter && *last_counter >= *watch_target) {
            say("REACHED counter " + std::to_string(*watch_target));
            watch_target.reset();
        }
    };

    rep->on_state_changed([&](zro::ReplicaState now, zro::ReplicaState before) {
        say("STATE " + std::string(zro::to_string(now)) + " " + std::string(zro::to_string(before)));
        // last_reason() as it is at the moment of the change (it may be updated later).
        if (now != zro::ReplicaState::valid) say("REASON " + one_line(rep->last_reason()));
        if (now == zro::ReplicaState::valid) {
            // After a snapshot the counter may have moved without a per-change callback only on the
            // first snapshot; track it from the values.
            try {
                const auto c = rep->property("counter").as<std::int64_t>();
                if (!last_counter) last_counter = c;
            } catch (const std::exception&) {
            }
            say(values_line());
            check_watch();
        }
    });
    std::function<void(const std::string&)> run_command;  // set below
    const std::string on_init = args.str("on-init");
    rep->on_initialized([&] {
        say("INIT");
        if (!on_init.empty() && run_command) run_command(on_init);  // in the same loop turn
    });
    rep->on_notice([&](const zro::ReplicaNotice& n) {
        say("NOTICE " + std::string(zro::to_string(n.kind)) + " " + std::to_string(n.first_seq) + " " +
            std::to_string(n.last_seq) + " " + std::to_string(n.count) + " " + one_line(n.message));
    });
    const std::string call_on_change = args.str("call-on-change");
    rep->on_property_changed([&](std::string_view name, const zro::Value& v) {
        if (name == "counter" && !call_on_change.empty()) {
            const auto id = next_call++;
            rep->invoke(call_on_change, {v}, 10s).then([id](const zro::PendingReply<zro::Value>& r) {
                if (auto e = r.error()) say("ERROR " + std::to_string(id) + " " + std::string(zro::to_string(e->code)) + " " + one_line(e->message));
                else say("CHANGE_CALL_OK " + std::to_string(id));
            });
        }
        if (name == "counter") {
            ++counter_changes;
            const auto c = v.as<std::int64_t>();
            if (last_counter && c <= *last_counter) ++counter_violations;
            last_counter = c;
        }
        if (!quiet) say("PROP " + std::string(name) + " " + v.to_string());
        if (name == "counter") check_watch();
    });
    rep->on_signal([&](std::string_view name, const std::vector<zro::Value>& a) {
        if (name == "tick") {
            ++ticks;
            // tick(n, "") is emitted right after counter became n.
            if (a.size() == 2 && a[1] == zro::Value("") && (!last_counter || a[0].as<std::int64_t>() != *last_counter)) ++tick_mismatches;
        }
        if (!quiet) {
            std::string s = "SIGNAL " + std::string(name);
            for (const auto& x : a) s += " " + x.to_string();
            say(s);
        }
    });

    auto report = [](std::uint64_t id, const zro::PendingReply<zro::Value>& r) {
        if (auto e = r.error())
            say("ERROR " + std::to_string(id) + " " + std::string(zro::to_string(e->code)) + " " + one_line(e->message));
        else
            say("REPLY " + std::to_string(id) + " " + r.value().to_string());
    };

    struct Repeat {
        std::uint64_t left = 0, ok = 0, fail = 0;
        std::string method;
        std::vector<zro::Value> args;
        std::string last = "nil";
    };
    auto repeat = std::make_shared<Repeat>();
    std::function<void()> repeat_next = [&] {
        auto& r = *repeat;
        if (r.left == 0) {
            say("REPEAT_DONE ok=" + std::to_string(r.ok) + " fail=" + std::to_string(r.fail) + " last=" + r.last);
            return;
        }
        --r.left;
        const auto id = next_call++;
        rep->invoke(r.method, r.args, 10s).then([&, id](const zro::PendingReply<zro::Value>& p) {
            if (auto e = p.error()) {
                ++repeat->fail;
                say("ERROR " + std::to_string(id) + " " + std::string(zro::to_string(e->code)) + " " + one_line(e->message));
            } else {
                ++repeat->ok;
                repeat->last = p.value().to_string();
            }
            node.post(repeat_next);  // not recursively: a failed-at-once call completes synchronously
        });
    };

    auto handle = [&](const std::string& line) {
        std::string_view rest(line);
        const std::string cmd = word(rest);
        try {
            if (cmd.empty()) return;
            if (cmd == "quit") {
                say("BYE");
                node.stop();
            } else if (cmd == "call" || cmd == "callt") {
                const long long timeout_ms = cmd == "callt" ? to_num(word(rest), 30000) : 30000;
                const std::string method = word(rest);
                Parser p{rest};
                auto args = p.values();
                const auto id = next_call++;
                rep->invoke(method, std::move(args), std::chrono::milliseconds(timeout_ms))
                    .then([id, report](const zro::PendingReply<zro::Value>& r) { report(id, r); });
            } else if (cmd == "set") {
                const std::string prop = word(rest);
                Parser p{rest};
                const auto id = next_call++;
                rep->set_property(prop, p.value()).then([id, report](const zro::PendingReply<zro::Value>& r) { report(id, r); });
            } else if (cmd == "repeat") {
                *repeat = Repeat{};
                repeat->left = static_cast<std::uint64_t>(to_num(word(rest), 1));
                repeat->method = word(rest);
                Parser p{rest};
                repeat->args = p.values();
                repeat_next();
            } else if (cmd == "stats") {
                const auto& s = rep->stats();
                say("STATS deltas_applied=" + std::to_string(s.deltas_applied) + " signals_delivered=" + std::to_string(s.signals_delivered) +
                    " gaps_detected=" + std::to_string(s.gaps_detected) + " repaired_by_replay=" + std::to_string(s.repaired_by_replay) +
                    " repaired_by_snapshot=" + std::to_string(s.repaired_by_snapshot) + " signals_lost=" + std::to_string(s.signals_lost) +
                    " snapshots=" + std::to_string(s.snapshots) + " malformed_messages=" + std::to_string(s.malformed_messages) +
                    " suspect_count=" + std::to_string(s.suspect_count) + " counter_changes=" + std::to_string(counter_changes) +
                    " counter_violations=" + std::to_string(counter_violations) + " last_counter=" +
                    (last_counter ? std::to_string(*last_counter) : std::string("none")) + " ticks=" + std::to_string(ticks) +
                    " tick_mismatches=" + std::to_string(tick_mismatches));
            } else if (cmd == "state") {
                say("STATE_NOW " + std::string(zro::to_string(rep->state())) + " " + one_line(rep->last_reason()));
            } else if (cmd == "values") {
                say(values_line());
            } else if (cmd == "watch") {
                (void)word(rest);  // "counter"
                watch_target = to_num(word(rest), 0);
                check_watch();
            } else {
                say("BAD_COMMAND " + one_line(line));
            }
        } catch (const std::exception& e) {
            say("COMMAND_FAILED " + cmd + ": " + one_line(e.what()));
        }
    };

    run_command = handle;
    auto* pump = new StdinPump(node, handle);  // never destroyed (see run_source)
    g_pump = pump;
    install_signal_handlers();
    say("STARTED " + node.node_id());
    node.run();
    pump->close();
    g_node = nullptr;
    rep.reset();
    return 0;
}

// ---- garbage ------------------------------------------------------------------------------------
// MessagePack written by hand (independent of the library's codec).

struct Mp {
    std::string b;
    Mp& byte(std::uint8_t c) { b.push_back(static_cast<char>(c)); return *this; }
    Mp& be(std::uint64_t v, int n) {
        for (int i = n - 1; i >= 0; --i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
        return *this;
    }
    Mp& arr(std::uint32_t n) {
        if (n < 16) return byte(static_cast<std::uint8_t>(0x90 | n));
        if (n < 65536) return byte(0xdc).be(n, 2);
        return byte(0xdd).be(n, 4);
    }
    Mp& map(std::uint32_t n) {
        if (n < 16) return byte(static_cast<std::uint8_t>(0x80 | n));
        return byte(0xde).be(n, 2);
    }
    Mp& u(std::uint64_t v) {
        if (v < 128) return byte(static_cast<std::uint8_t>(v));
        if (v < 256) return byte(0xcc).be(v, 1);
        if (v < 65536) return byte(0xcd).be(v, 2);
        if (v <= 0xffffffffu) return byte(0xce).be(v, 4);
        return byte(0xcf).be(v, 8);
    }
    Mp& i(std::int64_t v) {
        if (v >= 0) return u(static_cast<std::uint64_t>(v));
        if (v >= -32) return byte(static_cast<std::uint8_t>(v));
        return byte(0xd3).be(static_cast<std::uint64_t>(v), 8);
    }
    Mp& s(std::string_view str) {
        if (str.size() < 32) byte(static_cast<std::uint8_t>(0xa0 | str.size()));
        else if (str.size() < 256) byte(0xd9).be(str.size(), 1);
        else byte(0xda).be(str.size(), 2);
        b.append(str);
        return *this;
    }
    Mp& nil() { return byte(0xc0); }
    Mp& boolean(bool v) { return byte(v ? 0xc3 : 0xc2); }
    Mp& f64(double d) {
        std::uint64_t bits;
        std::memcpy(&bits, &d, 8);
        return byte(0xcb).be(bits, 8);
    }
    Mp& raw(std::string_view r) { b.append(r); return *this; }
};

/// A minimal reader for the host's answers.
struct MpNode {
    enum K { nil, boolean, integer, uinteger, real, str, bin, array, map, other } k = nil;
    std::int64_t i = 0;
    std::uint64_t u = 0;
    std::string s;
    std::vector<MpNode> items;
    bool is_uint() const { return k == uinteger; }
};

struct Reader {
    const std::uint8_t* p;
    const std::uint8_t* end;
    int depth = 0;
    bool need(std::size_t n) const { return static_cast<std::size_t>(end - p) >= n; }
    std::uint64_t be(int n) {
        std::uint64_t v = 0;
        for (int k = 0; k < n; ++k) v = (v << 8) | *p++;
        return v;
    }
    bool read(MpNode& out) {
        if (!need(1) || ++depth > 64) return false;
        const std::uint8_t c = *p++;
        auto fixed = [&](int n) { return need(static_cast<std::size_t>(n)); };
        auto strn = [&](std::size_t n, MpNode::K k) {
            if (!need(n)) return false;
            out.k = k;
            out.s.assign(reinterpret_cast<const char*>(p), n);
            p += n;
            return true;
        };
        auto arrn = [&](std::uint64_t n) {
            out.k = MpNode::array;
            if (n > static_cast<std::uint64_t>(end - p)) return false;
            out.items.resize(n);
            for (auto& x : out.items)
                if (!read(x)) return false;
            return true;
        };
        auto mapn = [&](std::uint64_t n) {
            out.k = MpNode::map;
            if (n > static_cast<std::uint64_t>(end - p)) return false;
            out.items.resize(2 * n);
            for (auto& x : out.items)
                if (!read(x)) return false;
            return true;
        };
        bool ok = true;
        if (c <= 0x7f) { out.k = MpNode::uinteger; out.u = c; }
        else if (c >= 0xe0) { out.k = MpNode::integer; out.i = static_cast<std::int8_t>(c); }
        else if ((c & 0xf0) == 0x80) ok = mapn(c & 0x0f);
        else if ((c & 0xf0) == 0x90) ok = arrn(c & 0x0f);
        else if ((c & 0xe0) == 0xa0) ok = strn(c & 0x1f, MpNode::str);
        else switch (c) {
        case 0xc0: out.k = MpNode::nil; break;
        case 0xc2: out.k = MpNode::boolean; out.u = 0; break;
        case 0xc3: out.k = MpNode::boolean; out.u = 1; break;
        case 0xcc: if ((ok = fixed(1))) { out.k = MpNode::uinteger; out.u = be(1); } break;
        case 0xcd: if ((ok = fixed(2))) { out.k = MpNode::uinteger; out.u = be(2); } break;
        case 0xce: if ((ok = fixed(4))) { out.k = MpNode::uinteger; out.u = be(4); } break;
        case 0xcf: if ((ok = fixed(8))) { out.k = MpNode::uinteger; out.u = be(8); } break;
        case 0xd0: if ((ok = fixed(1))) { out.k = MpNode::integer; out.i = static_cast<std::int8_t>(be(1)); } break;
        case 0xd1: if ((ok = fixed(2))) { out.k = MpNode::integer; out.i = static_cast<std::int16_t>(be(2)); } break;
        case 0xd2: if ((ok = fixed(4))) { out.k = MpNode::integer; out.i = static_cast<std::int32_t>(be(4)); } break;
        case 0xd3: if ((ok = fixed(8))) { out.k = MpNode::integer; out.i = static_cast<std::int64_t>(be(8)); } break;
        case 0xca: if ((ok = fixed(4))) { out.k = MpNode::real; p += 4; } break;
        case 0xcb: if ((ok = fixed(8))) { out.k = MpNode::real; p += 8; } break;
        case 0xd9: ok = fixed(1) && strn(be(1), MpNode::str); break;
        case 0xda: ok = fixed(2) && strn(be(2), MpNode::str); break;
        case 0xdb: ok = fixed(4) && strn(be(4), MpNode::str); break;
        case 0xc4: ok = fixed(1) && strn(be(1), MpNode::bin); break;
        case 0xc5: ok = fixed(2) && strn(be(2), MpNode::bin); break;
        case 0xc6: ok = fixed(4) && strn(be(4), MpNode::bin); break;
        case 0xdc: ok = fixed(2) && arrn(be(2)); break;
        case 0xdd: ok = fixed(4) && arrn(be(4)); break;
        case 0xde: ok = fixed(2) && mapn(be(2)); break;
        case 0xdf: ok = fixed(4) && mapn(be(4)); break;
        default: ok = false;
        }
        --depth;
        return ok;
    }
};

std::optional<MpNode> decode_reply(const zmq::message_t& m) {
    Reader r{static_cast<const std::uint8_t*>(m.data()), static_cast<const std::uint8_t*>(m.data()) + m.size()};
    MpNode n;
    if (!r.read(n) || r.p != r.end) return std::nullopt;
    return n;
}

std::string summarize(const MpNode& n) {
    switch (n.k) {
    case MpNode::nil: return "nil";
    case MpNode::boolean: return n.u ? "true" : "false";
    case MpNode::integer: return std::to_string(n.i);
    case MpNode::uinteger: return std::to_string(n.u);
    case MpNode::real: return "<float>";
    case MpNode::str: return "\"" + one_line(n.s.substr(0, 80)) + "\"";
    case MpNode::bin: return "<bin " + std::to_string(n.s.size()) + ">";
    case MpNode::array: {
        std::string s = "[";
        for (std::size_t k = 0; k < n.items.size() && k < 6; ++k) s += (k ? "," : "") + summarize(n.items[k]);
        return s + (n.items.size() > 6 ? ",...]" : "]");
    }
    case MpNode::map: return "{map " + std::to_string(n.items.size() / 2) + "}";
    default: return "?";
    }
}

// Message types and error codes (docs/PROTOCOL.md), written out independently of the library.
constexpr std::uint8_t ERROR = 9, REPLY = 3, PONG = 6;
constexpr std::uint64_t malformed = 10, version_mismatch = 11, too_large = 13, unknown_object = 4, unknown_method = 5,
                        unknown_property = 6, bad_arguments = 7, read_only = 8, source_restarted = 3;

struct Expect {
    std::uint8_t type;                 // 9 ERROR, 3 REPLY, 6 PONG, 2 SNAPSHOT
    std::uint64_t code = 0;            // for ERROR and REPLY
    std::optional<std::uint64_t> id;   // echoed request id, if it must be checked (nullopt: nil or unchecked)
    bool id_nil = false;               // the id must be nil
};

struct Case {
    std::string name;
    std::vector<std::string> frames;
    Expect expect;
};

int run_garbage(const Args& args) {
    const std::string url = args.str("url");
    const std::string obj = args.str("name", "TestObject");
    const long long count = args.num("count", 1000);
    const bool big = args.num("big", 0) != 0;

    zmq::context_t ctx(1);
    zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.set(zmq::sockopt::rcvhwm, 100000);
    dealer.set(zmq::sockopt::sndhwm, 100000);
    dealer.connect(url);

    std::mt19937_64 rng(12345);
    auto junk = [&](std::size_t n) {
        // 0xc1 is never used in MessagePack: the frame can never decode by chance.
        std::string s(1, static_cast<char>(0xc1));
        for (std::size_t k = 1; k < n; ++k) s.push_back(static_cast<char>(rng() & 0xff));
        return s;
    };
    auto hex = [](std::initializer_list<int> bytes) {
        std::string s;
        for (int c : bytes) s.push_back(static_cast<char>(c));
        return s;
    };

    std::uint64_t next_id = 1000;
    // Builds the case list; ids are fresh for every round so answers cannot be confused.
    auto make_cases = [&]() {
        std::vector<Case> cs;
        auto id = [&] { return next_id++; };
        auto err = [&](std::string name, std::string frame, std::uint64_t code = malformed) {
            cs.push_back({std::move(name), {std::move(frame)}, Expect{ERROR, code, std::nullopt, true}});
        };
        auto err_id = [&](std::string name, std::string frame, std::uint64_t req, std::uint64_t code = malformed) {
            cs.push_back({std::move(name), {std::move(frame)}, Expect{ERROR, code, req, false}});
        };
        auto reply = [&](std::string name, std::string frame, std::uint64_t req, std::uint64_t code) {
            cs.push_back({std::move(name), {std::move(frame)}, Expect{REPLY, code, req, false}});
        };
        std::uint64_t r;
        err("random_bytes", junk(1 + rng() % 64));
        {
            Mp full;
            full.arr(6).u(3).u(id()).s(obj).u(0).s("add").arr(2).u(1).u(2);
            err("truncated_invoke", full.b.substr(0, full.b.size() / 2));
        }
        err("array32_huge_header", hex({0xdd, 0xff, 0xff, 0xff, 0xff}));
        err("array16_header_only", hex({0xdc, 0xff, 0xff}));
        err("str32_huge_header", hex({0xdb, 0xff, 0xff, 0xff, 0xff}));
        err("bin32_huge_header", hex({0xc6, 0xff, 0xff, 0xff, 0xff}));
        err("map32_huge_header", hex({0xdf, 0xff, 0xff, 0xff, 0xff}));
        err("nested_huge_headers", hex({0x91, 0xdd, 0x7f, 0xff, 0xff, 0xff, 0xdd, 0x7f, 0xff, 0xff, 0xff}));
        err("empty_frame", std::string());
        err("not_an_array", Mp{}.u(5).b);
        err("empty_array", Mp{}.arr(0).b);
        err("string_type", Mp{}.arr(1).s("hello").b);
        err("negative_type", Mp{}.arr(2).i(-1).u(1).b);
        err("float_type", Mp{}.arr(2).f64(1.5).u(1).b);
        err("top_level_map", Mp{}.map(1).u(1).u(2).b);
        r = id(); err_id("unknown_type", Mp{}.arr(2).u(200).u(r).b, r);
        err("type_zero_alone", Mp{}.arr(1).u(0).b);
        r = id(); err_id("invoke_object_int", Mp{}.arr(6).u(3).u(r).u(42).u(0).s("add").arr(2).u(1).u(2).b, r);
        r = id(); err_id("invoke_epoch_string", Mp{}.arr(6).u(3).u(r).s(obj).s("x").s("add").arr(2).u(1).u(2).b, r);
        r = id(); err_id("invoke_epoch_negative", Mp{}.arr(6).u(3).u(r).s(obj).i(-5).s("add").arr(2).u(1).u(2).b, r);
        r = id(); err_id("invoke_args_not_list", Mp{}.arr(6).u(3).u(r).s(obj).u(0).s("add").u(5).b, r);
        r = id(); err_id("invoke_missing_fields", Mp{}.arr(2).u(3).u(r).b, r);
        r = id(); err_id("invoke_empty_object", Mp{}.arr(6).u(3).u(r).s("").u(0).s("add").arr(0).b, r);
        r = id(); err_id("invoke_long_object", Mp{}.arr(6).u(3).u(r).s(std::string(300, 'x')).u(0).s("add").arr(0).b, r);
        r = id(); err_id("invoke_method_int", Mp{}.arr(6).u(3).u(r).s(obj).u(0).u(7).arr(0).b, r);
        r = id(); err_id("acquire_missing_object", Mp{}.arr(2).u(2).u(r).b, r);
        r = id(); err_id("replay_negative_from", Mp{}.arr(5).u(5).u(r).s(obj).u(0).i(-1).b, r);
        r = id(); err_id("set_missing_value", Mp{}.arr(5).u(4).u(r).s(obj).u(0).s("text").b, r);
        err("hello_bad_version", Mp{}.arr(4).u(1).u(999).s("garbage").u(100).b, version_mismatch);
        err("hello_version_string", Mp{}.arr(4).u(1).s("one").s("garbage").u(100).b, version_mismatch);
        err("deep_nesting", std::string(40, static_cast<char>(0x91)) + std::string(1, '\x01'));
        err("ext_type", hex({0x92, 0x06, 0xd4, 0x01, 0x00}));
        err("trailing_bytes", hex({0x92, 0x06, 0x01, 0x00}));
        err("c1_inside_array", hex({0x92, 0x06, 0xc1}));
        r = id(); err_id("duplicate_map_keys", Mp{}.arr(6).u(3).u(r).s(obj).u(0).s("echo").arr(1).map(2).u(1).u(1).u(1).u(2).b, 0, malformed);
        cs.back().expect.id.reset();  // an undecodable frame has no id: nil
        cs.back().expect.id_nil = true;
        // Multi-frame requests.
        cs.push_back({"two_frames", {Mp{}.arr(2).u(6).u(id()).b, Mp{}.arr(2).u(6).u(id()).b}, Expect{ERROR, malformed, std::nullopt, true}});
        cs.push_back({"three_junk_frames", {junk(10), junk(3), std::string()}, Expect{ERROR, malformed, std::nullopt, true}});
        // Well-formed requests with bad contents: REPLY with an error code.
        r = id(); reply("invoke_unknown_object", Mp{}.arr(6).u(3).u(r).s("NoSuchObject").u(0).s("add").arr(2).u(1).u(2).b, r, unknown_object);
        r = id(); reply("invoke_unknown_method", Mp{}.arr(6).u(3).u(r).s(obj).u(0).s("nope").arr(0).b, r, unknown_method);
        r = id(); reply("invoke_too_few_args", Mp{}.arr(6).u(3).u(r).s(obj).u(0).s("add").arr(1).u(1).b, r, bad_arguments);
        r = id(); reply("invoke_too_many_args", Mp{}.arr(6).u(3).u(r).s(obj).u(0).s("add").arr(3).u(1).u(2).u(3).b, r, bad_arguments);
        r = id(); reply("invoke_wrong_type", Mp{}.arr(6).u(3).u(r).s(obj).u(0).s("add").arr(2).s("x").u(1).b, r, bad_arguments);
        r = id(); reply("invoke_int32_overflow", Mp{}.arr(6).u(3).u(r).s(obj).u(0).s("add").arr(2).u(4294967296ull).u(1).b, r, bad_arguments);
        r = id(); reply("invoke_wrong_epoch", Mp{}.arr(6).u(3).u(r).s(obj).u(12345).s("add").arr(2).u(1).u(2).b, r, source_restarted);
        r = id(); reply("set_read_only", Mp{}.arr(6).u(4).u(r).s(obj).u(0).s("mode").u(1).b, r, read_only);
        r = id(); reply("set_unknown_property", Mp{}.arr(6).u(4).u(r).s(obj).u(0).s("nope").u(1).b, r, unknown_property);
        r = id(); reply("set_wrong_type", Mp{}.arr(6).u(4).u(r).s(obj).u(0).s("text").u(5).b, r, bad_arguments);
        r = id(); err_id("acquire_unknown_object", Mp{}.arr(5).u(2).u(r).s("NoSuchObject").nil().boolean(true).b, r, unknown_object);
        // Good requests in between: the host must still do real work for this peer.
        r = id(); reply("invoke_add_ok", Mp{}.arr(6).u(3).u(r).s(obj).u(0).s("add").arr(2).u(2).u(3).b, r, 0);
        r = id(); cs.push_back({"ping_ok", {Mp{}.arr(2).u(6).u(r).b}, Expect{PONG, 0, r, false}});
        return cs;
    };

    std::uint64_t frames_sent = 0, errors = 0, replies = 0, other = 0, expected_errors = 0, expected_replies = 0, mismatches = 0,
                  timeouts = 0, cases = 0;
    auto mismatch = [&](const std::string& what) {
        if (++mismatches <= 20) say("MISMATCH " + one_line(what));
    };
    auto send_frames = [&](const std::vector<std::string>& frames) {
        for (std::size_t k = 0; k < frames.size(); ++k) {
            zmq::message_t m(frames[k].data(), frames[k].size());
            (void)dealer.send(m, k + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
        }
        ++frames_sent;
    };
    auto receive = [&](std::chrono::milliseconds timeout) -> std::optional<zmq::message_t> {
        zmq::pollitem_t item{dealer.handle(), 0, ZMQ_POLLIN, 0};
        if (zmq::poll(&item, 1, timeout) <= 0) return std::nullopt;
        zmq::message_t m;
        if (!dealer.recv(m, zmq::recv_flags::dontwait)) return std::nullopt;
        while (dealer.get(zmq::sockopt::rcvmore)) {
            zmq::message_t rest;
            (void)dealer.recv(rest);
            mismatch("host sent a multi-frame answer");
        }
        return m;
    };
    auto check = [&](const Case& c, const zmq::message_t& m) {
        auto n = decode_reply(m);
        if (!n || n->k != MpNode::array || n->items.empty() || !n->items[0].is_uint()) {
            ++other;
            return mismatch("case=" + c.name + " undecodable answer of " + std::to_string(m.size()) + " bytes");
        }
        const auto type = n->items[0].u;
        if (type == ERROR) ++errors;
        else if (type == REPLY) ++replies;
        else ++other;
        const Expect& e = c.expect;
        std::string why;
        if (type != e.type) why = "type " + std::to_string(type) + " instead of " + std::to_string(e.type);
        else if (n->items.size() < 2) why = "short answer";
        else if (e.id_nil && n->items[1].k != MpNode::nil) why = "id " + summarize(n->items[1]) + " instead of nil";
        else if (e.id && (!n->items[1].is_uint() || n->items[1].u != *e.id)) why = "id " + summarize(n->items[1]) + " instead of " + std::to_string(*e.id);
        else if ((type == ERROR || type == REPLY) && (n->items.size() < 4 || !n->items[2].is_uint() || n->items[2].u != e.code))
            why = "code " + (n->items.size() > 2 ? summarize(n->items[2]) : std::string("missing")) + " instead of " + std::to_string(e.code);
        else if (type == ERROR && n->items[3].k != MpNode::str) why = "ERROR without a message string";
        else if (type == REPLY && e.code == 0 && c.name == "invoke_add_ok" && !(n->items[3].is_uint() && n->items[3].u == 5)) why = "add(2,3) gave " + summarize(n->items[3]);
        if (!why.empty()) mismatch("case=" + c.name + " " + why + " answer=" + summarize(*n));
    };
    auto run_case = [&](const Case& c) {
        ++cases;
        if (c.expect.type == ERROR) ++expected_errors;
        if (c.expect.type == REPLY) ++expected_replies;
        send_frames(c.frames);
        auto m = receive(3s);
        if (!m) {
            ++timeouts;
            return mismatch("case=" + c.name + " no answer within 3 s");
        }
        check(c, *m);
    };

    say("GARBAGE_START " + url);
    if (big) {
        // One request over the host's max_message_size (16 MiB by default): too_large, not a crash.
        Case c{"oversized_17MiB", {Mp{}.arr(2).u(6).s(std::string(17u << 20, 'x')).b}, Expect{ERROR, too_large, std::nullopt, true}};
        run_case(c);
    }
    long long done = 0;
    while (done < count) {
        for (const auto& c : make_cases()) {
            if (done >= count) break;
            run_case(c);
            ++done;
        }
        if (done < count) {
            // A flood: 200 undecodable frames back to back, then their 200 answers.
            const int flood = 200;
            for (int k = 0; k < flood; ++k) send_frames({junk(8 + rng() % 32)});
            cases += flood;
            expected_errors += flood;
            Case c{"flood", {}, Expect{ERROR, malformed, std::nullopt, true}};
            for (int k = 0; k < flood; ++k) {
                auto m = receive(3s);
                if (!m) {
                    timeouts += static_cast<std::uint64_t>(flood - k);
                    mismatch("case=flood only " + std::to_string(k) + " of " + std::to_string(flood) + " answers");
                    break;
                }
                check(c, *m);
            }
            done += flood;
        }
    }
    // Nothing more may arrive.
    if (auto extra = receive(200ms)) mismatch("an unexpected extra answer of " + std::to_string(extra->size()) + " bytes");
    say("GARBAGE_DONE cases=" + std::to_string(cases) + " frames=" + std::to_string(frames_sent) + " errors=" + std::to_string(errors) +
        " replies=" + std::to_string(replies) + " other=" + std::to_string(other) + " expected_errors=" + std::to_string(expected_errors) +
        " expected_replies=" + std::to_string(expected_replies) + " mismatches=" + std::to_string(mismatches) +
        " timeouts=" + std::to_string(timeouts));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: zro_test_peer source|replica|garbage --url URL [--name NAME] ...\n");
        return 2;
    }
    const std::string mode = argv[1];
    const Args args = parse_args(argc, argv, 2);
    try {
        if (mode == "source") return run_source(args);
        if (mode == "replica") return run_replica(args);
        if (mode == "garbage") return run_garbage(args);
    } catch (const std::exception& e) {
        say(std::string("FATAL ") + one_line(e.what()));
        return 1;
    }
    std::fprintf(stderr, "zro_test_peer: unknown mode '%s'\n", mode.c_str());
    return 2;
}
