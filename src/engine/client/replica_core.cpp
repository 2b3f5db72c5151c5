// zro — shared live objects over ZeroMQ.
#include "engine/client/replica_core.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "core/reply_state.hpp"
#include "engine/client/link.hpp"
#include "engine/client/client_node.hpp"
#include "wire/codec.hpp"
#include "wire/messages.hpp"

#include <zro/error.hpp>
#include <zro/replica.hpp>

#include <algorithm>

namespace zro::detail {

using namespace wire;

namespace {
/// A pre-snapshot / mid-repair buffer larger than this is dropped (gap detection recovers).
constexpr std::size_t max_buffer_bytes = 8u << 20;
} // namespace

ReplicaCore::ReplicaCore(ClientNode& node, Replica& owner, std::string name)
    : node_(node), owner_(&owner), name_(std::move(name)), topic_(topic_of(name_)) {}

std::shared_ptr<Loop> ReplicaCore::loop_ref() const { return orphaned_ ? nullptr : node_.loop(); }

// ---- lifecycle -----------------------------------------------------------------------------

void ReplicaCore::set_state(ReplicaState s, std::string why) {
    const bool has_why = !why.empty();
    if (has_why) reason = std::move(why);
    if (s == ReplicaState::valid) refusal.reset();
    if (s == state) return;
    const ReplicaState before = state;
    state = s;
    // The reason is logged only with the transition it explains (a Valid after a failed attempt
    // elsewhere keeps last_reason() but does not repeat it).
    log(LogLevel::info, "replica '", name_, "': ", to_string(before), " -> ", to_string(s),
        has_why ? " (" : "", has_why ? reason : std::string(), has_why ? ")" : "");
    if (owner_) state_cbs(s, before);
}

void ReplicaCore::become_suspect(const std::string& why, ErrorCode calls_fail_with) {
    sync_ = Sync::idle;
    buffer_.clear();
    buffer_bytes_ = 0;
    for (auto& l : node_.links()) {
        l->fail_calls(this, calls_fail_with, "'" + name_ + "': " + why);
        l->forget_requests(this);
    }
    if (state == ReplicaState::suspect) return;
    ++stats.suspect_count;
    set_state(ReplicaState::suspect, why);
}

void ReplicaCore::notice(ReplicaNotice::Kind kind, std::uint64_t first, std::uint64_t last, std::uint64_t count,
                         std::string message) {
    log(kind == ReplicaNotice::Kind::signals_lost ? LogLevel::warn : LogLevel::info, "replica '", name_, "': ", message);
    if (owner_) notice_cbs(ReplicaNotice{kind, first, last, count, std::move(message)});
}

void ReplicaCore::malformed(const std::string& why) {
    ++stats.malformed_messages;
    static thread_local RateLimiter limiter;
    if (limiter.allow()) log(LogLevel::warn, "replica '", name_, "': ignored a malformed message from the host: ", why);
}

void ReplicaCore::orphan() {
    if (state == ReplicaState::valid) set_state(ReplicaState::suspect, "the node was destroyed");
    orphaned_ = true;
    link_ = request_link_ = nullptr;
    subscribed_.clear();
    buffer_.clear();
}

void ReplicaCore::detach_safely() {
    if (!owner_) return;
    if (orphaned_) {
        owner_ = nullptr;
        return;
    }
    node_.exec([this] {
        if (owner_) detach();
    });
}

void ReplicaCore::detach() {
    auto self = shared_from_this();
    owner_ = nullptr;
    if (orphaned_) return;
    for (auto& l : node_.links()) {
        l->fail_calls(this, ErrorCode::cancelled, "the replica '" + name_ + "' was destroyed");
        l->forget_requests(this);
    }
    for (Link* l : subscribed_) l->unsubscribe(topic_);
    subscribed_.clear();
    link_ = nullptr;
    node_.remove_replica(this);
}

void ReplicaCore::tick(Loop::Clock::time_point now) {
    if (!owner_) return;
    // Deadlines follow the interval of the host concerned (the one we follow, else the one asked),
    // which publishes at its own rate whatever this node's interval is.
    const auto hb = link_ ? link_->heartbeat() : request_link_ ? request_link_->heartbeat() : node_.heartbeat();
    if (link_ && state == ReplicaState::valid && sync_ == Sync::idle && now - last_heard_ > 3 * hb) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_heard_).count();
        become_suspect("no heartbeat from " + link_->url() + " for " + std::to_string(ms) + " ms", ErrorCode::source_gone);
    }
    // A host that never answers our subscription (an older version): ask anyway.
    if (sync_ == Sync::subscribing && request_link_ && now - request_sent_ > hb) send_acquire(*request_link_);
    if (sync_ != Sync::idle && now - request_sent_ > 3 * hb) {
        sync_ = Sync::idle;  // the request or its answer was lost: ask again below
        if (request_link_) request_link_->forget_requests(this);
    }
    // A mismatched class will not change by itself: ask again only every 10 intervals.
    const auto retry = state == ReplicaState::signature_mismatch ? 10 * hb : hb;
    if (sync_ != Sync::idle || state == ReplicaState::valid || now - request_sent_ < retry) return;
    // Not in sync and nothing in flight: (re)acquire, from our host if it is there, else from
    // the next welcomed host in turn.
    if (link_ && link_->welcomed()) return start_acquire(*link_);
    const auto& links = node_.links();
    for (std::size_t i = 0; i < links.size(); ++i) {
        Link& l = *links[(next_link_ + i) % links.size()];
        if (!l.welcomed()) continue;
        next_link_ = (next_link_ + i + 1) % links.size();
        return start_acquire(l);
    }
}

