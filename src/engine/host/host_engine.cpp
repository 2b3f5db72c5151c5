// zro — shared live objects over ZeroMQ.
#include "engine/host/host_engine.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "engine/host/host_security.hpp"
#include "engine/socket_options.hpp"
#include "wire/messages.hpp"

#include <zro/error.hpp>
#include <zro/source.hpp>

#include <cerrno>

namespace zro::detail {

using namespace wire;

// ---- SourceLink --------------------------------------------------------------------------------

void SourceLink::attach(Source& s) { s.link_ = this; }
void SourceLink::detach(Source& s) { s.link_ = nullptr; }

std::vector<std::array<std::string, 3>> HostEngine::object_list() const {
    std::vector<std::array<std::string, 3>> out;
    for (const auto& [name, obj] : objects_)
        out.push_back({name, obj->source->schema().type_name(), obj->source->schema().signature()});
    std::sort(out.begin(), out.end());
    return out;
}

void SourceLink::property_changed(std::size_t index, const Value& value) { engine_.record_property(object_, index, value); }
void SourceLink::signal_emitted(std::size_t index, const std::vector<Value>& args) { engine_.record_signal(object_, index, args); }

// ---- set-up ------------------------------------------------------------------------------------

HostEngine::HostEngine(std::shared_ptr<Loop> loop, zmq::context_t& ctx, std::string_view url,
                       const NodeOptions& options, std::string node_id)
    : loop_(std::move(loop)), options_(options), node_id_(std::move(node_id)),
      router_(ctx, zmq::socket_type::router), xpub_(ctx, zmq::socket_type::xpub) {
    const Url parsed = parse_url(url);
    configure_router(router_, options_);
    configure_xpub(xpub_, options_);
    if (options_.security.enabled()) {
        // CURVE server on both sockets; the ZAP handler is bound before them (fails closed).
        security_ = std::make_unique<HostSecurity>(options_.security, node_id_, parsed.str());
        security_->configure(router_);
        security_->configure(xpub_);
    } else if (parsed.scheme == "tcp") {
        log(LogLevel::info, "host ", parsed.str(), ": security off (no key pair): plain traffic, any client may connect");
    }
    try {
        router_.bind(parsed.str());
    } catch (const zmq::error_t& e) {
        throw Error(ErrorCode::bind_failed, "cannot bind " + parsed.str() + ": " + e.what());
    }
    const std::string pub_bind = pub_bind_endpoint(parsed);
    try {
        xpub_.bind(pub_bind);
    } catch (const zmq::error_t& e) {
        throw Error(ErrorCode::bind_failed, "cannot bind the PUB endpoint " + pub_bind + ": " + e.what());
    }
    pub_endpoint_ = xpub_.get(zmq::sockopt::last_endpoint);
    public_url_ = parsed.str();
    if (parsed.scheme == "tcp") {
        // Report the real port when the caller asked for any free one.
        const std::string bound = router_.get(zmq::sockopt::last_endpoint);
        public_url_ = "tcp://" + parsed.address + bound.substr(bound.rfind(':'));
    }
    if (security_) security_->set_label(public_url_);
    loop_->add_socket(router_, [this] { on_router_readable(); });
    loop_->add_socket(xpub_, [this] { on_xpub_readable(); });
    heartbeat_timer_ = loop_->add_timer(options_.heartbeat_interval, [this] { heartbeat_all(); }, true);
    if (security_ && options_.security.allow_list_check_interval.count() > 0 && !options_.security.allowed_clients_dir.empty())
        allow_list_timer_ = loop_->add_timer(options_.security.allow_list_check_interval, [this] { security_->reload_if_changed(); }, true);
    log(LogLevel::info, "host ", node_id_, " serving at ", public_url_, " (updates at ", pub_endpoint_, ")");
}

HostEngine::~HostEngine() {
    disable_all();
    loop_->cancel_timer(heartbeat_timer_);
    if (allow_list_timer_) loop_->cancel_timer(allow_list_timer_);
    loop_->remove_socket(router_);
    loop_->remove_socket(xpub_);
}

void HostEngine::enable(Source& source, std::string_view name) {
    if (name.empty() || name.size() > max_name_length)
        throw Error(ErrorCode::bad_arguments, "object names must be 1-255 bytes");
    if (name.find('\0') != std::string_view::npos)
        throw Error(ErrorCode::bad_arguments, "object names must not contain NUL");
    if (objects_.count(std::string(name)))
        throw Error(ErrorCode::already_exists, "an object named '" + std::string(name) + "' is already shared by this host");
    if (source.remoted())
        throw Error(ErrorCode::already_exists, "this source is already shared (under another name or by another host)");
    source.schema().validate();
    auto obj = std::make_unique<HostedObject>();
    obj->name = std::string(name);
    obj->topic = topic_of(name);
    obj->source = &source;
    do obj->epoch = random_u64(); while (obj->epoch == 0);
    auto link = std::make_unique<SourceLink>(*this, *obj);
    link->attach(source);
    links_.emplace(obj->name, std::move(link));
    log(LogLevel::info, "host: sharing '", obj->name, "' (", source.schema().type_name(), ", signature ",
        source.schema().signature(), ", epoch ", hex_id(obj->epoch), ")");
    objects_.emplace(obj->name, std::move(obj));
}

void HostEngine::disable(std::string_view name) {
    auto it = objects_.find(std::string(name));
    if (it == objects_.end()) return;
    HostedObject& obj = *it->second;
    flush(obj);
    if (obj.dirty) std::erase(dirty_, &obj);
    // Tell replicas at once, rather than letting them wait three heartbeats.
    scratch_.clear();
    Withdrawn{obj.epoch}.encode(scratch_);
    publish(obj.topic, scratch_.data(), scratch_.size());
    SourceLink::detach(*obj.source);
    links_.erase(obj.name);
    objects_.erase(it);
}

void HostEngine::disable_all() {
    while (!objects_.empty()) disable(objects_.begin()->first);
}

// ---- outgoing state stream -----------------------------------------------------------------

void HostEngine::record_property(HostedObject& obj, std::size_t index, const Value& value) {
    const auto& props = obj.source->schema().properties();
    if (index < props.size() && props[index].coalesce) {
        for (auto& [i, v] : obj.coalesced)
            if (i == index) { v = value; schedule_flush(obj); return; }
        obj.coalesced.emplace_back(index, value);
        schedule_flush(obj);
        return;
    }
    const std::size_t before = obj.pending.size();
    encode_property_event(obj.pending, index, value);
    if (obj.pending.size() - before > options_.max_message_size - 256) {
        obj.pending.buffer().resize(before);
        throw Error(ErrorCode::too_large, "property '" + props.at(index).name + "' of '" + obj.name +
                                              "': value of " + std::to_string(obj.pending.size() - before) +
                                              " bytes exceeds max_message_size");
    }
    if (obj.pending_count++ == 0) obj.pending_first_seq = obj.seq + 1;
    ++obj.seq;
    schedule_flush(obj);
    // Keep each EVENTS message well under the size limit; a huge turn becomes several messages.
    if (obj.pending.size() > options_.max_message_size / 4) flush(obj);
}

void HostEngine::record_signal(HostedObject& obj, std::size_t index, const std::vector<Value>& args) {
    const std::size_t before = obj.pending.size();
    encode_signal_event(obj.pending, index, args);
    if (obj.pending.size() - before > options_.max_message_size - 256) {
        obj.pending.buffer().resize(before);
        throw Error(ErrorCode::too_large, "signal of '" + obj.name + "': arguments exceed max_message_size");
    }
    if (obj.pending_count++ == 0) obj.pending_first_seq = obj.seq + 1;
    ++obj.seq;
    ++obj.signals;
    schedule_flush(obj);
    if (obj.pending.size() > options_.max_message_size / 4) flush(obj);
}

void HostEngine::schedule_flush(HostedObject& obj) {
    if (!obj.dirty) {
        obj.dirty = true;
        dirty_.push_back(&obj);
    }
    if (!flush_task_scheduled_) schedule_flush_task(false);
}

void HostEngine::schedule_flush_task(bool next_turn) {
    flush_task_scheduled_ = true;
    // Captures only a weak_ptr (fits std::function's inline storage: no allocation per turn).
    auto task = [weak = weak_from_this()] {
        if (auto self = weak.lock()) self->flush_dirty();
    };
    if (next_turn) loop_->defer_to_next_turn(std::move(task));
    else loop_->defer(std::move(task));
}

void HostEngine::flush_dirty() {
    flush_task_scheduled_ = false;
    // Publish batching: when another turn follows at once (a 0 ms timer, posted work), a source
    // changing a little per turn would cost one ZeroMQ message per turn. Its events are held
    // for the following turns instead, up to max_publish_delay, and leave in one EVENTS
    // message. An idle loop never holds: the turn that blocks next flushes first.
    const auto max_delay = options_.max_publish_delay;
    const bool busy = max_delay.count() > 0 && loop_->has_immediate_work();
    const auto now = busy ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    std::size_t held = 0;
    for (HostedObject* obj : dirty_) {
        const bool has_events = obj->pending_count > 0 || !obj->coalesced.empty();
        if (busy && has_events) {
            if (obj->held_since == std::chrono::steady_clock::time_point{}) obj->held_since = now;
            if (now - obj->held_since < max_delay) {
                dirty_[held++] = obj;
                continue;
            }
        }
        obj->dirty = false;
        obj->held_since = {};
        flush(*obj);
    }
    dirty_.resize(held);
    if (held > 0) schedule_flush_task(true);
}

void HostEngine::flush(HostedObject& obj) {
    // Coalesced properties go last, each as one ordinary event with its own seq.
    for (auto& [index, value] : obj.coalesced) {
        encode_property_event(obj.pending, index, value);
        if (obj.pending_count++ == 0) obj.pending_first_seq = obj.seq + 1;
        ++obj.seq;
    }
    obj.coalesced.clear();
    if (obj.pending_count == 0) return;
    Writer head;
    EventsHeader{obj.epoch, obj.pending_first_seq, obj.pending_count}.encode(head);
    std::string payload;
    payload.reserve(head.size() + obj.pending.size());
    payload.append(head.data(), head.size());
    payload.append(obj.pending.data(), obj.pending.size());
    obj.pending.clear();
    const std::uint64_t first = obj.pending_first_seq;
    obj.pending_count = 0;
    publish(obj.topic, payload.data(), payload.size());
    obj.history_bytes += payload.size();
    obj.history.push_back({first, obj.seq, std::move(payload)});
    while (!obj.history.empty() &&
           (obj.history.size() > options_.history_messages || obj.history_bytes > options_.history_bytes)) {
        obj.history_bytes -= obj.history.front().payload.size();
        obj.history.pop_front();
    }
}

void HostEngine::publish(const std::string& topic, const char* data, std::size_t size) {
    zmq::message_t t(topic.data(), topic.size());
    zmq::message_t p(data, size);
    // XPUB never blocks (it drops at the HWM); DONTWAIT makes that explicit.
    if (!xpub_.send(t, zmq::send_flags::sndmore | zmq::send_flags::dontwait) ||
        !xpub_.send(p, zmq::send_flags::dontwait))
        ++stats_.publish_dropped;
}

void HostEngine::heartbeat_all() {
    for (auto& [name, obj] : objects_) {
        flush(*obj);  // so the heartbeat's seq covers everything recorded
        scratch_.clear();
        Heartbeat{obj->epoch, obj->seq, obj->signals}.encode(scratch_);
        publish(obj->topic, scratch_.data(), scratch_.size());
    }
}

void HostEngine::on_xpub_readable() {
    // Subscription messages: 0x01 + topic (subscribe) or 0x00 + topic (unsubscribe). With
    // XPUB_VERBOSE every subscriber's subscribe arrives, and each gets SYNC: it tells the
    // replica the stream position at which its subscription became live.
    for (int budget = 0; budget < 1000; ++budget) {
        zmq::message_t m;
        if (!xpub_.recv(m, zmq::recv_flags::dontwait)) return;
        if (m.size() < 2 || m.data<char>()[0] != 1) continue;
        const std::string topic(m.data<char>() + 1, m.size() - 1);
        if (topic.back() != '\0') continue;
        auto it = objects_.find(topic.substr(0, topic.size() - 1));
        if (it == objects_.end()) {
            // Nothing shared under this name (yet): SYNC with epoch 0 still tells the subscriber
            // that its subscription is live, so it can go on and ask (and learn unknown_object).
            scratch_.clear();
            wire::Sync{0, 0, 0}.encode(scratch_);
            publish(topic, scratch_.data(), scratch_.size());
            continue;
        }
        HostedObject& obj = *it->second;
        flush(obj);
        scratch_.clear();
        wire::Sync{obj.epoch, obj.seq, obj.signals}.encode(scratch_);
        publish(obj.topic, scratch_.data(), scratch_.size());
    }
}

// ---- requests ----------------------------------------------------------------------------------

void HostEngine::on_router_readable() {
    // Bounded per turn so one chatty peer cannot starve timers (heartbeats) and others.
    for (int budget = 0; budget < 1000; ++budget) {
        zmq::message_t id;
        if (!router_.recv(id, zmq::recv_flags::dontwait)) return;
        std::string rid(id.data<char>(), id.size());
        std::vector<zmq::message_t> frames;
        while (router_.get(zmq::sockopt::rcvmore)) {
            frames.emplace_back();
            (void)router_.recv(frames.back(), zmq::recv_flags::dontwait);
        }
        if (frames.size() != 1) {
            note_malformed(rid, "expected 1 frame, got " + std::to_string(frames.size()));
            send_error(rid, Value{}, ErrorCode::malformed_message, "a request is exactly one MessagePack frame");
            continue;
        }
        handle_request(rid, frames[0].data(), frames[0].size());
    }
}

void HostEngine::handle_request(const std::string& rid, const void* data, std::size_t size) {
    if (size > options_.max_message_size) {
        note_malformed(rid, "oversized request");
        send_error(rid, Value{}, ErrorCode::too_large, "request of " + std::to_string(size) + " bytes exceeds the host's limit of " + std::to_string(options_.max_message_size));
        return;
    }
    auto envelope = decode_envelope(data, size);
    if (auto* err = std::get_if<MessageError>(&envelope)) {
        const bool undecodable = err->reason != "wrong_type";
        note_malformed(rid, undecodable ? err->reason : "not a [type, ...] array");
        send_error(rid, Value{}, ErrorCode::malformed_message,
                   undecodable ? err->detail : "a request is an array starting with its type code");
        return;
    }
    Envelope& e = std::get<Envelope>(envelope);
    const Value req_id = e.echo_id();
    auto request = decode_request(e);
    if (auto* bad = std::get_if<MessageError>(&request)) {
        // Malformed fields of a known message type.
        note_malformed(rid, bad->detail);
        send_error(rid, req_id, ErrorCode::malformed_message, bad->detail);
        return;
    }
    try {
        std::visit([&](auto& m) { on_request(rid, req_id, m); }, std::get<Request>(request));
    } catch (const Error& err) {
        note_malformed(rid, err.what());
        send_error(rid, req_id, err.code() == ErrorCode::type_mismatch ? ErrorCode::malformed_message : err.code(), err.what());
    }
}

void HostEngine::on_request(const std::string& rid, const Value& req_id, UnknownMessage& m) {
    note_malformed(rid, "unknown message type");
    send_error(rid, req_id, ErrorCode::malformed_message, "unknown message type " + std::to_string(m.code));
}

void HostEngine::on_request(const std::string& rid, const Value&, Ping& m) {
    scratch_.clear();
    Pong{std::move(m.token), node_id_}.encode(scratch_);
    send_to(rid, scratch_);
}

void HostEngine::on_request(const std::string& rid, const Value&, Hello& m) {
    if (!m.speaks_our_version()) {
        send_error(rid, Value{}, ErrorCode::version_mismatch,
                   "host speaks zro protocol " + std::to_string(protocol_version) + ", client sent " + m.version.to_string());
        return;
    }
    scratch_.clear();
    Welcome{protocol_version, node_id_, pub_endpoint_, static_cast<std::uint64_t>(options_.heartbeat_interval.count()),
            options_.max_message_size}.encode(scratch_);
    send_to(rid, scratch_);
}

HostedObject* HostEngine::find_object(const std::string& name) {
    auto it = objects_.find(name);
    return it == objects_.end() ? nullptr : it->second.get();
}

void HostEngine::on_request(const std::string& rid, const Value&, Acquire& m) {
    HostedObject* obj = find_object(m.object);
    if (!obj) {
        send_error(rid, m.req_id, ErrorCode::unknown_object, "no object '" + m.object + "' on host " + public_url_);
        return;
    }
    send_snapshot(rid, m.req_id, *obj, m.want_schema);
}

void HostEngine::send_snapshot(const std::string& rid, const Value& req, HostedObject& obj, bool with_schema) {
    flush(obj);  // the snapshot must be exactly the state at obj.seq
    const Schema& schema = obj.source->schema();
    Snapshot snapshot{req, obj.name, obj.epoch, obj.seq, obj.signals, schema.signature(), {}, std::nullopt};
    if (with_schema) snapshot.schema = schema.to_value();
    scratch_.clear();
    snapshot.encode_with(scratch_, static_cast<std::uint32_t>(schema.properties().size()),
                         [&](std::size_t i) { return obj.source->property_value(i); });
    ++stats_.snapshots_served;
    if (scratch_.size() > options_.max_message_size) {
        send_error(rid, req, ErrorCode::too_large, "snapshot of '" + obj.name + "' exceeds max_message_size");
        return;
    }
    send_to(rid, scratch_);
}

void HostEngine::on_request(const std::string& rid, const Value&, Invoke& m) {
    const std::uint64_t call_id = m.call_id;
    const std::string& name = m.object;
    const std::uint64_t epoch = m.epoch;
    const std::string& method = m.method;
    auto reply_error = [&](ErrorCode code, const std::string& text) {
        scratch_.clear();
        Reply::failure(call_id, static_cast<std::uint64_t>(code), text).encode(scratch_);
        send_to(rid, scratch_);
    };
    HostedObject* obj = find_object(name);
    if (!obj) return reply_error(ErrorCode::unknown_object, "no object '" + name + "' on host " + public_url_);
    if (epoch != 0 && epoch != obj->epoch)
        return reply_error(ErrorCode::source_restarted, "'" + name + "' restarted since the replica last synchronized; call not run");
    const Schema& schema = obj->source->schema();
    const auto index = schema.method_index(method);
    if (!index) return reply_error(ErrorCode::unknown_method, "'" + name + "' (" + schema.type_name() + ") has no method '" + method + "'");
    const MethodDef& def = schema.methods()[*index];
    const auto& list = m.args;
    if (list.size() != def.params.size())
        return reply_error(ErrorCode::bad_arguments, method + " takes " + std::to_string(def.params.size()) +
                                                         " argument(s), got " + std::to_string(list.size()));
    for (std::size_t i = 0; i < list.size(); ++i)
        if (!schema.accepts(def.params[i].parsed_type, list[i]))
            return reply_error(ErrorCode::bad_arguments, "argument " + std::to_string(i + 1) + " of " + method + ": expected " +
                                                             def.params[i].type + ", got " + list[i].to_string());
    auto core = std::make_shared<ResponderCore>();
    core->engine = weak_from_this();
    core->loop = loop_;
    core->routing_id = rid;
    core->call_id = call_id;
    core->object = obj->name;
    core->method = *index;
    Responder responder(core);
    try {
        obj->source->handle_call(*index, list, std::move(responder));
    } catch (const std::exception& e) {
        // The Responder was moved into the handler; if the handler threw before answering,
        // answer here (a Responder destroyed unanswered has already sent "dropped").
        if (!core->answered) {
            core->answered = true;
            answer(*core, Value{}, std::make_pair(ErrorCode::handler_failed, std::string(method) + " failed: " + e.what()));
        }
    }
}

void HostEngine::answer(const ResponderCore& call, Value result, std::optional<std::pair<ErrorCode, std::string>> error) {
    auto it = objects_.find(call.object);
    if (!error && it != objects_.end()) {
        const Schema& schema = it->second->source->schema();
        const MethodDef& def = schema.methods().at(call.method);
        const bool is_void = def.return_type == "void";
        if (is_void ? !result.is_nil() : !schema.accepts(def.parsed_return_type, result))
            error = std::make_pair(ErrorCode::handler_failed, def.name + " returned " + result.to_string() +
                                                                  " but is declared to return " + def.return_type);
    }
    scratch_.clear();
    if (error) Reply::failure(call.call_id, static_cast<std::uint64_t>(error->first), std::move(error->second)).encode(scratch_);
    else Reply::success(call.call_id, std::move(result)).encode(scratch_);
    if (scratch_.size() > options_.max_message_size) {
        scratch_.clear();
        Reply::failure(call.call_id, static_cast<std::uint64_t>(ErrorCode::too_large), "the result exceeds max_message_size")
            .encode(scratch_);
    }
    send_to(call.routing_id, scratch_);
}

void HostEngine::on_request(const std::string& rid, const Value&, wire::Set& m) {
    const std::string& name = m.object;
    const std::uint64_t epoch = m.epoch;
    const std::string& prop = m.property;
    const Value& value = m.value;
    auto reply = [&](ErrorCode code, const std::string& text) {
        scratch_.clear();
        if (code == ErrorCode::ok) Reply::success(m.call_id, Value{}).encode(scratch_);
        else Reply::failure(m.call_id, static_cast<std::uint64_t>(code), text).encode(scratch_);
        send_to(rid, scratch_);
    };
    HostedObject* obj = find_object(name);
    if (!obj) return reply(ErrorCode::unknown_object, "no object '" + name + "' on host " + public_url_);
    if (epoch != 0 && epoch != obj->epoch)
        return reply(ErrorCode::source_restarted, "'" + name + "' restarted since the replica last synchronized; write not applied");
    const Schema& schema = obj->source->schema();
    const auto index = schema.property_index(prop);
    if (!index) return reply(ErrorCode::unknown_property, "'" + name + "' (" + schema.type_name() + ") has no property '" + prop + "'");
    const PropertyDef& def = schema.properties()[*index];
    if (def.mode != PropertyMode::read_write && def.mode != PropertyMode::read_push)
        return reply(ErrorCode::read_only, "property '" + prop + "' is " + std::string(to_string(def.mode)) + ": replicas cannot change it");
    if (!schema.accepts(def.parsed_type, value))
        return reply(ErrorCode::bad_arguments, "property '" + prop + "': expected " + def.type + ", got " + value.to_string());
    try {
        obj->source->handle_write(*index, value);
    } catch (const Error& e) {
        return reply(e.code() == ErrorCode::bad_arguments ? e.code() : ErrorCode::handler_failed, e.what());
    } catch (const std::exception& e) {
        return reply(ErrorCode::handler_failed, std::string("write to '") + prop + "' refused: " + e.what());
    }
    reply(ErrorCode::ok, {});
}

void HostEngine::on_request(const std::string& rid, const Value&, Replay& m) {
    const Value& req = m.req_id;
    const std::string& name = m.object;
    const std::uint64_t epoch = m.epoch;
    const std::uint64_t from = m.from_seq;
    HostedObject* obj = find_object(name);
    if (!obj) return send_error(rid, req, ErrorCode::unknown_object, "no object '" + name + "' on host " + public_url_);
    flush(*obj);
    const bool covered = epoch == obj->epoch && from >= 1 && from <= obj->seq + 1 &&
                         !obj->history.empty() && obj->history.front().first_seq <= from;
    if (!covered) {
        // History cannot fill the gap: the replica gets a fresh snapshot and counts what it lost.
        send_snapshot(rid, req, *obj, false);
        return;
    }
    std::vector<const HostedObject::Past*> parts;
    std::size_t bytes = 0;
    for (const auto& past : obj->history)
        if (past.last_seq >= from) { parts.push_back(&past); bytes += past.payload.size() + 8; }
    if (bytes + 256 > options_.max_message_size) {
        send_snapshot(rid, req, *obj, false);
        return;
    }
    scratch_.clear();
    Replayed{req, obj->name, obj->epoch, {}}.encode_with(scratch_, static_cast<std::uint32_t>(parts.size()),
                                                       [&](std::size_t i) { return std::string_view(parts[i]->payload); });
    ++stats_.replays_served;
    send_to(rid, scratch_);
}

void HostEngine::on_request(const std::string& rid, const Value&, ListObjects& m) {
    Objects answer{std::move(m.req_id), {}, node_id_};
    answer.objects.reserve(objects_.size());
    for (auto& [name, obj] : objects_)
        answer.objects.push_back({name, obj->source->schema().type_name(), obj->source->schema().signature()});
    scratch_.clear();
    answer.encode(scratch_);
    send_to(rid, scratch_);
}

// ---- replies -----------------------------------------------------------------------------------

namespace {
/// Replies at least this big are handed to ZeroMQ without a copy (a snapshot may be megabytes).
constexpr std::size_t zero_copy_bytes = 64 * 1024;

zmq::message_t message_from(Writer& w) {
    if (w.size() < zero_copy_bytes) return zmq::message_t(w.data(), w.size());
    // ZeroMQ frees it (on its I/O thread) once sent; the Writer starts over with a new buffer.
    auto* owned = new std::string(w.take());
    w.clear();
    w.buffer().reserve(owned->size());  // the next big reply is encoded without regrowing
    return zmq::message_t(owned->data(), owned->size(), [](void*, void* hint) { delete static_cast<std::string*>(hint); }, owned);
}
} // namespace

void HostEngine::send_to(const std::string& rid, Writer& w) {
    zmq::message_t id(rid.data(), rid.size());
    zmq::message_t body = message_from(w);
    try {
        // ROUTER_MANDATORY + DONTWAIT: an unknown or full peer is an error value, never a stall.
        if (!router_.send(id, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
            ++stats_.reply_dropped;
            return;
        }
        if (!router_.send(body, zmq::send_flags::dontwait)) ++stats_.reply_dropped;
    } catch (const zmq::error_t& e) {
        if (e.num() == EHOSTUNREACH) ++stats_.unroutable;
        else throw;
    }
}

void HostEngine::send_error(const std::string& rid, const Value& req_id, ErrorCode code, const std::string& message) {
    scratch_.clear();
    ErrorReply{req_id, static_cast<std::uint64_t>(code), message}.encode(scratch_);
    send_to(rid, scratch_);
}

void HostEngine::note_malformed(const std::string& rid, const std::string& why) {
    ++stats_.malformed;
    if (malformed_log_.allow()) {
        std::string peer;
        for (unsigned char c : rid.substr(0, 8)) peer += "0123456789abcdef"[c >> 4], peer += "0123456789abcdef"[c & 15];
        log(LogLevel::warn, "host ", public_url_, ": malformed request from peer ", peer, ": ", why, " (",
            stats_.malformed, " malformed so far, ", malformed_log_.suppressed(), " similar lines suppressed)");
    }
}

} // namespace zro::detail
