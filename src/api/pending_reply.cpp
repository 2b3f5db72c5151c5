// zro — shared live objects over ZeroMQ.
#include "core/reply_state.hpp"
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

std::shared_ptr<ReplyState> failed_reply_state(ErrorCode code, std::string message) {
    auto s = std::make_shared<ReplyState>();
    s->finished = true;
    s->error = CallError{code, std::move(message)};
    return s;
}

bool reply_finished(ReplyState& state) { return state.is_finished(); }

bool reply_wait(ReplyState& state, std::chrono::milliseconds timeout) { return state.wait(timeout); }

std::optional<CallError> reply_error(ReplyState& state) {
    std::lock_guard lock(state.mutex);
    return state.error;
}

void read_reply(ReplyState& state, const std::function<void(const Value&)>& read) {
    std::lock_guard lock(state.mutex);
    if (!state.finished) throw Error(ErrorCode::invalid_state, "PendingReply::value(): the reply has not arrived yet");
    if (state.error) throw Error(state.error->code, state.error->message);
    read(state.result);
}

void add_reply_continuation(ReplyState& state, std::function<void()> fn) { state.add_continuation(std::move(fn)); }

} // namespace zro::detail
