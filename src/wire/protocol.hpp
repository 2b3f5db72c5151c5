// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Protocol constants shared by the host and client engines. docs/PROTOCOL.md is the normative
/// description; keep the two in step.

#include <cstdint>
#include <string>
#include <string_view>

namespace zro::detail::wire {

inline constexpr std::uint32_t protocol_version = 2;

/// Message type codes: the first element of every message array.
namespace msg {
// client → host (DEALER → ROUTER)
inline constexpr std::uint8_t hello = 1;    // [1, version, node_id, heartbeat_ms]
inline constexpr std::uint8_t acquire = 2;  // [2, req_id, object, signature|nil, want_schema]
inline constexpr std::uint8_t invoke = 3;   // [3, call_id, object, epoch, method, args]
inline constexpr std::uint8_t set = 4;      // [4, call_id, object, epoch, property, value]
inline constexpr std::uint8_t replay = 5;   // [5, req_id, object, epoch, from_seq]
inline constexpr std::uint8_t ping = 6;     // [6, token]
inline constexpr std::uint8_t list = 7;     // [7, req_id]
// host → client (ROUTER → DEALER); a reply reuses its request's code where there is one
inline constexpr std::uint8_t welcome = 1;   // [1, version, node_id, pub_endpoint, heartbeat_ms, max_message_size]
inline constexpr std::uint8_t snapshot = 2;  // [2, req_id, object, epoch, seq, signals, signature, values, schema|nil]
inline constexpr std::uint8_t reply = 3;     // [3, call_id, code, result | message]
inline constexpr std::uint8_t replayed = 5;  // [5, req_id, object, epoch, [events_payload(bin)...]]
inline constexpr std::uint8_t pong = 6;      // [6, token, node_id]
inline constexpr std::uint8_t objects = 7;   // [7, req_id, [[object, type, signature]...], node_id]
inline constexpr std::uint8_t error = 9;     // [9, req_id|nil, code, message]
// host → subscribers (XPUB; frame 1 is the topic "<object>\0")
inline constexpr std::uint8_t events = 10;     // [10, epoch, first_seq, [[0, prop, value] | [1, signal, args] ...]]
inline constexpr std::uint8_t sync = 11;       // [11, epoch, seq, signals]
inline constexpr std::uint8_t heartbeat = 12;  // [12, epoch, seq, signals]
inline constexpr std::uint8_t withdrawn = 13;  // [13, epoch]
} // namespace msg

/// Event kinds inside an EVENTS message.
inline constexpr std::uint8_t event_property = 0;
inline constexpr std::uint8_t event_signal = 1;

/// The PUB topic of an object: its name and a NUL, so "Switch" never matches "Switch2".
inline std::string topic_of(std::string_view object) {
    std::string t(object);
    t.push_back('\0');
    return t;
}

/// Object, property and method names on the wire: non-empty, at most 255 bytes.
inline constexpr std::size_t max_name_length = 255;

} // namespace zro::detail::wire
