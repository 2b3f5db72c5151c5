// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// What the files of qtro_bench_peer share: the command reader, a free port, and the jobs of
/// case 8 (item models, qtro_model_peer.cpp). The line protocol is ../bench_common.hpp's.

#include "../bench_common.hpp"

#include <QCoreApplication>
#include <QHostAddress>
#include <QObject>
#include <QSocketNotifier>
#include <QTcpServer>

#include <functional>
#include <string>

namespace zbench {

/// Calls `handle` for each command line the driver writes to stdin ("quit" at EOF).
inline void read_commands(QObject* parent, std::function<void(const std::string&)> handle) {
    auto* in = new StdinLines;
    auto* n = new QSocketNotifier(0, QSocketNotifier::Read, parent);
    QObject::connect(n, &QSocketNotifier::activated, parent, [in, n, handle] {
        for (const auto& line : in->read()) handle(line);
        if (in->eof) {
            n->setEnabled(false);
            handle("quit");
        }
    });
}

inline int free_port() {
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

int run_model_source(QCoreApplication& app, const Args& a);
int run_model_replica(QCoreApplication& app, const Args& a);
int run_model_client(QCoreApplication& app, const Args& a);

} // namespace zbench
