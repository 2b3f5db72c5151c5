// zro — shared live objects over ZeroMQ.
// zro_fault_peer: the processes of the fault-injection suite besides the source (the suite uses
// zro_test_peer's source mode for that). One line per event on stdout, commands on stdin.
//
//   replica --url URL --name NAME [--heartbeat-ms 100] [--callback-ms MS] [--history 1]
//       Acquires dynamically and records its history, one short line per event:
//         STATE <new> <old>        lifecycle changes
//         C <counter>              every new counter value seen (with --history 1): by the
//                                  property callback, or by the Valid callback after a snapshot
//                                  (the snapshot's own callback for the same value is not repeated)
//         T <text>                 every text change                      (with --history 1)
//         S <n>                    every tick(n) signal                   (with --history 1)
//         N <kind> <first> <last> <count>   notices (gap, repair, signals lost, restart)
//       Without --history the peer still checks order itself (see `stats`). --callback-ms sleeps
//       that long in every property and signal callback (a slow consumer).
//       Commands:
//         stats        -> "STATS key=value ..." (ReplicaStats, the peer's own order checks,
//                         rss_kb and fds of this process)
//         values       -> "VALUES counter=<v> text=<v> state=<s>"
//         watch N      -> "REACHED <N>" once the counter is >= N and the replica is valid
//         calls N      -> N calls add(i, 1) one after the other with a 5 s timeout; then
//                         "CALLS_DONE ok=<a> fail=<b> wrong=<c> p50_us=<> p99_us=<> max_us=<>"
//         quit         -> "BYE", exit 0
//
//   flood --url URL --ms MS [--rate N]
//       A hostile peer for MS milliseconds: raw TCP connections that write random bytes to the
//       host's ROUTER port and to its PUB port (reconnecting whenever the host drops them), a
//       ZeroMQ DEALER sending N random (mostly MessagePack-shaped) frames per second to the
//       ROUTER, and an XSUB sending random subscription frames to the PUB port. The PUB endpoint
//       is learned with a HELLO. Prints
//       "FLOOD_DONE raw_bytes=<> raw_connects=<> frames=<> answers=<> sub_frames=<>".
//
//   oversize --url URL --name NAME --bytes B
//       (1) a raw DEALER sends one frame of B bytes (meant to exceed the host's ZeroMQ limit,
//       2 × max_message_size) and watches its monitor for the disconnect; (2) a zro replica
//       calls echo() with a string of B bytes and must get a local too_large error; (3) a fresh
//       DEALER's HELLO must still be welcomed. Prints
//       "OVERSIZE_DONE raw_disconnected=<0|1> local_error=<code> welcomed=<0|1> ms=<>".

#include "wire/codec.hpp"
#include "wire/messages.hpp"

#include <zro/zro.hpp>

#include <zmq.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace wire = zro::detail::wire;

namespace {

std::mutex g_out;

void out(const std::string& line) {
    std::string s = line + "\n";
    std::lock_guard lock(g_out);
    std::size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(1, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

std::string flat(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

std::map<std::string, std::string> parse_args(int argc, char** argv) {
    std::map<std::string, std::string> a;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (std::strncmp(argv[i], "--", 2) != 0) {
            std::fprintf(stderr, "zro_fault_peer: bad argument %s\n", argv[i]);
            std::exit(2);
        }
        a[argv[i] + 2] = argv[i + 1];
    }
    return a;
}
long long num(const std::map<std::string, std::string>& a, const std::string& k, long long def) {
    auto it = a.find(k);
    return it == a.end() ? def : std::atoll(it->second.c_str());
}
std::string str(const std::map<std::string, std::string>& a, const std::string& k, const std::string& def = "") {
    auto it = a.find(k);
    return it == a.end() ? def : it->second;
}

long rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}
int fd_count() {
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (const dirent* e = ::readdir(d))
            if (e->d_name[0] != '.') ++n;
        ::closedir(d);
        --n;  // the directory itself
    }
    return n;
}

zro::Node* g_node = nullptr;

/// Reads stdin lines on a detached thread and posts them into the node's loop.
void pump_stdin(zro::Node& node, std::function<void(const std::string&)>* handler) {
    std::thread([&node, handler] {
        std::string buf;
        char chunk[4096];
        for (;;) {
            const ssize_t n = ::read(0, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            buf.append(chunk, static_cast<std::size_t>(n));
            for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1))
                node.post([handler, line = buf.substr(0, nl)] { (*handler)(line); });
        }
        node.post([handler] { (*handler)("quit"); });
    }).detach();
}

