// zro — shared live objects over ZeroMQ.
// A model change (zro::ModelChange) as a line of `zro watch`: its JSON fields and its text.

#include "json_value.hpp"
#include "model_access.hpp"
#include "model_verbs.hpp"

namespace zro::cli {

namespace {

const char* op_name(ModelChange::Kind k) {
    switch (k) {
    case ModelChange::Kind::reset: return "reset";
    case ModelChange::Kind::rows_inserted: return "rows_inserted";
    case ModelChange::Kind::rows_removed: return "rows_removed";
    case ModelChange::Kind::rows_moved: return "rows_moved";
    case ModelChange::Kind::columns_inserted: return "columns_inserted";
    case ModelChange::Kind::columns_removed: return "columns_removed";
    case ModelChange::Kind::columns_moved: return "columns_moved";
    case ModelChange::Kind::data_changed: return "data_changed";
    case ModelChange::Kind::header_changed: return "header_changed";
    }
    return "?";
}

Value path_value(const ModelPath& p) { return Value(Value::List(p.begin(), p.end())); }

// "rows 2-4", "row 2": an inclusive range as people read it.
std::string span(const char* what, std::size_t first, std::size_t count) {
    if (count <= 1) return std::string(what) + " " + std::to_string(first);
    return std::string(what) + "s " + std::to_string(first) + "-" + std::to_string(first + count - 1);
}

std::vector<std::string> role_list(const ModelChange& c, const std::vector<std::string>& roles) {
    std::vector<std::string> out;
    for (std::size_t r : c.roles) out.push_back(r < roles.size() ? roles[r] : std::to_string(r));
    return out;
}

} // namespace

Value::Map model_change_fields(const ModelChange& c, const std::vector<std::string>& roles) {
    auto kv = [](const char* k, Value v) { return std::pair<Value, Value>(Value(k), std::move(v)); };
    Value::Map f{kv("op", op_name(c.kind))};
    using K = ModelChange::Kind;
    if (c.kind == K::reset) return f;
    if (c.kind != K::header_changed) f.push_back(kv("parent", path_value(c.parent)));
    f.push_back(kv("first", c.first));
    f.push_back(kv("count", c.count));
    if (c.kind == K::rows_moved) {
        f.push_back(kv("to_parent", path_value(c.to_parent)));
        f.push_back(kv("destination", c.destination));
    }
    if (c.kind == K::columns_moved) f.push_back(kv("destination", c.destination));
    if (c.kind == K::data_changed) {
        f.push_back(kv("first_column", c.first_column));
        f.push_back(kv("last_column", c.last_column));
        Value::List names;
        for (auto& n : role_list(c, roles)) names.push_back(Value(n));
        f.push_back(kv("roles", Value(std::move(names))));  // empty: every role
    }
    return f;
}

std::string model_change_text(const ModelChange& c, const std::vector<std::string>& roles) {
    using K = ModelChange::Kind;
    const std::string under = " under " + path_text(c.parent);
    switch (c.kind) {
    case K::reset: return "reset";
    case K::rows_inserted: return "inserted " + span("row", c.first, c.count) + under;
    case K::rows_removed: return "removed " + span("row", c.first, c.count) + under;
    case K::rows_moved:
        return "moved " + span("row", c.first, c.count) + under + " to row " + std::to_string(c.destination) + " under " +
               path_text(c.to_parent);
    case K::columns_inserted: return "inserted " + span("column", c.first, c.count) + under;
    case K::columns_removed: return "removed " + span("column", c.first, c.count) + under;
    case K::columns_moved:
        return "moved " + span("column", c.first, c.count) + under + " to column " + std::to_string(c.destination);
    case K::data_changed: {
        std::string text = "changed " + span("row", c.first, c.count) + under + " " +
                           span("column", c.first_column, c.last_column - c.first_column + 1);
        const auto names = role_list(c, roles);
        return text + " roles " + (names.empty() ? std::string("(all)") : join_names(names));
    }
    case K::header_changed: return "header " + span("section", c.first, c.count) + " changed";
    }
    return "?";
}

} // namespace zro::cli
