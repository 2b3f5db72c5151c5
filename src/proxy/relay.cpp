// zro — shared live objects over ZeroMQ.
#include "proxy/relay.hpp"

#include "core/log.hpp"
#include "engine/host/host_engine.hpp"

#include <zro/error.hpp>

namespace zro::detail {

namespace {

/// The copy's schema: the source's, without `coalesce`. The copy relays events one for one (each
/// keeps its seq); coalescing again here would merge events the source sent apart. Not part of the
/// signature, so the copy's signature is the source's.
Schema relayed_schema(const Schema& schema) {
    Value v = schema.to_value();
    for (auto& [key, section] : v.as_map())
        if (key == Value("properties"))
            for (auto& prop : section.as_list()) prop.as_list().at(4) = Value(false);
    return Schema::from_value(v);
}

} // namespace

// ---- the replica's hooks ------------------------------------------------------------------------

std::vector<std::size_t> RelayReplica::zro_apply_snapshot(const Schema& schema, std::vector<Value> values) {
    if (relay) relay->on_snapshot(schema, std::move(values));
    return {};
}

void RelayReplica::zro_apply_property(std::size_t index, Value value) {
    if (relay) relay->on_change(index, std::move(value));
}

void RelayReplica::zro_apply_signal(std::size_t index, std::vector<Value> args) {
    if (relay) relay->on_signal(index, std::move(args));
}

// ---- the copy ------------------------------------------------------------------------------------

RelaySource::RelaySource(Schema schema, std::vector<Value> values, Relay& relay)
    : schema_(std::move(schema)), values_(std::move(values)), relay_(relay) {}

void RelaySource::zro_handle_write(std::size_t, Value) {
    throw Error(ErrorCode::invalid_state, "a relayed copy forwards writes (zro_handle_write_deferred)");
}

void RelaySource::zro_handle_write_deferred(std::size_t index, Value value, Responder responder) {
    relay_.forward_write(schema_.properties().at(index).name, std::move(value), std::move(responder));
}

void RelaySource::zro_handle_call(std::size_t index, std::vector<Value> args, Responder responder) {
    relay_.forward_call(schema_.methods().at(index).name, std::move(args), std::move(responder));
}

// ---- the relay -----------------------------------------------------------------------------------

Relay::Relay(Node& inner, Host& outer, std::string name, std::chrono::milliseconds call_timeout)
    : outer_(outer), name_(std::move(name)), call_timeout_(call_timeout) {
    replica_ = inner.acquire<RelayReplica>(name_);
    replica_->relay = this;
    replica_->on_state_changed([this](ReplicaState now, ReplicaState) { on_state(now); });
    replica_->on_notice([this](const ReplicaNotice& n) {
        // Withdrawn at the source: withdrawn here too (it leaves the outer host's list).
        if (n.kind == ReplicaNotice::Kind::source_withdrawn) withdraw_copy();
    });
}

Relay::~Relay() {
    replica_.reset();  // no callback reaches us from here on
    withdraw_copy();
}

void Relay::withdraw_copy() {
    if (!source_) return;
    log(LogLevel::info, "proxy: withdrawing the copy of '", name_, "'");
    registration_.withdraw();
    source_.reset();
}

void Relay::on_snapshot(const Schema& schema, std::vector<Value> values) {
    const auto pos = replica_->stream_position();
    if (!schema.models().empty()) {
        if (!refused_models_) log(LogLevel::warn, "proxy: '", name_, "' has MODEL members: not relayed (not supported yet)");
        refused_models_ = true;
        return;
    }
    if (source_ && source_->schema().signature() != schema.signature()) withdraw_copy();  // another class now
    if (!source_) {
        source_ = std::make_unique<RelaySource>(relayed_schema(schema), std::move(values), *this);
        try {
            registration_ = outer_.enable_remoting(*source_, name_);
        } catch (const Error& e) {
            log(LogLevel::warn, "proxy: cannot share the copy of '", name_, "': ", e.what());
            source_.reset();
            return;
        }
        log(LogLevel::info, "proxy: relaying '", name_, "' (", schema.type_name(), ", signature ", schema.signature(), ")");
    } else {
        // A resynchronization or a restart: the values change without events; replicas behind the
        // proxy see the jump (or the new epoch) and take a snapshot, counting what was lost.
        source_->replace_values(std::move(values));
    }
    source_->zro_link()->relay_position(pos.epoch, pos.seq, pos.signals);
}

void Relay::align(std::uint64_t seq_before, std::uint64_t signals_before) {
    source_->zro_link()->relay_position(replica_->stream_position().epoch, seq_before, signals_before);
}

void Relay::on_change(std::size_t index, Value value) {
    if (!source_ || !source_->zro_link()) return;
    const auto pos = replica_->stream_position();  // inside the callback: this event's own seq
    align(pos.seq - 1, pos.signals);
    try {
        source_->change(index, std::move(value));
    } catch (const Error& e) {
        // Too large for the outer side's limits: replicas behind see a jump and resynchronize.
        log(LogLevel::warn, "proxy: change of '", name_, "' not relayed: ", e.what());
    }
}

void Relay::on_signal(std::size_t index, std::vector<Value> args) {
    if (!source_ || !source_->zro_link()) return;
    const auto pos = replica_->stream_position();  // the signal is counted already
    align(pos.seq - 1, pos.signals - 1);
    try {
        source_->signal(index, args);
    } catch (const Error& e) {
        log(LogLevel::warn, "proxy: signal of '", name_, "' not relayed: ", e.what());
    }
}

void Relay::on_state(ReplicaState now) {
    if (!source_ || !source_->zro_link()) return;
    if (now == ReplicaState::valid) source_->zro_link()->set_unreachable({});
    else source_->zro_link()->set_unreachable(replica_->last_reason().empty() ? "the source is not valid" : replica_->last_reason());
}

namespace {
/// Answers `responder` with what the source answered.
std::function<void(const PendingReply<Value>&)> answer_with(Responder responder) {
    auto held = std::make_shared<Responder>(std::move(responder));
    return [held](const PendingReply<Value>& r) {
        if (auto e = r.error()) held->fail(e->message, e->code);
        else held->reply(r.value());
    };
}
} // namespace

void Relay::forward_call(const std::string& method, std::vector<Value> args, Responder responder) {
    replica_->forward_call(method, std::move(args), call_timeout_).then(answer_with(std::move(responder)));
}

void Relay::forward_write(const std::string& property, Value value, Responder responder) {
    replica_->forward_write(property, std::move(value), call_timeout_).then(answer_with(std::move(responder)));
}

} // namespace zro::detail
