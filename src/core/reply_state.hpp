// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The state behind a `zro::PendingReply`: shared by all its copies and by the engine (a `Link`)
/// that completes it. Private: the public template reaches it through the functions
/// zro/pending_reply.hpp declares.

#include <zro/pending_reply.hpp>

#include <mutex>

namespace zro::detail {

class Loop;

struct ReplyState {
    std::mutex mutex;
    bool finished = false;
    Value result;
    std::optional<CallError> error;
    std::vector<std::function<void()>> continuations;
    std::shared_ptr<Loop> loop;  // to run continuations on, and to pump in wait()

    /// Completes the reply once (later calls are ignored) and schedules its continuations.
    void finish(Value value, std::optional<CallError> err);
    void add_continuation(std::function<void()> fn);
    bool wait(std::chrono::milliseconds timeout);
    bool is_finished();
};

} // namespace zro::detail
