// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Node`: an endpoint that acquires replicas (and, as a `Host`, shares sources).
///
///     zro::Node node;
///     node.connect_to("tcp://192.168.1.20:5555");
///     auto sw = node.acquire_dynamic("SimpleSwitch");
///     sw->on_initialized([&] { ... });
///     node.run();                       // or node.start() for a background thread
///
/// Thread contract: each node has one event loop that owns its sockets, timers, replicas and
/// sources; all callbacks run on it. Run it on your thread (`run()`, `run_for()`), or on a
/// thread of its own (`start()`). Every member of `Node` (and of `Host`, `Timer`,
/// `Registration`) may be called from any thread: called elsewhere than on the loop thread
/// while the loop runs, a member runs on the loop thread and waits for it (so it blocks until
/// the loop's current turn ends); `post()` and `stop()` never wait. Exceptions: `run()` and
/// `run_for()` run the loop on the calling thread (one thread at a time, never inside a
/// callback); destroy the node on any thread but its loop's. Replicas and sources are used on
/// the loop thread (zro/replica.hpp, zro/source.hpp); reach them from elsewhere with `post()`.

#include <zro/dynamic_replica.hpp>
#include <zro/options.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

namespace zro {

namespace detail {
class NodeCore;
class Loop;
} // namespace detail

/// The handle of a timer on the node's loop. As every zro handle (docs/GUIDE.md, "Handles"),
/// dropping it ends nothing: the timer runs until `cancel()`, until it fired once (not
/// repeating), or until the node is destroyed. Copies name the same timer.
class Timer {
public:
    Timer() = default;
    /// Stops the timer; harmless if it already stopped or the node is gone. Any thread. The
    /// timer's own callback may cancel it and go on running: it is destroyed once it returns.
    void cancel();

private:
    friend class Node;
    std::weak_ptr<detail::NodeCore> core_;
    std::uint64_t id_ = 0;
};

class Node {
public:
    explicit Node(NodeOptions options = {});
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    /// Stops the loop (joining the thread `start()` made), fails pending calls with `cancelled`
    /// and detaches replicas (which become suspect).
    virtual ~Node();

    /// Connects to a host. Replicas acquired before or after are looked up there. Non-blocking:
    /// the host need not be up yet. Throws `Error(bad_url)` for an unsupported URL.
    void connect_to(std::string_view url);

    /// Acquires a replica whose class is learned from the source. The replica starts
    /// uninitialized and becomes valid when a connected host shares `name`.
    std::unique_ptr<DynamicReplica> acquire_dynamic(std::string_view name);
    /// Acquires a model shared at top level (`host.enable_remoting(model, name, roles)`,
    /// docs/MODELS.md). The pointer owns the object's replica: `replica()` tells its state and
    /// waits for it; the counts are known once it is valid.
    std::shared_ptr<ModelReplica> acquire_model(std::string_view name, ModelOptions options = {});

    /// Acquires a typed (static) replica, e.g. `node.acquire<SimpleSwitchReplica>("SimpleSwitch")`.
    /// R is a Replica subclass with a default constructor whose `zro_expected_schema()` names the
    /// class it was generated from; it starts in `defaulted` state holding the declared defaults
    /// and refuses a source with another signature (`signature_mismatch`).
    template <class R> std::unique_ptr<R> acquire(std::string_view name) {
        static_assert(std::is_base_of_v<Replica, R>, "acquire<R>: R must derive from zro::Replica");
        auto replica = std::make_unique<R>();
        attach_replica(*replica, name);
        return replica;
    }

    /// Asks the host at `url` (connecting to it if needed) which objects it shares. The result
    /// is a map: `{"url": URL, "node_id": ID, "objects": [{"name", "type", "signature"}, ...]}`.
    /// Fails with `timeout` if the host does not answer in time.
    PendingReply<Value> list_objects(std::string_view url, std::chrono::milliseconds timeout = std::chrono::seconds(5));

    /// Offers a host key for `url` from an unauthenticated source (an mDNS TXT record, a
    /// prompt). Used only with `security.trust_on_first_use` and only while nothing is pinned
    /// for `url`; the first successful CURVE handshake records it in the known-hosts file. A
    /// hint that differs from a pinned key is ignored (and logged). Throws `Error(bad_arguments)`
    /// for a malformed key.
    void hint_server_key(std::string_view url, std::string_view z85_key);

    /// Runs the loop on this thread until `stop()`.
    void run();
    /// Runs the loop on this thread for `duration` (or until `stop()`).
    void run_for(std::chrono::milliseconds duration);
    /// Runs the loop on a new thread until `stop()` or destruction.
    void start();
    /// Stops the loop. Thread-safe. After `start()`, also joins the thread (unless called on it).
    void stop();
    /// Runs `fn` on the loop thread. Thread-safe.
    void post(std::function<void()> fn);
    /// Calls `fn` every `interval` (or once if `repeat` is false) on the loop thread.
    Timer add_timer(std::chrono::milliseconds interval, std::function<void()> fn, bool repeat = true);

    /// This node's id (random per process, shown to peers in the handshake).
    const std::string& node_id() const noexcept;
    const NodeOptions& options() const noexcept;

protected:
    /// A node on the loop of `loop_of` (nullptr: a loop of its own); see Host's constructor.
    Node(NodeOptions options, const Node* loop_of);

    std::shared_ptr<detail::NodeCore> core_;
    bool owns_loop_ = true;  ///< false: the loop is `loop_of`'s, which runs and stops it

private:
    void attach_replica(Replica& replica, std::string_view name);
};

} // namespace zro
