// zro — shared live objects over ZeroMQ.
// zmq_bench_peer: the raw ZeroMQ ceiling for the multi-process benchmarks (protocol:
// bench_common.hpp). The same socket types as zro (ROUTER/DEALER for requests, XPUB/SUB for the
// state stream, the same HWMs), the same batching (one message per source turn), no zro on top:
// no MessagePack, no Value, no schema, no engine; payloads are raw little-endian integers.
//
// The XPUB uses ZMQ_XPUB_NODROP with blocking sends: raw ZeroMQ has no repair, so this is how it
// delivers every change (a slow subscriber slows the source down instead of losing messages).

#include "bench_common.hpp"

#include <zmq.hpp>

#include <poll.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using zbench::say;

namespace {

const std::string topic("BenchProp\0", 10);

using zbench::StdinLines;

std::string bound_port(zmq::socket_t& s) {
    const std::string ep = s.get(zmq::sockopt::last_endpoint);
    return ep.substr(ep.rfind(':') + 1);
}

std::string init_payload(const std::string& payload) {
    std::string out;
    if (payload == "small") {
        const std::int32_t a = 7;
        const double b = 2.5;
        out.append(reinterpret_cast<const char*>(&a), sizeof a).append(reinterpret_cast<const char*>(&b), sizeof b).append("hello");
    } else if (payload == "big") {
        for (std::int32_t i = 0; i < zbench::big_props; ++i) out.append(reinterpret_cast<const char*>(&i), sizeof i);
    } else {
        out.resize(zbench::blob_bytes);
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<char>(i * 31);
    }
    return out;
}

// ---- source ----------------------------------------------------------------------------------

int run_source(const zbench::Args& a) {
    const std::string c = a.str("case", "prop");
    const std::int64_t n = a.num("n", 100000);
    const std::int64_t batch = std::max<std::int64_t>(1, a.num("batch", 1000));
    const std::int64_t subs_wanted = a.num("subs", 1);
    const std::string reply_payload = c == "init" ? init_payload(a.str("payload", "small")) : std::string();

    zmq::context_t ctx;
    zmq::socket_t router(ctx, zmq::socket_type::router);
    zmq::socket_t xpub(ctx, zmq::socket_type::xpub);
    router.set(zmq::sockopt::linger, 0);
    router.set(zmq::sockopt::sndhwm, 10000);
    router.set(zmq::sockopt::rcvhwm, 10000);
    xpub.set(zmq::sockopt::linger, 0);
    xpub.set(zmq::sockopt::sndhwm, 10000);
    xpub.set(zmq::sockopt::xpub_verbose, 1);
    xpub.set(zmq::sockopt::xpub_nodrop, 1);
    router.bind("tcp://127.0.0.1:*");
    xpub.bind("tcp://127.0.0.1:*");
    say("READY tcp://127.0.0.1:", bound_port(router), " ", bound_port(xpub));

    StdinLines in;
    std::int64_t subs = 0;
    bool go = false, quit = false;
    std::string buf;
    while (!quit) {
        zmq::pollitem_t items[] = {{router.handle(), 0, ZMQ_POLLIN, 0}, {xpub.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, 0, ZMQ_POLLIN, 0}};
        zmq::poll(items, 3, std::chrono::milliseconds(-1));
        if (items[0].revents & ZMQ_POLLIN) {
            // Requests: [id, payload]. rpc: echo the payload; init: answer with the state.
            for (int k = 0; k < 1000; ++k) {
                zmq::message_t id, body;
                if (!router.recv(id, zmq::recv_flags::dontwait)) break;
                (void)router.recv(body, zmq::recv_flags::dontwait);
                router.send(id, zmq::send_flags::sndmore);
                if (c == "init") router.send(zmq::buffer(reply_payload), zmq::send_flags::none);
                else router.send(body, zmq::send_flags::none);
            }
        }
        if (items[1].revents & ZMQ_POLLIN) {
            zmq::message_t m;
            while (xpub.recv(m, zmq::recv_flags::dontwait))
                if (m.size() > 0 && m.data<char>()[0] == 1) ++subs;
        }
        if (items[2].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) {
            for (const auto& cmd : in.read()) {
                if (cmd == "go") go = true;
                else if (cmd == "stat") say(zbench::stat_line());
                else if (cmd == "quit") quit = true;
            }
            if (in.eof) quit = true;
        }
        if (go && c == "prop" && subs >= subs_wanted) {
            go = false;
            // One message per "turn": [first_seq u64][batch × int64 value].
            const std::int64_t t0 = zbench::now_ns();
            for (std::int64_t next = 0; next < n;) {
                const std::int64_t k = std::min(batch, n - next);
                buf.resize(8 + 8 * static_cast<std::size_t>(k));
                const std::uint64_t first = static_cast<std::uint64_t>(next + 1);
                std::memcpy(buf.data(), &first, 8);
                for (std::int64_t i = 0; i < k; ++i) {
                    const std::int64_t v = ++next;
                    std::memcpy(buf.data() + 8 + 8 * i, &v, 8);
                }
                xpub.send(zmq::buffer(topic), zmq::send_flags::sndmore);
                xpub.send(zmq::buffer(buf), zmq::send_flags::none);  // blocks at the HWM (NODROP)
            }
            say("SENT t0=", t0, " t1=", zbench::now_ns());
        }
    }
    return 0;
}

// ---- replica ---------------------------------------------------------------------------------

int run_replica(const zbench::Args& a) {
    const std::int64_t n = a.num("n", 100000);
    zmq::context_t ctx;
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::linger, 0);
    sub.set(zmq::sockopt::rcvhwm, 10000);
    sub.set(zmq::sockopt::subscribe, topic);
    sub.connect("tcp://127.0.0.1:" + a.str("pub"));
    say("READY cpu_ns=", zbench::cpu_ns());
    StdinLines in;
    std::int64_t last = 0, count = 0, errors = 0;
    bool quit = false, done = false;
    while (!quit) {
        zmq::pollitem_t items[] = {{sub.handle(), 0, ZMQ_POLLIN, 0}, {nullptr, 0, ZMQ_POLLIN, 0}};
        zmq::poll(items, 2, std::chrono::milliseconds(-1));
        if (items[0].revents & ZMQ_POLLIN) {
            for (int m = 0; m < 1000; ++m) {
                zmq::message_t t, p;
                if (!sub.recv(t, zmq::recv_flags::dontwait)) break;
                (void)sub.recv(p, zmq::recv_flags::dontwait);
                const std::size_t k = (p.size() - 8) / 8;
                const char* d = p.data<char>() + 8;
                for (std::size_t i = 0; i < k; ++i) {
                    std::int64_t v;
                    std::memcpy(&v, d + 8 * i, 8);
                    if (v == last + 1) ++count;
                    else ++errors;
                    last = v;
                }
                if (last == n && !done) {
                    done = true;
                    say("DONE count=", count, " errors=", errors, " t_last=", zbench::now_ns(), " cpu_ns=", zbench::cpu_ns());
                }
            }
        }
        if (items[1].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) {
            for (const auto& cmd : in.read()) {
                if (cmd == "stat") say(zbench::stat_line(), " count=", count, " last=", last, " errors=", errors);
                else if (cmd == "quit") quit = true;
            }
            if (in.eof) quit = true;
        }
    }
    return 0;
}

