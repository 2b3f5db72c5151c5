// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The process-wide ZeroMQ context, used by both sides of the engine.

#include <zmq.hpp>

#include <memory>

namespace zro::detail {

/// The process-wide ZeroMQ context (shared so `inproc://` works between nodes of a process, and
/// so one ZAP handler serves every secured host of the process); created with the first node,
/// destroyed with the last.
std::shared_ptr<zmq::context_t> shared_context();

} // namespace zro::detail
