// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::DynamicReplica`: a replica that learns its class from the source at run time
/// (`node.acquire_dynamic("Name")`). Values are `zro::Value`s, members are addressed by name.
///
///     auto sw = node.acquire_dynamic("SimpleSwitch");
///     sw->on_property_changed([&](std::string_view name, const zro::Value& v) {
///         std::cout << name << " = " << v.to_string() << "\n";
///     });
///     sw->on_initialized([&] { sw->invoke("server_slot", {true}); });
///
/// Thread contract: as for every Replica, use it on its node's loop thread.

#include <zro/replica.hpp>

namespace zro {

class DynamicReplica : public Replica {
public:
    using PropertyCallback = std::function<void(std::string_view name, const Value& value)>;
    using SignalCallback = std::function<void(std::string_view name, const std::vector<Value>& args)>;

    /// The source's schema; throws `Error(invalid_state)` before the first snapshot.
    const Schema& schema() const;
    /// The current (last received) value; throws `Error(invalid_state)` before the first
    /// snapshot and `Error(unknown_property)` for a name the class does not have.
    const Value& property(std::string_view name) const;

    /// The replica of MODEL member `name` (docs/MODELS.md); the same object across snapshots.
    /// Throws `Error(invalid_state)` before the first snapshot and `Error(unknown_model)` for a
    /// name the class does not have.
    ModelReplica& model(std::string_view name) const { return zro_model_member(name); }

    /// Each property change, in the order the source made them (one call per change).
    /// A snapshot that changes values reports each changed property too.
    Connection on_property_changed(PropertyCallback fn);
    /// Each signal, in order with the property changes.
    Connection on_signal(SignalCallback fn);

    /// Calls a method on the source. Arguments are checked against the schema first
    /// (`bad_arguments`); an invalid replica fails the call at once (`not_connected`).
    PendingReply<Value> invoke(std::string_view method, std::vector<Value> args = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(30));
    /// Asks the source to change a property: READWRITE sets it, READPUSH pushes it through the
    /// source's setter; other modes fail with `read_only`. The replica's own value changes only
    /// when the source's change comes back.
    PendingReply<Value> set_property(std::string_view name, Value value,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

protected:
    std::vector<std::size_t> zro_apply_snapshot(const Schema& schema, std::vector<Value> values) override;
    void zro_notify_property_changed(std::size_t index) override;
    void zro_apply_property(std::size_t index, Value value) override;
    void zro_apply_signal(std::size_t index, std::vector<Value> args) override;

private:
    friend class Node;
    DynamicReplica() = default;

    std::shared_ptr<const Schema> schema_;
    std::vector<Value> values_;
    detail::CallbackList<std::string_view, const Value&> property_changed_;
    detail::CallbackList<std::string_view, const std::vector<Value>&> signal_;
};

} // namespace zro
