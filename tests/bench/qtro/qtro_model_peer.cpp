// zro — shared live objects over ZeroMQ.
// qtro_bench_peer, case 8: the same million-row list as zro_model_peer.cpp, a QAbstractListModel
// shared with QRemoteObjectHost::enableRemoting and read through QAbstractItemModelReplica
// (acquireModel with PrefetchData, a root cache of the window's size), the way a QtRO view would.

#include "qtro_peer.hpp"

#include <QAbstractItemModelReplica>
#include <QAbstractListModel>
#include <QEventLoop>
#include <QRemoteObjectHost>
#include <QRemoteObjectNode>
#include <QTimer>
#include <QUrl>

#include <cstdint>
#include <memory>
#include <vector>

namespace zbench {
namespace {

const QString model_name = QStringLiteral("BenchModel");

/// One column of model_rows int64 values under Qt::DisplayRole.
class BenchListModel : public QAbstractListModel {
public:
    BenchListModel() : values_(static_cast<qsizetype>(model_rows)) {
        for (qsizetype i = 0; i < values_.size(); ++i) values_[i] = i;
    }
    int rowCount(const QModelIndex& parent) const override { return parent.isValid() ? 0 : static_cast<int>(values_.size()); }
    QVariant data(const QModelIndex& index, int role) const override {
        if (!index.isValid() || role != Qt::DisplayRole) return {};
        return QVariant::fromValue<qlonglong>(values_[index.row()]);
    }
    void set(int row, qint64 value) {
        values_[row] = value;
        const QModelIndex i = index(row);
        emit dataChanged(i, i, {Qt::DisplayRole});
    }

private:
    QList<qint64> values_;
};

/// The value row `row` shows, or false when the replica does not hold it (asking for it makes
/// the replica fetch it, as a view's asking does).
bool shown(QAbstractItemModelReplica& model, int row, std::int64_t& value) {
    if (row >= model.rowCount()) return false;
    const QVariant v = model.data(model.index(row, 0), Qt::DisplayRole);
    if (!v.isValid()) return false;
    value = v.toLongLong();
    return true;
}

/// Whether every row of the window is shown.
bool window_shown(QAbstractItemModelReplica& model) {
    std::int64_t v;
    for (int row = 0; row < static_cast<int>(model_window); ++row)
        if (!shown(model, row, v)) return false;
    return true;
}

std::unique_ptr<QAbstractItemModelReplica> acquire_window(QRemoteObjectNode& node) {
    std::unique_ptr<QAbstractItemModelReplica> model(
        node.acquireModel(model_name, QtRemoteObjects::PrefetchData, {Qt::DisplayRole}));
    model->setRootCacheSize(static_cast<size_t>(model_window));  // before it initializes
    return model;
}

/// Calls `check` whenever the replica's content may have changed.
template <class F> void on_content(QAbstractItemModelReplica* model, QObject* context, F check) {
    QObject::connect(model, &QAbstractItemModelReplica::initialized, context, check);
    QObject::connect(model, &QAbstractItemModel::modelReset, context, check);
    QObject::connect(model, &QAbstractItemModel::rowsInserted, context, check);
    QObject::connect(model, &QAbstractItemModel::dataChanged, context, check);
}

} // namespace

int run_model_source(QCoreApplication& app, const Args& a) {
    const std::int64_t n = a.num("n", 100000);
    const std::int64_t batch = std::max<std::int64_t>(1, a.num("batch", 100));
    const QString url = QStringLiteral("tcp://127.0.0.1:%1").arg(free_port());
    QRemoteObjectHost host{QUrl(url)};
    BenchListModel list;
    host.enableRemoting(&list, model_name, {Qt::DisplayRole});

    std::int64_t k = 0, t0 = 0;
    QTimer blaster;
    blaster.setInterval(0);  // one timeout per event-loop turn
    QObject::connect(&blaster, &QTimer::timeout, [&] {
        for (std::int64_t i = 0; i < batch && k < n; ++i) {
            ++k;
            list.set(static_cast<int>((k - 1) % model_window), model_rows + k);
        }
        if (k >= n) {
            blaster.stop();
            say("SENT t0=", t0, " t1=", now_ns());
        }
    });
    read_commands(&app, [&](const std::string& cmd) {
        if (cmd == "go" && k == 0) {
            t0 = now_ns();
            blaster.start();
        } else if (cmd == "stat") {
            say(stat_line());
        } else if (cmd == "quit") {
            app.quit();
        }
    });
    say("READY ", url.toStdString());
    return app.exec();
}

int run_model_replica(QCoreApplication& app, const Args& a) {
    const std::int64_t n = a.num("n", 100000);
    QRemoteObjectNode node;
    node.connectToNode(QUrl(QString::fromStdString(a.str("url"))));
    auto model = acquire_window(node);
    ModelTally tally;
    bool ready = false, done = false;
    on_content(model.get(), &app, [&] {
        if (!ready && window_shown(*model)) {
            ready = true;
            say("READY cpu_ns=", cpu_ns());
        }
    });
    QObject::connect(model.get(), &QAbstractItemModel::dataChanged, &app,
                     [&](const QModelIndex& top_left, const QModelIndex& bottom_right) {
        if (!ready || top_left.parent().isValid()) return;
        const int last = std::min(bottom_right.row(), static_cast<int>(model_window) - 1);
        for (int row = top_left.row(); row <= last; ++row) {
            std::int64_t v;
            if (shown(*model, row, v)) tally.see(row, v);
        }
        if (!done && tally.done(n)) {
            done = true;
            say("DONE count=", tally.count, " errors=", tally.skipped, " t_last=", now_ns(), " cpu_ns=", cpu_ns());
        }
    });
    QTimer::singleShot(30000, &app, [&] {
        if (!ready) {
            say("FAIL the window was not shown within 30 s");
            app.exit(1);
        }
    });
    read_commands(&app, [&](const std::string& cmd) {
        if (cmd == "stat") say(stat_line(), " count=", tally.count, " errors=", tally.skipped);
        else if (cmd == "quit") app.quit();
    });
    return app.exec();
}

int run_model_client(QCoreApplication& app, const Args& a) {
    const int iters = static_cast<int>(a.num("iters", 20));
    QRemoteObjectNode node;
    node.connectToNode(QUrl(QString::fromStdString(a.str("url"))));
    // acquire -> the window shown, in a nested event loop; false after 10 s.
    auto view_once = [&node](std::int64_t& ns) {
        const std::int64_t t0 = now_ns();
        auto model = acquire_window(node);
        QEventLoop loop;
        bool ok = false;
        on_content(model.get(), &loop, [&] {
            if (!ok && window_shown(*model)) {
                ok = true;
                loop.quit();
            }
        });
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        ns = now_ns() - t0;
        return ok;
    };
    read_commands(&app, [&](const std::string& cmd) {
        if (cmd == "stat") say(stat_line());
        else if (cmd == "quit") app.quit();
        else if (cmd == "go") say(model_view_line(iters, view_once));
    });
    say("READY");
    return app.exec();
}

} // namespace zbench
