// zro — shared live objects over ZeroMQ.
//
// The MessagePack codec (see codec.hpp). Decoding runs in two passes over the frame:
//
//  1. Validate: a hand-written, allocation-free scanner walks the whole frame (grammar,
//     completeness, trailing bytes, nesting depth, container sizes, ext types) before anything
//     is allocated for it. It keeps one counter per open container (at most max_decode_depth).
//  2. Build: a recursive builder turns the validated bytes straight into a zro::Value, reserving
//     each container exactly (every claimed element is known to exist in the frame) and
//     rejecting duplicate map keys.
//
// Why validate first: a container header claims its element count before the elements come. A
// decoder that reserves at the header can be made to reserve 32 nested claims of N elements
// each for a frame of N bytes (12 GiB for a 16 MiB frame) before noticing the frame is short.
// After step 1 every claimed element exists, so the Value tree holds at most one Value per input
// byte (about 40 bytes of Value per input byte in the worst case, a list of nils).
//
// Why not msgpack-cxx here: its parse() + unpack() + object -> Value conversion went over the
// frame three times and built an intermediate object tree; on an EVENTS message of 1000 property
// changes that cost ~1300 instructions per change (callgrind, docs/PERFORMANCE.md), the largest
// single cost of a replica. The scanner and builder below accept and reject what the
// msgpack-cxx based decoder did, with the same reasons (tests/unit/codec_test.cpp).

