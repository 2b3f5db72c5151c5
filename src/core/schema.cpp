// zro — shared live objects over ZeroMQ.
// Building a Schema (add_*), looking members up, and resolving type spellings against it. The
// other jobs are in their own files: the grammar in type.cpp, validation in schema_checks.cpp,
// value checks in schema_values.cpp, the signature in schema_signature.cpp, the Value form in
// schema_wire.cpp.
#include "schema_rules.hpp"

namespace zro {
namespace {

template <class Def>
std::optional<std::size_t> index_of(const std::vector<Def>& items, std::string_view name) {
    for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].name == name) return i;
    return std::nullopt;
}

std::string unknown_type(std::string_view text, const std::string& name) {
    using schema_rules::quoted;
    if (name == "void") return "'void' is only allowed as a method return type";
    if (name == text) return "unknown type " + quoted(text);
    return "unknown type " + quoted(name) + " in " + quoted(text);
}

// Stores the types check_* parsed in the definitions, with their canonical spellings.
void store(std::vector<Parameter>& params, const std::vector<Type>& types) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        params[i].parsed_type = types[i];
        params[i].type = types[i].spelling();
    }
}

} // namespace

// ---- free functions -------------------------------------------------------------------------

std::string_view to_string(PropertyMode m) noexcept {
    switch (m) {
    case PropertyMode::read_push: return "READPUSH";
    case PropertyMode::read_write: return "READWRITE";
    case PropertyMode::read_only: return "READONLY";
    case PropertyMode::constant: return "CONSTANT";
    case PropertyMode::source_only_setter: return "SOURCEONLYSETTER";
    }
    return "INVALID";
}

std::optional<PropertyMode> property_mode_from_string(std::string_view s) noexcept {
    for (auto m : {PropertyMode::read_push, PropertyMode::read_write, PropertyMode::read_only,
                   PropertyMode::constant, PropertyMode::source_only_setter})
        if (to_string(m) == s) return m;
    return std::nullopt;
}

std::optional<std::string> normalize_type(std::string_view type) {
    try {
        return Type::parse(type).spelling();
    } catch (const Error&) {
        return std::nullopt;
    }
}

// ---- types ----------------------------------------------------------------------------------

std::optional<Type> Schema::resolve(const Type& t, bool top, std::string& unknown) const {
    switch (t.kind()) {
    case Type::Kind::none:
        if (top) return t;
        unknown = "void";
        return std::nullopt;
    case Type::Kind::list: {
        auto element = resolve(t.element(), false, unknown);
        if (!element) return std::nullopt;
        return Type::list_of(std::move(*element));
    }
    case Type::Kind::map: {
        auto key = resolve(t.key(), false, unknown);
        if (!key) return std::nullopt;
        auto mapped = resolve(t.mapped(), false, unknown);
        if (!mapped) return std::nullopt;
        return Type::map_of(std::move(*key), std::move(*mapped));
    }
    case Type::Kind::named:
    case Type::Kind::enumeration:
    case Type::Kind::pod:
        if (auto i = index_of(enums_, t.name()))
            return Type(Type::Kind::enumeration, t.parts_, static_cast<std::uint32_t>(*i));
        if (auto i = index_of(pods_, t.name()))
            return Type(Type::Kind::pod, t.parts_, static_cast<std::uint32_t>(*i));
        unknown = t.name();
        return std::nullopt;
    default: return t;
    }
}

Type Schema::parse_type(std::string_view text) const {
    std::string unknown;
    auto resolved = resolve(Type::parse(text), true, unknown);
    if (!resolved) throw Error(ErrorCode::invalid_schema, unknown_type(text, unknown));
    return std::move(*resolved);
}

void Schema::resolve_all() {
    using namespace schema_rules;
    validate();
    for (std::size_t i = 0; i < pods_.size(); ++i) store(pods_[i].fields, check_pod(*this, pods_[i], i));
    for (auto& p : properties_) {
        p.parsed_type = check_property(*this, p);
        p.type = p.parsed_type.spelling();
    }
    for (auto& s : signals_) store(s.params, check_signal(*this, s));
    for (auto& m : methods_) {
        const std::vector<Type> types = check_method(*this, m);
        store(m.params, types);
        m.parsed_return_type = types.back();
        m.return_type = types.back().spelling();
    }
    invalidate_cache();
}

