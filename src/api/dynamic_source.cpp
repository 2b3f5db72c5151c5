// zro — shared live objects over ZeroMQ.
#include <zro/dynamic_source.hpp>

namespace zro {

DynamicSource::DynamicSource(Schema schema) : schema_(std::move(schema)) {
    schema_.validate();
    for (const auto& p : schema_.properties())
        values_.push_back(p.default_value.is_nil() ? schema_.zero_value(p.parsed_type) : p.default_value);
    call_handlers_.resize(schema_.methods().size());
    write_handlers_.resize(schema_.properties().size());
    models_.resize(schema_.models().size(), nullptr);
}

void DynamicSource::set_model(std::string_view name, ItemModel* model) {
    const auto index = schema_.model_index(name);
    if (!index) throw Error(ErrorCode::unknown_model, "class " + schema_.type_name() + " has no model '" + std::string(name) + "'");
    if (models_[*index] == model) return;
    models_[*index] = model;
    zro_notify_model_replaced(*index);
}

std::size_t DynamicSource::property_index_or_throw(std::string_view name) const {
    if (auto i = schema_.property_index(name)) return *i;
    throw Error(ErrorCode::unknown_property, schema_.type_name() + " has no property '" + std::string(name) + "'");
}

std::size_t DynamicSource::method_index_or_throw(std::string_view name) const {
    if (auto i = schema_.method_index(name)) return *i;
    throw Error(ErrorCode::unknown_method, schema_.type_name() + " has no method '" + std::string(name) + "'");
}

const Value& DynamicSource::property(std::string_view name) const { return values_[property_index_or_throw(name)]; }

void DynamicSource::set_property(std::string_view name, Value value) {
    const std::size_t i = property_index_or_throw(name);
    const PropertyDef& def = schema_.properties()[i];
    // accepts() first: it allocates nothing; check() builds the error only for a bad value.
    if (!schema_.accepts(def.parsed_type, value)) schema_.check(def.parsed_type, value, "property '" + def.name + "'");
    store(i, std::move(value));
}

void DynamicSource::store(std::size_t index, Value value) {
    if (values_[index] == value) return;  // notify only on change, as QtRO does
    // Notify first: if the host refuses the value (too large), the old value stays.
    zro_notify_property_changed(index, value);
    values_[index] = std::move(value);
}

void DynamicSource::emit_signal(std::string_view name, std::vector<Value> args) {
    const auto i = schema_.signal_index(name);
    if (!i) throw Error(ErrorCode::unknown_method, schema_.type_name() + " has no signal '" + std::string(name) + "'");
    const SignalDef& def = schema_.signals()[*i];
    if (args.size() != def.params.size())
        throw Error(ErrorCode::bad_arguments, "signal " + def.name + " takes " + std::to_string(def.params.size()) +
                                                  " argument(s), got " + std::to_string(args.size()));
    for (std::size_t a = 0; a < args.size(); ++a)
        if (!schema_.accepts(def.params[a].parsed_type, args[a]))
            schema_.check(def.params[a].parsed_type, args[a], "argument " + std::to_string(a + 1) + " of signal " + def.name);
    zro_notify_signal(*i, args);
}

void DynamicSource::on_call(std::string_view method, CallHandler handler) {
    call_handlers_[method_index_or_throw(method)] = [h = std::move(handler)](std::vector<Value> args, Responder r) {
        r.reply(h(args));
    };
}

void DynamicSource::on_call_deferred(std::string_view method, DeferredCallHandler handler) {
    call_handlers_[method_index_or_throw(method)] = std::move(handler);
}

void DynamicSource::on_write(std::string_view property, WriteHandler handler) {
    write_handlers_[property_index_or_throw(property)] = std::move(handler);
}

void DynamicSource::zro_handle_write(std::size_t index, Value value) {
    if (write_handlers_[index]) {
        Value adjusted = write_handlers_[index](value);
        const PropertyDef& def = schema_.properties()[index];
        if (!schema_.accepts(def.parsed_type, adjusted))
            schema_.check(def.parsed_type, adjusted, "property '" + def.name + "' (as adjusted by its write handler)");
        value = std::move(adjusted);
    }
    store(index, std::move(value));
}

void DynamicSource::zro_handle_call(std::size_t index, std::vector<Value> args, Responder responder) {
    if (!call_handlers_[index]) {
        responder.fail("method '" + schema_.methods()[index].name + "' has no handler on the source");
        return;
    }
    call_handlers_[index](std::move(args), std::move(responder));
}

} // namespace zro
