// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// What the files of zro_bench_peer share: the command reader and the jobs of case 8 (item
/// models, zro_model_peer.cpp). The line protocol is bench_common.hpp's.

#include "bench_common.hpp"

#include <zro/zro.hpp>

#include <functional>
#include <iostream>
#include <string>
#include <thread>

namespace zbench {

/// Reads stdin lines on a thread and hands each to `node` (on its loop thread); "quit" when the
/// driver went away.
inline void read_commands(zro::Node& node, std::function<void(const std::string&)> handle) {
    std::thread([&node, handle = std::move(handle)] {
        std::string line;
        while (std::getline(std::cin, line)) node.post([handle, line] { handle(line); });
        node.post([handle] { handle("quit"); });
    }).detach();
}

int run_model_source(const Args& a);
int run_model_replica(const Args& a);
int run_model_client(const Args& a);

} // namespace zbench
