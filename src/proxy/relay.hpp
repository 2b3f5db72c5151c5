// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// One relayed object of a zro::Proxy (docs/PROXY.md): the proxy's replica of the source
/// (RelayReplica, inner side) and the copy it shares (RelaySource, outer side), both on the
/// proxy's one loop. The copy keeps the source's stream position, event for event: before each
/// relayed event the outer host is moved to the position just before it, so a snapshot, a jump
/// or a new epoch of the source shows behind the proxy exactly as it happened.

#include <zro/host.hpp>
#include <zro/replica.hpp>
#include <zro/source.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace zro::detail {

class Relay;

/// The proxy's replica: stores nothing itself, hands every snapshot, change and signal to the Relay.
class RelayReplica final : public Replica {
public:
    RelayReplica() = default;
    Relay* relay = nullptr;  ///< set right after acquire, before any callback can run

    PendingReply<Value> forward_call(std::string_view method, std::vector<Value> args, std::chrono::milliseconds timeout) {
        return zro_invoke_method(method, std::move(args), timeout);
    }
    PendingReply<Value> forward_write(std::string_view property, Value value, std::chrono::milliseconds timeout) {
        return zro_write_property(property, std::move(value), timeout);
    }

protected:
    std::vector<std::size_t> zro_apply_snapshot(const Schema& schema, std::vector<Value> values) override;
    void zro_notify_property_changed(std::size_t) override {}
    void zro_apply_property(std::size_t index, Value value) override;
    void zro_apply_signal(std::size_t index, std::vector<Value> args) override;
};

/// The copy shared on the outer host: values as the replica last had them; calls and writes
/// forwarded to the source through the replica.
class RelaySource final : public Source {
public:
    RelaySource(Schema schema, std::vector<Value> values, Relay& relay);
    const Schema& zro_schema() const override { return schema_; }
    Value zro_property_value(std::size_t index) const override { return values_.at(index); }
    void zro_handle_write(std::size_t index, Value value) override;
    void zro_handle_write_deferred(std::size_t index, Value value, Responder responder) override;
    void zro_handle_call(std::size_t index, std::vector<Value> args, Responder responder) override;

    void change(std::size_t index, Value value) {
        values_[index] = std::move(value);
        zro_notify_property_changed(index, values_[index]);
    }
    void signal(std::size_t index, const std::vector<Value>& args) { zro_notify_signal(index, args); }
    void replace_values(std::vector<Value> values) { values_ = std::move(values); }
    using Source::zro_link;

private:
    Schema schema_;
    std::vector<Value> values_;
    Relay& relay_;
};

class Relay {
public:
    /// Acquires `name` on `inner`; shares its copy on `outer` once the replica has a snapshot.
    Relay(Node& inner, Host& outer, std::string name, std::chrono::milliseconds call_timeout);
    ~Relay();
    Relay(const Relay&) = delete;
    Relay& operator=(const Relay&) = delete;

    const std::string& name() const noexcept { return name_; }
    /// True while a copy is shared on the outer side.
    bool shared() const noexcept { return source_ != nullptr; }
    /// The replica is not valid and never was, or is suspect: the proxy may drop it if no inner
    /// host lists the object any more.
    bool idle() const noexcept { return !replica_->valid(); }

    // From the replica (loop thread).
    void on_snapshot(const Schema& schema, std::vector<Value> values);
    void on_change(std::size_t index, Value value);
    void on_signal(std::size_t index, std::vector<Value> args);
    // From the copy.
    void forward_call(const std::string& method, std::vector<Value> args, Responder responder);
    void forward_write(const std::string& property, Value value, Responder responder);

private:
    void on_state(ReplicaState now);
    void withdraw_copy();
    /// Moves the outer object to the source's position just before the event being relayed.
    void align(std::uint64_t seq_before, std::uint64_t signals_before);

    Host& outer_;
    std::string name_;
    std::chrono::milliseconds call_timeout_;
    std::unique_ptr<RelayReplica> replica_;
    std::unique_ptr<RelaySource> source_;
    Registration registration_;
    bool refused_models_ = false;
};

} // namespace zro::detail