// ---- replica ------------------------------------------------------------------------------------

int run_replica(const std::map<std::string, std::string>& args) {
    zro::NodeOptions opts;
    opts.heartbeat_interval = std::chrono::milliseconds(num(args, "heartbeat-ms", 100));
    opts.name = "fault-replica";
    zro::Node node(opts);
    g_node = &node;
    node.connect_to(str(args, "url"));
    auto rep = node.acquire_dynamic(str(args, "name", "TestObject"));
    const bool history = num(args, "history", 0) != 0;
    const auto callback_sleep = std::chrono::milliseconds(num(args, "callback-ms", 0));

    std::optional<std::int64_t> last_counter, last_tick, watch;
    std::uint64_t counter_changes = 0, counter_backwards = 0, counter_repeats = 0, ticks = 0, tick_backwards = 0;

    auto check_watch = [&] {
        if (watch && last_counter && *last_counter >= *watch && rep->state() == zro::ReplicaState::valid) {
            out("REACHED " + std::to_string(*watch));
            watch.reset();
        }
    };
    rep->on_state_changed([&](zro::ReplicaState now, zro::ReplicaState before) {
        out("STATE " + std::string(zro::to_string(now)) + " " + std::string(zro::to_string(before)));
        if (now == zro::ReplicaState::valid) {
            // A snapshot may move the counter without a per-change callback: record it as seen.
            try {
                const auto c = rep->property("counter").as<std::int64_t>();
                if (last_counter && c < *last_counter) ++counter_backwards;
                if (!last_counter || c != *last_counter) {
                    last_counter = c;
                    if (history) out("C " + std::to_string(c));
                }
            } catch (const std::exception&) {
            }
            check_watch();
        }
    });
    rep->on_notice([&](const zro::ReplicaNotice& n) {
        out("N " + std::string(zro::to_string(n.kind)) + " " + std::to_string(n.first_seq) + " " + std::to_string(n.last_seq) + " " +
            std::to_string(n.count));
    });
    rep->on_property_changed([&](std::string_view name, const zro::Value& v) {
        if (callback_sleep.count() > 0) std::this_thread::sleep_for(callback_sleep);
        if (name == "counter") {
            const auto c = v.as<std::int64_t>();
            ++counter_changes;
            // The Valid callback of a (re)snapshot already recorded this value: not a new one.
            if (last_counter && c == *last_counter) {
                ++counter_repeats;
                return;
            }
            if (last_counter && c < *last_counter) ++counter_backwards;
            last_counter = c;
            if (history) out("C " + std::to_string(c));
            check_watch();
        } else if (name == "text" && history) {
            out("T " + flat(v.as<std::string>()));
        }
    });
    rep->on_signal([&](std::string_view name, const std::vector<zro::Value>& a) {
        if (callback_sleep.count() > 0) std::this_thread::sleep_for(callback_sleep);
        if (name != "tick" || a.empty()) return;
        const auto n = a[0].as<std::int64_t>();
        ++ticks;
        if (last_tick && n <= *last_tick && !(a.size() > 1 && a[1] != zro::Value(""))) ++tick_backwards;
        last_tick = n;
        if (history) out("S " + std::to_string(n));
    });

    struct Calls {
        std::uint64_t left = 0, i = 0, ok = 0, fail = 0, wrong = 0;
        std::vector<long> us;
    };
    auto calls = std::make_shared<Calls>();
    std::function<void()> next_call = [&] {
        auto& c = *calls;
        if (c.left == 0) {
            std::sort(c.us.begin(), c.us.end());
            auto pct = [&](double p) { return c.us.empty() ? 0L : c.us[std::min(c.us.size() - 1, static_cast<std::size_t>(p * static_cast<double>(c.us.size())))]; };
            out("CALLS_DONE ok=" + std::to_string(c.ok) + " fail=" + std::to_string(c.fail) + " wrong=" + std::to_string(c.wrong) +
                " p50_us=" + std::to_string(pct(0.5)) + " p99_us=" + std::to_string(pct(0.99)) + " max_us=" + std::to_string(c.us.empty() ? 0 : c.us.back()));
            return;
        }
        --c.left;
        const auto i = static_cast<std::int32_t>(++c.i % 100000);
        const auto t0 = Clock::now();
        rep->invoke("add", {zro::Value(i), zro::Value(1)}, 5s).then([&, i, t0](const zro::PendingReply<zro::Value>& r) {
            calls->us.push_back(static_cast<long>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count()));
            if (auto e = r.error()) {
                ++calls->fail;
                out("CALL_ERROR " + std::string(zro::to_string(e->code)) + " " + flat(e->message));
            } else if (r.value() != zro::Value(static_cast<std::int64_t>(i) + 1)) {
                ++calls->wrong;
            } else {
                ++calls->ok;
            }
            node.post(next_call);
        });
    };

    std::function<void(const std::string&)> handle = [&](const std::string& line) {
        const auto sp = line.find(' ');
        const std::string cmd = line.substr(0, sp);
        const std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
        if (cmd == "quit") {
            out("BYE");
            node.stop();
        } else if (cmd == "stats") {
            const auto& s = rep->stats();
            out("STATS deltas_applied=" + std::to_string(s.deltas_applied) + " signals_delivered=" + std::to_string(s.signals_delivered) +
                " gaps_detected=" + std::to_string(s.gaps_detected) + " repaired_by_replay=" + std::to_string(s.repaired_by_replay) +
                " repaired_by_snapshot=" + std::to_string(s.repaired_by_snapshot) + " signals_lost=" + std::to_string(s.signals_lost) +
                " snapshots=" + std::to_string(s.snapshots) + " malformed_messages=" + std::to_string(s.malformed_messages) +
                " suspect_count=" + std::to_string(s.suspect_count) + " counter_changes=" + std::to_string(counter_changes) +
                " counter_backwards=" + std::to_string(counter_backwards) + " counter_repeats=" + std::to_string(counter_repeats) + " ticks=" + std::to_string(ticks) +
                " tick_backwards=" + std::to_string(tick_backwards) + " rss_kb=" + std::to_string(rss_kb()) + " fds=" + std::to_string(fd_count()));
        } else if (cmd == "values") {
            std::string c = "none", t = "none";
            if (rep->state() != zro::ReplicaState::uninitialized) {
                c = rep->property("counter").to_string();
                t = rep->property("text").to_string();
            }
            out("VALUES counter=" + c + " text=" + t + " state=" + std::string(zro::to_string(rep->state())));
        } else if (cmd == "watch") {
            watch = std::atoll(rest.c_str());
            check_watch();
        } else if (cmd == "calls") {
            *calls = Calls{};
            calls->left = static_cast<std::uint64_t>(std::atoll(rest.c_str()));
            next_call();
        } else if (!cmd.empty()) {
            out("BAD_COMMAND " + flat(line));
        }
    };
    pump_stdin(node, &handle);
    std::signal(SIGTERM, [](int) {
        if (g_node) g_node->stop();
    });
    out("STARTED " + node.node_id());
    node.run();
    g_node = nullptr;
    return 0;
}

