// zro — shared live objects over ZeroMQ.
//
// The protocol messages (see messages.hpp). Every decoder reads its fields through `Fields`,
// which checks each field's presence and kind in order and keeps the first failure, so a
// decoder is a straight list of its fields and a malformed message costs no exception.

#include "wire/messages.hpp"

#include <limits>
#include <utility>

namespace zro::detail::wire {

std::string_view to_string(Direction d) noexcept {
    switch (d) {
    case Direction::to_host: return "client → host";
    case Direction::to_client: return "host → client";
    case Direction::to_subscribers: return "host → subscribers";
    }
    return "?";
}

namespace {

/// Reads the fields of one message array `m` (m[0] is the type code; the struct's field i sits
/// at m[i + 1]). Each accessor checks presence and kind; after the first failure the rest
/// return empty values and `failed()` is true.
template <class Msg> class Fields {
public:
    explicit Fields(Value::List& m) : m_(m) {
        if (m_.empty() || m_[0].kind() != Value::Kind::uint64 || m_[0].as<std::uint64_t>() != Msg::code)
            fail(0, "wrong_type", std::string("the type code must be ") + std::to_string(Msg::code), "code");
    }

    bool failed() const noexcept { return error_.has_value(); }
    MessageError error() && { return std::move(*error_); }

    bool present(std::size_t i) const noexcept { return !failed() && i + 1 < m_.size(); }

    std::uint64_t uint(std::size_t i) {
        Value* v = at(i);
        if (!v) return 0;
        if (v->kind() != Value::Kind::uint64) return fail(i, "wrong_type", "must be a non-negative integer"), 0;
        return v->as<std::uint64_t>();
    }
    std::string str(std::size_t i) {
        Value* v = at(i);
        if (!v) return {};
        if (!v->is_string()) return fail(i, "wrong_type", "must be a string"), std::string();
        return v->as_string();
    }
    std::string name(std::size_t i) {
        Value* v = at(i);
        if (!v) return {};
        if (!v->is_string() || v->as_string().empty() || v->as_string().size() > max_name_length)
            return fail(i, "wrong_type", "must be a name of 1-255 bytes"), std::string();
        return v->as_string();
    }
    Value::List list(std::size_t i) {
        Value* v = at(i);
        if (!v) return {};
        if (!v->is_list()) return fail(i, "wrong_type", "must be a list"), Value::List();
        return std::move(v->as_list());
    }
    Value any(std::size_t i) {
        Value* v = at(i);
        return v ? std::move(*v) : Value{};
    }
    /// An optional field: nil when missing.
    Value optional(std::size_t i) { return present(i) ? std::move(m_[i + 1]) : Value{}; }

    /// Reports a failure of field i found by the caller (a kind only the message knows).
    void fail(std::size_t i, const char* reason, const std::string& why, std::string_view field = {}) {
        if (failed()) return;
        if (field.empty()) field = Msg::fields[i].name;
        error_ = MessageError{std::string(Msg::name), std::string(field), reason,
                              std::string(Msg::name) + ": field '" + std::string(field) + "' " + why};
    }

private:
    Value* at(std::size_t i) {
        if (failed()) return nullptr;
        if (i + 1 >= m_.size()) {
            fail(i, "wrong_count", "missing (the message has " + std::to_string(m_.size() - 1) + " field(s))");
            return nullptr;
        }
        return &m_[i + 1];
    }

    Value::List& m_;
    std::optional<MessageError> error_;
};

/// Returns `value` or the failure the fields recorded.
template <class Msg> Decoded<Msg> finish(Fields<Msg>& f, Msg&& value) {
    if (f.failed()) return std::move(f).error();
    return std::move(value);
}

void header(Writer& w, std::uint32_t field_count, std::uint8_t code) { w.array(field_count + 1).uint64(code); }

} // namespace

// ---- envelope ------------------------------------------------------------------------------

std::optional<std::uint64_t> Envelope::reply_id() const {
    if (items.size() < 2 || items[1].kind() != Value::Kind::uint64) return std::nullopt;
    return items[1].as<std::uint64_t>();
}

Decoded<Envelope> decode_envelope(const void* data, std::size_t size) noexcept {
    auto decoded = decode(data, size);
    if (auto* e = std::get_if<DecodeError>(&decoded))
        return MessageError{"message", {}, e->reason, "undecodable message: " + e->detail};
    Value& v = std::get<Value>(decoded);
    if (!v.is_list() || v.as_list().empty() || v.as_list()[0].kind() != Value::Kind::uint64)
        return MessageError{"message", "code", "wrong_type", "a message is an array starting with its type code"};
    Envelope env;
    env.code = v.as_list()[0].as<std::uint64_t>();
    env.items = std::move(v.as_list());
    return env;
}

std::optional<std::uint64_t> peek_code(const void* data, std::size_t size) noexcept {
    Reader r(data, size);
    if (!r.next_is_array()) return std::nullopt;
    try {
        if (r.array() == 0 || !r.next_is_uint()) return std::nullopt;
        return r.uint64();
    } catch (...) {
        return std::nullopt;
    }
}

// ---- client → host -------------------------------------------------------------------------

bool Hello::speaks_our_version() const noexcept {
    return version.kind() == Value::Kind::uint64 && version.as<std::uint64_t>() == protocol_version;
}

void Hello::encode(Writer& w) const {
    header(w, 3, code);
    w.value(version).str(node_id).uint64(heartbeat_ms);
}

Decoded<Hello> Hello::decode(Value::List& m) {
    Fields<Hello> f(m);
    Hello h;
    h.version = f.any(0);
    const Value node_id = f.optional(1), heartbeat = f.optional(2);
    if (node_id.is_string()) h.node_id = node_id.as_string();
    if (heartbeat.kind() == Value::Kind::uint64) h.heartbeat_ms = heartbeat.as<std::uint64_t>();
    return finish(f, std::move(h));
}

void Acquire::encode(Writer& w) const {
    header(w, 4, code);
    w.value(req_id).str(object);
    if (signature) w.str(*signature);
    else w.nil();
    w.boolean(want_schema);
}

Decoded<Acquire> Acquire::decode(Value::List& m) {
    Fields<Acquire> f(m);
    Acquire a;
    a.req_id = f.any(0);
    a.object = f.name(1);
    const Value sig = f.optional(2), want = f.optional(3);
    if (sig.is_string()) a.signature = sig.as_string();
    a.want_schema = want.is_bool() && want.as<bool>();
    return finish(f, std::move(a));
}

void Invoke::encode(Writer& w) const {
    header(w, 5, code);
    w.uint64(call_id).str(object).uint64(epoch).str(method).array(static_cast<std::uint32_t>(args.size()));
    for (const Value& a : args) w.value(a);
}

Decoded<Invoke> Invoke::decode(Value::List& m) {
    Fields<Invoke> f(m);
    Invoke i;
    i.call_id = f.uint(0);
    i.object = f.name(1);
    i.epoch = f.uint(2);
    i.method = f.name(3);
    i.args = f.list(4);
    return finish(f, std::move(i));
}

void Set::encode(Writer& w) const {
    header(w, 5, code);
    w.uint64(call_id).str(object).uint64(epoch).str(property).value(value);
}

Decoded<Set> Set::decode(Value::List& m) {
    Fields<Set> f(m);
    Set s;
    s.call_id = f.uint(0);
    s.object = f.name(1);
    s.epoch = f.uint(2);
    s.property = f.name(3);
    s.value = f.any(4);
    return finish(f, std::move(s));
}

void Replay::encode(Writer& w) const {
    header(w, 4, code);
    w.value(req_id).str(object).uint64(epoch).uint64(from_seq);
}

Decoded<Replay> Replay::decode(Value::List& m) {
    Fields<Replay> f(m);
    Replay r;
    r.req_id = f.any(0);
    r.object = f.name(1);
    r.epoch = f.uint(2);
    r.from_seq = f.uint(3);
    return finish(f, std::move(r));
}

void Ping::encode(Writer& w) const {
    header(w, 1, code);
    w.value(token);
}

Decoded<Ping> Ping::decode(Value::List& m) {
    Fields<Ping> f(m);
    Ping p;
    p.token = f.optional(0);
    return finish(f, std::move(p));
}

void ListObjects::encode(Writer& w) const {
    header(w, 1, code);
    w.value(req_id);
}

Decoded<ListObjects> ListObjects::decode(Value::List& m) {
    Fields<ListObjects> f(m);
    ListObjects l;
    l.req_id = f.any(0);
    return finish(f, std::move(l));
}

namespace {
void write_path(Writer& w, const std::vector<std::uint64_t>& path) {
    w.array(static_cast<std::uint32_t>(path.size()));
    for (auto r : path) w.uint64(r);
}
/// A path field: a list of non-negative integers (at most 64 deep; `limit` says so when it is
/// not a path).
template <class Msg>
std::vector<std::uint64_t> path_field(Fields<Msg>& f, std::size_t i, const char* limit = "must be at most 64 rows deep") {
    const Value::List l = f.list(i);
    std::vector<std::uint64_t> out;
    if (l.size() > 64) return f.fail(i, "wrong_type", limit), out;
    for (const Value& v : l) {
        if (v.kind() != Value::Kind::uint64) return f.fail(i, "wrong_type", "must be a list of non-negative integers"), out;
        out.push_back(v.as<std::uint64_t>());
    }
    return out;
}
} // namespace

void Fetch::encode(Writer& w) const {
    header(w, roles.empty() ? 8 : 9, code);
    w.value(req_id).str(object).str(model).uint64(viewer);
    write_path(w, parent);
    w.uint64(first).uint64(count).boolean(subscribe);
    if (!roles.empty()) write_path(w, roles);
}

Decoded<Fetch> Fetch::decode(Value::List& m) {
    Fields<Fetch> f(m);
    Fetch x;
    x.req_id = f.any(0);
    x.object = f.name(1);
    x.model = f.name(2);
    x.viewer = f.uint(3);
    x.parent = path_field(f, 4);
    x.first = f.uint(5);
    x.count = f.uint(6);
    const Value sub = f.optional(7);
    x.subscribe = sub.is_bool() && sub.as<bool>();
    if (f.present(8)) x.roles = path_field(f, 8, "must list at most 64 roles");
    return finish(f, std::move(x));
}

void ModelSet::encode(Writer& w) const {
    header(w, 9, code);
    w.uint64(call_id).str(object).uint64(epoch).str(model);
    write_path(w, parent);
    w.uint64(row).uint64(column).str(role).value(value);
}

Decoded<ModelSet> ModelSet::decode(Value::List& m) {
    Fields<ModelSet> f(m);
    ModelSet x;
    x.call_id = f.uint(0);
    x.object = f.name(1);
    x.epoch = f.uint(2);
    x.model = f.name(3);
    x.parent = path_field(f, 4);
    x.row = f.uint(5);
    x.column = f.uint(6);
    x.role = f.name(7);
    x.value = f.any(8);
    return finish(f, std::move(x));
}

void Rows::encode(Writer& w) const {
    header(w, 10, code);
    w.value(req_id).str(object).uint64(epoch).uint64(seq).str(model);
    write_path(w, parent);
    w.uint64(row_count).uint64(column_count).uint64(first).array(static_cast<std::uint32_t>(rows.size()));
    for (const Value& r : rows) w.value(r);
}

Decoded<Rows> Rows::decode(Value::List& m) {
    Fields<Rows> f(m);
    Rows x;
    x.req_id = f.any(0);
    x.object = f.str(1);
    x.epoch = f.uint(2);
    x.seq = f.uint(3);
    x.model = f.str(4);
    x.parent = path_field(f, 5);
    x.row_count = f.uint(6);
    x.column_count = f.uint(7);
    x.first = f.uint(8);
    x.rows = f.list(9);
    return finish(f, std::move(x));
}

// ---- host → client -------------------------------------------------------------------------

void Welcome::encode(Writer& w) const {
    header(w, 5, code);
    w.uint64(version).str(node_id).str(pub_endpoint).uint64(heartbeat_ms).uint64(max_message_size);
}

Decoded<Welcome> Welcome::decode(Value::List& m) {
    Fields<Welcome> f(m);
    Welcome w;
    w.version = f.uint(0);
    w.node_id = f.str(1);
    w.pub_endpoint = f.str(2);
    w.heartbeat_ms = f.uint(3);
    w.max_message_size = f.uint(4);
    return finish(f, std::move(w));
}

void Snapshot::encode_head(Writer& w, std::uint32_t count) const {
    header(w, models.empty() ? 8 : 9, code);
    w.value(req_id).str(object).uint64(epoch).uint64(seq).uint64(signals).str(signature).array(count);
}

void Snapshot::encode_tail(Writer& w) const {
    if (schema) w.value(*schema);
    else w.nil();
    if (models.empty()) return;
    w.array(static_cast<std::uint32_t>(models.size()));
    for (const Value& m : models) w.value(m);
}

Decoded<Snapshot> Snapshot::decode(Value::List& m) {
    Fields<Snapshot> f(m);
    Snapshot s;
    s.req_id = f.any(0);
    s.object = f.str(1);
    s.epoch = f.uint(2);
    s.seq = f.uint(3);
    s.signals = f.uint(4);
    s.signature = f.str(5);
    s.values = f.list(6);
    Value schema = f.any(7);
    if (schema.is_map()) s.schema = std::move(schema);
    else if (!schema.is_nil()) f.fail(7, "wrong_type", "must be a map or nil");
    // Optional: another kind (a later version's field) reads as missing.
    if (Value models = f.optional(8); models.is_list()) s.models = std::move(models.as_list());
    return finish(f, std::move(s));
}

void Reply::encode(Writer& w) const {
    header(w, 3, code);
    w.uint64(call_id).uint64(error_code);
    if (error_code == 0) w.value(result);
    else w.str(message);
}

Decoded<Reply> Reply::decode(Value::List& m) {
    Fields<Reply> f(m);
    Reply r;
    r.call_id = f.uint(0);
    r.error_code = f.uint(1);
    Value v = f.any(2);
    if (r.error_code == 0) r.result = std::move(v);
    else if (v.is_string()) r.message = v.as_string();
    else f.fail(2, "wrong_type", "must be a string (the message) when code is not 0");
    return finish(f, std::move(r));
}

void Replayed::encode_head(Writer& w, std::uint32_t count) const {
    header(w, 4, code);
    w.value(req_id).str(object).uint64(epoch).array(count);
}

Decoded<Replayed> Replayed::decode(Value::List& m) {
    Fields<Replayed> f(m);
    Replayed r;
    r.req_id = f.any(0);
    r.object = f.str(1);
    r.epoch = f.uint(2);
    r.payloads = f.list(3);
    for (const Value& p : r.payloads)
        if (!p.is_bytes()) {
            f.fail(3, "wrong_type", "must be a list of bin");
            break;
        }
    return finish(f, std::move(r));
}

void Pong::encode(Writer& w) const {
    header(w, 2, code);
    w.value(token).str(node_id);
}

Decoded<Pong> Pong::decode(Value::List& m) {
    Fields<Pong> f(m);
    Pong p;
    p.token = f.any(0);
    p.node_id = f.str(1);
    return finish(f, std::move(p));
}

void Objects::encode(Writer& w) const {
    header(w, 3, code);
    w.value(req_id).array(static_cast<std::uint32_t>(objects.size()));
    for (const Entry& e : objects) w.array(3).str(e.object).str(e.type_name).str(e.signature);
    w.str(node_id);
}

Decoded<Objects> Objects::decode(Value::List& m) {
    Fields<Objects> f(m);
    Objects o;
    o.req_id = f.any(0);
    const Value::List entries = f.list(1);
    o.node_id = f.str(2);
    for (const Value& e : entries) {
        const auto is_str = [](const Value& v) { return v.is_string(); };
        if (!e.is_list() || e.as_list().size() < 3 || !is_str(e.as_list()[0]) || !is_str(e.as_list()[1]) ||
            !is_str(e.as_list()[2])) {
            f.fail(1, "wrong_type", "must be a list of [object, type_name, signature] strings");
            break;
        }
        const auto& l = e.as_list();
        o.objects.push_back({l[0].as_string(), l[1].as_string(), l[2].as_string()});
    }
    return finish(f, std::move(o));
}

void ErrorReply::encode(Writer& w) const {
    header(w, 3, code);
    w.value(req_id).uint64(error_code).str(message);
}

Decoded<ErrorReply> ErrorReply::decode(Value::List& m) {
    Fields<ErrorReply> f(m);
    ErrorReply e;
    e.req_id = f.any(0);
    e.error_code = f.uint(1);
    e.message = f.str(2);
    return finish(f, std::move(e));
}

// ---- host → subscribers --------------------------------------------------------------------

void EventsHeader::encode(Writer& w) const {
    header(w, 3, code);
    w.uint64(epoch).uint64(first_seq).array(count);
}

void encode_property_event(Writer& w, std::size_t index, const Value& value) {
    w.array(3).uint64(event_property).uint64(index).value(value);
}

void encode_model_event(Writer& w, std::size_t index, const Value& operation) {
    w.array(3).uint64(event_model).uint64(index).value(operation);
}

void encode_signal_event(Writer& w, std::size_t index, const std::vector<Value>& args) {
    w.array(3).uint64(event_signal).uint64(index).array(static_cast<std::uint32_t>(args.size()));
    for (const Value& a : args) w.value(a);
}

Decoded<EventsReader> EventsReader::open(const void* data, std::size_t size) noexcept {
    auto fail = [](const char* reason, std::string_view field, const char* why) {
        return MessageError{"EVENTS", std::string(field), reason, std::string("EVENTS: ") + why};
    };
    Reader r(data, size);
    if (!r.next_is_array()) return fail("wrong_type", "code", "the message is not a list");
    try {
        const std::uint32_t n = r.array();
        if (n == 0 || !r.next_is_uint()) return fail("wrong_type", "code", "the message does not start with a type code");
        if (r.uint64() != EventsHeader::code) return fail("wrong_type", "code", "the type code is not 10");
        if (n < 4) return fail("wrong_count", n < 2 ? "epoch" : n < 3 ? "first_seq" : "events", "field missing");
        EventsHeader h;
        if (!r.next_is_uint()) return fail("wrong_type", "epoch", "field 'epoch' must be a non-negative integer");
        h.epoch = r.uint64();
        if (!r.next_is_uint()) return fail("wrong_type", "first_seq", "field 'first_seq' must be a non-negative integer");
        h.first_seq = r.uint64();
        if (!r.next_is_array()) return fail("wrong_type", "events", "field 'events' must be a list");
        h.count = r.array();
        return EventsReader(r, h);
    } catch (...) {
        return fail("parse_error", {}, "unreadable message");
    }
}

void EventsReader::skip() noexcept {
    if (remaining_ == 0) return;
    --remaining_;
    reader_.skip();
}

std::string_view EventsReader::next(Event& e) {
    if (remaining_ == 0) return "EVENTS: field 'events': no event left";
    --remaining_;
    if (!reader_.next_is_array()) {
        reader_.skip();
        return "EVENTS: field 'events': an event is not [kind, index, data]";
    }
    const std::uint32_t n = reader_.array();
    auto skip_rest = [this](std::uint32_t k) {
        for (std::uint32_t j = 0; j < k; ++j) reader_.skip();
    };
    if (n != 3 || !reader_.next_is_uint()) {
        skip_rest(n);
        return "EVENTS: field 'events': an event is not [kind, index, data]";
    }
    e.kind = reader_.uint64();
    if (!reader_.next_is_uint()) {
        skip_rest(2);
        return "EVENTS: field 'events': an event's index is not a non-negative integer";
    }
    e.index = reader_.uint64();
    if (e.kind != event_property && e.kind != event_signal && e.kind != event_model) {
        reader_.skip();
        e.data = Value{};
        return {};
    }
    try {
        e.data = reader_.value();
    } catch (const std::exception&) {
        // A map with two equal keys (validate() cannot see those): where the reader stopped
        // inside the value is unknown, so the rest of the message is unreadable.
        remaining_ = 0;
        return "EVENTS: field 'events': an event's data holds a map with two equal keys; the rest of the message is dropped";
    }
    return {};
}

template <std::uint8_t Code> void StreamPosition<Code>::encode(Writer& w) const {
    header(w, 3, code);
    w.uint64(epoch).uint64(seq).uint64(signals);
}

template <std::uint8_t Code> Decoded<StreamPosition<Code>> StreamPosition<Code>::decode(Value::List& m) {
    Fields<StreamPosition> f(m);
    StreamPosition p;
    p.epoch = f.uint(0);
    p.seq = f.uint(1);
    p.signals = f.uint(2);
    return finish(f, std::move(p));
}

template struct StreamPosition<11>;
template struct StreamPosition<12>;

void Withdrawn::encode(Writer& w) const {
    header(w, 1, code);
    w.uint64(epoch);
}

Decoded<Withdrawn> Withdrawn::decode(Value::List& m) {
    Fields<Withdrawn> f(m);
    Withdrawn x;
    x.epoch = f.uint(0);
    return finish(f, std::move(x));
}

void Unreachable::encode(Writer& w) const {
    header(w, 2, code);
    w.uint64(epoch).str(reason);
}

Decoded<Unreachable> Unreachable::decode(Value::List& m) {
    Fields<Unreachable> f(m);
    Unreachable x;
    x.epoch = f.uint(0);
    x.reason = f.str(1);
    return finish(f, std::move(x));
}

// ---- decoding by direction -----------------------------------------------------------------

namespace {
/// Decodes `e` as whichever of `Msgs` has its code, else UnknownMessage.
template <class Variant, class... Msgs> Decoded<Variant> decode_one_of(Envelope& e) {
    std::optional<Decoded<Variant>> out;
    auto try_one = [&]<class M>() {
        if (out || e.code != M::code) return;
        auto d = M::decode(e.items);
        if (auto* m = std::get_if<M>(&d)) out.emplace(Variant(std::move(*m)));
        else out.emplace(std::move(std::get<MessageError>(d)));
    };
    (try_one.template operator()<Msgs>(), ...);
    if (!out) return Variant(UnknownMessage{e.code});
    return std::move(*out);
}
} // namespace

Decoded<Request> decode_request(Envelope& e) {
    return decode_one_of<Request, Hello, Acquire, Invoke, Set, Replay, Ping, ListObjects, Fetch, ModelSet>(e);
}

Decoded<HostReply> decode_reply(Envelope& e) {
    return decode_one_of<HostReply, Welcome, Snapshot, Reply, Replayed, Pong, Objects, ErrorReply, Rows>(e);
}

Decoded<Publication> decode_publication(Envelope& e) {
    return decode_one_of<Publication, Sync, Heartbeat, Withdrawn, Unreachable>(e);
}

} // namespace zro::detail::wire
