// zro — the protocol message structs (src/wire/messages.hpp): each message's bytes are the
// layout docs/PROTOCOL.md gives (written out here by hand, as the engines wrote them before the
// structs existed), decode(encode(m)) gives m back, and every malformed input is a failure value
// naming the message and the field.

#include "wire/messages.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <type_traits>
#include <variant>

namespace wire = zro::detail::wire;
using V = zro::Value;

namespace {

template <class T> std::string bytes_of(const T& m) {
    wire::Writer w;
    m.encode(w);
    return std::string(w.data(), w.size());
}

/// Decodes `bytes` as a T through the envelope, as a receiver does.
template <class T> wire::Decoded<T> decode_bytes(const std::string& bytes) {
    auto envelope = wire::decode_envelope(bytes.data(), bytes.size());
    if (auto* e = std::get_if<wire::MessageError>(&envelope)) return *e;
    return T::decode(std::get<wire::Envelope>(envelope).items);
}

template <class T> T decoded_ok(const std::string& bytes) {
    auto d = decode_bytes<T>(bytes);
    if (auto* e = std::get_if<wire::MessageError>(&d)) ADD_FAILURE() << T::name << ": " << e->detail;
    return std::get<T>(std::move(d));
}

template <class T> wire::MessageError decoded_error(const V& message) {
    const std::string bytes = wire::encode(message);
    auto d = decode_bytes<T>(bytes);
    if (!std::holds_alternative<wire::MessageError>(d)) {
        ADD_FAILURE() << T::name << " accepted " << message.to_string();
        return {};
    }
    return std::get<wire::MessageError>(d);
}

V::Bytes bin(std::string_view s) { return V::Bytes{std::vector<std::uint8_t>(s.begin(), s.end())}; }

/// A sample of each message and its bytes as the array PROTOCOL.md gives.
struct Samples {
    wire::Hello hello{V(1u), "00112233aabbccdd", 1000};
    V hello_v{1, 1, "00112233aabbccdd", 1000};
    wire::Acquire acquire{V(7u), "Switch", std::string("ab12"), true};
    V acquire_v{2, 7, "Switch", "ab12", true};
    wire::Invoke invoke{8, "Switch", 0xfeedULL, "toggle", {V(1), V("x")}};
    V invoke_v{3, 8, "Switch", 0xfeed, "toggle", V{1, "x"}};
    wire::Set set{9, "Switch", 0, "on", V(true)};
    V set_v{4, 9, "Switch", 0, "on", true};
    wire::Replay replay{V(10u), "Switch", 0xfeedULL, 42};
    V replay_v{5, 10, "Switch", 0xfeed, 42};
    wire::Ping ping{V(11u)};
    V ping_v{6, 11};
    wire::ListObjects list{V(12u)};
    V list_v{7, 12};
    wire::Welcome welcome{1, "ffeeddccbbaa9988", "tcp://0.0.0.0:5001", 1000, 16u << 20};
    V welcome_v{1, 1, "ffeeddccbbaa9988", "tcp://0.0.0.0:5001", 1000, 16u << 20};
    wire::Snapshot snapshot{V(7u), "Switch", 0xfeedULL, 5, 2, "ab12", {V(true), V("x")}, V::map_of({{"name", "Switch"}}), {}};
    V snapshot_v{2, 7, "Switch", 0xfeed, 5, 2, "ab12", V{true, "x"}, V::map_of({{"name", "Switch"}})};
    wire::Reply reply = wire::Reply::success(8, V(3));
    V reply_v{3, 8, 0, 3};
    wire::Replayed replayed{V(10u), "Switch", 0xfeedULL, {V(bin("\x94\x0a\x01\x02\x90"))}};
    V replayed_v{5, 10, "Switch", 0xfeed, V{V(bin("\x94\x0a\x01\x02\x90"))}};
    wire::Pong pong{V(11u), "ffeeddccbbaa9988"};
    V pong_v{6, 11, "ffeeddccbbaa9988"};
    wire::Objects objects{V(12u), {{"Switch", "SimpleSwitch", "ab12"}}, "ffeeddccbbaa9988"};
    V objects_v{7, 12, V{V{"Switch", "SimpleSwitch", "ab12"}}, "ffeeddccbbaa9988"};
    wire::ErrorReply error{V(7u), 4, "no object 'X' on host tcp://127.0.0.1:5000"};
    V error_v{9, 7, 4, "no object 'X' on host tcp://127.0.0.1:5000"};
    wire::Sync sync{0xfeedULL, 5, 2};
    V sync_v{11, 0xfeed, 5, 2};
    wire::Heartbeat heartbeat{0xfeedULL, 6, 3};
    V heartbeat_v{12, 0xfeed, 6, 3};
    wire::Withdrawn withdrawn{0xfeedULL};
    V withdrawn_v{13, 0xfeed};
    wire::Unreachable unreachable{0xfeedULL, "no heartbeat from tcp://10.0.0.5:5555"};
    V unreachable_v{16, 0xfeed, "no heartbeat from tcp://10.0.0.5:5555"};
    wire::Fetch fetch{V(13u), "Player", "tracks", 77, {3, 0}, 10, 50, true, {1}};
    V fetch_v{14, 13, "Player", "tracks", 77, V{3, 0}, 10, 50, true, V{1}};
    wire::ModelSet model_set{14, "Player", 0xfeedULL, "tracks", {}, 2, 1, "display", V("x")};
    V model_set_v{15, 14, "Player", 0xfeed, "tracks", V(V::List{}), 2, 1, "display", "x"};
    wire::Rows rows{V(13u), "Player", 0xfeedULL, 9, "tracks", {3}, 4, 2, 1, {V{1, 0, 0, V{V{33, V{"a"}}, V{33, V{"b"}}}}}};
    V rows_v{14, 13, "Player", 0xfeed, 9, "tracks", V{3}, 4, 2, 1, V{V{1, 0, 0, V{V{33, V{"a"}}, V{33, V{"b"}}}}}};
    wire::Snapshot model_snapshot{V(7u), "Player", 0xfeedULL, 5, 0, "ab12", {V(3)}, std::nullopt, {V{4, 2, V{V{"Title"}, V{nullptr}}}, V()}};
    V model_snapshot_v{2, 7, "Player", 0xfeed, 5, 0, "ab12", V{3}, V(), V{V{4, 2, V{V{"Title"}, V{nullptr}}}, V()}};

