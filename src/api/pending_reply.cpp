// zro — shared live objects over ZeroMQ.
#include <zro/pending_reply.hpp>

#include "loop/loop.hpp"

namespace zro::detail {

void ReplyState::finish(Value value, std::optional<CallError> err) {
    std::vector<std::function<void()>> run;
    {
        std::lock_guard lock(mutex);
        if (finished) return;
        finished = true;
        result = std::move(value);
        error = std::move(err);
        run.swap(continuations);
    }
    for (auto& fn : run) {
        if (loop && !loop->in_loop_thread()) loop->post(std::move(fn));
        else fn();
    }
}

void ReplyState::add_continuation(std::function<void()> fn) {
    {
        std::lock_guard lock(mutex);
        if (!finished) {
            continuations.push_back(std::move(fn));
            return;
        }
    }
    // Already finished: still run it on the loop thread, after the caller's current work.
    if (loop) loop->post(std::move(fn));
    else fn();
}

bool ReplyState::is_finished() {
    std::lock_guard lock(mutex);
    return finished;
}

bool ReplyState::wait(std::chrono::milliseconds timeout) {
    if (is_finished()) return true;
    if (!loop) return false;
    return loop->wait_until([this] { return is_finished(); }, timeout);
}

} // namespace zro::detail
