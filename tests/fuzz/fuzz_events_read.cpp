// zro — libFuzzer target: arbitrary bytes → the subscriber's EVENTS path: wire::validate, then
// wire::peek_code and wire::EventsReader (open, then next() or skip() for every event), exactly as
// Link::on_sub_readable and ReplicaCore::apply_events read a publication in place.
//
// Invariants checked (abort() on violation, so every engine and sanitizer reports it):
//  * nothing throws; every failure names EVENTS (and for open(), a reason and a sentence);
//  * the reader walks at most header().count events (fewer only after data with a duplicate map
//    key), each either an Event or a failure, and never reads past the frame (the sanitizers
//    check that);
//  * differential: the events read re-encode (EventsHeader::encode, encode_property_event,
//    encode_signal_event) into a frame that reads back to the same events.
//
// Build: cmake -DZRO_BUILD_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ (tests/fuzz/CMakeLists.txt), then
//   build/tests/fuzz/fuzz_events_read tests/fuzz/corpus/fuzz_events_read
// Without a fuzzing engine (e.g. GCC), the fuzz_events_read_replay binary replays the corpus.

#include "message_roundtrip.hpp"

#include <vector>

namespace {

using zro_fuzz::fail;
namespace wire = zro_fuzz::wire;
constexpr const char* target = "fuzz_events_read";

/// Reads every event; the even ones with next(), every third skipped when `skip_some`.
std::vector<wire::Event> read_all(const std::string& bytes, bool skip_some, wire::EventsHeader& header) {
    std::vector<wire::Event> out;
    auto opened = wire::EventsReader::open(bytes.data(), bytes.size());
    if (const auto* e = std::get_if<wire::MessageError>(&opened)) {
        if (e->message != "EVENTS") fail(target, "a failure that does not name EVENTS");
        zro_fuzz::check_error(target, *e);
        header.count = 0;
        return out;
    }
    auto& events = std::get<wire::EventsReader>(opened);
    header = events.header();
    std::uint32_t seen = 0;
    while (events.remaining() > 0) {
        ++seen;
        if (skip_some && seen % 3 == 0) {
            events.skip();
            continue;
        }
        wire::Event e;
        const auto why = events.next(e);
        if (why.empty()) out.push_back(std::move(e));
        else if (why.substr(0, 8) != "EVENTS: ") fail(target, "an event failure that does not name EVENTS");
    }
    if (seen > header.count) fail(target, "the reader walked more than header().count events");
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    wire::DecodeError err;
    if (!wire::validate(data, size, err)) return 0;  // a subscriber drops these before reading
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    if (wire::peek_code(data, size) != wire::EventsHeader::code) return 0;
    wire::EventsHeader header;
    (void)read_all(bytes, true, header);
    const auto events = read_all(bytes, false, header);
    if (header.count == 0 && events.empty()) return 0;

    // Re-encode the well-formed events of a known kind and read them back.
    wire::Writer body;
    std::uint32_t count = 0;
    for (const auto& e : events) {
        if (e.kind == wire::event_property) wire::encode_property_event(body, e.index, e.data);
        else if (e.kind == wire::event_signal && e.data.is_list()) wire::encode_signal_event(body, e.index, e.data.as_list());
        else continue;
        ++count;
    }
    wire::Writer w;
    wire::EventsHeader{header.epoch, header.first_seq, count}.encode(w);
    w.raw(body.data(), body.size());
    const std::string again(w.data(), w.size());
    if (!wire::validate(again.data(), again.size(), err)) fail(target, "re-encoded EVENTS do not validate:", err.detail);
    wire::EventsHeader header2;
    const auto back = read_all(again, false, header2);
    if (back.size() != count || header2.epoch != header.epoch || header2.first_seq != header.first_seq)
        fail(target, "re-encoded EVENTS read back differently");
    return 0;
}