#include "wire/codec.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace zro::detail::wire {
namespace {

// Bound on elements per container, whatever the frame size (the frame size usually bounds it
// first: every element takes at least one byte).
constexpr std::size_t max_container_elements = std::size_t{1} << 24;

DecodeError make_error(const char* reason, std::string detail) {
    return DecodeError{reason, std::move(detail)};
}

// ------------------------------------------------------------------------------------------
// Duplicate map keys (checked by the builder on each map it builds).

// Canonical key bytes for duplicate detection: the Writer's encoding (smallest integers,
// float64), with -0.0 written as 0.0. Two keys are duplicates when these bytes are equal.
void canonical_key(Writer& w, const Value& v) {
    const auto& s = v.storage();
    switch (v.kind()) {
    case Value::Kind::float64: {
        const double d = std::get<double>(s);
        w.float64(d == 0.0 ? 0.0 : d);
        return;
    }
    case Value::Kind::list: {
        const auto& l = std::get<Value::List>(s);
        w.array(static_cast<std::uint32_t>(l.size()));
        for (const auto& e : l) canonical_key(w, e);
        return;
    }
    case Value::Kind::map: {
        const auto& m = std::get<Value::Map>(s);
        w.map(static_cast<std::uint32_t>(m.size()));
        for (const auto& [k, e] : m) {
            canonical_key(w, k);
            canonical_key(w, e);
        }
        return;
    }
    default:
        w.value(v);
        return;
    }
}

// Maps up to this size are checked pairwise (no allocation); larger ones through a hash set.
constexpr std::size_t pairwise_key_check_max = 16;

template <class KeyAt> bool has_duplicates(std::size_t n, KeyAt key_at) {
    if (n <= pairwise_key_check_max) {
        for (std::size_t i = 1; i < n; ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (key_at(i) == key_at(j)) return true;
        return false;
    }
    std::unordered_set<std::string_view> seen;
    seen.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        if (!seen.insert(key_at(i)).second) return true;
    return false;
}

bool has_duplicate_keys(const Value::Map& m) {
    const std::size_t n = m.size();
    if (n < 2) return false;
    const bool all_strings = std::all_of(m.begin(), m.end(), [](const auto& kv) {
        return kv.first.kind() == Value::Kind::string;
    });
    if (all_strings) {  // the common case: compare the strings themselves
        return has_duplicates(n, [&m](std::size_t i) {
            return std::string_view(*std::get_if<std::string>(&m[i].first.storage()));
        });
    }
    Writer w;
    std::vector<std::size_t> ends;
    ends.reserve(n);
    for (const auto& kv : m) {
        canonical_key(w, kv.first);
        ends.push_back(w.size());
    }
    return has_duplicates(n, [&w, &ends](std::size_t i) {
        const std::size_t begin = i == 0 ? 0 : ends[i - 1];
        return std::string_view(w.data() + begin, ends[i] - begin);
    });
}

void check_length(std::size_t n, const char* what) {
    if (n > std::numeric_limits<std::uint32_t>::max())
        throw Error(ErrorCode::too_large, std::string("cannot encode a ") + what + " of " +
                                              std::to_string(n) +
                                              " elements/bytes: MessagePack allows at most 2^32-1");
}

} // namespace

// ------------------------------------------------------------------------------------------
namespace {

using Byte = unsigned char;

inline std::uint16_t be16(const Byte* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
inline std::uint32_t be32(const Byte* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}
inline std::uint64_t be64(const Byte* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

// Step 1: the validating scanner. Fails with the reason msgpack-cxx's parse() would have given
// for the first problem in document order.
bool validate(const Byte* p, std::size_t size, DecodeError& err) {
    const std::size_t container_limit = std::min(size, max_container_elements);
    std::uint64_t open[max_decode_depth];  // elements still expected by each open container
    std::size_t depth = 0;
    std::size_t pos = 0;
    auto insufficient = [&] {
        err = make_error("insufficient_bytes", "the frame ends inside a value");
        return false;
    };
    for (;;) {
        if (pos >= size) return insufficient();
        const Byte b = p[pos++];
        std::size_t skip = 0;      // payload bytes after the header
        std::uint64_t items = 0;   // elements of a container (a map counts keys and values)
        std::uint64_t claimed = 0; // what the header claims (pairs for a map)
        bool container = false, ext = false;
        const char* what = "array";
        // Reads a big-endian length of `n` bytes after the type byte.
        auto length = [&](std::size_t n, std::uint64_t& out) {
            if (size - pos < n) return false;
            out = n == 1 ? p[pos] : n == 2 ? be16(p + pos) : be32(p + pos);
            pos += n;
            return true;
        };
        if (b <= 0x7f || b >= 0xe0) {
            // fixint
        } else if (b <= 0x8f) {
            container = true, what = "map", claimed = b & 0x0f, items = 2 * claimed;
        } else if (b <= 0x9f) {
            container = true, claimed = items = b & 0x0f;
        } else if (b <= 0xbf) {
            skip = b & 0x1f;
        } else {
            std::uint64_t len = 0;
            switch (b) {
            case 0xc0: case 0xc2: case 0xc3: break;
            case 0xc1:
                err = make_error("parse_error", "invalid MessagePack byte at offset " + std::to_string(pos - 1));
                return false;
            case 0xc4: case 0xd9: if (!length(1, len)) return insufficient(); skip = len; break;
            case 0xc5: case 0xda: if (!length(2, len)) return insufficient(); skip = len; break;
            case 0xc6: case 0xdb: if (!length(4, len)) return insufficient(); skip = len; break;
            case 0xc7: if (!length(1, len)) return insufficient(); skip = len + 1, ext = true; break;
            case 0xc8: if (!length(2, len)) return insufficient(); skip = len + 1, ext = true; break;
            case 0xc9: if (!length(4, len)) return insufficient(); skip = len + 1, ext = true; break;
            case 0xca: case 0xd2: case 0xce: skip = 4; break;
            case 0xcb: case 0xd3: case 0xcf: skip = 8; break;
            case 0xcc: case 0xd0: skip = 1; break;
            case 0xcd: case 0xd1: skip = 2; break;
            case 0xd4: skip = 2, ext = true; break;
            case 0xd5: skip = 3, ext = true; break;
            case 0xd6: skip = 5, ext = true; break;
            case 0xd7: skip = 9, ext = true; break;
            case 0xd8: skip = 17, ext = true; break;
            case 0xdc: if (!length(2, len)) return insufficient(); container = true, claimed = items = len; break;
            case 0xdd: if (!length(4, len)) return insufficient(); container = true, claimed = items = len; break;
            case 0xde: if (!length(2, len)) return insufficient(); container = true, what = "map", claimed = len, items = 2 * len; break;
            case 0xdf: if (!length(4, len)) return insufficient(); container = true, what = "map", claimed = len, items = 2 * len; break;
            default: break;  // unreachable: every byte value is covered above
            }
        }
        if (size - pos < skip) return insufficient();
        pos += skip;
        if (ext) {
            err = make_error("ext_type", "MessagePack ext types are not accepted");
            return false;
        }
        if (container) {
            if (claimed > container_limit) {
                err = make_error("too_large", std::string(what) + " header claims " + std::to_string(claimed) +
                                                  " elements, limit " + std::to_string(container_limit));
                return false;
            }
            if (depth + 1 > max_decode_depth) {
                err = make_error("too_deep", "nesting deeper than " + std::to_string(max_decode_depth));
                return false;
            }
            if (items > 0) {
                open[depth++] = items;
                continue;  // its first element comes next
            }
        }
        // A value is complete: count it in its container, closing the containers it completes.
        while (depth > 0 && --open[depth - 1] == 0) --depth;
        if (depth == 0) break;
    }
    if (pos != size) {
        err = make_error("trailing_bytes", std::to_string(size - pos) + " bytes after the value (frame of " +
                                               std::to_string(size) + ")");
        return false;
    }
    return true;
}

// Step 2: the builder. The frame is valid (step 1), so it reads without bounds checks; only
// duplicate map keys can still fail (err.reason set, nil returned).
Value build(const Byte*& p, DecodeError& err) {
    const Byte b = *p++;
    auto str = [&](std::size_t n) {
        Value v(std::string(reinterpret_cast<const char*>(p), n));
        p += n;
        return v;
    };
    auto bin = [&](std::size_t n) {
        Value::Bytes bytes;
        bytes.data.assign(p, p + n);
        p += n;
        return Value(std::move(bytes));
    };
    auto list = [&](std::size_t n) {
        Value::List l;
        l.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            l.push_back(build(p, err));
            if (!err.reason.empty()) return Value();
        }
        return Value(std::move(l));
    };
    auto map = [&](std::size_t n) {
        Value::Map m;
        m.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            Value k = build(p, err);
            if (!err.reason.empty()) return Value();
            Value v = build(p, err);
            if (!err.reason.empty()) return Value();
            m.emplace_back(std::move(k), std::move(v));
        }
        if (has_duplicate_keys(m)) {
            err = make_error("duplicate_key", "a map has the same key twice");
            return Value();
        }
        return Value(std::move(m));
    };
    // Signed forms holding a non-negative number decode as uint64, like positive forms.
    auto sint = [](std::int64_t i) { return i >= 0 ? Value(static_cast<std::uint64_t>(i)) : Value(i); };
    if (b <= 0x7f) return Value(static_cast<std::uint64_t>(b));
    if (b >= 0xe0) return Value(static_cast<std::int64_t>(static_cast<std::int8_t>(b)));
    if (b <= 0x8f) return map(b & 0x0f);
    if (b <= 0x9f) return list(b & 0x0f);
    if (b <= 0xbf) return str(b & 0x1f);
    Value v;
    switch (b) {
    case 0xc0: return Value();
    case 0xc2: return Value(false);
    case 0xc3: return Value(true);
    case 0xc4: { const std::size_t n = p[0]; p += 1; return bin(n); }
    case 0xc5: { const std::size_t n = be16(p); p += 2; return bin(n); }
    case 0xc6: { const std::size_t n = be32(p); p += 4; return bin(n); }
    case 0xca: {
        const std::uint32_t bits = be32(p);
        float f;
        std::memcpy(&f, &bits, 4);
        p += 4;
        return Value(static_cast<double>(f));
    }
    case 0xcb: {
        const std::uint64_t bits = be64(p);
        double d;
        std::memcpy(&d, &bits, 8);
        p += 8;
        return Value(d);
    }
    case 0xcc: v = Value(static_cast<std::uint64_t>(p[0])); p += 1; return v;
    case 0xcd: v = Value(static_cast<std::uint64_t>(be16(p))); p += 2; return v;
    case 0xce: v = Value(static_cast<std::uint64_t>(be32(p))); p += 4; return v;
    case 0xcf: v = Value(be64(p)); p += 8; return v;
    case 0xd0: v = sint(static_cast<std::int8_t>(p[0])); p += 1; return v;
    case 0xd1: v = sint(static_cast<std::int16_t>(be16(p))); p += 2; return v;
    case 0xd2: v = sint(static_cast<std::int32_t>(be32(p))); p += 4; return v;
    case 0xd3: v = sint(static_cast<std::int64_t>(be64(p))); p += 8; return v;
    case 0xd9: { const std::size_t n = p[0]; p += 1; return str(n); }
    case 0xda: { const std::size_t n = be16(p); p += 2; return str(n); }
    case 0xdb: { const std::size_t n = be32(p); p += 4; return str(n); }
    case 0xdc: { const std::size_t n = be16(p); p += 2; return list(n); }
    case 0xdd: { const std::size_t n = be32(p); p += 4; return list(n); }
    case 0xde: { const std::size_t n = be16(p); p += 2; return map(n); }
    case 0xdf: { const std::size_t n = be32(p); p += 4; return map(n); }
    default: break;  // 0xc1 and ext types never pass step 1
    }
    err = make_error("parse_error", "unexpected MessagePack byte after validation");
    return Value();
}

std::variant<Value, DecodeError> decode_impl(const void* data, std::size_t size) {
    const Byte* p = static_cast<const Byte*>(data);
    if (size == 0 || p == nullptr)
        return make_error("insufficient_bytes", "empty frame");
    DecodeError err;
    if (!validate(p, size, err)) return err;
    try {
        Value v = build(p, err);
        if (!err.reason.empty()) return err;
        return v;
    } catch (const std::bad_alloc&) {
        return DecodeError{"out_of_memory", "ran out of memory while decoding"};
    }
}
} // namespace

bool validate(const void* data, std::size_t size, DecodeError& err) noexcept {
    try {
        if (size == 0 || data == nullptr) {
            err = make_error("insufficient_bytes", "empty frame");
            return false;
        }
        return validate(static_cast<const Byte*>(data), size, err);
    } catch (const std::bad_alloc&) {
        err = DecodeError{"out_of_memory", {}};
        return false;
    }
}

// ---- Reader ------------------------------------------------------------------------------------

namespace {
[[noreturn]] void reader_mismatch(const char* expected) {
    throw Error(ErrorCode::malformed_message, std::string("expected ") + expected);
}
} // namespace

bool Reader::next_is_array() const noexcept {
    if (at_end()) return false;
    const Byte b = *p_;
    return (b >= 0x90 && b <= 0x9f) || b == 0xdc || b == 0xdd;
}

bool Reader::next_is_uint() const noexcept {
    if (at_end()) return false;
    const Byte b = *p_;
    if (b <= 0x7f || (b >= 0xcc && b <= 0xcf)) return true;
    switch (b) {  // signed forms holding a non-negative value count too
    case 0xd0: return static_cast<std::int8_t>(p_[1]) >= 0;
    case 0xd1: return static_cast<std::int16_t>(be16(p_ + 1)) >= 0;
    case 0xd2: return static_cast<std::int32_t>(be32(p_ + 1)) >= 0;
    case 0xd3: return static_cast<std::int64_t>(be64(p_ + 1)) >= 0;
    default: return false;
    }
}

std::uint32_t Reader::array() {
    if (!next_is_array()) reader_mismatch("a list");
    const Byte b = *p_++;
    if (b <= 0x9f) return b & 0x0f;
    if (b == 0xdc) { const std::uint32_t n = be16(p_); p_ += 2; return n; }
    const std::uint32_t n = be32(p_);
    p_ += 4;
    return n;
}

std::uint64_t Reader::uint64() {
    if (!next_is_uint()) reader_mismatch("a non-negative integer");
    const Byte b = *p_++;
    std::uint64_t v = 0;
    switch (b) {
    case 0xcc: case 0xd0: v = p_[0]; p_ += 1; break;
    case 0xcd: case 0xd1: v = be16(p_); p_ += 2; break;
    case 0xce: case 0xd2: v = be32(p_); p_ += 4; break;
    case 0xcf: case 0xd3: v = be64(p_); p_ += 8; break;
    default: v = b; break;  // positive fixint
    }
    return v;
}

Value Reader::value() {
    if (at_end()) reader_mismatch("a value");
    DecodeError err;
    Value v = build(p_, err);
    if (!err.reason.empty()) throw Error(ErrorCode::malformed_message, err.detail);
    return v;
}

void Reader::skip() noexcept {
    std::uint64_t pending = 1;  // values still to skip (containers add their elements)
    while (pending > 0 && !at_end()) {
        --pending;
        const Byte b = *p_++;
        std::uint64_t len = 0;
        if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) continue;
        if (b <= 0x8f) { pending += 2u * (b & 0x0f); continue; }
        if (b <= 0x9f) { pending += b & 0x0f; continue; }
        if (b <= 0xbf) { p_ += b & 0x1f; continue; }
        switch (b) {
        case 0xc4: case 0xd9: len = p_[0]; p_ += 1 + len; break;
        case 0xc5: case 0xda: len = be16(p_); p_ += 2 + len; break;
        case 0xc6: case 0xdb: len = be32(p_); p_ += 4 + len; break;
        case 0xca: case 0xd2: case 0xce: p_ += 4; break;
        case 0xcb: case 0xd3: case 0xcf: p_ += 8; break;
        case 0xcc: case 0xd0: p_ += 1; break;
        case 0xcd: case 0xd1: p_ += 2; break;
        case 0xdc: pending += be16(p_); p_ += 2; break;
        case 0xdd: pending += be32(p_); p_ += 4; break;
        case 0xde: pending += 2u * be16(p_); p_ += 2; break;
        case 0xdf: pending += 2u * static_cast<std::uint64_t>(be32(p_)); p_ += 4; break;
        default: p_ = end_; break;  // ext types and 0xc1 never pass validate()
        }
    }
}

