// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::detail::CallbackList`: the callback storage behind `zro::Connection`, here because
/// replicas (generated ones too) hold it as members. Not stable API.

#include <cstdint>
#include <functional>
#include <memory>
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

} // namespace zro
