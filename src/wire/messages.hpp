// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// One struct per protocol message (docs/PROTOCOL.md, "Message table"): the only code that
/// knows where each field sits in a message array. Each struct has its code, name, direction and
/// field list as constants, `encode(Writer&)` and a `decode()` that returns a `MessageError`
/// value, never an exception, for every malformed input.
///
/// How a receiver reads a frame: `decode_envelope()` (one MessagePack array starting with a type
/// code, the codec's checks included), then `decode_request()` / `decode_reply()` /
/// `decode_publication()` for its direction, or one struct's `decode()`. EVENTS, the hot path,
/// is read in place instead (`EventsReader`) and written straight into a reused Writer
/// (`EventsHeader::encode`, `encode_property_event`, `encode_signal_event`).
///
/// Receivers accept more fields than they know (a later protocol version may append some) and
/// fail a message with fewer than its required fields ("wrong_count"). Where the C++ host has
/// always been lenient about a field it does not use (HELLO's node_id, ACQUIRE's signature),
/// the decoder is lenient too, and the field list says so.
///
/// This header depends on the codec and zro::Value only, not on the engine.

#include "wire/codec.hpp"

#include <zro/value.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace zro::detail::wire {

inline constexpr std::uint32_t protocol_version = 3;

/// Who sends a message to whom.
enum class Direction : std::uint8_t {
    to_host,         ///< client → host (DEALER → ROUTER)
    to_client,       ///< host → client (ROUTER → DEALER), answering a request
    to_subscribers,  ///< host → subscribers (XPUB; frame 1 is the topic "<object>\0")
};
/// "client → host", "host → client", "host → subscribers" (as in PROTOCOL.md's table).
std::string_view to_string(Direction d) noexcept;

/// One field of a message, after the type code. `type` is PROTOCOL.md's notation: uint (a
/// non-negative integer), int, str, name (a string of 1-255 bytes), bool, list, map, bin, any,
/// alternatives joined by "|". An optional field may be missing at the end of the message.
struct FieldSpec {
    std::string_view name;
    std::string_view type;
    bool optional = false;
};

/// Why a frame is not a well-formed message.
struct MessageError {
    std::string message;  ///< the message name ("SNAPSHOT"), or "message" before the type is known
    std::string field;    ///< the offending field; empty when the frame or the count is wrong
    /// "wrong_count", "wrong_type", "unknown_type", or the codec's DecodeError reason.
    std::string reason;
    std::string detail;   ///< a sentence naming the message and the field
};

template <class T> using Decoded = std::variant<T, MessageError>;

/// A frame decoded as [code, ...]: what every receiver checks first.
struct Envelope {
    std::uint64_t code = 0;
    Value::List items;  ///< the whole array, the code included (items[0])
    /// The request's id as a host echoes it in an ERROR: the second element, nil when missing
    /// (PROTOCOL.md §9; for a HELLO that is its version).
    Value echo_id() const { return items.size() > 1 ? items[1] : Value{}; }
    /// The second element when it is a non-negative integer: a reply's request or call id.
    std::optional<std::uint64_t> reply_id() const;
};
/// Decodes one frame (every check of `wire::decode`) and its envelope. Never throws.
Decoded<Envelope> decode_envelope(const void* data, std::size_t size) noexcept;
/// The type code of a frame that passed `validate()`, if it is an array starting with a
/// non-negative integer (the cheap peek a subscriber makes to spot EVENTS).
std::optional<std::uint64_t> peek_code(const void* data, std::size_t size) noexcept;

// ---- client → host -------------------------------------------------------------------------

struct Hello {
    static constexpr std::uint8_t code = 1;
    static constexpr std::string_view name = "HELLO";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 3> fields{{
        {"version", "any"}, {"node_id", "str", true}, {"heartbeat_ms", "uint", true}}};
    /// Any value: a host answers anything but `protocol_version` with ERROR version_mismatch,
    /// quoting it. The host reads neither node_id nor heartbeat_ms (kept when well typed).
    Value version;
    std::string node_id;
    std::uint64_t heartbeat_ms = 0;