void ReplicaCore::on_link_reset(Link& link) {
    if (request_link_ == &link && sync_ != Sync::idle) sync_ = Sync::idle;
    if (link_ != &link) return;
    if (state == ReplicaState::valid) become_suspect("host " + link.url() + " restarted", ErrorCode::source_restarted);
    start_acquire(link);
}

void ReplicaCore::on_link_closed(Link& link) {
    std::erase(subscribed_, &link);
    if (request_link_ == &link) { sync_ = Sync::idle; request_link_ = nullptr; }
    if (link_ == &link) {
        link_ = nullptr;
        if (state == ReplicaState::valid) become_suspect("the node is shutting down", ErrorCode::cancelled);
    }
}

// ---- synchronisation ---------------------------------------------------------------------------

void ReplicaCore::start_acquire(Link& link) {
    if (std::find(subscribed_.begin(), subscribed_.end(), &link) == subscribed_.end()) {
        link.subscribe(topic_);  // subscribe first, so nothing after the snapshot is missed
        subscribed_.push_back(&link);
    }
    if (request_link_) request_link_->forget_requests(this);
    request_link_ = &link;
    request_sent_ = Loop::Clock::now();
    if (!link.topic_live(topic_)) {
        sync_ = Sync::subscribing;  // on_publication sends the ACQUIRE
        return;
    }
    send_acquire(link);
}

void ReplicaCore::send_acquire(Link& link) {
    const Schema* expected = owner_ ? owner_->zro_expected_schema() : nullptr;
    request_id_ = link.next_request_id();
    link.track_request(request_id_, this);
    Writer w;
    Acquire acquire{Value(request_id_), name_, std::nullopt, false};
    if (expected) acquire.signature = expected->signature();
    // A dynamic replica needs the schema unless it already holds the one with this signature.
    acquire.want_schema = expected == nullptr;
    acquire.encode(w);
    sync_ = Sync::acquiring;
    request_link_ = &link;
    request_sent_ = Loop::Clock::now();
    if (!link.send(w)) sync_ = Sync::idle;  // not connected: tick retries
}

void ReplicaCore::start_repair(std::uint64_t seen_first_seq) {
    if (!link_) return;
    const std::uint64_t from = applied_ + 1;
    if (!gap_open_) {
        // Reported once: if the REPLAY cannot be sent now, the next message finds the same gap
        // and asks again without a second report.
        gap_open_ = true;
        ++stats.gaps_detected;
        notice(ReplicaNotice::Kind::gap_detected, from, seen_first_seq - 1, seen_first_seq - from,
               "missed messages " + std::to_string(from) + ".." + std::to_string(seen_first_seq - 1) + "; repairing");
    }
    if (request_link_) request_link_->forget_requests(this);
    request_id_ = link_->next_request_id();
    link_->track_request(request_id_, this);
    Writer w;
    Replay{Value(request_id_), name_, epoch_, from}.encode(w);
    sync_ = Sync::repairing;
    request_link_ = link_;
    request_sent_ = Loop::Clock::now();
    if (!link_->send(w)) sync_ = Sync::idle;
}

