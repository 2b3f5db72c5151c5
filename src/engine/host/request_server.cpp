// zro — shared live objects over ZeroMQ.
// HostEngine, the request server: the ROUTER's requests (HELLO, ACQUIRE, INVOKE, SET, REPLAY,
// PING, LIST; FETCH and MODEL_SET are in model_server.cpp) decoded by wire/messages, validated against the source's schema and answered;
// method results through Responders (docs/PROTOCOL.md "Requests").
#include "engine/host/host_engine.hpp"

#include "core/log.hpp"
#include "engine/host/host_security.hpp"
#include "wire/messages.hpp"

#include <zro/error.hpp>
#include <zro/source.hpp>

namespace zro::detail {

using namespace wire;

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
    if (!window_peers_.empty()) touch_peer(rid);
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

std::string HostEngine::unreachable_text(const HostedObject& obj) const {
    return "'" + obj.name + "' on " + public_url_ + " cannot reach its source: " + obj.unreachable;
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
    if (!obj->unreachable.empty()) return send_error(rid, m.req_id, ErrorCode::source_gone, unreachable_text(*obj));
    send_snapshot(rid, m.req_id, *obj, m.want_schema);
}

void HostEngine::send_snapshot(const std::string& rid, const Value& req, HostedObject& obj, bool with_schema) {
    flush(obj);  // the snapshot must be exactly the state at obj.seq
    const Schema& schema = obj.source->schema();
    Snapshot snapshot{req, obj.name, obj.epoch, obj.seq, obj.signals, schema.signature(), {}, std::nullopt, {}};
    if (with_schema) snapshot.schema = schema.to_value();
    snapshot.models = model_states(obj);
    scratch_.clear();
    snapshot.encode_with(scratch_, static_cast<std::uint32_t>(schema.properties().size()),
                         [&](std::size_t i) { return obj.source->zro_property_value(i); });
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
    if (!obj->unreachable.empty()) return reply_error(ErrorCode::source_gone, unreachable_text(*obj));
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
        obj->source->zro_handle_call(*index, list, std::move(responder));
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
    if (call.write && !error && !result.is_nil())
        error = std::make_pair(ErrorCode::handler_failed, "a property write answers nil, not " + result.to_string());
    if (!call.write && !error && it != objects_.end()) {
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
    if (!obj->unreachable.empty()) return reply(ErrorCode::source_gone, unreachable_text(*obj));
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
    auto core = std::make_shared<ResponderCore>();
    core->engine = weak_from_this();
    core->loop = loop_;
    core->routing_id = rid;
    core->call_id = m.call_id;
    core->object = obj->name;
    core->method = *index;
    core->write = true;
    auto refuse = [&](ErrorCode code, std::string text) {
        // The Responder went into the handler: answer here unless it already did (one destroyed
        // unanswered defers its "dropped" answer to the end of the turn, after this one).
        if (core->answered) return;
        core->answered = true;
        answer(*core, Value{}, std::make_pair(code, std::move(text)));
    };
    try {
        obj->source->zro_handle_write_deferred(*index, value, Responder(core));
    } catch (const Error& e) {
        refuse(e.code() == ErrorCode::bad_arguments ? e.code() : ErrorCode::handler_failed, e.what());
    } catch (const std::exception& e) {
        refuse(ErrorCode::handler_failed, std::string("write to '") + prop + "' refused: " + e.what());
    }
}

void HostEngine::on_request(const std::string& rid, const Value&, Replay& m) {
    const Value& req = m.req_id;
    const std::string& name = m.object;
    const std::uint64_t epoch = m.epoch;
    const std::uint64_t from = m.from_seq;
    HostedObject* obj = find_object(name);
    if (!obj) return send_error(rid, req, ErrorCode::unknown_object, "no object '" + name + "' on host " + public_url_);
    if (!obj->unreachable.empty()) return send_error(rid, req, ErrorCode::source_gone, unreachable_text(*obj));
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

} // namespace zro::detail