    bool speaks_our_version() const noexcept;
    void encode(Writer& w) const;
    static Decoded<Hello> decode(Value::List& m);
};

struct Acquire {
    static constexpr std::uint8_t code = 2;
    static constexpr std::string_view name = "ACQUIRE";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 4> fields{{
        {"req_id", "any"}, {"object", "name"}, {"signature", "str|nil", true}, {"want_schema", "bool", true}}};
    Value req_id;  ///< echoed as it came (clients send a uint)
    std::string object;
    std::optional<std::string> signature;  ///< not read by the host; any non-string is nil
    bool want_schema = false;              ///< anything but `true` (or nothing) is false

    void encode(Writer& w) const;
    static Decoded<Acquire> decode(Value::List& m);
};

struct Invoke {
    static constexpr std::uint8_t code = 3;
    static constexpr std::string_view name = "INVOKE";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 5> fields{{
        {"call_id", "uint"}, {"object", "name"}, {"epoch", "uint"}, {"method", "name"}, {"args", "list"}}};
    std::uint64_t call_id = 0;
    std::string object;
    std::uint64_t epoch = 0;  ///< 0: any epoch
    std::string method;
    Value::List args;

    void encode(Writer& w) const;
    static Decoded<Invoke> decode(Value::List& m);
};

struct Set {
    static constexpr std::uint8_t code = 4;
    static constexpr std::string_view name = "SET";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 5> fields{{
        {"call_id", "uint"}, {"object", "name"}, {"epoch", "uint"}, {"property", "name"}, {"value", "any"}}};
    std::uint64_t call_id = 0;
    std::string object;
    std::uint64_t epoch = 0;  ///< 0: any epoch
    std::string property;
    Value value;

    void encode(Writer& w) const;
    static Decoded<Set> decode(Value::List& m);
};

struct Replay {
    static constexpr std::uint8_t code = 5;
    static constexpr std::string_view name = "REPLAY";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 4> fields{{
        {"req_id", "any"}, {"object", "name"}, {"epoch", "uint"}, {"from_seq", "uint"}}};
    Value req_id;
    std::string object;
    std::uint64_t epoch = 0;
    std::uint64_t from_seq = 0;

    void encode(Writer& w) const;
    static Decoded<Replay> decode(Value::List& m);
};

struct Ping {
    static constexpr std::uint8_t code = 6;
    static constexpr std::string_view name = "PING";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 1> fields{{{"token", "any", true}}};
    Value token;  ///< echoed in PONG; nil when missing

    void encode(Writer& w) const;
    static Decoded<Ping> decode(Value::List& m);
};

/// LIST (code 7): which objects does this host share?
struct ListObjects {
    static constexpr std::uint8_t code = 7;
    static constexpr std::string_view name = "LIST";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 1> fields{{{"req_id", "any"}}};
    Value req_id;

    void encode(Writer& w) const;
    static Decoded<ListObjects> decode(Value::List& m);
};

/// FETCH (code 14): rows of a MODEL member, and optionally a window the host pushes from now on.
struct Fetch {
    static constexpr std::uint8_t code = 14;
    static constexpr std::string_view name = "FETCH";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 9> fields{{
        {"req_id", "any"}, {"object", "name"}, {"model", "name"}, {"viewer", "uint"}, {"parent", "list"},
        {"first", "uint"}, {"count", "uint"}, {"subscribe", "bool", true}, {"roles", "list", true}}};
    Value req_id;
    std::string object;
    std::string model;
    std::uint64_t viewer = 0;        ///< the client's own id for one replica's windows
    std::vector<std::uint64_t> parent;  ///< a path of rows from the root ([] = the root)
    std::uint64_t first = 0;
    std::uint64_t count = 0;
    bool subscribe = false;          ///< make [first, first + count) this viewer's window of `parent`
    std::vector<std::uint64_t> roles;   ///< indices of the member's roles wanted; empty: all

