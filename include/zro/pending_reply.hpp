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
/// safe from any thread; `then` callbacks run on the node's loop thread (those of a reply made by
/// `failed()`, which belongs to no node, run at once on the thread calling `then`).

#include <zro/convert.hpp>
#include <zro/error.hpp>
#include <zro/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <string>
#include <vector>

namespace zro {

/// Why a call failed: a stable code and a message for people.
struct CallError {
    ErrorCode code = ErrorCode::ok;
    std::string message;
};

namespace detail {
/// Shared by all copies of one PendingReply and by the engine that completes it (src/api/
/// reply_state.hpp). The functions below are what the template needs of it.
struct ReplyState;
std::shared_ptr<ReplyState> failed_reply_state(ErrorCode code, std::string message);
bool reply_finished(ReplyState& state);
bool reply_wait(ReplyState& state, std::chrono::milliseconds timeout);
std::optional<CallError> reply_error(ReplyState& state);
/// Calls `read(result)` under the state's lock; throws `Error(invalid_state)` while pending and
/// the call's error (as `zro::Error`) if it failed.
void read_reply(ReplyState& state, const std::function<void(const Value&)>& read);
void add_reply_continuation(ReplyState& state, std::function<void()> fn);
} // namespace detail

template <class T> class PendingReply {
public:
    /// A reply that is already failed with `error` (used for calls rejected before sending).
    static PendingReply failed(ErrorCode code, std::string message) {
        return PendingReply(detail::failed_reply_state(code, std::move(message)));
    }
    /// Made by the engine.
    explicit PendingReply(std::shared_ptr<detail::ReplyState> state) : state_(std::move(state)) {}

    /// True once a value or an error has arrived.
    bool finished() const { return detail::reply_finished(*state_); }

    /// Waits up to `timeout` for the reply; returns `finished()`. At top level it runs the
    /// node's loop while it waits (from another thread, it waits while the loop's thread runs
    /// it); inside a zro callback it throws `Error(would_deadlock)`.
    bool wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const {
        return detail::reply_wait(*state_, timeout);
    }

    /// The error, if the call failed; nullopt while pending or on success.
    std::optional<CallError> error() const { return detail::reply_error(*state_); }

    /// The result converted to T (with `zro::from_value<T>`, so generated PODs, enums and
    /// maps with non-string keys work too). Throws `Error(invalid_state)` while pending, the
    /// call's error code (as `zro::Error`) if it failed, `Error(type_mismatch)` if the result
    /// is not a T.
    T value() const {
        if constexpr (std::is_void_v<T>) {
            detail::read_reply(*state_, [](const Value&) {});
        } else {
            std::optional<T> out;
            detail::read_reply(*state_, [&out](const Value& result) { out.emplace(from_value<T>(result)); });
            return std::move(*out);
        }
    }

    /// The same reply read as another result type (shares the state). Generated replicas send
    /// calls as `PendingReply<Value>` and hand them out as `PendingReply<R>` this way.
    template <class U> PendingReply<U> as() const { return PendingReply<U>(state_); }

    /// Calls `fn(*this)` on the loop thread once the reply finished (at once-ish if it already has).
    void then(std::function<void(const PendingReply&)> fn) const {
        detail::add_reply_continuation(*state_, [self = *this, fn = std::move(fn)] { fn(self); });
    }

private:
    std::shared_ptr<detail::ReplyState> state_;
};

} // namespace zro