// ---- clients ---------------------------------------------------------------------------------

int run_rpc_client(const zbench::Args& a) {
    const std::int64_t n = a.num("n", 10000);
    const bool pipe = a.str("mode", "seq") == "pipe";
    const std::int64_t inflight = pipe ? a.num("inflight", 100) : 1;
    zmq::context_t ctx;
    zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.set(zmq::sockopt::immediate, 1);
    dealer.set(zmq::sockopt::sndhwm, 10000);
    dealer.set(zmq::sockopt::rcvhwm, 10000);
    dealer.connect(a.str("url"));
    say("READY");
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line == "quit") break;
        if (line == "stat") { say(zbench::stat_line()); continue; }
        if (line != "go") continue;
        // A 32-byte request: [call id u64][24 bytes of arguments], echoed back by the ROUTER.
        std::vector<std::int64_t> sent_at(static_cast<std::size_t>(n)), times;
        times.reserve(static_cast<std::size_t>(n));
        char req[32] = {};
        std::int64_t issued = 0, completed = 0, errors = 0;
        auto issue = [&] {
            const std::uint64_t id = static_cast<std::uint64_t>(issued);
            std::memcpy(req, &id, 8);
            sent_at[static_cast<std::size_t>(issued++)] = zbench::now_ns();
            dealer.send(zmq::buffer(req, sizeof req), zmq::send_flags::none);
        };
        const std::int64_t t_start = zbench::now_ns();
        for (std::int64_t k = 0; k < inflight && issued < n; ++k) issue();
        while (completed < n) {
            zmq::message_t r;
            if (!dealer.recv(r)) { ++errors; break; }
            std::uint64_t id = 0;
            if (r.size() == 32) std::memcpy(&id, r.data(), 8);
            else ++errors;
            times.push_back(zbench::now_ns() - sent_at[id < sent_at.size() ? id : 0]);
            ++completed;
            if (issued < n) issue();
        }
        say("RPC n=", completed - errors, " errors=", errors, " total_ns=", zbench::now_ns() - t_start,
            " median_ns=", zbench::percentile(times, 0.5), " p99_ns=", zbench::percentile(times, 0.99));
    }
    return 0;
}