    void encode(Writer& w) const;
    static Decoded<Fetch> decode(Value::List& m);
};

/// MODEL_SET (code 15): a replica's write to one role of one item, answered by REPLY.
struct ModelSet {
    static constexpr std::uint8_t code = 15;
    static constexpr std::string_view name = "MODEL_SET";
    static constexpr Direction direction = Direction::to_host;
    static constexpr std::array<FieldSpec, 9> fields{{
        {"call_id", "uint"}, {"object", "name"}, {"epoch", "uint"}, {"model", "name"}, {"parent", "list"},
        {"row", "uint"}, {"column", "uint"}, {"role", "name"}, {"value", "any"}}};
    std::uint64_t call_id = 0;
    std::string object;
    std::uint64_t epoch = 0;  ///< 0: any epoch
    std::string model;
    std::vector<std::uint64_t> parent;
    std::uint64_t row = 0;
    std::uint64_t column = 0;
    std::string role;
    Value value;

    void encode(Writer& w) const;
    static Decoded<ModelSet> decode(Value::List& m);
};

// ---- host → client -------------------------------------------------------------------------

struct Welcome {
    static constexpr std::uint8_t code = 1;
    static constexpr std::string_view name = "WELCOME";
    static constexpr Direction direction = Direction::to_client;
    static constexpr std::array<FieldSpec, 5> fields{{
        {"version", "uint"}, {"node_id", "str"}, {"pub_endpoint", "str"}, {"heartbeat_ms", "uint"},
        {"max_message_size", "uint"}}};
    std::uint64_t version = protocol_version;
    std::string node_id;
    std::string pub_endpoint;
    std::uint64_t heartbeat_ms = 0;      ///< the host's heartbeat interval
    std::uint64_t max_message_size = 0;  ///< the largest frame the host accepts

    void encode(Writer& w) const;
    static Decoded<Welcome> decode(Value::List& m);
};

struct Snapshot {
    static constexpr std::uint8_t code = 2;
    static constexpr std::string_view name = "SNAPSHOT";
    static constexpr Direction direction = Direction::to_client;
    static constexpr std::array<FieldSpec, 9> fields{{
        {"req_id", "any"}, {"object", "str"}, {"epoch", "uint"}, {"seq", "uint"}, {"signals", "uint"},
        {"signature", "str"}, {"values", "list"}, {"schema", "map|nil"}, {"models", "list", true}}};
    Value req_id;
    std::string object;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;
    std::uint64_t signals = 0;
    std::string signature;
    Value::List values;           ///< moved out of the decoded frame, not copied
    std::optional<Value> schema;  ///< the schema's map (PROTOCOL.md §10), when asked for
    /// One state per MODEL member in schema order (nil: no model set), PROTOCOL.md "Item
    /// models"; empty for a class without models.
    Value::List models;

    void encode(Writer& w) const {
        encode_with(w, static_cast<std::uint32_t>(values.size()), [this](std::size_t i) -> const Value& { return values[i]; });
    }
    /// Encodes this snapshot with `count` values taken from `value_at(i)` instead of `values`,
    /// so a host writes its properties without first copying them into a list.
    template <class ValueAt> void encode_with(Writer& w, std::uint32_t count, ValueAt&& value_at) const {
        encode_head(w, count);
        for (std::uint32_t i = 0; i < count; ++i) w.value(value_at(i));
        encode_tail(w);
    }
    static Decoded<Snapshot> decode(Value::List& m);

private:
    void encode_head(Writer& w, std::uint32_t count) const;
    void encode_tail(Writer& w) const;
};