    auto all() const {
        return std::tie(hello, hello_v, acquire, acquire_v, invoke, invoke_v, set, set_v, replay, replay_v, ping, ping_v,
                        list, list_v, welcome, welcome_v, snapshot, snapshot_v, reply, reply_v, replayed, replayed_v, pong,
                        pong_v, objects, objects_v, error, error_v, sync, sync_v, heartbeat, heartbeat_v, withdrawn,
                        withdrawn_v, unreachable, unreachable_v, fetch, fetch_v, model_set, model_set_v, rows, rows_v, model_snapshot, model_snapshot_v);
    }
};

/// Calls f(message, its expected array) for every sample.
template <class F> void for_each_sample(F&& f) {
    static const Samples s;
    auto t = s.all();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (f(std::get<2 * I>(t), std::get<2 * I + 1>(t)), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(t)> / 2>{});
}

/// A value of a kind that field type `type` does not accept (nullopt: it accepts anything).
std::optional<V> wrong_kind_for(std::string_view type) {
    if (type == "any") return std::nullopt;
    if (type == "uint") return V(std::int64_t{-1});
    return V(2.5);  // str, name, list, map|nil, str|nil, bool: a double is none of them
}

} // namespace

TEST(Messages, EncodeGivesTheDocumentedLayout) {
    for_each_sample([](const auto& m, const V& expected) {
        EXPECT_EQ(bytes_of(m), wire::encode(expected)) << std::decay_t<decltype(m)>::name;
    });
}

TEST(Messages, DecodeEncodeRoundTrip) {
    for_each_sample([](const auto& m, const V&) {
        using T = std::decay_t<decltype(m)>;
        const std::string bytes = bytes_of(m);
        EXPECT_EQ(bytes_of(decoded_ok<T>(bytes)), bytes) << T::name;
    });
}