std::variant<Value, DecodeError> decode(const void* data, std::size_t size) noexcept {
    try {
        return decode_impl(data, size);
    } catch (const std::bad_alloc&) {
        // Building an error detail in one of decode_impl's handlers ran out of memory too.
        // "out_of_memory" fits std::string's small buffer: this allocates nothing.
        return DecodeError{"out_of_memory", {}};
    }
}

// ------------------------------------------------------------------------------------------
// The Writer encodes each header or scalar into a few bytes on the stack and appends them at
// once (one capacity check per call), in the smallest form, as msgpack-cxx's packer does.
namespace {
inline void put16(char* o, std::uint16_t v) {
    o[0] = static_cast<char>(v >> 8);
    o[1] = static_cast<char>(v);
}
inline void put32(char* o, std::uint32_t v) {
    v = __builtin_bswap32(v);
    std::memcpy(o, &v, 4);
}
inline void put64(char* o, std::uint64_t v) {
    v = __builtin_bswap64(v);
    std::memcpy(o, &v, 8);
}
/// A header: the short form `fix | n` when n < fix_limit, else `b16 n16` or `b32 n32`
/// (`b8 n8` too when b8 != 0).
inline void header(std::string& buf, std::uint32_t n, unsigned fix, std::uint32_t fix_limit, unsigned b8, unsigned b16,
                   unsigned b32) {
    char o[5];
    if (n < fix_limit) {
        o[0] = static_cast<char>(fix | n);
        buf.append(o, 1);
    } else if (b8 && n <= 0xff) {
        o[0] = static_cast<char>(b8);
        o[1] = static_cast<char>(n);
        buf.append(o, 2);
    } else if (n <= 0xffff) {
        o[0] = static_cast<char>(b16);
        put16(o + 1, static_cast<std::uint16_t>(n));
        buf.append(o, 3);
    } else {
        o[0] = static_cast<char>(b32);
        put32(o + 1, n);
        buf.append(o, 5);
    }
}
} // namespace