// ---- flood --------------------------------------------------------------------------------------

struct Endpoint {
    std::string host;
    int port = 0;
};
Endpoint tcp_endpoint(const std::string& url) {
    // tcp://A.B.C.D:PORT
    const auto colon = url.rfind(':');
    return Endpoint{url.substr(6, colon - 6), std::atoi(url.c_str() + colon + 1)};
}

/// HELLO over a DEALER; returns the PUB endpoint from the WELCOME (empty on failure).
std::string learn_pub_endpoint(zmq::context_t& ctx, const std::string& url) {
    zmq::socket_t d(ctx, zmq::socket_type::dealer);
    d.set(zmq::sockopt::linger, 0);
    d.set(zmq::sockopt::rcvtimeo, 5000);
    d.connect(url);
    const std::string hello = wire::encode(zro::Value{zro::Value(1u), zro::Value(std::uint64_t{wire::protocol_version}), zro::Value("flood"), zro::Value(100u)});
    d.send(zmq::buffer(hello));
    zmq::message_t m;
    if (!d.recv(m)) return {};
    auto v = wire::decode(m.data(), m.size());
    if (!std::holds_alternative<zro::Value>(v)) return {};
    const auto& l = std::get<zro::Value>(v);
    if (!l.is_list() || l.size() < 4 || !l.at(3).is_string()) return {};
    return l.at(3).as_string();
}