TEST(Messages, DecodedFieldsAreTheEncodedOnes) {
    const Samples s;
    const auto snap = decoded_ok<wire::Snapshot>(bytes_of(s.snapshot));
    EXPECT_EQ(snap.epoch, 0xfeedULL);
    EXPECT_EQ(snap.seq, 5u);
    EXPECT_EQ(snap.signals, 2u);
    EXPECT_EQ(snap.signature, "ab12");
    EXPECT_EQ(snap.values, (V::List{V(true), V("x")}));
    ASSERT_TRUE(snap.schema);
    const auto welcome = decoded_ok<wire::Welcome>(bytes_of(s.welcome));
    EXPECT_EQ(welcome.heartbeat_ms, 1000u);
    EXPECT_EQ(welcome.max_message_size, 16u << 20);
    EXPECT_EQ(welcome.pub_endpoint, "tcp://0.0.0.0:5001");
    const auto objects = decoded_ok<wire::Objects>(bytes_of(s.objects));
    ASSERT_EQ(objects.objects.size(), 1u);
    EXPECT_EQ(objects.objects[0], (wire::Objects::Entry{"Switch", "SimpleSwitch", "ab12"}));
    const auto failed = decoded_ok<wire::Reply>(wire::encode(V{3, 8, 6, "no method"}));
    EXPECT_EQ(failed.error_code, 6u);
    EXPECT_EQ(failed.message, "no method");
    EXPECT_EQ(bytes_of(failed), wire::encode(V{3, 8, 6, "no method"}));
}

TEST(Messages, MissingFieldIsAWrongCountNamingTheField) {
    for_each_sample([](const auto& m, const V& expected) {
        using T = std::decay_t<decltype(m)>;
        // Drop every field from the first required one on: the failure names that field.
        for (std::size_t i = 0; i < T::fields.size(); ++i) {
            if (T::fields[i].optional) continue;
            V::List cut(expected.as_list().begin(), expected.as_list().begin() + static_cast<std::ptrdiff_t>(i + 1));
            const auto e = decoded_error<T>(V(cut));
            EXPECT_EQ(e.message, T::name);
            EXPECT_EQ(e.field, T::fields[i].name) << T::name;
            EXPECT_EQ(e.reason, "wrong_count") << T::name;
            EXPECT_NE(e.detail.find(std::string(T::name)), std::string::npos) << e.detail;
            EXPECT_NE(e.detail.find(std::string(T::fields[i].name)), std::string::npos) << e.detail;
            break;
        }
    });
}

TEST(Messages, WrongFieldTypeNamesTheField) {
    for_each_sample([](const auto& m, const V& expected) {
        using T = std::decay_t<decltype(m)>;
        int checked = 0;
        for (std::size_t i = 0; i < T::fields.size(); ++i) {
            const auto wrong = wrong_kind_for(T::fields[i].type);
            // Optional fields are read leniently (PROTOCOL.md: "optional fields").
            if (!wrong || T::fields[i].optional) continue;
            V::List bad = expected.as_list();
            bad[i + 1] = *wrong;
            const auto e = decoded_error<T>(V(bad));
            EXPECT_EQ(e.message, T::name);
            EXPECT_EQ(e.field, T::fields[i].name) << T::name;
            EXPECT_EQ(e.reason, "wrong_type") << T::name << "." << T::fields[i].name;
            EXPECT_NE(e.detail.find(std::string(T::fields[i].name)), std::string::npos) << e.detail;
            ++checked;
        }
        const bool all_any = std::all_of(T::fields.begin(), T::fields.end(),
                                         [](const wire::FieldSpec& f) { return f.type == "any" || f.optional; });
        if (!all_any) {
            EXPECT_GT(checked, 0) << T::name;
        }
    });
}

TEST(Messages, WrongTypeCodeIsRefused) {
    for_each_sample([](const auto& m, const V& expected) {
        using T = std::decay_t<decltype(m)>;
        V::List other = expected.as_list();
        other[0] = V(99);
        const auto e = decoded_error<T>(V(other));
        EXPECT_EQ(e.message, T::name);
        EXPECT_EQ(e.field, "code");
    });
}

TEST(Messages, TrailingBytesAreRefusedBeforeAnyField) {
    for_each_sample([](const auto& m, const V&) {
        using T = std::decay_t<decltype(m)>;
        const std::string bytes = bytes_of(m) + '\xc0';
        auto d = wire::decode_as<T>(bytes.data(), bytes.size());
        ASSERT_TRUE(std::holds_alternative<wire::MessageError>(d)) << T::name;
        const auto& e = std::get<wire::MessageError>(d);
        EXPECT_EQ(e.message, T::name);
        EXPECT_EQ(e.reason, "trailing_bytes");
        EXPECT_NE(e.detail.find(std::string(T::name)), std::string::npos) << e.detail;
    });
}

TEST(Messages, ExtraFieldsOfLaterVersionsAreIgnored) {
    for_each_sample([](const auto& m, const V& expected) {
        using T = std::decay_t<decltype(m)>;
        V::List longer = expected.as_list();
        longer.emplace_back("added by a later version");
        EXPECT_EQ(bytes_of(decoded_ok<T>(wire::encode(V(longer)))), bytes_of(m)) << T::name;
    });
}

