// zro — shared live objects over ZeroMQ.
#include <zro/dynamic_replica.hpp>

namespace zro {

const Schema& DynamicReplica::schema() const {
    if (!schema_) throw Error(ErrorCode::invalid_state, "replica '" + name() + "' has no schema yet (it was never initialized)");
    return *schema_;
}

const Value& DynamicReplica::property(std::string_view name) const {
    const auto i = schema().property_index(name);
    if (!i) throw Error(ErrorCode::unknown_property, schema_->type_name() + " has no property '" + std::string(name) + "'");
    return values_[*i];
}

Connection DynamicReplica::on_property_changed(PropertyCallback fn) {
    return Connection(property_changed_, property_changed_.add(std::move(fn)));
}

Connection DynamicReplica::on_signal(SignalCallback fn) { return Connection(signal_, signal_.add(std::move(fn))); }

PendingReply<Value> DynamicReplica::invoke(std::string_view method, std::vector<Value> args, std::chrono::milliseconds timeout) {
    if (schema_) {
        // Check locally first: a wrong call fails at once, with the same error the host would give.
        const auto i = schema_->method_index(method);
        if (!i)
            return PendingReply<Value>::failed(ErrorCode::unknown_method, "'" + name() + "' (" + schema_->type_name() +
                                                                              ") has no method '" + std::string(method) + "'");
        const MethodDef& def = schema_->methods()[*i];
        if (args.size() != def.params.size())
            return PendingReply<Value>::failed(ErrorCode::bad_arguments, def.name + " takes " + std::to_string(def.params.size()) +
                                                                             " argument(s), got " + std::to_string(args.size()));
        for (std::size_t a = 0; a < args.size(); ++a)
            if (!schema_->accepts(def.params[a].parsed_type, args[a]))
                return PendingReply<Value>::failed(ErrorCode::bad_arguments, "argument " + std::to_string(a + 1) + " of " + def.name +
                                                                                 ": expected " + def.params[a].type + ", got " +
                                                                                 args[a].to_string());
    }
    return zro_invoke_method(method, std::move(args), timeout);
}

PendingReply<Value> DynamicReplica::set_property(std::string_view name_, Value value, std::chrono::milliseconds timeout) {
    if (schema_) {
        const auto i = schema_->property_index(name_);
        if (!i)
            return PendingReply<Value>::failed(ErrorCode::unknown_property, "'" + name() + "' (" + schema_->type_name() +
                                                                                ") has no property '" + std::string(name_) + "'");
        const PropertyDef& def = schema_->properties()[*i];
        if (def.mode != PropertyMode::read_write && def.mode != PropertyMode::read_push)
            return PendingReply<Value>::failed(ErrorCode::read_only, "property '" + def.name + "' is " +
                                                                         std::string(to_string(def.mode)) + ": replicas cannot change it");
        if (!schema_->accepts(def.parsed_type, value))
            return PendingReply<Value>::failed(ErrorCode::bad_arguments, "property '" + def.name + "': expected " + def.type +
                                                                             ", got " + value.to_string());
    }
    return zro_write_property(name_, std::move(value), timeout);
}

std::vector<std::size_t> DynamicReplica::zro_apply_snapshot(const Schema& schema, std::vector<Value> values) {
    const bool same_shape = schema_ && schema_->signature() == schema.signature();
    auto old = std::move(values_);
    values_ = std::move(values);
    std::vector<std::size_t> changed;
    if (!same_shape) {
        // First snapshot (or a new class): initialization, not a change.
        schema_ = std::make_shared<const Schema>(schema);
        return changed;
    }
    for (std::size_t i = 0; i < values_.size(); ++i)
        if (old[i] != values_[i]) changed.push_back(i);
    return changed;
}

void DynamicReplica::zro_notify_property_changed(std::size_t index) {
    property_changed_(schema_->properties()[index].name, values_[index]);
}

void DynamicReplica::zro_apply_property(std::size_t index, Value value) {
    values_[index] = std::move(value);
    property_changed_(schema_->properties()[index].name, values_[index]);
}

void DynamicReplica::zro_apply_signal(std::size_t index, std::vector<Value> args) {
    signal_(schema_->signals()[index].name, args);
}

} // namespace zro
