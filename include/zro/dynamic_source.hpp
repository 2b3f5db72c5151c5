// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::DynamicSource`: a source whose shape is a `Schema` built at run time, with values held
/// as `zro::Value` and methods answered by handlers you register.
///
///     zro::Schema schema("SimpleSwitch");
///     schema.add_property("currState", "bool", false, zro::PropertyMode::read_push)
///           .add_method("server_slot", {{"clientState", "bool"}});
///     zro::DynamicSource sw(schema);
///     sw.on_call("server_slot", [](const std::vector<zro::Value>& args) {
///         std::cout << "Replica state is " << args[0].as<bool>() << "\n";
///         return zro::Value{};
///     });
///     auto registration = host.enable_remoting(sw, "SimpleSwitch");
///     sw.set_property("currState", true);
///
/// Thread contract: as for every Source, use it on its host's loop thread.

#include <zro/source.hpp>

#include <functional>
#include <string_view>
#include <unordered_map>

namespace zro {

class DynamicSource : public Source {
public:
    /// Synchronous handler: returns the result (nil for void), or throws to fail the call.
    using CallHandler = std::function<Value(const std::vector<Value>& args)>;
    /// Deferred handler: answers through the Responder whenever it likes.
    using DeferredCallHandler = std::function<void(std::vector<Value> args, Responder responder)>;
    /// Called for a replica's write to a READPUSH or READWRITE property, before it is applied.
    /// Return the value to store (possibly adjusted), or throw `zro::Error` to refuse.
    using WriteHandler = std::function<Value(const Value& requested)>;

    /// Validates `schema` (throws `Error(invalid_schema)`) and starts every property at its
    /// default.
    explicit DynamicSource(Schema schema);

    const Schema& zro_schema() const override { return schema_; }

    /// The current value of a property; throws `Error(unknown_property)`.
    const Value& property(std::string_view name) const;
    /// Sets a property; type-checked (`Error(bad_arguments)`); replicas are told only if the
    /// value changed.
    void set_property(std::string_view name, Value value);
    /// Emits a signal; arity and types are checked (`Error(bad_arguments)`).
    void emit_signal(std::string_view name, std::vector<Value> args = {});

    /// Puts `model` (or nullptr: none) in MODEL member `name` (`Error(unknown_model)` for a name
    /// the schema lacks); replicas follow it. The source does not own the model: keep it alive
    /// while it is set (set another, or nullptr, before destroying it).
    void set_model(std::string_view name, ItemModel* model);
    ItemModel* zro_model(std::size_t index) const override { return models_.at(index); }

    /// Registers the handler of a method (replacing any previous one). A call to a method
    /// without a handler fails with `handler_failed`.
    void on_call(std::string_view method, CallHandler handler);
    void on_call_deferred(std::string_view method, DeferredCallHandler handler);
    /// Intercepts replica writes to one property.
    void on_write(std::string_view property, WriteHandler handler);

    // Source interface (used by the host).
    Value zro_property_value(std::size_t index) const override { return values_.at(index); }
    void zro_handle_write(std::size_t index, Value value) override;
    void zro_handle_call(std::size_t index, std::vector<Value> args, Responder responder) override;

private:
    std::size_t property_index_or_throw(std::string_view name) const;
    std::size_t method_index_or_throw(std::string_view name) const;
    void store(std::size_t index, Value value);

    Schema schema_;
    std::vector<Value> values_;
    std::vector<ItemModel*> models_;
    std::vector<DeferredCallHandler> call_handlers_;
    std::vector<WriteHandler> write_handlers_;
};

} // namespace zro
