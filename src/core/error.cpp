// zro — shared live objects over ZeroMQ.
#include <zro/error.hpp>

namespace zro {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::ok: return "ok";
    case ErrorCode::timeout: return "timeout";
    case ErrorCode::source_gone: return "source_gone";
    case ErrorCode::source_restarted: return "source_restarted";
    case ErrorCode::unknown_object: return "unknown_object";
    case ErrorCode::unknown_method: return "unknown_method";
    case ErrorCode::unknown_property: return "unknown_property";
    case ErrorCode::bad_arguments: return "bad_arguments";
    case ErrorCode::read_only: return "read_only";
    case ErrorCode::handler_failed: return "handler_failed";
    case ErrorCode::malformed_message: return "malformed_message";
    case ErrorCode::version_mismatch: return "version_mismatch";
    case ErrorCode::signature_mismatch: return "signature_mismatch";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::cancelled: return "cancelled";
    case ErrorCode::not_connected: return "not_connected";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::host_unverified: return "host_unverified";
    case ErrorCode::unknown_model: return "unknown_model";
    case ErrorCode::would_deadlock: return "would_deadlock";
    case ErrorCode::bind_failed: return "bind_failed";
    case ErrorCode::bad_url: return "bad_url";
    case ErrorCode::type_mismatch: return "type_mismatch";
    case ErrorCode::invalid_schema: return "invalid_schema";
    case ErrorCode::invalid_state: return "invalid_state";
    case ErrorCode::already_exists: return "already_exists";
    }
    // Codes arrive from the wire (REPLY/ERROR), so a newer peer may send one we do not know.
    return "unknown_error";
}

} // namespace zro