TEST(Messages, LenientFieldsReadAsTheHostAlwaysDid) {
    // PROTOCOL-GAPS: a host echoes any request id, answers HELLO without node_id, treats a
    // non-bool want_schema as false and a missing PING token as nil.
    const auto hello = decoded_ok<wire::Hello>(wire::encode(V{1, std::uint64_t{wire::protocol_version}}));
    EXPECT_TRUE(hello.speaks_our_version());
    EXPECT_FALSE(decoded_ok<wire::Hello>(wire::encode(V{1, std::to_string(wire::protocol_version)})).speaks_our_version());
    EXPECT_FALSE(decoded_ok<wire::Hello>(wire::encode(V{1, 1})).speaks_our_version());  // version 1: no PODs in its schemas
    const auto acquire = decoded_ok<wire::Acquire>(wire::encode(V{2, V::map_of({{"a", 1}}), "X", 5, 1}));
    EXPECT_TRUE(acquire.req_id.is_map());
    EXPECT_FALSE(acquire.signature);
    EXPECT_FALSE(acquire.want_schema);
    EXPECT_TRUE(decoded_ok<wire::Ping>(wire::encode(V{6})).token.is_nil());
    EXPECT_EQ(decoded_ok<wire::Replay>(wire::encode(V{5, -3, "X", 1, 1})).req_id, V(-3));
}

TEST(Messages, ObjectEntriesAndPayloadsAreChecked) {
    auto e = decoded_error<wire::Objects>(V{7, 1, V{V{"Switch", "T"}}, "id"});
    EXPECT_EQ(e.field, "objects");
    e = decoded_error<wire::Replayed>(V{5, 1, "Switch", 1, V{"not a bin"}});
    EXPECT_EQ(e.field, "payloads");
    e = decoded_error<wire::Reply>(V{3, 1, 6, 42});
    EXPECT_EQ(e.field, "result");
    e = decoded_error<wire::ErrorReply>(V{9, V::Map{}, 6, 7});
    EXPECT_EQ(e.field, "message");
    e = decoded_error<wire::Hello>(V{1});
    EXPECT_EQ(e.field, "version");
}

TEST(Messages, DirectionDecodersDispatchOnTheCode) {
    const Samples s;
    auto envelope = std::get<wire::Envelope>(wire::decode_envelope(bytes_of(s.invoke).data(), bytes_of(s.invoke).size()));
    auto request = wire::decode_request(envelope);
    ASSERT_TRUE(std::holds_alternative<wire::Request>(request));
    EXPECT_TRUE(std::holds_alternative<wire::Invoke>(std::get<wire::Request>(request)));
    const std::string unknown = wire::encode(V{42, 1});
    envelope = std::get<wire::Envelope>(wire::decode_envelope(unknown.data(), unknown.size()));
    auto reply = wire::decode_reply(envelope);
    ASSERT_TRUE(std::holds_alternative<wire::HostReply>(reply));
    EXPECT_EQ(std::get<wire::UnknownMessage>(std::get<wire::HostReply>(reply)).code, 42u);
    const std::string beat = bytes_of(s.heartbeat);
    envelope = std::get<wire::Envelope>(wire::decode_envelope(beat.data(), beat.size()));
    auto publication = wire::decode_publication(envelope);
    EXPECT_EQ(std::get<wire::Heartbeat>(std::get<wire::Publication>(publication)).seq, 6u);
    const std::string not_array = wire::encode(V("x"));
    auto bad = wire::decode_envelope(not_array.data(), not_array.size());
    EXPECT_EQ(std::get<wire::MessageError>(bad).field, "code");
}

// ---- EVENTS ----------------------------------------------------------------------------------

namespace {
std::string events_bytes(std::uint64_t epoch, std::uint64_t first_seq, const std::vector<V>& property_values,
                         const std::vector<V>& signal_args) {
    wire::Writer events;
    for (const V& v : property_values) wire::encode_property_event(events, 2, v);
    if (!signal_args.empty()) wire::encode_signal_event(events, 1, signal_args);
    wire::Writer w;
    const auto count = static_cast<std::uint32_t>(property_values.size() + (signal_args.empty() ? 0 : 1));
    wire::EventsHeader{epoch, first_seq, count}.encode(w);
    w.raw(events.data(), events.size());
    return std::string(w.data(), w.size());
}
} // namespace

