// zro — shared live objects over ZeroMQ.
#pragma once
// The source behind a model shared at top level (`host.enable_remoting(model, name, roles)`):
// an object of class `ItemModel` with one MODEL member, `model`, and nothing else. The host
// owns it; the model stays the caller's.

#include <zro/item_model.hpp>
#include <zro/source.hpp>

namespace zro::detail {

class ModelSource final : public Source {
public:
    /// The class and member names replicas see (docs/PROTOCOL.md "Item models").
    static constexpr const char* class_name = "ItemModel";
    static constexpr const char* member_name = "model";

    ModelSource(ItemModel& model, std::vector<std::string> roles) : model_(model), schema_(class_name) {
        schema_.add_model(member_name, roles.empty() ? model.role_names() : std::move(roles));
    }

    const Schema& zro_schema() const override { return schema_; }
    Value zro_property_value(std::size_t index) const override {
        throw Error(ErrorCode::unknown_property, "ItemModel has no property number " + std::to_string(index));
    }
    void zro_handle_write(std::size_t, Value) override { throw Error(ErrorCode::unknown_property, "ItemModel has no properties"); }
    void zro_handle_call(std::size_t, std::vector<Value>, Responder responder) override {
        responder.fail("ItemModel has no methods", ErrorCode::unknown_method);
    }
    ItemModel* zro_model(std::size_t index) const override { return index == 0 ? &model_ : nullptr; }

private:
    ItemModel& model_;
    Schema schema_;
};

} // namespace zro::detail