/// ROWS (code 14): the answer to FETCH.
struct Rows {
    static constexpr std::uint8_t code = 14;
    static constexpr std::string_view name = "ROWS";
    static constexpr Direction direction = Direction::to_client;
    static constexpr std::array<FieldSpec, 10> fields{{
        {"req_id", "any"}, {"object", "str"}, {"epoch", "uint"}, {"seq", "uint"}, {"model", "str"},
        {"parent", "list"}, {"row_count", "uint"}, {"column_count", "uint"}, {"first", "uint"}, {"rows", "list"}}};
    Value req_id;
    std::string object;
    std::uint64_t epoch = 0;
    std::uint64_t seq = 0;         ///< the stream position the rows were read at
    std::string model;
    std::vector<std::uint64_t> parent;
    std::uint64_t row_count = 0;   ///< rows and columns of `parent` at `seq`
    std::uint64_t column_count = 0;
    std::uint64_t first = 0;       ///< the first row asked for (clipped rows are left out)
    Value::List rows;              ///< row payloads (PROTOCOL.md "Item models")

    void encode(Writer& w) const;
    static Decoded<Rows> decode(Value::List& m);
};

struct Reply {
    static constexpr std::uint8_t code = 3;
    static constexpr std::string_view name = "REPLY";
    static constexpr Direction direction = Direction::to_client;
    static constexpr std::array<FieldSpec, 3> fields{{{"call_id", "uint"}, {"code", "uint"}, {"result", "any"}}};
    std::uint64_t call_id = 0;
    std::uint64_t error_code = 0;  ///< 0: success, `result` holds the result; else `message`
    Value result;
    std::string message;

    static Reply success(std::uint64_t call_id, Value result) { return {call_id, 0, std::move(result), {}}; }
    static Reply failure(std::uint64_t call_id, std::uint64_t code, std::string message) {
        return {call_id, code, {}, std::move(message)};
    }
    void encode(Writer& w) const;
    static Decoded<Reply> decode(Value::List& m);
};

struct Replayed {
    static constexpr std::uint8_t code = 5;
    static constexpr std::string_view name = "REPLAYED";
    static constexpr Direction direction = Direction::to_client;
    static constexpr std::array<FieldSpec, 4> fields{{
        {"req_id", "any"}, {"object", "str"}, {"epoch", "uint"}, {"payloads", "list"}}};
    Value req_id;
    std::string object;
    std::uint64_t epoch = 0;
    /// Each a bin holding one EVENTS message's bytes, oldest first (checked by decode()).
    Value::List payloads;

    void encode(Writer& w) const {
        encode_with(w, static_cast<std::uint32_t>(payloads.size()), [this](std::size_t i) {
            const auto& b = payloads[i].as_bytes().data;
            return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
        });
    }
    /// Encodes with `count` payloads taken from `payload_at(i)` (a std::string_view), so a host
    /// writes its history without copying it first.
    template <class PayloadAt> void encode_with(Writer& w, std::uint32_t count, PayloadAt&& payload_at) const {
        encode_head(w, count);
        for (std::uint32_t i = 0; i < count; ++i) {
            const std::string_view p = payload_at(i);
            w.bin(p.data(), p.size());
        }
    }
    static Decoded<Replayed> decode(Value::List& m);

private:
    void encode_head(Writer& w, std::uint32_t count) const;
};

struct Pong {
    static constexpr std::uint8_t code = 6;
    static constexpr std::string_view name = "PONG";
    static constexpr Direction direction = Direction::to_client;
    static constexpr std::array<FieldSpec, 2> fields{{{"token", "any"}, {"node_id", "str"}}};
    Value token;
    std::string node_id;

    void encode(Writer& w) const;
    static Decoded<Pong> decode(Value::List& m);
};

