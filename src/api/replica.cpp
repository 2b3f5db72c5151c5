// zro — shared live objects over ZeroMQ.
#include <zro/replica.hpp>

#include "api/model_replica_impl.hpp"
#include "core/log.hpp"
#include "engine/client/client_node.hpp"
#include "engine/client/link.hpp"
#include "engine/client/replica_core.hpp"
#include "wire/messages.hpp"

#include <algorithm>

namespace zro {

std::string_view to_string(ReplicaState s) noexcept {
    switch (s) {
    case ReplicaState::uninitialized: return "Uninitialized";
    case ReplicaState::defaulted: return "Default";
    case ReplicaState::valid: return "Valid";
    case ReplicaState::suspect: return "Suspect";
    case ReplicaState::signature_mismatch: return "SignatureMismatch";
    }
    return "?";
}

std::string_view to_string(ReplicaNotice::Kind k) noexcept {
    switch (k) {
    case ReplicaNotice::Kind::gap_detected: return "gap_detected";
    case ReplicaNotice::Kind::gap_repaired: return "gap_repaired";
    case ReplicaNotice::Kind::resynchronized: return "resynchronized";
    case ReplicaNotice::Kind::signals_lost: return "signals_lost";
    case ReplicaNotice::Kind::source_restarted: return "source_restarted";
    case ReplicaNotice::Kind::unauthorized: return "unauthorized";
    case ReplicaNotice::Kind::host_unverified: return "host_unverified";
    case ReplicaNotice::Kind::source_withdrawn: return "source_withdrawn";
    }
    return "?";
}

Replica::Replica() = default;

void Replica::attach(detail::ClientNode& node, Replica& replica, std::string_view name) {
    if (name.empty() || name.size() > 255 || name.find('\0') != std::string_view::npos)
        throw Error(ErrorCode::bad_arguments, "object names must be 1-255 bytes without NUL");
    if (replica.core_) throw Error(ErrorCode::invalid_state, "this replica object was already acquired");
    auto rc = std::make_shared<detail::ReplicaCore>(node, replica, std::string(name));
    if (const Schema* expected = replica.zro_expected_schema()) {
        rc->state = ReplicaState::defaulted;  // typed replicas start with their declared defaults
        rc->schema = std::shared_ptr<const Schema>(expected, [](const Schema*) {});
    }
    replica.core_ = rc;
    for (auto& m : replica.models_) m->impl_->core = rc;  // members expected before the acquire
    node.exec([&] { node.add_replica(rc); });
}

void Replica::zro_attach_alongside(Replica& other, std::string_view name) {
    if (!core_) throw Error(ErrorCode::invalid_state, "zro_acquire_alongside: this replica was never acquired");
    attach(core_->node(), other, name);
}

// A replica not destroyed through `delete` (never acquired, or a subclass object the user built
// some other way) still detaches here, as the last resort.
Replica::~Replica() { detach(); }

void Replica::operator delete(Replica* replica, std::destroying_delete_t) {
    replica->detach();
    // The complete object's address, taken before its destructor runs (a subclass with several
    // bases may place the Replica part elsewhere); `new R` allocated it with the global new.
    void* storage = dynamic_cast<void*>(replica);
    replica->~Replica();  // virtual: the most-derived destructor runs first
    ::operator delete(storage);
}

// Out of line on purpose: with the allocation inline and the destroying delete out of line, GCC's
// -Wmismatched-new-delete pairs the global new with the class's delete in every subclass.
void* Replica::operator new(std::size_t size) { return ::operator new(size); }
void Replica::operator delete(void* storage) noexcept { ::operator delete(storage); }

void Replica::detach() {
    if (core_) core_->detach_safely();
}

const std::string& Replica::name() const noexcept { return core_->name(); }
ReplicaState Replica::state() const noexcept { return core_->state; }
const std::string& Replica::last_reason() const noexcept { return core_->reason; }
const ReplicaStats& Replica::stats() const noexcept { return core_->stats; }
const std::string& Replica::source_signature() const noexcept { return core_->signature; }
const Schema* Replica::zro_current_schema() const noexcept { return core_->schema.get(); }
std::uint64_t Replica::last_seq() const noexcept { return core_->last_seq(); }
Replica::StreamPosition Replica::stream_position() const noexcept {
    return {core_->epoch(), core_->last_seq(), core_->signals_seen()};
}

std::optional<std::chrono::steady_clock::time_point> Replica::last_heard() const noexcept {
    const detail::Link* link = core_->link();
    if (!link || link->last_heard() == std::chrono::steady_clock::time_point{}) return std::nullopt;
    return link->last_heard();
}

Connection Replica::on_initialized(std::function<void()> fn) {
    return Connection(core_->initialized_cbs, core_->initialized_cbs.add(std::move(fn)));
}

Connection Replica::on_state_changed(std::function<void(ReplicaState, ReplicaState)> fn) {
    return Connection(core_->state_cbs, core_->state_cbs.add(std::move(fn)));
}

Connection Replica::on_notice(std::function<void(const ReplicaNotice&)> fn) {
    return Connection(core_->notice_cbs, core_->notice_cbs.add(std::move(fn)));
}

bool Replica::wait_for_source(std::chrono::milliseconds timeout) {
    auto core = core_;
    auto loop = core->loop_ref();
    if (!loop) return false;  // the node is gone
    return loop->wait_until([core] { return core->state == ReplicaState::valid; }, timeout);
}

PendingReply<Value> Replica::zro_invoke_method(std::string_view method, std::vector<Value> args, std::chrono::milliseconds timeout) {
    return core_->call(detail::wire::Invoke::code, method, Value(std::move(args)), timeout);
}

PendingReply<Value> Replica::zro_write_property(std::string_view property, Value value, std::chrono::milliseconds timeout) {
    return core_->call(detail::wire::Set::code, property, std::move(value), timeout);
}

// ---- MODEL members -------------------------------------------------------------------------------

ModelReplica& Replica::zro_model_member(std::string_view name) const {
    const Schema* schema = core_ ? core_->schema.get() : nullptr;
    if (!schema) throw Error(ErrorCode::invalid_state, "replica has no schema yet (it was never initialized)");
    const auto i = schema->model_index(name);
    if (!i) throw Error(ErrorCode::unknown_model, schema->type_name() + " has no model '" + std::string(name) + "'");
    make_models(*schema);
    return *models_[*i];
}

void Replica::make_models(const Schema& schema) const {
    const auto& defs = schema.models();
    bool same = models_.size() == defs.size();
    for (std::size_t i = 0; same && i < defs.size(); ++i)
        same = models_[i]->name() == defs[i].name && models_[i]->role_names() == defs[i].roles;
    if (same) return;
    // Another class (a dynamic replica whose source changed, or one expected before the schema
    // came): members are kept by name, so references to them stay valid.
    std::vector<std::unique_ptr<ModelReplica>> next;
    for (std::size_t i = 0; i < defs.size(); ++i) {
        auto old = std::find_if(models_.begin(), models_.end(), [&](const auto& m) { return m && m->name() == defs[i].name; });
        if (old != models_.end()) {
            next.push_back(std::move(*old));
            next.back()->impl_->index = i;
            next.back()->impl_->roles = defs[i].roles;
            next.back()->impl_->resolve_roles();
        } else {
            next.push_back(std::unique_ptr<ModelReplica>(new ModelReplica(std::make_unique<ModelReplica::Impl>(
                const_cast<Replica&>(*this), core_, i, defs[i].name, defs[i].roles))));
        }
    }
    // An expected member the class lacks stays, without a model, after the real ones.
    for (auto& m : models_)
        if (m) {
            m->impl_->index = next.size();
            next.push_back(std::move(m));
        }
    models_ = std::move(next);
}

ModelReplica& Replica::zro_expect_model(std::string_view name) {
    for (auto& m : models_)
        if (m->name() == name) return *m;
    models_.push_back(std::unique_ptr<ModelReplica>(
        new ModelReplica(std::make_unique<ModelReplica::Impl>(*this, core_, models_.size(), std::string(name), std::vector<std::string>{}))));
    return *models_.back();
}

void Replica::reset_models(const Schema& schema, const std::vector<Value>& states, std::uint64_t seq) {
    make_models(schema);
    for (std::size_t i = 0; i < models_.size(); ++i) {
        try {
            models_[i]->impl_->reset(i < states.size() ? states[i] : Value{}, seq);
        } catch (const Error& e) {
            models_[i]->impl_->reset(Value{}, seq);
            detail::log(LogLevel::warn, "replica '", name(), "': model '", models_[i]->name(), "': ", e.what());
        }
    }
}

void Replica::model_after_snapshot(std::size_t index) {
    if (index < models_.size()) models_[index]->impl_->after_snapshot();
}

bool Replica::apply_model_event(std::size_t index, const Value& operation, std::uint64_t seq) {
    return index < models_.size() && models_[index]->impl_->apply(operation, seq);
}

void Replica::model_caught_up(std::size_t index, std::uint64_t applied) {
    if (index < models_.size()) models_[index]->impl_->caught_up(applied);
}

void Replica::deliver_rows(std::size_t index, std::uint64_t seq, ModelPath parent, std::size_t rows, std::size_t columns,
                           std::size_t first, std::vector<Value> payloads, std::uint64_t applied) {
    if (index >= models_.size()) return;
    models_[index]->impl_->answered({seq, std::move(parent), rows, columns, first, std::move(payloads)}, applied);
}

void Replica::model_fetch_failed(std::size_t index) {
    if (index < models_.size()) models_[index]->impl_->fetch_failed();
}

} // namespace zro