// ---- building -------------------------------------------------------------------------------

Schema::Schema(std::string type_name) : type_name_(std::move(type_name)) {
    schema_rules::check_class_name(type_name_);
}

// The add_* calls store types in canonical spelling, so properties()[i].type is what the
// signature and the wire carry ("int" comes back as "int32").
Schema& Schema::add_enum(std::string name,
                         std::vector<std::pair<std::string, std::int64_t>> values) {
    using namespace schema_rules;
    EnumDef e{std::move(name), std::move(values)};
    check_enum(*this, e);
    check_new_type_name(*this, "enum", e.name);
    check_new_name(*this, "enum", enums_, e.name);
    enums_.push_back(std::move(e));
    invalidate_cache();
    return *this;
}

Schema& Schema::add_pod(std::string name, std::vector<Parameter> fields) {
    using namespace schema_rules;
    PodDef p{std::move(name), std::move(fields)};
    const std::vector<Type> types = check_pod(*this, p, pods_.size());
    check_new_type_name(*this, "POD", p.name);
    check_new_name(*this, "POD", pods_, p.name);
    store(p.fields, types);
    pods_.push_back(std::move(p));
    invalidate_cache();
    return *this;
}

Schema& Schema::add_property(std::string name, std::string type, Value default_value,
                             PropertyMode mode, bool coalesce) {
    using namespace schema_rules;
    PropertyDef p{std::move(name), std::move(type), std::move(default_value), mode, coalesce, {}};
    p.parsed_type = check_property(*this, p);
    p.type = p.parsed_type.spelling();
    check_new_name(*this, "property", properties_, p.name);
    properties_.push_back(std::move(p));
    invalidate_cache();
    return *this;
}

Schema& Schema::add_signal(std::string name, std::vector<Parameter> params) {
    using namespace schema_rules;
    SignalDef s{std::move(name), std::move(params)};
    const std::vector<Type> types = check_signal(*this, s);
    check_new_name(*this, "signal", signals_, s.name);
    store(s.params, types);
    signals_.push_back(std::move(s));
    invalidate_cache();
    return *this;
}

Schema& Schema::add_method(std::string name, std::vector<Parameter> params,
                           std::string return_type) {
    using namespace schema_rules;
    MethodDef m{std::move(name), std::move(params), std::move(return_type), {}};
    const std::vector<Type> types = check_method(*this, m);
    check_new_name(*this, "method", methods_, m.name);
    store(m.params, types);
    m.parsed_return_type = types.back();
    m.return_type = types.back().spelling();
    methods_.push_back(std::move(m));
    invalidate_cache();
    return *this;
}

Schema& Schema::add_model(std::string name, std::vector<std::string> roles) {
    using namespace schema_rules;
    ModelDef m{std::move(name), std::move(roles)};
    check_model(*this, m);
    check_new_name(*this, "model", models_, m.name);
    if (property_index(m.name)) invalid(*this, "model " + quoted(m.name), "a property has that name");
    models_.push_back(std::move(m));
    invalidate_cache();
    return *this;
}

// ---- lookups --------------------------------------------------------------------------------

std::optional<std::size_t> Schema::property_index(std::string_view name) const noexcept {
    return index_of(properties_, name);
}

std::optional<std::size_t> Schema::signal_index(std::string_view name) const noexcept {
    return index_of(signals_, name);
}

std::optional<std::size_t> Schema::method_index(std::string_view name) const noexcept {
    return index_of(methods_, name);
}

std::optional<std::size_t> Schema::model_index(std::string_view name) const noexcept {
    return index_of(models_, name);
}

const EnumDef* Schema::find_enum(std::string_view name) const noexcept {
    auto i = index_of(enums_, name);
    return i ? &enums_[*i] : nullptr;
}

const PodDef* Schema::find_pod(std::string_view name) const noexcept {
    auto i = index_of(pods_, name);
    return i ? &pods_[*i] : nullptr;
}

bool Schema::operator==(const Schema& o) const {
    return type_name_ == o.type_name_ && enums_ == o.enums_ && pods_ == o.pods_ &&
           properties_ == o.properties_ && signals_ == o.signals_ && methods_ == o.methods_ &&
           models_ == o.models_;
}

} // namespace zro