struct Objects {
    static constexpr std::uint8_t code = 7;
    static constexpr std::string_view name = "OBJECTS";
    static constexpr Direction direction = Direction::to_client;
    static constexpr std::array<FieldSpec, 3> fields{{{"req_id", "any"}, {"objects", "list"}, {"node_id", "str"}}};
    /// One shared object: [object, type_name, signature] on the wire.
    struct Entry {
        std::string object;
        std::string type_name;
        std::string signature;
        bool operator==(const Entry&) const = default;
    };
    Value req_id;
    std::vector<Entry> objects;
    std::string node_id;

    void encode(Writer& w) const;
    static Decoded<Objects> decode(Value::List& m);
};

/// ERROR (code 9): a request that could not be handled.
struct ErrorReply {
    static constexpr std::uint8_t code = 9;
    static constexpr std::string_view name = "ERROR";
    static constexpr Direction direction = Direction::to_client;
    static constexpr std::array<FieldSpec, 3> fields{{{"req_id", "any"}, {"code", "uint"}, {"message", "str"}}};
    /// The request's second element, echoed whatever it was; nil: it had none (or was
    /// undecodable). A client matches only non-negative integers (its own ids).
    Value req_id;
    std::uint64_t error_code = 0;
    std::string message;

    void encode(Writer& w) const;
    static Decoded<ErrorReply> decode(Value::List& m);
};

// ---- host → subscribers --------------------------------------------------------------------

/// EVENTS (code 10), the hot path: its header, then the events, each read in place by
/// `EventsReader` and appended to a Writer by `encode_property_event` / `encode_signal_event`.
struct EventsHeader {
    static constexpr std::uint8_t code = 10;
    static constexpr std::string_view name = "EVENTS";
    static constexpr Direction direction = Direction::to_subscribers;
    static constexpr std::array<FieldSpec, 3> fields{{{"epoch", "uint"}, {"first_seq", "uint"}, {"events", "list"}}};
    std::uint64_t epoch = 0;
    std::uint64_t first_seq = 0;  ///< the seq of the first event; event i has first_seq + i
    std::uint32_t count = 0;      ///< how many events follow

    /// Writes the header; exactly `count` encoded events must follow it.
    void encode(Writer& w) const;
};

/// Kinds of event inside EVENTS: [kind, index, data].
inline constexpr std::uint8_t event_property = 0;  ///< data: the property's new value
inline constexpr std::uint8_t event_signal = 1;    ///< data: the signal's argument list
inline constexpr std::uint8_t event_model = 2;     ///< data: a model operation (PROTOCOL.md "Item models")
void encode_property_event(Writer& w, std::size_t index, const Value& value);
void encode_signal_event(Writer& w, std::size_t index, const std::vector<Value>& args);
void encode_model_event(Writer& w, std::size_t index, const Value& operation);

/// One event as `EventsReader::next()` returns it.
struct Event {
    std::uint64_t kind = 0;   ///< event_property, event_signal, event_model, or a kind of a later version
    std::uint64_t index = 0;  ///< property or signal index in schema order
    Value data;               ///< built only for the known kinds; nil for others
};

/// Reads an EVENTS message in place: the header once, then each event, building a Value only
/// for each event's data. The bytes must have passed `validate()` and outlive the reader.
class EventsReader {
public:
    /// Reads the header; fails if the frame is not an EVENTS message.
    static Decoded<EventsReader> open(const void* data, std::size_t size) noexcept;

    const EventsHeader& header() const noexcept { return header_; }
    /// Events not read or skipped yet.
    std::uint32_t remaining() const noexcept { return remaining_; }
    /// Skips the next event whole.
    void skip() noexcept;
    /// Reads the next event into `event` and returns an empty view; for a malformed event
    /// returns why instead (a sentence naming EVENTS and the field). A malformed event (not
    /// [uint, uint, data]) is consumed whole, so the next call reads the event after it; data
    /// holding a map with two equal keys ends the reading (remaining() becomes 0). No failure
    /// object is built per event: this is the replica's hot path.
    std::string_view next(Event& event);

private:
    EventsReader(Reader r, EventsHeader h) noexcept : reader_(r), header_(h), remaining_(h.count) {}
    Reader reader_;
    EventsHeader header_;
    std::uint32_t remaining_;
};

