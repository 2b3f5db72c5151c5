// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Connection`: the handle returned when you register a callback (`on_property_changed`,
/// `on_signal`, `on_state_changed`, ...). The handle rule of zro (docs/GUIDE.md, "Handles"):
/// dropping a handle ends nothing. The callback stays connected as long as its object (the
/// replica) lives; keep the handle only to `disconnect()` earlier.
///
/// Thread contract: callbacks run on the node's loop thread; connect and disconnect there too.

#include <zro/detail/callback_list.hpp>

#include <cstdint>
#include <functional>
#include <utility>

namespace zro {

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

} // namespace zro
