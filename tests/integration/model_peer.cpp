// zro — shared live objects over ZeroMQ.
// zro_model_peer: the processes of the model integration tests. One line per event on stdout,
// commands one per line on stdin. Modes:
//
//   source  --url URL --name NAME --rows N [--heartbeat-ms H]
//       Shares a StandardItemModel at top level (model_script.hpp's script_fill). "READY <url>".
//       ops COUNT SEED   -> script_run(COUNT, SEED), one step per loop turn; "OPS_DONE rows=<n>"
//       quit             -> "BYE"
//
//   replica --url URL --name NAME --window N [--heartbeat-ms H]
//       Acquires it with rows 0..N-1 as a window. Prints "VALID" each time it becomes valid.
//       dump             -> "ROW <r> <row>" for rows 0..N-1 it holds (script_row), then
//                           "DUMP rows=<row count> held=<rows held of the window> seq=<last seq>"
//       quit             -> "BYE"

#include "model_script.hpp"

#include <zro/zro.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

namespace {

std::map<std::string, std::string> options(int argc, char** argv) {
    std::map<std::string, std::string> o;
    for (int i = 2; i + 1 < argc; i += 2) o[argv[i]] = argv[i + 1];
    return o;
}

void say(const std::string& line) {
    std::cout << line << std::endl;  // flushed: the test reads lines as they come
}

/// Reads stdin on a thread and runs each line on the node's loop; EOF means quit.
void read_commands(zro::Node& node, std::function<void(const std::string&)> run) {
    std::thread([&node, run = std::move(run)] {
        std::string line;
        while (std::getline(std::cin, line)) node.post([run, line] { run(line); });
        node.post([run] { run("quit"); });
    }).detach();
}

zro::NodeOptions node_options(std::map<std::string, std::string>& o) {
    zro::NodeOptions n;
    n.heartbeat_interval = std::chrono::milliseconds(std::stoi(o.count("--heartbeat-ms") ? o["--heartbeat-ms"] : "100"));
    return n;
}

int run_source(std::map<std::string, std::string> o) {
    zro::Host host(o["--url"], node_options(o));
    zro::StandardItemModel model({"display", "number"}, 2);
    zro::test::script_fill(model, std::stoul(o["--rows"]));
    host.enable_remoting(model, o["--name"]);
    say("READY " + host.url());
    // Operations in steps of 1000 per loop turn, as a busy source would make them.
    std::function<void(std::size_t, std::uint64_t)> step = [&](std::size_t left, std::uint64_t seed) {
        const std::size_t now = std::min(left, zro::test::script_step);
        zro::test::script_ops(model, seed, now);
        if (left == now) return say("OPS_DONE rows=" + std::to_string(model.row_count({})));
        host.post([&, left, now, seed] { step(left - now, seed + 1); });
    };
    read_commands(host, [&](const std::string& line) {
        std::istringstream in(line);
        std::string verb;
        in >> verb;
        if (verb == "ops") {
            std::size_t count = 0;
            std::uint64_t seed = 0;
            in >> count >> seed;
            step(count, seed);
        } else if (verb == "quit") {
            say("BYE");
            host.stop();
        }
    });
    host.run();
    return 0;
}

int run_replica(std::map<std::string, std::string> o) {
    zro::Node node(node_options(o));
    node.connect_to(o["--url"]);
    const std::size_t window = std::stoul(o["--window"]);
    auto model = node.acquire_model(o["--name"], {.prefetch_rows = window});
    model->replica().on_state_changed([](zro::ReplicaState now, zro::ReplicaState) {
        if (now == zro::ReplicaState::valid) say("VALID");
    });
    read_commands(node, [&](const std::string& line) {
        if (line == "dump") {
            std::size_t held = 0;
            for (std::size_t r = 0; r < window && r < model->row_count(); ++r) {
                if (!model->cached({}, r)) continue;
                ++held;
                say("ROW " + std::to_string(r) + " " +
                    zro::test::script_row(model->data({}, r, 0, 0), model->data({}, r, 0, 1), model->data({}, r, 1, 0),
                                          model->data({}, r, 1, 1)));
            }
            say("DUMP rows=" + std::to_string(model->row_count()) + " held=" + std::to_string(held) +
                " seq=" + std::to_string(model->replica().last_seq()));
        } else if (line == "quit") {
            say("BYE");
            node.stop();
        }
    });
    node.run();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: zro_model_peer source|replica --url URL --name NAME ...\n";
        return 2;
    }
    try {
        const std::string mode = argv[1];
        if (mode == "source") return run_source(options(argc, argv));
        if (mode == "replica") return run_replica(options(argc, argv));
        std::cerr << "zro_model_peer: unknown mode " << mode << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "zro_model_peer: " << e.what() << "\n";
        return 1;
    }
}
