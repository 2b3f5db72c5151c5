// zro — shared live objects over ZeroMQ.
//
// The MessagePack codec (see codec.hpp). Decoding runs in three steps:
//
//  1. Validate: msgpack::parse() with a visitor that allocates nothing. It checks the whole frame
//     (grammar, completeness, trailing bytes, nesting depth, container sizes, ext types) before
//     anything is allocated for it.
//  2. Unpack: msgpack::unpack() with unpack_limit bounded by the frame size (defence in depth:
//     these limits alone would already stop the `dd ff ff ff ff` class of frames).
//  3. Convert the msgpack::object tree into a zro::Value, rejecting duplicate map keys.
//
// Why step 1: unpack_limit bounds each container by the frame size, but msgpack-cxx reserves a
// container's elements when it reads the header, and up to max_decode_depth headers can be open
// at once. A frame of N bytes that opens 32 nested arrays each claiming N elements would make
// unpack() reserve 32 × 24 × N bytes (12 GiB for a 16 MiB frame) before noticing the frame is
// short (measured: a 4 MiB frame → 4 GiB VmPeak, 100 MB RSS, 87 ms, then `insufficient bytes`).
// After step 1 every claimed element is known to exist in the frame, so the zone holds at most
// ~24 bytes per input byte (24 per array element, 48 per ≥2-byte map pair) and the Value tree
// ~40 (measured peak for a valid 4 MiB list of nils: ~64 bytes per input byte in all). Step 1
// costs ~15–25% of decode time.

#include "wire/codec.hpp"

#include <msgpack.hpp>

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
// Step 1: an allocation-free validating visitor. Its checks mirror create_object_visitor's
// with our limits (size first, then depth), so both steps give the same reason for a frame.
class ValidatingVisitor : public msgpack::null_visitor {
public:
    explicit ValidatingVisitor(std::size_t container_limit, std::size_t byte_limit)
        : container_limit_(container_limit), byte_limit_(byte_limit) {}

    bool visit_str(const char*, std::uint32_t size) { return check_bytes(size, "str"); }
    bool visit_bin(const char*, std::uint32_t size) { return check_bytes(size, "bin"); }
    bool visit_ext(const char*, std::uint32_t) {
        return fail("ext_type", "MessagePack ext types are not accepted");
    }
    bool start_array(std::uint32_t n) { return open(n, "array"); }
    bool end_array() { --open_; return true; }
    bool start_map(std::uint32_t n) { return open(n, "map"); }
    bool end_map() { --open_; return true; }
    void parse_error(std::size_t, std::size_t error_offset) {
        fail("parse_error", "invalid MessagePack byte at offset " + std::to_string(error_offset));
    }
    void insufficient_bytes(std::size_t, std::size_t) {
        fail("insufficient_bytes", "the frame ends inside a value");
    }

    const char* reason() const noexcept { return reason_; }
    std::string& detail() noexcept { return detail_; }

private:
    bool fail(const char* reason, std::string detail) {
        if (!reason_) {
            reason_ = reason;
            detail_ = std::move(detail);
        }
        return false;
    }
    bool check_bytes(std::uint32_t size, const char* what) {
        if (size > byte_limit_)
            return fail("too_large", std::string(what) + " of " + std::to_string(size) +
                                         " bytes in a frame of " + std::to_string(byte_limit_));
        return true;
    }
    bool open(std::uint32_t n, const char* what) {
        if (n > container_limit_)
            return fail("too_large", std::string(what) + " header claims " + std::to_string(n) +
                                         " elements, limit " + std::to_string(container_limit_));
        if (open_ + 1 > max_decode_depth)
            return fail("too_deep", "nesting deeper than " + std::to_string(max_decode_depth));
        ++open_;
        return true;
    }

    std::size_t container_limit_;
    std::size_t byte_limit_;
    std::size_t open_ = 0;
    const char* reason_ = nullptr;
    std::string detail_;
};

// ------------------------------------------------------------------------------------------
// Step 2 helper: str and bin point into the caller's buffer instead of being copied into the
// zone; they are copied once, into the Value, before decode() returns.
bool reference_str_and_bin(msgpack::type::object_type type, std::size_t, void*) {
    return type == msgpack::type::STR || type == msgpack::type::BIN;
}

// ------------------------------------------------------------------------------------------
// Step 3: msgpack::object → Value. Recursive; depth is bounded by max_decode_depth (step 1
// and unpack_limit), so the stack use is small and fixed.

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

// Converts one object; on failure returns nil and sets `err.reason` (non-empty).
Value to_value(const msgpack::object& o, DecodeError& err) {
    switch (o.type) {
    case msgpack::type::NIL: return Value();
    case msgpack::type::BOOLEAN: return Value(o.via.boolean);
    case msgpack::type::POSITIVE_INTEGER: return Value(static_cast<std::uint64_t>(o.via.u64));
    case msgpack::type::NEGATIVE_INTEGER: return Value(static_cast<std::int64_t>(o.via.i64));
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: return Value(static_cast<double>(o.via.f64));
    case msgpack::type::STR:
        return o.via.str.size ? Value(std::string(o.via.str.ptr, o.via.str.size))
                              : Value(std::string());
    case msgpack::type::BIN: {
        Value::Bytes b;
        if (o.via.bin.size) {
            const auto* p = reinterpret_cast<const std::uint8_t*>(o.via.bin.ptr);
            b.data.assign(p, p + o.via.bin.size);
        }
        return Value(std::move(b));
    }
    case msgpack::type::ARRAY: {
        Value::List l;
        l.reserve(o.via.array.size);
        for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
            l.push_back(to_value(o.via.array.ptr[i], err));
            if (!err.reason.empty()) return Value();
        }
        return Value(std::move(l));
    }
    case msgpack::type::MAP: {
        Value::Map m;
        m.reserve(o.via.map.size);
        for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
            Value k = to_value(o.via.map.ptr[i].key, err);
            if (!err.reason.empty()) return Value();
            Value v = to_value(o.via.map.ptr[i].val, err);
            if (!err.reason.empty()) return Value();
            m.emplace_back(std::move(k), std::move(v));
        }
        if (has_duplicate_keys(m)) {
            err = make_error("duplicate_key", "a map has the same key twice");
            return Value();
        }
        return Value(std::move(m));
    }
    case msgpack::type::EXT:
        err = make_error("ext_type", "MessagePack ext types are not accepted");
        return Value();
    }
    err = make_error("parse_error", "unknown msgpack object type");
    return Value();
}