void ReplicaCore::on_snapshot(Link& from, Decoded<Snapshot>& answer) {
    if (!owner_ || sync_ == Sync::idle || sync_ == Sync::subscribing || request_link_ != &from) return;
    std::shared_ptr<const Schema> new_schema;
    std::vector<Value> values, models;
    std::uint64_t epoch, seq, signals;
    std::string sig;
    try {
        auto* m = std::get_if<Snapshot>(&answer);
        if (!m) throw Error(ErrorCode::malformed_message, std::get<MessageError>(answer).detail);
        epoch = m->epoch;
        seq = m->seq;
        signals = m->signals;
        sig = m->signature;
        const Schema* expected = owner_->zro_expected_schema();
        if (expected && expected->signature() != sig) {
            sync_ = Sync::idle;
            signature = sig;
            set_state(ReplicaState::signature_mismatch,
                      "source '" + name_ + "' on " + from.url() + " has signature " + sig + ", this replica was built for " +
                          expected->signature() + " (" + expected->type_name() + ")");
            return;
        }
        if (expected) new_schema = std::shared_ptr<const Schema>(expected, [](const Schema*) {});
        else if (m->schema) new_schema = std::make_shared<const Schema>(Schema::from_value(*m->schema));
        else if (schema && schema->signature() == sig) new_schema = schema;
        else throw Error(ErrorCode::malformed_message, "snapshot without the schema a dynamic replica needs");
        if (new_schema->signature() != sig) throw Error(ErrorCode::malformed_message, "snapshot schema does not match its signature");
        values = std::move(m->values);
        models = std::move(m->models);
        if (!models.empty() && models.size() != new_schema->models().size())
            throw Error(ErrorCode::malformed_message, "snapshot has " + std::to_string(models.size()) + " model states for " +
                                                          std::to_string(new_schema->models().size()) + " models");
        const auto& props = new_schema->properties();
        if (values.size() != props.size()) throw Error(ErrorCode::malformed_message, "snapshot has " + std::to_string(values.size()) + " values for " + std::to_string(props.size()) + " properties");
        for (std::size_t i = 0; i < values.size(); ++i)
            if (!new_schema->accepts(props[i].parsed_type, values[i]))
                throw Error(ErrorCode::malformed_message, "snapshot value of '" + props[i].name + "' is not a " + props[i].type);
    } catch (const Error& e) {
        malformed(e.what());
        sync_ = Sync::idle;  // tick asks again
        return;
    }
    // What could not be recovered: signals are events, a snapshot does not bring them back.
    if (initialized_once_ && epoch == epoch_) {
        // A snapshot at the position we already hold (a check after a silent host came back)
        // repaired nothing: no notice.
        if (seq > applied_) {
            ++stats.repaired_by_snapshot;
            notice(ReplicaNotice::Kind::resynchronized, applied_ + 1, seq, seq - applied_,
                   "resynchronized by snapshot at seq " + std::to_string(seq));
        }
        if (signals > signals_) {
            stats.signals_lost += signals - signals_;
            notice(ReplicaNotice::Kind::signals_lost, applied_ + 1, seq, signals - signals_,
                   std::to_string(signals - signals_) + " signal(s) lost in the gap");
        }
    } else if (initialized_once_ && epoch != epoch_) {
        for (auto& l : node_.links()) l->fail_calls(this, ErrorCode::source_restarted, "'" + name_ + "' restarted");
        notice(ReplicaNotice::Kind::source_restarted, 0, seq, 0, "source restarted (new epoch " + hex_id(epoch) + ")");
        if (host_signals_ > signals_) {
            stats.signals_lost += host_signals_ - signals_;
            notice(ReplicaNotice::Kind::signals_lost, applied_ + 1, 0, host_signals_ - signals_,
                   std::to_string(host_signals_ - signals_) + " signal(s) of the previous incarnation lost");
        }
        // This replica followed the object, so what the new incarnation emitted before our
        // snapshot (its count in the snapshot) is lost to us too.
        if (signals > 0) {
            stats.signals_lost += signals;
            notice(ReplicaNotice::Kind::signals_lost, 1, seq, signals,
                   std::to_string(signals) + " signal(s) of the new incarnation emitted before this replica re-acquired lost");
        }
    }
    link_ = &from;
    gap_open_ = false;
    epoch_ = epoch;
    applied_ = seq;
    signals_ = host_signals_ = signals;
    signature = sig;
    schema = new_schema;
    sync_ = Sync::idle;
    last_heard_ = Loop::Clock::now();
    ++stats.snapshots;
    auto self = shared_from_this();  // user callbacks may destroy the replica
    const auto changed = owner_->zro_apply_snapshot(*schema, std::move(values));
    fetches_.clear();  // answers to earlier fetches belong to the state this snapshot replaces
    if (!schema->models().empty()) owner_->reset_models(*schema, models, seq);
    // Valid first, then callbacks: a callback that calls a method must find the replica usable.
    set_state(ReplicaState::valid, "");
    if (!initialized_once_ && owner_) {
        initialized_once_ = true;
        initialized_cbs();
    }
    for (std::size_t i : changed)
        if (owner_) owner_->zro_notify_property_changed(i);
    for (std::size_t i = 0; owner_ && i < owner_->model_count(); ++i) owner_->model_after_snapshot(i);
    if (owner_) drain_buffer();
}

