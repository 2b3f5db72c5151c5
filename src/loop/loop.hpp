// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The event loop: one per node. It owns nothing but its wake-up fd; the node's engines register
/// their ZeroMQ sockets, timers and end-of-turn work with it. Everything registered runs on the
/// loop's thread. Only `post()`, `stop()` and `wait_until()` may be called from other threads.
///
/// One turn: wait in zmq_poll (until a socket is readable, a task is posted or the next timer is
/// due) → socket handlers → posted tasks → due timers → deferred end-of-turn work (repeated until
/// none is left). End-of-turn work is where engines flush what the turn produced, so all changes
/// of one turn leave in one message. A turn that has work waiting already (a due timer) skips
/// the poll if the previous poll was less than 50 µs ago: a busy loop looks at its sockets
/// about every 50 µs, not every turn.

#include <zmq.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace zro::detail {

class Loop : public std::enable_shared_from_this<Loop> {
public:
    using Clock = std::chrono::steady_clock;
    using Task = std::function<void()>;
    using TimerId = std::uint64_t;

    Loop();
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // ---- loop thread only ------------------------------------------------------------------
    /// Calls `on_readable` whenever `socket` has a message. The handler should drain it.
    void add_socket(zmq::socket_ref socket, Task on_readable);
    void remove_socket(zmq::socket_ref socket);
    /// Runs `fn` once, as soon as `socket` can send (a DEALER with ZMQ_IMMEDIATE: once its
    /// connection is up). One watch per socket; a new one replaces the old.
    void when_writable(zmq::socket_ref socket, Task fn);
    void cancel_when_writable(zmq::socket_ref socket);
    /// Runs `fn` after `delay`; if `repeat`, again every `delay` until cancelled.
    TimerId add_timer(std::chrono::milliseconds delay, Task fn, bool repeat = false);
    /// Harmless for a timer that already ended; a callback may cancel its own timer and go on.
    void cancel_timer(TimerId id);
    /// Runs `fn` at the end of the current turn (or of the next one when called outside a turn).
    void defer(Task fn);
    /// Runs `fn` at the end of the next turn, which then starts without waiting.
    void defer_to_next_turn(Task fn);
    /// True when the next turn will start without waiting: a task is posted or a timer is due
    /// (and `stop()` was not called). Engines hold back work that is cheaper done once for
    /// several such turns (HostEngine's publish batching).
    bool has_immediate_work();

    /// Runs turns until `stop()`. Records the calling thread as the loop thread.
    void run();
    /// Runs at most one turn, waiting up to `max_wait` for something to do.
    void run_once(std::chrono::milliseconds max_wait);

    // ---- any thread ------------------------------------------------------------------------
    /// Queues `fn` to run on the loop thread in its next turn. Thread-safe.
    void post(Task fn);
    /// Makes `run()` return after the current turn. Thread-safe.
    void stop();
    /// True on the thread currently running the loop (or when no thread runs it and the caller
    /// may run it).
    bool in_loop_thread() const noexcept;
    /// True while some thread is inside `run()`.
    bool running() const noexcept { return running_.load(); }

    /// Blocks until `pred()` (evaluated on the loop thread) is true or `timeout` passes.
    /// - From inside a loop callback: throws `Error(would_deadlock)`: the loop cannot turn while
    ///   the callback waits (the rule KJ enforces with its WaitScope).
    /// - When no other thread runs the loop: pumps the loop itself while waiting.
    /// - When another thread runs it: parks on a condition variable, re-checked after each turn.
    bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

    /// Depth of zro callbacks on this thread (> 0 means "inside a callback").
    static int callback_depth() noexcept;

private:
    struct Timer {
        Task fn;
        std::chrono::milliseconds period;
        bool repeat;
        Clock::time_point due;
    };
    struct SocketEntry {
        void* handle;
        std::shared_ptr<Task> handler;
    };
    struct Waiter {
        std::function<bool()> pred;
        std::mutex mutex;
        std::condition_variable cv;
        bool done = false;
        bool abandoned = false;
    };

    void run_turn(std::chrono::milliseconds max_wait);
    /// zmq_poll for up to `wait`, then the handlers of the readable sockets. False when the
    /// ZeroMQ context is being terminated (the loop stops).
    bool poll_sockets(std::chrono::milliseconds wait);
    void run_posted();
    void run_timers();
    void run_deferred();
    void check_waiters();
    void wake() noexcept;
    void drain_wake_fd() noexcept;
    void timed_call(const Task& fn, const char* what);

    int wake_fd_ = -1;
    std::atomic<bool> stop_{false};
    std::atomic<bool> running_{false};
    std::atomic<std::thread::id> loop_thread_{};

    std::vector<SocketEntry> sockets_;
    std::vector<SocketEntry> writable_watches_;  ///< polled for POLLOUT after sockets_
    std::vector<zmq_pollitem_t> poll_items_;
    bool poll_items_dirty_ = true;
    Clock::time_point last_poll_{};  ///< when zmq_poll last ran (see busy_poll_interval)

    std::map<std::pair<Clock::time_point, TimerId>, Timer> timers_;
    std::unordered_map<TimerId, Clock::time_point> timer_due_;
    TimerId next_timer_id_ = 1;

    std::vector<Task> deferred_;
    std::vector<Task> next_turn_;
    // Reused every turn, so that a busy loop does not allocate per turn.
    std::vector<TimerId> due_scratch_;
    std::vector<Task> task_scratch_;

    std::mutex posted_mutex_;
    std::vector<Task> posted_;
    std::vector<std::shared_ptr<Waiter>> waiters_;  // guarded by posted_mutex_
};

} // namespace zro::detail