/// Writes random bytes to host:port over raw TCP until `stop`, reconnecting when dropped.
void raw_writer(const Endpoint ep, const std::atomic<bool>& stop, std::atomic<std::uint64_t>& bytes, std::atomic<std::uint64_t>& connects, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<char> buf(4096);
    while (!stop) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_port = htons(static_cast<std::uint16_t>(ep.port));
        ::inet_pton(AF_INET, ep.host.c_str(), &sa.sin_addr);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            ::close(fd);
            std::this_thread::sleep_for(10ms);
            continue;
        }
        ++connects;
        // Half the connections start with a plausible ZMTP greeting, then garbage.
        if (rng() % 2) {
            char greeting[64] = {};
            greeting[0] = static_cast<char>(0xff);
            greeting[9] = 0x7f;
            greeting[10] = 3;
            std::memcpy(greeting + 12, "NULL", 4);
            (void)!::send(fd, greeting, sizeof greeting, MSG_NOSIGNAL);
        }
        for (int i = 0; i < 50 && !stop; ++i) {
            const std::size_t n = 1 + rng() % buf.size();
            for (std::size_t k = 0; k < n; ++k) buf[k] = static_cast<char>(rng());
            const ssize_t w = ::send(fd, buf.data(), n, MSG_NOSIGNAL);
            if (w <= 0) break;
            bytes += static_cast<std::uint64_t>(w);
            std::this_thread::sleep_for(2ms);
        }
        ::close(fd);
    }
}

std::string random_frame(std::mt19937& rng) {
    std::string f;
    switch (rng() % 4) {
    case 0: {  // random bytes
        const std::size_t n = rng() % 64;
        for (std::size_t k = 0; k < n; ++k) f.push_back(static_cast<char>(rng()));
        break;
    }
    case 1: {  // a known message type with random fields
        f.push_back(static_cast<char>(0x90 | (1 + rng() % 6)));
        f.push_back(static_cast<char>(1 + rng() % 9));
        const std::size_t n = rng() % 32;
        for (std::size_t k = 0; k < n; ++k) f.push_back(static_cast<char>(rng()));
        break;
    }
    case 2:  // a huge claimed array
        f = std::string("\xdd\xff\xff\xff\xff", 5);
        break;
    default: {  // a well-formed request for an object that does not exist, or wrong arguments
        f = wire::encode(zro::Value{zro::Value(3u), zro::Value(static_cast<std::uint64_t>(rng())), zro::Value(rng() % 2 ? "TestObject" : "Nope"),
                                    zro::Value(0u), zro::Value("add"), zro::Value{zro::Value("x")}});
    }
    }
    return f;
}

int run_flood(const std::map<std::string, std::string>& args) {
    const std::string url = str(args, "url");
    const auto ms = num(args, "ms", 5000);
    const auto rate = std::max(1LL, num(args, "rate", 1000));
    zmq::context_t ctx;
    const std::string pub = learn_pub_endpoint(ctx, url);
    if (pub.empty()) {
        out("FLOOD_FAILED no WELCOME from " + url);
        return 1;
    }
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> raw_bytes{0}, raw_connects{0};
    std::vector<std::thread> threads;
    threads.emplace_back(raw_writer, tcp_endpoint(url), std::cref(stop), std::ref(raw_bytes), std::ref(raw_connects), 1u);
    threads.emplace_back(raw_writer, tcp_endpoint(pub), std::cref(stop), std::ref(raw_bytes), std::ref(raw_connects), 2u);

    zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.set(zmq::sockopt::sndhwm, 100000);
    dealer.connect(url);
    zmq::socket_t xsub(ctx, zmq::socket_type::xsub);
    xsub.set(zmq::sockopt::linger, 0);
    xsub.connect(pub);

    std::mt19937 rng(3);
    std::uint64_t frames = 0, answers = 0, sub_frames = 0;
    const auto start = Clock::now();
    const auto end = start + std::chrono::milliseconds(ms);
    const auto step = std::chrono::nanoseconds(1000000000LL / rate);
    auto next = start;
    while (Clock::now() < end) {
        const std::string f = random_frame(rng);
        if (dealer.send(zmq::buffer(f), zmq::send_flags::dontwait)) ++frames;
        if (frames % 10 == 0) {
            std::string s(1, static_cast<char>(rng() % 3));  // subscribe, unsubscribe or nonsense
            const std::size_t n = rng() % 40;
            for (std::size_t k = 0; k < n; ++k) s.push_back(static_cast<char>(rng()));
            if (rng() % 4 == 0) s = std::string("\x01TestObject", 11) + (rng() % 2 ? std::string(1, '\0') : std::string("x"));
            if (xsub.send(zmq::buffer(s), zmq::send_flags::dontwait)) ++sub_frames;
        }
        zmq::message_t m;
        while (dealer.recv(m, zmq::recv_flags::dontwait)) ++answers;
        while (xsub.recv(m, zmq::recv_flags::dontwait)) {
        }
        next += step;
        std::this_thread::sleep_until(next);
    }
    const auto drain_end = Clock::now() + 500ms;
    while (Clock::now() < drain_end) {
        zmq::message_t m;
        if (dealer.recv(m, zmq::recv_flags::dontwait)) ++answers;
        else std::this_thread::sleep_for(5ms);
    }
    stop = true;
    for (auto& t : threads) t.join();
    out("FLOOD_DONE raw_bytes=" + std::to_string(raw_bytes.load()) + " raw_connects=" + std::to_string(raw_connects.load()) +
        " frames=" + std::to_string(frames) + " answers=" + std::to_string(answers) + " sub_frames=" + std::to_string(sub_frames));
    return 0;
}