Writer& Writer::array(std::uint32_t n) {
    header(buf_, n, 0x90, 16, 0, 0xdc, 0xdd);
    return *this;
}

Writer& Writer::map(std::uint32_t n) {
    header(buf_, n, 0x80, 16, 0, 0xde, 0xdf);
    return *this;
}

Writer& Writer::nil() {
    buf_.push_back(static_cast<char>(0xc0));
    return *this;
}

Writer& Writer::boolean(bool b) {
    buf_.push_back(static_cast<char>(b ? 0xc3 : 0xc2));
    return *this;
}

Writer& Writer::int64(std::int64_t i) {
    if (i >= 0) return uint64(static_cast<std::uint64_t>(i));
    char o[9];
    if (i >= -32) {
        o[0] = static_cast<char>(static_cast<std::int8_t>(i));  // negative fixint
        buf_.append(o, 1);
    } else if (i >= -128) {
        o[0] = static_cast<char>(0xd0);
        o[1] = static_cast<char>(static_cast<std::int8_t>(i));
        buf_.append(o, 2);
    } else if (i >= -32768) {
        o[0] = static_cast<char>(0xd1);
        put16(o + 1, static_cast<std::uint16_t>(static_cast<std::int16_t>(i)));
        buf_.append(o, 3);
    } else if (i >= std::numeric_limits<std::int32_t>::min()) {
        o[0] = static_cast<char>(0xd2);
        put32(o + 1, static_cast<std::uint32_t>(static_cast<std::int32_t>(i)));
        buf_.append(o, 5);
    } else {
        o[0] = static_cast<char>(0xd3);
        put64(o + 1, static_cast<std::uint64_t>(i));
        buf_.append(o, 9);
    }
    return *this;
}