/// The stream position a host publishes: SYNC (code 11) when a subscription arrives, HEARTBEAT
/// (code 12) every interval. Same fields, different meaning.
template <std::uint8_t Code> struct StreamPosition {
    static constexpr std::uint8_t code = Code;
    static constexpr std::string_view name = Code == 11 ? "SYNC" : "HEARTBEAT";
    static constexpr Direction direction = Direction::to_subscribers;
    static constexpr std::array<FieldSpec, 3> fields{{{"epoch", "uint"}, {"seq", "uint"}, {"signals", "uint"}}};
    std::uint64_t epoch = 0;  ///< 0 (SYNC only): nothing shared under this name
    std::uint64_t seq = 0;
    std::uint64_t signals = 0;

    void encode(Writer& w) const;
    static Decoded<StreamPosition> decode(Value::List& m);
};
using Sync = StreamPosition<11>;
using Heartbeat = StreamPosition<12>;

struct Withdrawn {
    static constexpr std::uint8_t code = 13;
    static constexpr std::string_view name = "WITHDRAWN";
    static constexpr Direction direction = Direction::to_subscribers;
    static constexpr std::array<FieldSpec, 1> fields{{{"epoch", "uint"}}};
    std::uint64_t epoch = 0;

    void encode(Writer& w) const;
    static Decoded<Withdrawn> decode(Value::List& m);
};

/// The source behind this host cannot be reached (a proxy lost it, docs/PROXY.md): replicas of
/// `epoch` turn Suspect and keep their position; heartbeats resume when it is back.
struct Unreachable {
    static constexpr std::uint8_t code = 16;
    static constexpr std::string_view name = "UNREACHABLE";
    static constexpr Direction direction = Direction::to_subscribers;
    static constexpr std::array<FieldSpec, 2> fields{{{"epoch", "uint"}, {"reason", "str"}}};
    std::uint64_t epoch = 0;
    std::string reason;

    void encode(Writer& w) const;
    static Decoded<Unreachable> decode(Value::List& m);
};

// ---- decoding by direction -----------------------------------------------------------------

/// A type code this side does not know: ignored by clients (later versions may add some),
/// answered with ERROR malformed_message by a host.
struct UnknownMessage {
    std::uint64_t code = 0;
};

using Request = std::variant<Hello, Acquire, Invoke, Set, Replay, Ping, ListObjects, Fetch, ModelSet, UnknownMessage>;
using HostReply = std::variant<Welcome, Snapshot, Reply, Replayed, Pong, Objects, ErrorReply, Rows, UnknownMessage>;
/// Publications other than EVENTS (which is read in place).
using Publication = std::variant<Sync, Heartbeat, Withdrawn, Unreachable, UnknownMessage>;

/// Each consumes `e.items` (values are moved out).
Decoded<Request> decode_request(Envelope& e);
Decoded<HostReply> decode_reply(Envelope& e);
Decoded<Publication> decode_publication(Envelope& e);

/// Decodes a frame as message T: the envelope, then `T::decode`. A failure names T.
template <class T> Decoded<T> decode_as(const void* data, std::size_t size) {
    auto envelope = decode_envelope(data, size);
    if (auto* e = std::get_if<MessageError>(&envelope)) {
        e->message = std::string(T::name);
        e->detail = std::string(T::name) + ": " + e->detail;
        return std::move(*e);
    }
    return T::decode(std::get<Envelope>(envelope).items);
}

/// The PUB topic of an object: its name and a NUL, so "Switch" never matches "Switch2".
inline std::string topic_of(std::string_view object) {
    std::string t(object);
    t.push_back('\0');
    return t;
}

/// Object, property and method names on the wire: non-empty, at most 255 bytes.
inline constexpr std::size_t max_name_length = 255;

} // namespace zro::detail::wire