void ReplicaCore::on_replayed(Link& from, const Decoded<Replayed>& answer) {
    if (!owner_ || sync_ != Sync::repairing || request_link_ != &from || link_ != &from) return;
    last_heard_ = Loop::Clock::now();  // an answer from our host proves it alive, as a publication does
    auto self = shared_from_this();
    try {
        const auto* m = std::get_if<Replayed>(&answer);
        if (!m) throw Error(ErrorCode::malformed_message, std::get<MessageError>(answer).detail);
        if (m->epoch != epoch_) return start_acquire(from);
        const std::uint64_t gap_from = applied_ + 1;
        for (const Value& part : m->payloads) {
            const auto& bytes = part.as_bytes().data;
            DecodeError err;
            if (!validate(bytes.data(), bytes.size(), err))
                throw Error(ErrorCode::malformed_message, "undecodable replayed message: " + err.detail);
            auto opened = EventsReader::open(bytes.data(), bytes.size());
            auto* events = std::get_if<EventsReader>(&opened);
            if (!events) throw Error(ErrorCode::malformed_message, std::get<MessageError>(opened).detail);
            if (events->header().epoch != epoch_) throw Error(ErrorCode::malformed_message, "replayed EVENTS of another epoch");
            if (!apply_events(*events)) return start_acquire(from);  // history had a hole
            if (!owner_) return;
        }
        sync_ = Sync::idle;
        gap_open_ = false;
        ++stats.repaired_by_replay;
        notice(ReplicaNotice::Kind::gap_repaired, gap_from, applied_, applied_ + 1 - gap_from,
               "gap repaired by replay up to seq " + std::to_string(applied_));
    } catch (const Error& e) {
        malformed(e.what());
        return start_acquire(from);
    }
    if (models_out_of_step_) {
        models_out_of_step_ = false;
        return start_acquire(from);
    }
    drain_buffer();
    if (owner_ && sync_ == Sync::idle && state == ReplicaState::suspect) set_state(ReplicaState::valid, "");
}

void ReplicaCore::on_request_failed(Link& from, std::uint64_t req_id, ErrorCode code, const std::string& message) {
    if (auto f = fetches_.find(req_id); f != fetches_.end()) {
        const std::size_t model = f->second;
        fetches_.erase(f);
        log(LogLevel::debug, "replica '", name_, "': fetch refused: ", message);
        if (owner_) owner_->model_fetch_failed(model);
        return;
    }
    if (request_link_ != &from || sync_ == Sync::idle) return;
    sync_ = Sync::idle;
    if (code == ErrorCode::unknown_object && link_ == &from) {
        link_ = nullptr;  // no longer there; look on every host
        if (state == ReplicaState::valid) become_suspect(message, ErrorCode::source_gone);
    }
    if (state != ReplicaState::valid) reason = message;
    log(LogLevel::debug, "replica '", name_, "': ", message);
}

// ---- the stream --------------------------------------------------------------------------------

