// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The MODEL members of a `zro serve` mock: one zro::StandardItemModel per member, with the
/// member's roles and one column, set in the source before it is shared, edited by stdin lines
/// ({"model":NAME, OPERATION...}, docs/CLI.md "zro serve") and by replicas (set_data: every
/// item is editable until a line says otherwise; each accepted write is printed as a
/// {"event":"model_write",...} line).

#include "json_value.hpp"

#include <zro/dynamic_source.hpp>
#include <zro/standard_item_model.hpp>

#include <map>
#include <memory>
#include <string>

namespace zro::cli {

class ServedModels {
public:
    /// Makes the models of `source`'s MODEL members and sets them in it.
    explicit ServedModels(DynamicSource& source);
    ServedModels(const ServedModels&) = delete;
    ServedModels& operator=(const ServedModels&) = delete;
    ~ServedModels();

    /// Applies one stdin line naming a model ({"model":NAME,...}). Throws CliError (or
    /// zro::Error from the model: an item out of range) describing what is wrong with it.
    void handle_line(const Json& line);

private:
    class Model;
    Model& find(const std::string& name);
    DynamicSource& source_;
    std::map<std::string, std::unique_ptr<Model>, std::less<>> models_;
};

} // namespace zro::cli
