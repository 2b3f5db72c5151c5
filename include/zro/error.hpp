// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Error codes and the one exception type zro throws.
///
/// The split (see docs/ARCHITECTURE.md, "Errors"): expected outcomes of remote work (a method that
/// failed, a timeout, a source that went away) are *values* carried by `PendingReply`; mistakes in
/// configuration or use (a bad URL, a wrong type, blocking inside a callback) throw `zro::Error`.
///
/// One code per rule, whichever entry point breaks it: a bad object name is `bad_arguments`
/// from `acquire` and from `enable_remoting` alike, a bad option value is `bad_arguments`
/// from every constructor. docs/GUIDE.md ("Errors") lists the rules.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zro {

/// Stable error codes. The numeric values are part of the wire protocol (REPLY and ERROR
/// messages carry them), so never renumber; only append.
enum class ErrorCode : std::uint16_t {
    ok = 0,
    // --- remote call outcomes (carried in REPLY) ---
    timeout = 1,             ///< no reply within the call's timeout
    source_gone = 2,         ///< the source stopped answering (heartbeats missed) or was withdrawn
    source_restarted = 3,    ///< the source restarted (new epoch) while the call was pending
    unknown_object = 4,      ///< no object of that name on the host
    unknown_method = 5,      ///< the object has no method of that name
    unknown_property = 6,    ///< the object has no property of that name
    bad_arguments = 7,       ///< wrong argument count or types; thrown too for any value given to the API that breaks its documented rule (an object name, a key, a NodeOptions field)
    read_only = 8,           ///< a write to a property whose mode does not allow it
    handler_failed = 9,      ///< the source's handler threw or dropped the call
    malformed_message = 10,  ///< a frame that could not be decoded or validated
    version_mismatch = 11,   ///< peers speak different protocol versions
    signature_mismatch = 12, ///< replica and source disagree on the class signature
    too_large = 13,          ///< a message over the configured size limit
    cancelled = 14,          ///< the node shut down before the call completed
    not_connected = 15,      ///< no connection can carry the request
    unauthorized = 16,       ///< the host refused this node in the security handshake (key not allowed, or plain vs CURVE)
    host_unverified = 17,    ///< this node could not verify the host's key (differs from the pinned one, none known, host plain)
    unknown_model = 18,      ///< the object has no MODEL member of that name, or no model is set in it
    // --- local usage errors (thrown as zro::Error) ---
    would_deadlock = 100,    ///< a blocking helper called from inside a zro callback
    bind_failed = 101,       ///< a host could not bind its URL (address in use, permission)
    bad_url = 102,           ///< a URL with an unsupported scheme or malformed address
    type_mismatch = 103,     ///< a Value converted to a type it does not hold
    invalid_schema = 104,    ///< a schema with duplicate or invalid members or types
    invalid_state = 105,     ///< an operation not allowed in the object's current state (a replica acquired twice, no schema yet, security on a plain host)
    already_exists = 106,    ///< a name that is already in use (e.g. enable_remoting twice)
};

/// The stable, lower_snake_case name of a code, e.g. "unknown_method".
std::string_view to_string(ErrorCode code) noexcept;

/// The exception zro throws for usage and configuration errors.
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    /// The stable code; `what()` has the human-readable message.
    ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

} // namespace zro
