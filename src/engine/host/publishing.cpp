// zro — shared live objects over ZeroMQ.
// HostEngine, the publishing half: changes and signals recorded from sources, batched per loop
// turn into one EVENTS message per object, kept in a bounded history for replays; heartbeats;
// SYNC for every new subscription (docs/PROTOCOL.md "State stream").
#include "engine/host/host_engine.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "engine/host/host_security.hpp"
#include "wire/messages.hpp"

#include <zro/error.hpp>
#include <zro/source.hpp>

namespace zro::detail {

using namespace wire;

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

void HostEngine::publish_position(HostedObject& obj) {
    scratch_.clear();
    if (!obj.unreachable.empty()) {
        Unreachable{obj.epoch, obj.unreachable}.encode(scratch_);
    } else {
        flush(obj);  // so the heartbeat's seq covers everything recorded
        scratch_.clear();
        Heartbeat{obj.epoch, obj.seq, obj.signals}.encode(scratch_);
    }
    publish(obj.topic, scratch_.data(), scratch_.size());
}

void HostEngine::heartbeat_all() {
    if (!window_peers_.empty()) expire_windows(Loop::Clock::now());
    for (auto& [name, obj] : objects_) publish_position(*obj);
}

// ---- relayed objects (a proxy's copies) ------------------------------------------------------------

void HostEngine::relay_position(HostedObject& obj, std::uint64_t epoch, std::uint64_t seq, std::uint64_t signals) {
    if (epoch == obj.epoch && seq == obj.seq) return;  // the usual case: the next event follows
    if (epoch == obj.epoch && seq < obj.seq) {
        // The source went back in its own epoch: it cannot, so this copy is confused. Replicas that
        // hold a later seq would take older values as current; a new epoch makes them re-acquire.
        log(LogLevel::warn, "host: relayed '", obj.name, "' went back from seq ", obj.seq, " to ", seq,
            " in one epoch; replicas re-acquire");
        do epoch = random_u64(); while (epoch == 0);
    }
    flush(obj);  // what is pending belongs to the old position
    obj.epoch = epoch;
    obj.seq = seq;
    obj.signals = signals;
    // The history no longer continues into the new position: a replica asking to replay across
    // it gets a snapshot, and counts what it lost from `signals`.
    obj.history.clear();
    obj.history_bytes = 0;
    publish_position(obj);
}

void HostEngine::set_unreachable(HostedObject& obj, std::string reason) {
    if (reason == obj.unreachable) return;
    const bool was = !obj.unreachable.empty();
    if (!was) flush(obj);
    obj.unreachable = std::move(reason);
    if (was || !obj.unreachable.empty()) publish_position(obj);
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
        if (!obj.unreachable.empty()) {
            publish_position(obj);  // UNREACHABLE: live, but not in sync with anything
            continue;
        }
        flush(obj);
        scratch_.clear();
        wire::Sync{obj.epoch, obj.seq, obj.signals}.encode(scratch_);
        publish(obj.topic, scratch_.data(), scratch_.size());
    }
}

} // namespace zro::detail