Writer& Writer::uint64(std::uint64_t u) {
    char o[9];
    if (u < 0x80) {
        o[0] = static_cast<char>(u);
        buf_.append(o, 1);
    } else if (u <= 0xff) {
        o[0] = static_cast<char>(0xcc);
        o[1] = static_cast<char>(u);
        buf_.append(o, 2);
    } else if (u <= 0xffff) {
        o[0] = static_cast<char>(0xcd);
        put16(o + 1, static_cast<std::uint16_t>(u));
        buf_.append(o, 3);
    } else if (u <= 0xffffffffu) {
        o[0] = static_cast<char>(0xce);
        put32(o + 1, static_cast<std::uint32_t>(u));
        buf_.append(o, 5);
    } else {
        o[0] = static_cast<char>(0xcf);
        put64(o + 1, u);
        buf_.append(o, 9);
    }
    return *this;
}

// Always float 64, even for a double that holds an integral value (msgpack-cxx 4.x's
// pack_double would write 3.0 as the integer 3, and the receiver would get a uint).
Writer& Writer::float64(double d) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    char out[9];
    out[0] = static_cast<char>(0xcb);
    put64(out + 1, bits);
    buf_.append(out, sizeof out);
    return *this;
}

Writer& Writer::str(std::string_view s) {
    check_length(s.size(), "string");
    header(buf_, static_cast<std::uint32_t>(s.size()), 0xa0, 32, 0xd9, 0xda, 0xdb);
    buf_.append(s.data(), s.size());
    return *this;
}