int run_init_client(const zbench::Args& a) {
    const int iters = static_cast<int>(a.num("iters", 20));
    const bool reuse = a.num("reuse", 0) != 0;
    const std::size_t expect = init_payload(a.str("payload", "small")).size();
    const std::string url = a.str("url");
    std::string line;
    say("READY");
    while (std::getline(std::cin, line)) {
        if (line == "quit") break;
        if (line == "stat") { say(zbench::stat_line()); continue; }
        if (line != "go") continue;
        std::vector<std::int64_t> times;
        int ok = 0;
        if (reuse) {
            // One connection, warmed up; each iteration times request -> state on it.
            zmq::context_t ctx;
            zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
            dealer.set(zmq::sockopt::linger, 0);
            dealer.connect(url);
            zmq::message_t r;
            dealer.send(zmq::str_buffer("snapshot"), zmq::send_flags::none);
            (void)dealer.recv(r);
            for (int i = 0; i < iters; ++i) {
                const std::int64_t t0 = zbench::now_ns();
                dealer.send(zmq::str_buffer("snapshot"), zmq::send_flags::none);
                const bool got = dealer.recv(r).has_value();
                times.push_back(zbench::now_ns() - t0);
                ok += got && r.size() == expect ? 1 : 0;
            }
        } else {
            for (int i = 0; i < iters; ++i) {
                zmq::context_t ctx;  // fresh each time, as a fresh zro node has a fresh context
                zmq::socket_t dealer(ctx, zmq::socket_type::dealer);
                dealer.set(zmq::sockopt::linger, 0);
                const std::int64_t t0 = zbench::now_ns();
                dealer.connect(url);
                dealer.send(zmq::str_buffer("snapshot"), zmq::send_flags::none);
                zmq::message_t r;
                const bool got = dealer.recv(r).has_value();
                times.push_back(zbench::now_ns() - t0);
                ok += got && r.size() == expect ? 1 : 0;
            }
        }
        say("INIT first_ns=", times.front(), " median_ns=", zbench::percentile(times, 0.5), " ok=", ok,
            " hwm_kib=", zbench::status_kib("VmHWM"));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const zbench::Args a(argc, argv);
        const std::string role = a.str("role");
        if (role == "source") return run_source(a);
        if (role == "replica") return run_replica(a);
        if (role == "client" && a.str("case") == "rpc") return run_rpc_client(a);
        if (role == "client" && a.str("case") == "init") return run_init_client(a);
        std::cerr << "usage: zmq_bench_peer --role source|replica|client --case prop|rpc|init ...\n";
        return 2;
    } catch (const std::exception& e) {
        say("FAIL ", e.what());
        return 1;
    }
}