// std::string as a msgpack-cxx output stream.
struct StringSink {
    std::string* s;
    void write(const char* p, std::size_t n) { s->append(p, n); }
};

void check_length(std::size_t n, const char* what) {
    if (n > std::numeric_limits<std::uint32_t>::max())
        throw Error(ErrorCode::too_large, std::string("cannot encode a ") + what + " of " +
                                              std::to_string(n) +
                                              " elements/bytes: MessagePack allows at most 2^32-1");
}

} // namespace

// ------------------------------------------------------------------------------------------
namespace {
std::variant<Value, DecodeError> decode_impl(const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    if (size == 0 || p == nullptr)
        return make_error("insufficient_bytes", "empty frame");

    const std::size_t container_limit = std::min(size, max_container_elements);
    try {
        // Step 1: validate the whole frame without allocating for its contents.
        {
            ValidatingVisitor check(container_limit, size);
            std::size_t off = 0;
            const bool ok = msgpack::parse(p, size, off, check);
            if (check.reason()) return make_error(check.reason(), std::move(check.detail()));
            if (!ok) return make_error("parse_error", "MessagePack parser stopped");
            if (off != size)
                return make_error("trailing_bytes", std::to_string(size - off) +
                                                        " bytes after the value (frame of " +
                                                        std::to_string(size) + ")");
        }

        // Step 2: unpack with limits bounded by the frame size.
        const msgpack::unpack_limit limit(container_limit, container_limit, size, size, 0,
                                          max_decode_depth);
        std::size_t off = 0;
        msgpack::object_handle oh =
            msgpack::unpack(p, size, off, &reference_str_and_bin, nullptr, limit);
        if (off != size)
            return make_error("trailing_bytes", std::to_string(size - off) +
                                                    " bytes after the value (frame of " +
                                                    std::to_string(size) + ")");

        // Step 3: convert.
        DecodeError err;
        Value v = to_value(oh.get(), err);
        if (!err.reason.empty()) return err;
        return v;
    } catch (const msgpack::depth_size_overflow& e) {
        return make_error("too_deep", e.what());
    } catch (const msgpack::ext_size_overflow& e) {
        return make_error("ext_type", e.what());
    } catch (const msgpack::size_overflow& e) {
        return make_error("too_large", e.what());
    } catch (const msgpack::insufficient_bytes& e) {
        return make_error("insufficient_bytes", e.what());
    } catch (const msgpack::parse_error& e) {
        return make_error("parse_error", e.what());
    } catch (const msgpack::unpack_error& e) {
        return make_error("parse_error", e.what());
    } catch (const msgpack::type_error& e) {
        return make_error("parse_error", e.what());
    } catch (const std::bad_alloc&) {
        return DecodeError{"out_of_memory", "ran out of memory while decoding"};
    }
}
} // namespace

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
Writer& Writer::array(std::uint32_t n) {
    StringSink sink{&buf_};
    msgpack::packer<StringSink>(sink).pack_array(n);
    return *this;
}

Writer& Writer::map(std::uint32_t n) {
    StringSink sink{&buf_};
    msgpack::packer<StringSink>(sink).pack_map(n);
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
    StringSink sink{&buf_};
    msgpack::packer<StringSink>(sink).pack_int64(i);
    return *this;
}

Writer& Writer::uint64(std::uint64_t u) {
    StringSink sink{&buf_};
    msgpack::packer<StringSink>(sink).pack_uint64(u);
    return *this;
}

// Not msgpack::packer::pack_double: msgpack-cxx 4.x writes a double that holds an integral value
// as an *integer* (3.0 → 0x03), so the receiver would get a uint instead of a double. (It also
// converts 2^64 to uint64_t, which is undefined behaviour.) We always write float 64.
Writer& Writer::float64(double d) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    char out[9];
    out[0] = static_cast<char>(0xcb);
    for (int i = 0; i < 8; ++i) out[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
    buf_.append(out, sizeof out);
    return *this;
}

Writer& Writer::str(std::string_view s) {
    check_length(s.size(), "string");
    StringSink sink{&buf_};
    msgpack::packer<StringSink> pk(sink);
    pk.pack_str(static_cast<std::uint32_t>(s.size()));
    pk.pack_str_body(s.data(), static_cast<std::uint32_t>(s.size()));
    return *this;
}

Writer& Writer::bin(const void* data, std::size_t n) {
    check_length(n, "bin");
    StringSink sink{&buf_};
    msgpack::packer<StringSink> pk(sink);
    pk.pack_bin(static_cast<std::uint32_t>(n));
    if (n) pk.pack_bin_body(static_cast<const char*>(data), static_cast<std::uint32_t>(n));
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
