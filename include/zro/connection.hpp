// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Connection`: the handle returned when you register a callback (`on_property_changed`,
/// `on_signal`, `on_state_changed`, ...). Keep it to `disconnect()` later; dropping it does
/// *not* disconnect (connect-and-forget is the common case). `ScopedConnection` disconnects
/// when destroyed.
///
/// Thread contract: callbacks run on the node's loop thread; connect and disconnect there too.

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace zro {

namespace detail {
/// A list of callbacks that tolerates connects and disconnects from inside a callback.
template <class... Args> class CallbackList {
public:
    struct Slot {
        std::uint64_t id;
        std::function<void(Args...)> fn;
    };
    struct Core {
        std::vector<std::shared_ptr<Slot>> slots;
        std::uint64_t next_id = 1;
    };

    CallbackList() : core_(std::make_shared<Core>()) {}
    std::uint64_t add(std::function<void(Args...)> fn) {
        const auto id = core_->next_id++;
        core_->slots.push_back(std::make_shared<Slot>(Slot{id, std::move(fn)}));
        return id;
    }
    std::weak_ptr<Core> core() const { return core_; }
    bool empty() const noexcept { return core_->slots.empty(); }
    /// Calls every callback connected when the call starts and still connected when its turn comes.
    template <class... A> void operator()(A&&... args) const {
        if (core_->slots.empty()) return;
        auto snapshot = core_->slots;  // a callback may connect/disconnect
        for (auto& s : snapshot)
            if (s->fn) s->fn(args...);
    }
    static void remove(Core& core, std::uint64_t id) {
        for (auto it = core.slots.begin(); it != core.slots.end(); ++it)
            if ((*it)->id == id) {
                (*it)->fn = nullptr;  // a running snapshot skips it
                core.slots.erase(it);
                return;
            }
    }

private:
    std::shared_ptr<Core> core_;
};
} // namespace detail

class Connection {
public:
    Connection() = default;
    template <class... Args>
    Connection(const detail::CallbackList<Args...>& list, std::uint64_t id)
        : disconnect_([core = list.core(), id] {
              if (auto c = core.lock()) detail::CallbackList<Args...>::remove(*c, id);
          }) {}
    /// Removes the callback; harmless if already removed or if its object is gone.
    void disconnect() {
        if (disconnect_) std::exchange(disconnect_, nullptr)();
    }
    bool connected() const noexcept { return static_cast<bool>(disconnect_); }

private:
    std::function<void()> disconnect_;
};

/// Disconnects on destruction.
class ScopedConnection {
public:
    ScopedConnection() = default;
    ScopedConnection(Connection c) : c_(std::move(c)) {}
    ScopedConnection(ScopedConnection&& o) noexcept : c_(std::exchange(o.c_, Connection{})) {}
    ScopedConnection& operator=(ScopedConnection&& o) noexcept {
        c_.disconnect();
        c_ = std::exchange(o.c_, Connection{});
        return *this;
    }
    ~ScopedConnection() { c_.disconnect(); }

private:
    Connection c_;
};

} // namespace zro
