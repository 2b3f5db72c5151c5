// zro — the invariants the message-decoder fuzz targets (fuzz_*_decode.cpp) check, shared.
//
// For arbitrary bytes, with Decode one of wire::decode_request / decode_reply /
// decode_publication:
//  * decode_envelope + Decode never throw; a failure names a message, a reason and a sentence;
//  * differential: a decoded message m re-encodes to bytes b = encode(m) that decode again, to
//    a message of the same kind whose encoding is b again (encode(decode(b)) == b).
#pragma once

#include "wire/messages.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>
#include <variant>

namespace zro_fuzz {

namespace wire = zro::detail::wire;

[[noreturn]] inline void fail(const char* target, const char* what, const std::string& detail = {}) {
    std::fprintf(stderr, "%s: invariant violated: %s %s\n", target, what, detail.c_str());
    std::abort();
}

inline void check_error(const char* target, const wire::MessageError& e) {
    if (e.message.empty() || e.reason.empty() || e.detail.empty()) fail(target, "a MessageError without message, reason or detail");
}

template <class Message> std::string encoded(const Message& m) {
    wire::Writer w;
    m.encode(w);
    return std::string(w.data(), w.size());
}

/// Decodes `data` with `decode_dir` and checks the invariants above.
template <class Variant, class DecodeDir>
void check_decoder(const char* target, const std::uint8_t* data, std::size_t size, DecodeDir decode_dir) {
    auto envelope = wire::decode_envelope(data, size);
    if (const auto* e = std::get_if<wire::MessageError>(&envelope)) return check_error(target, *e);
    auto first = decode_dir(std::get<wire::Envelope>(envelope));
    if (const auto* e = std::get_if<wire::MessageError>(&first)) return check_error(target, *e);
    std::visit(
        [&](const auto& m) {
            using Message = std::decay_t<decltype(m)>;
            if constexpr (!std::is_same_v<Message, wire::UnknownMessage>) {
                const std::string once = encoded(m);
                auto again = wire::decode_envelope(once.data(), once.size());
                if (const auto* e = std::get_if<wire::MessageError>(&again)) fail(target, "encode(m) does not decode:", e->detail);
                auto second = decode_dir(std::get<wire::Envelope>(again));
                if (const auto* e = std::get_if<wire::MessageError>(&second)) fail(target, "encode(m) is malformed:", e->detail);
                const auto* same = std::get_if<Message>(&std::get<Variant>(second));
                if (!same) fail(target, "encode(m) decodes as another message");
                if (encoded(*same) != once) fail(target, "encode(decode(encode(m))) != encode(m)");
            }
        },
        std::get<Variant>(first));
}

} // namespace zro_fuzz