void ReplicaCore::on_publication(Link& from, const Decoded<Publication>& publication) {
    if (!owner_) return;
    if (&from == link_) last_heard_ = Loop::Clock::now();
    // Our subscription is live at that host now: ask for the snapshot.
    if (sync_ == Sync::subscribing && &from == request_link_) send_acquire(from);
    const auto* p = std::get_if<Publication>(&publication);
    if (!p) return malformed(std::get<MessageError>(publication).detail);
    auto position = [&](std::uint64_t epoch, std::uint64_t seq, std::uint64_t signals) {
        if (sync_ != Sync::idle) {
            if (epoch == epoch_) host_signals_ = std::max(host_signals_, signals);
            return;
        }
        if (&from != link_) return;
        check_position(epoch, seq, signals);
    };
    if (const auto* sync = std::get_if<wire::Sync>(p)) return position(sync->epoch, sync->seq, sync->signals);
    if (const auto* beat = std::get_if<Heartbeat>(p)) return position(beat->epoch, beat->seq, beat->signals);
    if (const auto* gone = std::get_if<Withdrawn>(p)) {
        if (&from != link_ || gone->epoch != epoch_) return;
        link_ = nullptr;
        notice(ReplicaNotice::Kind::source_withdrawn, 0, applied_, 0, "source withdrawn by host " + from.url());
        if (!owner_) return;
        return become_suspect("source withdrawn by host " + from.url(), ErrorCode::source_gone);
    }
    if (const auto* lost = std::get_if<Unreachable>(p)) {
        // A proxy lost the source it copies: Suspect, keeping our position, as when the source's
        // own host falls silent; its heartbeats resume when the source is back.
        if (&from != link_ || lost->epoch != epoch_ || sync_ != Sync::idle) return;
        return become_suspect("source unreachable behind " + from.url() + ": " + lost->reason, ErrorCode::source_gone);
    }
    // Unknown publication types are ignored: newer hosts may add some.
}

void ReplicaCore::on_events(Link& from, std::string_view bytes) {
    if (!owner_) return;
    try {
        if (&from == link_) last_heard_ = Loop::Clock::now();
        if (sync_ == Sync::subscribing && &from == request_link_) send_acquire(from);
        if (sync_ != Sync::idle && &from == request_link_) return buffer(from, bytes);
        if (&from != link_) return;
        handle_events(from, bytes);
    } catch (const Error& e) {
        malformed(e.what());
    }
}

void ReplicaCore::check_position(std::uint64_t epoch, std::uint64_t seq, std::uint64_t signals) {
    if (epoch == 0) return;  // "nothing shared under this name here" (a SYNC for another subscriber)
    if (epoch != epoch_) return start_acquire(*link_);  // restarted source
    host_signals_ = std::max(host_signals_, signals);
    // PUB keeps order: a heartbeat follows the events it counts, so seq > applied means the
    // last events were lost.
    if (seq > applied_) return start_repair(seq + 1);
    if (state == ReplicaState::suspect) set_state(ReplicaState::valid, "");
}

void ReplicaCore::handle_events(Link& from, std::string_view bytes) {
    if (sync_ != Sync::idle) return buffer(from, bytes);
    auto opened = EventsReader::open(bytes.data(), bytes.size());
    auto* events = std::get_if<EventsReader>(&opened);
    if (!events) return malformed(std::get<MessageError>(opened).detail);
    if (events->header().epoch != epoch_) {
        start_acquire(from);
        return buffer(from, bytes);
    }
    if (!apply_events(*events)) {
        start_repair(events->header().first_seq);
        return buffer(from, bytes);
    }
    if (models_out_of_step_ && owner_) {
        models_out_of_step_ = false;
        start_acquire(from);  // a fresh snapshot puts the models right
    }
}

