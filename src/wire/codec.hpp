// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The MessagePack codec for zro::Value: a fast writer for building frames and a *safe* reader
/// for frames that came off the network (docs/PROTOCOL.md, "Decoding rules").
///
/// Why a safe reader: msgpack-cxx's defaults trust the input. A 5-byte frame can make it reserve
/// gigabytes, `std::bad_alloc` escapes as a non-msgpack exception and trailing bytes are silently
/// ignored. `decode()` bounds every container by the frame size,
/// bounds nesting, rejects ext types and trailing bytes, and turns every failure into a
/// `DecodeError` value, never an exception.

#include <zro/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace zro::detail::wire {

/// Maximum nesting of lists/maps accepted from the network (the top level counts as 1).
inline constexpr std::size_t max_decode_depth = 32;

/// Why a frame could not be decoded. `reason` is a short stable token used in counters and logs
/// ("parse_error", "insufficient_bytes", "trailing_bytes", "too_deep", "too_large", "ext_type",
/// "out_of_memory", "duplicate_key"); `detail` is a human sentence.
struct DecodeError {
    std::string reason;
    std::string detail;
};

/// Decodes exactly one MessagePack value occupying all of [data, data+size).
/// Never throws; never allocates more than a small multiple of `size`.
/// Non-negative integers decode as uint64, negative as int64, float 32 and 64 as double.
/// A map with two equal keys is rejected ("duplicate_key"): keys are equal when their canonical
/// encodings (smallest integer form, float 64, -0.0 as 0.0) are equal.
std::variant<Value, DecodeError> decode(const void* data, std::size_t size) noexcept;

/// Whether [data, data+size) is exactly one acceptable MessagePack value (the checks of
/// `decode()` except duplicate map keys, which only building a map can see). On failure `err`
/// says why. Never throws.
bool validate(const void* data, std::size_t size, DecodeError& err) noexcept;

/// Reads a frame that passed `validate()` piece by piece, so a hot path can walk the parts it
/// knows (the envelope of an EVENTS message, each event's kind and index) and build a `Value`
/// only where it needs one. Reading past the frame cannot happen on a validated frame; asking
/// for the wrong kind of value throws `zro::Error(malformed_message)` and consumes nothing.
class Reader {
public:
    Reader(const void* data, std::size_t size) noexcept
        : p_(static_cast<const unsigned char*>(data)), end_(p_ + size) {}

    bool at_end() const noexcept { return p_ >= end_; }
    bool next_is_array() const noexcept;
    bool next_is_uint() const noexcept;  ///< a non-negative integer (any MessagePack int form)
    /// Reads a list header and returns its element count (the elements follow).
    std::uint32_t array();
    /// Reads a non-negative integer.
    std::uint64_t uint64();
    /// Builds the next value (duplicate map keys throw as malformed).
    Value value();
    /// Skips the next value, containers included.
    void skip() noexcept;

private:
    const unsigned char* p_;
    const unsigned char* end_;
};

/// Appends MessagePack bytes to a growable buffer. Cheap to reuse: `clear()` keeps capacity.
/// All integers are written in the smallest MessagePack form (as msgpack-cxx does).
/// `str`, `bin` and `value` throw `zro::Error(ErrorCode::too_large)` for a string, bin, list or
/// map longer than MessagePack allows (2^32-1); `value` may have appended part of its encoding.
class Writer {
public:
    void clear() noexcept { buf_.clear(); }
    const char* data() const noexcept { return buf_.data(); }
    std::size_t size() const noexcept { return buf_.size(); }
    std::string& buffer() noexcept { return buf_; }
    std::string take() noexcept { return std::move(buf_); }

    Writer& array(std::uint32_t n);  ///< header of a list of n values that follow
    Writer& map(std::uint32_t n);    ///< header of a map of n key/value pairs that follow
    Writer& nil();
    Writer& boolean(bool b);
    Writer& int64(std::int64_t i);   ///< non-negative values are written as positive ints
    Writer& uint64(std::uint64_t u);
    Writer& float64(double d);       ///< always float 64, even for integral values (3.0)
    Writer& str(std::string_view s);
    Writer& bin(const void* data, std::size_t n);
    Writer& value(const Value& v);   ///< any Value, recursively
    Writer& raw(const void* data, std::size_t n);  ///< pre-encoded MessagePack bytes

private:
    std::string buf_;
};

/// Convenience: one Value → its MessagePack bytes.
std::string encode(const Value& v);

} // namespace zro::detail::wire
