// zro — shared live objects over ZeroMQ.
#include "loop/loop.hpp"

#include "core/log.hpp"

#include <zro/error.hpp>

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace zro::detail {
namespace {

thread_local int tl_callback_depth = 0;

/// Marks "inside a zro callback" for the blocking helpers' deadlock check.
struct DepthGuard {
    DepthGuard() { ++tl_callback_depth; }
    ~DepthGuard() { --tl_callback_depth; }
};

/// A callback slower than this is logged: it delays everything else on the node.
constexpr auto slow_callback_threshold = std::chrono::milliseconds(100);

/// While turns follow each other without waiting, sockets are polled at most this often.
constexpr auto busy_poll_interval = std::chrono::microseconds(50);

} // namespace

Loop::Loop() {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0)
        throw Error(ErrorCode::invalid_state, std::string("eventfd failed: ") + std::strerror(errno));
}

Loop::~Loop() {
    // Waiters on other threads must not sleep forever on a loop that is gone.
    std::lock_guard lock(posted_mutex_);
    for (auto& w : waiters_) {
        std::lock_guard wl(w->mutex);
        w->abandoned = true;
        w->cv.notify_all();
    }
    ::close(wake_fd_);
}

int Loop::callback_depth() noexcept { return tl_callback_depth; }

bool Loop::in_loop_thread() const noexcept {
    const auto id = loop_thread_.load();
    return id == std::thread::id{} || id == std::this_thread::get_id();
}

void Loop::add_socket(zmq::socket_ref socket, Task on_readable) {
    sockets_.push_back({socket.handle(), std::make_shared<Task>(std::move(on_readable))});
    poll_items_dirty_ = true;
}

void Loop::remove_socket(zmq::socket_ref socket) {
    std::erase_if(sockets_, [&](const SocketEntry& e) { return e.handle == socket.handle(); });
    cancel_when_writable(socket);
    poll_items_dirty_ = true;
}

void Loop::when_writable(zmq::socket_ref socket, Task fn) {
    cancel_when_writable(socket);
    writable_watches_.push_back({socket.handle(), std::make_shared<Task>(std::move(fn))});
    poll_items_dirty_ = true;
}

void Loop::cancel_when_writable(zmq::socket_ref socket) {
    if (std::erase_if(writable_watches_, [&](const SocketEntry& e) { return e.handle == socket.handle(); }) > 0)
        poll_items_dirty_ = true;
}

Loop::TimerId Loop::add_timer(std::chrono::milliseconds delay, Task fn, bool repeat) {
    const TimerId id = next_timer_id_++;
    const auto due = Clock::now() + delay;
    timers_.emplace(std::make_pair(due, id), Timer{std::move(fn), delay, repeat, due});
    timer_due_.emplace(id, due);
    return id;
}

void Loop::cancel_timer(TimerId id) {
    auto it = timer_due_.find(id);
    if (it == timer_due_.end()) return;
    timers_.erase({it->second, id});
    timer_due_.erase(it);
}

void Loop::defer(Task fn) { deferred_.push_back(std::move(fn)); }

void Loop::defer_to_next_turn(Task fn) { next_turn_.push_back(std::move(fn)); }

bool Loop::has_immediate_work() {
    if (stop_.load()) return false;
    if (!next_turn_.empty()) return true;
    if (!timers_.empty() && timers_.begin()->first.first <= Clock::now()) return true;
    std::lock_guard lock(posted_mutex_);
    return !posted_.empty();
}

void Loop::post(Task fn) {
    {
        std::lock_guard lock(posted_mutex_);
        posted_.push_back(std::move(fn));
    }
    wake();
}

void Loop::stop() {
    stop_.store(true);
    wake();
}

