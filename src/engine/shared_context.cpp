// zro — shared live objects over ZeroMQ.
#include "engine/shared_context.hpp"

#include <mutex>

namespace zro::detail {

std::shared_ptr<zmq::context_t> shared_context() {
    static std::mutex mutex;
    static std::weak_ptr<zmq::context_t> current;
    std::lock_guard lock(mutex);
    auto ctx = current.lock();
    if (!ctx) {
        ctx = std::make_shared<zmq::context_t>(1);
        current = ctx;
    }
    return ctx;
}

} // namespace zro::detail
