// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::PendingReply<T>`: the result of a remote method call or property write, delivered later.
///
///     auto reply = replica->invoke("add", {1, 2});
///     reply.then([](const zro::PendingReply<zro::Value>& r) {
///         if (auto e = r.error()) std::cerr << e->message << "\n";
///         else std::cout << r.value().as<int>() << "\n";
///     });
///     // or, at top level (never inside a zro callback):
///     if (reply.wait(std::chrono::seconds(2)) && !reply.error()) use(reply.value());
///
/// A reply always finishes: with a value, or with an error (`timeout`, `source_gone`,
/// `source_restarted`, `unknown_method`, `bad_arguments`, `handler_failed`, `cancelled`, ...).
/// Remote failures are values here, never exceptions (docs/ARCHITECTURE.md, "Errors").
///
/// Thread contract: copies share one state; `error()`, `finished()`, `value()` and `wait()` are
/// safe from any thread; `then` callbacks run on the node's loop thread.

#include <zro/convert.hpp>
#include <zro/error.hpp>
#include <zro/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace zro {

/// Why a call failed: a stable code and a message for people.
struct CallError {
    ErrorCode code = ErrorCode::ok;
    std::string message;
};

namespace detail {
class Loop;
/// Shared by all copies of one PendingReply and by the engine that completes it.
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
} // namespace detail

template <class T> class PendingReply {
public:
    /// A reply that is already failed with `error` (used for calls rejected before sending).
    static PendingReply failed(ErrorCode code, std::string message) {
        auto s = std::make_shared<detail::ReplyState>();
        s->finished = true;
        s->error = CallError{code, std::move(message)};
        return PendingReply(std::move(s));
    }
    explicit PendingReply(std::shared_ptr<detail::ReplyState> state) : state_(std::move(state)) {}

    /// True once a value or an error has arrived.
    bool finished() const { return state_->is_finished(); }

    /// Waits up to `timeout` for the reply; returns `finished()`. At top level it runs the
    /// node's loop while it waits; inside a zro callback it throws `Error(would_deadlock)`.
    bool wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
        return state_->wait(timeout);
    }

    /// The error, if the call failed; nullopt while pending or on success.
    std::optional<CallError> error() const {
        std::lock_guard lock(state_->mutex);
        return state_->error;
    }

    /// The result converted to T (with `zro::from_value<T>`, so generated PODs, enums and
    /// maps with non-string keys work too). Throws `Error(invalid_state)` while pending, the
    /// call's error code (as `zro::Error`) if it failed, `Error(type_mismatch)` if the result
    /// is not a T.
    T value() const {
        std::lock_guard lock(state_->mutex);
        if (!state_->finished) throw Error(ErrorCode::invalid_state, "PendingReply::value(): the reply has not arrived yet");
        if (state_->error) throw Error(state_->error->code, state_->error->message);
        if constexpr (std::is_void_v<T>) return;
        else return from_value<T>(state_->result);
    }

    /// The same reply read as another result type (shares the state). Generated replicas send
    /// calls as `PendingReply<Value>` and hand them out as `PendingReply<R>` this way.
    template <class U> PendingReply<U> as() const { return PendingReply<U>(state_); }

    /// Calls `fn(*this)` on the loop thread once the reply finished (at once-ish if it already has).
    void then(std::function<void(const PendingReply&)> fn) const {
        state_->add_continuation([self = *this, fn = std::move(fn)] { fn(self); });
    }

private:
    std::shared_ptr<detail::ReplyState> state_;
};

} // namespace zro