void Loop::wake() noexcept {
    const std::uint64_t one = 1;
    // A full counter (EAGAIN) still leaves the fd readable, which is all we need.
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void Loop::drain_wake_fd() noexcept {
    std::uint64_t value;
    [[maybe_unused]] auto n = ::read(wake_fd_, &value, sizeof value);
}

void Loop::run() {
    running_.store(true);
    loop_thread_.store(std::this_thread::get_id());
    stop_.store(false);
    while (!stop_.load()) run_turn(std::chrono::hours(1));
    loop_thread_.store(std::thread::id{});
    running_.store(false);
    // Anyone parked in wait_until re-checks or times out on its own; wake them to notice.
    check_waiters();
}

void Loop::run_once(std::chrono::milliseconds max_wait) {
    const auto previous = loop_thread_.exchange(std::this_thread::get_id());
    run_turn(max_wait);
    loop_thread_.store(previous);
}

void Loop::run_turn(std::chrono::milliseconds max_wait) {
    DepthGuard depth;
    if (poll_items_dirty_) {
        poll_items_.clear();
        for (auto& s : sockets_) poll_items_.push_back({s.handle, 0, ZMQ_POLLIN, 0});
        for (auto& w : writable_watches_) poll_items_.push_back({w.handle, 0, ZMQ_POLLOUT, 0});
        poll_items_.push_back({nullptr, wake_fd_, ZMQ_POLLIN, 0});
        poll_items_dirty_ = false;
    }
    if (!next_turn_.empty()) {
        for (auto& t : next_turn_) deferred_.push_back(std::move(t));
        next_turn_.clear();
    }
    const auto now = Clock::now();
    auto wait = max_wait;
    if (!deferred_.empty()) wait = std::chrono::milliseconds(0);
    if (!timers_.empty()) {
        const auto until = std::chrono::ceil<std::chrono::milliseconds>(timers_.begin()->first.first - now);
        wait = std::clamp(until, std::chrono::milliseconds(0), wait);
    }
    // A turn with work already waiting (a due timer, a held flush) looks at the sockets only if
    // it has not for busy_poll_interval: a zmq_poll costs two system calls and ~1,500
    // instructions, more than a whole turn of a 0 ms timer. Posted tasks do not depend on it
    // (run_posted reads the queue itself).
    if (wait.count() > 0 || now - last_poll_ >= busy_poll_interval) {
        last_poll_ = now;
        if (!poll_sockets(wait)) return;  // the context is closing
    }
    run_posted();
    run_timers();
    run_deferred();
    check_waiters();
}

bool Loop::poll_sockets(std::chrono::milliseconds wait) {
    const int rc = zmq_poll(poll_items_.data(), static_cast<int>(poll_items_.size()), static_cast<long>(wait.count()));
    if (rc < 0 && zmq_errno() != EINTR) {
        if (zmq_errno() == ETERM) { stop_.store(true); return false; }
        throw zmq::error_t();
    }
    if (rc > 0) {
        // Copy the handlers first: a handler may add or remove sockets and watches.
        std::vector<std::pair<void*, std::shared_ptr<Task>>> readable, writable;
        const std::size_t watches_from = poll_items_.size() - 1 - writable_watches_.size();
        for (std::size_t i = 0; i + 1 < poll_items_.size(); ++i) {
            if (i < watches_from && (poll_items_[i].revents & ZMQ_POLLIN)) readable.emplace_back(poll_items_[i].socket, nullptr);
            if (i >= watches_from && (poll_items_[i].revents & ZMQ_POLLOUT)) writable.emplace_back(poll_items_[i].socket, nullptr);
        }
        auto find_handler = [](const std::vector<SocketEntry>& entries, void* handle) -> std::shared_ptr<Task> {
            auto it = std::find_if(entries.begin(), entries.end(), [handle](const SocketEntry& e) { return e.handle == handle; });
            return it == entries.end() ? nullptr : it->handler;
        };
        for (auto& entry : readable) entry.second = find_handler(sockets_, entry.first);
        for (auto& entry : writable) {
            entry.second = find_handler(writable_watches_, entry.first);
            std::erase_if(writable_watches_, [&](const SocketEntry& e) { return e.handle == entry.first; });  // once
            poll_items_dirty_ = true;
        }
        for (auto& entry : writable)
            if (entry.second) timed_call(*entry.second, "writable handler");
        for (auto& entry : readable)
            if (entry.second) timed_call(*entry.second, "socket handler");
        if (poll_items_.back().revents & ZMQ_POLLIN) drain_wake_fd();
    }
    return true;
}

void Loop::run_posted() {
    auto& tasks = task_scratch_;
    {
        std::lock_guard lock(posted_mutex_);
        if (posted_.empty()) return;
        tasks.clear();  // left over if a task threw last time
        tasks.swap(posted_);
    }
    for (auto& t : tasks) timed_call(t, "posted task");
    tasks.clear();
}

void Loop::run_timers() {
    const auto now = Clock::now();
    // Collect due timers first, so a timer that re-arms itself at 0 ms cannot starve the loop.
    auto& due = due_scratch_;
    due.clear();
    for (auto it = timers_.begin(); it != timers_.end() && it->first.first <= now; ++it) due.push_back(it->first.second);
    for (TimerId id : due) {
        auto di = timer_due_.find(id);
        if (di == timer_due_.end()) continue;  // cancelled by an earlier timer of this turn
        auto node = timers_.extract({di->second, id});
        Timer timer = std::move(node.mapped());
        if (timer.repeat) {
            // Re-arm before the call so the callback may cancel itself. The callback itself is
            // held here while it runs, so cancelling does not destroy it mid-call (its captures
            // stay alive until it returns); it goes back into the timer unless it was cancelled.
            timer.due = std::max(timer.due + timer.period, now);
            di->second = timer.due;
            Task fn = std::move(timer.fn);
            // Moved, not copied: a 0 ms timer re-arms every turn.
            node.key() = {timer.due, id};
            node.mapped() = std::move(timer);
            auto it = timers_.insert(std::move(node)).position;
            timed_call(fn, "timer");
            // `it` is still valid unless the timer was cancelled (only cancel_timer erases it).
            if (timer_due_.count(id)) it->second.fn = std::move(fn);
        } else {
            timer_due_.erase(di);
            timed_call(timer.fn, "timer");
        }
    }
}

void Loop::run_deferred() {
    // End-of-turn work may defer more (a flush that triggers a callback that changes a property).
    for (int rounds = 0; !deferred_.empty() && rounds < 64; ++rounds) {
        auto& tasks = task_scratch_;
        tasks.clear();
        tasks.swap(deferred_);
        for (auto& t : tasks) timed_call(t, "end-of-turn task");
        tasks.clear();
    }
}

void Loop::timed_call(const Task& fn, const char* what) {
    const auto start = Clock::now();
    fn();
    const auto took = Clock::now() - start;
    if (took > slow_callback_threshold) {
        static thread_local RateLimiter limiter;
        if (limiter.allow())
            log(LogLevel::warn, "slow ", what, ": ",
                std::chrono::duration_cast<std::chrono::milliseconds>(took).count(),
                " ms on the loop thread (heartbeats and replies wait for it)");
    }
}

void Loop::check_waiters() {
    std::vector<std::shared_ptr<Waiter>> waiters;
    {
        std::lock_guard lock(posted_mutex_);
        if (waiters_.empty()) return;
        waiters = waiters_;
    }
    for (auto& w : waiters) {
        bool abandoned;
        {
            std::lock_guard wl(w->mutex);
            abandoned = w->abandoned;
        }
        const bool done = abandoned || w->pred();
        if (!done) continue;
        {
            std::lock_guard wl(w->mutex);
            w->done = true;
            w->cv.notify_all();
        }
        std::lock_guard lock(posted_mutex_);
        std::erase(waiters_, w);
    }
}

bool Loop::wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    if (tl_callback_depth > 0)
        throw Error(ErrorCode::would_deadlock,
                    "a blocking zro call (wait_for_source / PendingReply::wait) was made inside a zro "
                    "callback; the loop cannot run while the callback waits. Use on_initialized / "
                    "PendingReply::then instead.");
    const auto deadline = Clock::now() + timeout;
    if (!running_.load() || loop_thread_.load() == std::this_thread::get_id()) {
        // Nobody else runs the loop: pump it ourselves (QtRO's waitForSource does the same).
        while (!pred()) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
            if (left <= std::chrono::milliseconds(0)) return false;
            run_once(std::min(left, std::chrono::milliseconds(50)));
        }
        return true;
    }
    auto waiter = std::make_shared<Waiter>();
    waiter->pred = pred;
    {
        std::lock_guard lock(posted_mutex_);
        waiters_.push_back(waiter);
    }
    wake();  // have the loop evaluate pred at least once soon
    std::unique_lock wl(waiter->mutex);
    const bool done = waiter->cv.wait_until(wl, deadline, [&] { return waiter->done; });
    const bool ok = done && !waiter->abandoned;
    if (!waiter->done) {
        waiter->abandoned = true;  // the loop drops it at its next check
    }
    wl.unlock();
    if (ok) return true;
    // The loop may have stopped meanwhile: one last check is only safe on the loop's side.
    return false;
}

} // namespace zro::detail