// ---- oversize -----------------------------------------------------------------------------------

int run_oversize(const std::map<std::string, std::string>& args) {
    const std::string url = str(args, "url");
    const auto bytes = static_cast<std::size_t>(num(args, "bytes", 40 << 20));
    const auto t0 = Clock::now();
    int raw_disconnected = 0, welcomed = 0;
    std::string local_error = "none";
    {
        zmq::context_t ctx;
        zmq::socket_t d(ctx, zmq::socket_type::dealer);
        d.set(zmq::sockopt::linger, 0);
        zmq::socket_t mon(ctx, zmq::socket_type::pair);
        zmq_socket_monitor(d.handle(), "inproc://oversize-monitor", ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
        mon.connect("inproc://oversize-monitor");
        mon.set(zmq::sockopt::rcvtimeo, 5000);
        d.connect(url);
        std::string big(bytes, 'x');
        d.send(zmq::buffer(big));
        // Wait for the host to drop us (DISCONNECTED after the first HANDSHAKE_SUCCEEDED).
        for (;;) {
            zmq::message_t ev, addr;
            if (!mon.recv(ev)) break;
            (void)mon.recv(addr);
            std::uint16_t id = 0;
            std::memcpy(&id, ev.data(), sizeof id);
            if (id == ZMQ_EVENT_DISCONNECTED) {
                raw_disconnected = 1;
                break;
            }
        }
        zmq_socket_monitor(d.handle(), nullptr, 0);
        // A fresh DEALER is still welcomed.
        welcomed = learn_pub_endpoint(ctx, url).empty() ? 0 : 1;
    }
    {
        zro::NodeOptions opts;
        opts.heartbeat_interval = 100ms;
        zro::Node node(opts);
        node.connect_to(url);
        auto rep = node.acquire_dynamic(str(args, "name", "TestObject"));
        if (rep->wait_for_source(10s)) {
            auto r = rep->invoke("echo", {zro::Value(std::string(bytes, 'y'))}, 10s);
            r.wait();
            if (auto e = r.error()) local_error = std::string(zro::to_string(e->code));
            else local_error = "ok";
        } else {
            local_error = "no_source";
        }
    }
    out("OVERSIZE_DONE raw_disconnected=" + std::to_string(raw_disconnected) + " local_error=" + local_error +
        " welcomed=" + std::to_string(welcomed) + " ms=" +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: zro_fault_peer replica|flood|oversize --url URL ...\n");
        return 2;
    }
    const std::string mode = argv[1];
    const auto args = parse_args(argc, argv);
    try {
        if (mode == "replica") return run_replica(args);
        if (mode == "flood") return run_flood(args);
        if (mode == "oversize") return run_oversize(args);
    } catch (const std::exception& e) {
        out(std::string("FAILED ") + flat(e.what()));
        return 1;
    }
    std::fprintf(stderr, "zro_fault_peer: unknown mode %s\n", mode.c_str());
    return 2;
}