Writer& Writer::bin(const void* data, std::size_t n) {
    check_length(n, "bin");
    header(buf_, static_cast<std::uint32_t>(n), 0xc4, 0, 0xc4, 0xc5, 0xc6);
    if (n) buf_.append(static_cast<const char*>(data), n);
    return *this;
}

Writer& Writer::raw(const void* data, std::size_t n) {
    if (n) buf_.append(static_cast<const char*>(data), n);
    return *this;
}

Writer& Writer::value(const Value& v) {
    const auto& s = v.storage();
    switch (v.kind()) {
    case Value::Kind::nil: return nil();
    case Value::Kind::boolean: return boolean(std::get<bool>(s));
    case Value::Kind::int64: return int64(std::get<std::int64_t>(s));
    case Value::Kind::uint64: return uint64(std::get<std::uint64_t>(s));
    case Value::Kind::float64: return float64(std::get<double>(s));
    case Value::Kind::string: return str(std::get<std::string>(s));
    case Value::Kind::bytes: {
        const auto& b = std::get<Value::Bytes>(s).data;
        return bin(b.data(), b.size());
    }
    case Value::Kind::list: {
        const auto& l = std::get<Value::List>(s);
        check_length(l.size(), "list");
        array(static_cast<std::uint32_t>(l.size()));
        for (const auto& e : l) value(e);
        return *this;
    }
    case Value::Kind::map: {
        const auto& m = std::get<Value::Map>(s);
        check_length(m.size(), "map");
        map(static_cast<std::uint32_t>(m.size()));
        for (const auto& [k, e] : m) {
            value(k);
            value(e);
        }
        return *this;
    }
    }
    return *this;
}

std::string encode(const Value& v) {
    Writer w;
    w.value(v);
    return w.take();
}

} // namespace zro::detail::wire