TEST(Messages, EventsLayoutAndInPlaceReading) {
    const std::string bytes = events_bytes(0xfeed, 7, {V(1), V("two")}, {V(3.5)});
    EXPECT_EQ(bytes, wire::encode(V{10, 0xfeed, 7, V{V{0, 2, 1}, V{0, 2, "two"}, V{1, 1, V{3.5}}}}));
    wire::DecodeError err;
    ASSERT_TRUE(wire::validate(bytes.data(), bytes.size(), err));
    EXPECT_EQ(wire::peek_code(bytes.data(), bytes.size()), std::optional<std::uint64_t>(10));
    auto opened = wire::EventsReader::open(bytes.data(), bytes.size());
    ASSERT_TRUE(std::holds_alternative<wire::EventsReader>(opened));
    auto& events = std::get<wire::EventsReader>(opened);
    EXPECT_EQ(events.header().epoch, 0xfeedULL);
    EXPECT_EQ(events.header().first_seq, 7u);
    EXPECT_EQ(events.header().count, 3u);
    events.skip();
    wire::Event e;
    EXPECT_EQ(events.next(e), "");
    EXPECT_EQ(e.kind, wire::event_property);
    EXPECT_EQ(e.index, 2u);
    EXPECT_EQ(e.data, V("two"));
    EXPECT_EQ(events.next(e), "");
    EXPECT_EQ(e.kind, wire::event_signal);
    EXPECT_EQ(e.data, V{3.5});
    EXPECT_EQ(events.remaining(), 0u);
    EXPECT_NE(events.next(e), "");
}

TEST(Messages, MalformedEventsNameTheField) {
    auto open = [](const V& v) {
        const std::string bytes = wire::encode(v);
        return wire::EventsReader::open(bytes.data(), bytes.size());
    };
    auto field_of = [](const wire::Decoded<wire::EventsReader>& d) {
        EXPECT_TRUE(std::holds_alternative<wire::MessageError>(d));
        if (!std::holds_alternative<wire::MessageError>(d)) return std::string();
        const auto& e = std::get<wire::MessageError>(d);
        EXPECT_EQ(e.message, "EVENTS");
        return e.field + "/" + e.reason;
    };
    EXPECT_EQ(field_of(open(V{10, 1})), "first_seq/wrong_count");
    EXPECT_EQ(field_of(open(V{10, "x", 1, V::List{}})), "epoch/wrong_type");
    EXPECT_EQ(field_of(open(V{10, 1, -1, V::List{}})), "first_seq/wrong_type");
    EXPECT_EQ(field_of(open(V{10, 1, 1, 5})), "events/wrong_type");
    EXPECT_EQ(field_of(open(V{11, 1, 1, V::List{}})), "code/wrong_type");
    const std::string trailing = wire::encode(V{10, 1, 1, V::List{}}) + '\xc0';
    wire::DecodeError err;
    EXPECT_FALSE(wire::validate(trailing.data(), trailing.size(), err));  // what a subscriber checks first
    EXPECT_EQ(err.reason, "trailing_bytes");

    // A malformed event is consumed whole; the next one is read.
    const std::string bytes = wire::encode(V{10, 1, 1, V{V{0, "x", 1}, V{0, 1}, 7, V{0, 0, 5}}});
    auto d = wire::EventsReader::open(bytes.data(), bytes.size());
    auto& events = std::get<wire::EventsReader>(d);
    wire::Event e;
    for (int i = 0; i < 3; ++i) {
        const auto why = std::string(events.next(e));
        EXPECT_NE(why.find("EVENTS: field 'events'"), std::string::npos) << i << ": " << why;
    }
    EXPECT_EQ(events.next(e), "");
    EXPECT_EQ(e.data, V(5));

    // Data with a duplicate map key: the rest of the message cannot be read.
    const std::string dup = wire::encode(V{10, 1, 1, V{V{0, 0, V::map_of({{"a", 1}, {"b", 2}})}, V{0, 0, 1}}});
    std::string dup_bytes = dup;
    dup_bytes.replace(dup_bytes.find("\xa1" "b"), 2, "\xa1" "a");
    auto d2 = wire::EventsReader::open(dup_bytes.data(), dup_bytes.size());
    auto& dup_events = std::get<wire::EventsReader>(d2);
    EXPECT_NE(std::string(dup_events.next(e)).find("two equal keys"), std::string::npos);
    EXPECT_EQ(dup_events.remaining(), 0u);
}