bool ReplicaCore::apply_events(EventsReader& events) {
    const EventsHeader& h = events.header();
    if (h.first_seq > applied_ + 1) return false;
    // The stream continues without a gap, so the host is alive and our state is current: Valid
    // again *before* the changes are delivered, so that a callback may call the source (a host
    // resumed after a SIGSTOP past the deadline publishes before it answers our HELLO).
    if (state == ReplicaState::suspect && (sync_ == Sync::idle || sync_ == Sync::repairing) && link_)
        set_state(ReplicaState::valid, "");
    if (!owner_) return true;  // a state callback destroyed the replica
    ++stats.event_messages;
    const auto& props = schema->properties();
    const auto& sigs = schema->signals();
    // A malformed event is counted and skipped, whole.
    // (An unreadable rest of the message ends the loop early: what follows shows as a gap.)
    Event event;
    for (std::uint64_t seq = h.first_seq; events.remaining() > 0 && owner_; ++seq) {
        if (seq <= applied_) { events.skip(); continue; }
        applied_ = seq;
        if (const auto why = events.next(event); !why.empty()) { malformed(std::string(why)); continue; }
        const std::uint64_t index = event.index;
        if (event.kind == event_property) {
            if (index >= props.size() || !schema->accepts(props[index].parsed_type, event.data)) { malformed("bad property event"); continue; }
            ++stats.deltas_applied;
            owner_->zro_apply_property(index, std::move(event.data));
        } else if (event.kind == event_signal) {
            ++signals_;
            if (index >= sigs.size() || !event.data.is_list() || event.data.as_list().size() != sigs[index].params.size()) {
                malformed("bad signal event");
                continue;
            }
            ++stats.signals_delivered;
            owner_->zro_apply_signal(index, std::move(event.data.as_list()));
        } else if (event.kind == event_model) {
            if (index >= schema->models().size()) { malformed("bad model event"); continue; }
            if (!owner_->apply_model_event(index, event.data, seq)) {
                malformed("a model operation that does not fit the replica's model");
                models_out_of_step_ = true;
            }
        } else {
            malformed("unknown event kind");
        }
    }
    // Answers that waited for the stream to reach them.
    for (std::size_t i = 0; owner_ && i < owner_->model_count(); ++i) owner_->model_caught_up(i, applied_);
    return true;
}

void ReplicaCore::buffer(Link& from, std::string_view bytes) {
    if (buffer_.size() >= node_.options().replica_buffer_messages || buffer_bytes_ + bytes.size() > max_buffer_bytes) {
        // Too far behind to catch up from the buffer: drop it; the next message shows a gap.
        static thread_local RateLimiter limiter;
        if (limiter.allow()) log(LogLevel::warn, "replica '", name_, "' is too slow: its buffer overflowed (gap repair follows)");
        buffer_.clear();
        buffer_bytes_ = 0;
    }
    buffer_.push_back({&from, std::string(bytes)});
    buffer_bytes_ += bytes.size();
}

void ReplicaCore::drain_buffer() {
    std::deque<Buffered> items;
    items.swap(buffer_);
    buffer_bytes_ = 0;
    for (auto& b : items) {
        if (!owner_) return;
        if (b.from != link_) continue;
        try {
            handle_events(*b.from, b.bytes);  // re-buffers once a new repair starts
        } catch (const Error& e) {
            malformed(e.what());
        }
    }
}

// ---- calls -------------------------------------------------------------------------------------

std::optional<PendingReply<Value>> ReplicaCore::refuse_call() const {
    if (orphaned_) return PendingReply<Value>::failed(ErrorCode::cancelled, "the node of replica '" + name_ + "' was destroyed");
    if (state == ReplicaState::valid && link_) return std::nullopt;
    auto st = std::make_shared<ReplyState>();
    st->loop = node_.loop();
    PendingReply<Value> r(st);
    st->finish({}, CallError{refusal.value_or(ErrorCode::not_connected), "replica '" + name_ + "' is not valid (state " +
                                                                            std::string(to_string(state)) + (reason.empty() ? "" : ": " + reason) + ")"});
    return r;
}

PendingReply<Value> ReplicaCore::call(std::uint8_t type, std::string_view member, Value payload,
                                      std::chrono::milliseconds timeout) {
    if (auto refused = refuse_call()) return std::move(*refused);
    const auto id = link_->next_request_id();
    Writer w;
    if (type == wire::Set::code) wire::Set{id, name_, epoch_, std::string(member), std::move(payload)}.encode(w);
    else Invoke{id, name_, epoch_, std::string(member), std::move(payload.as_list())}.encode(w);
    return link_->start_call(*this, id, w, timeout);
}

void ReplicaCore::on_host_refused(Link&, ErrorCode code, const std::string& message) {
    if (state == ReplicaState::valid) return;
    reason = message;
    refusal = code;
    const auto kind = code == ErrorCode::unauthorized ? ReplicaNotice::Kind::unauthorized : ReplicaNotice::Kind::host_unverified;
    notice_cbs(ReplicaNotice{kind, 0, 0, 0, message});
}

} // namespace zro::detail
