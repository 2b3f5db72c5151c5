// zro — shared live objects over ZeroMQ.
// Item models for the command line: member and role lookup, --parent/--rows parsing, loading rows.

#include "model_access.hpp"

#include <algorithm>
#include <cctype>

namespace zro::cli {

namespace {
std::vector<std::string> model_names(const Schema& s) {
    std::vector<std::string> names;
    for (const auto& m : s.models()) names.push_back(m.name);
    return names;
}

std::size_t parse_number(const std::string& text, const std::string& what) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        text.size() > 18)
        throw CliError(Exit::usage, what + ": '" + text + "' is not a row number");
    return static_cast<std::size_t>(std::stoull(text));
}
} // namespace

const ModelDef& find_model(const Schema& s, const std::string& object, const std::string& name) {
    if (auto i = s.model_index(name)) return s.models()[*i];
    throw CliError(Exit::not_found, "no model '" + name + "' in " + object + " (class " + s.type_name() +
                                        "); models: " + join_names(model_names(s)));
}

const ModelDef& choose_model(const Schema& s, const std::string& object, const std::string& name) {
    if (!name.empty()) return find_model(s, object, name);
    if (s.models().size() == 1) return s.models()[0];
    if (s.models().empty()) throw CliError(Exit::not_found, object + " (class " + s.type_name() + ") has no models");
    // Several: the command line left out which (a usage error, as a missing argument is).
    throw CliError(Exit::usage, object + " (class " + s.type_name() + ") has several models: name one of " +
                                    join_names(model_names(s)));
}

ModelPath parse_path(const std::string& text) {
    ModelPath path;
    std::size_t start = 0;
    if (text.empty() || text == "/") return path;
    while (start <= text.size()) {
        auto slash = text.find('/', start);
        if (slash == std::string::npos) slash = text.size();
        path.push_back(parse_number(text.substr(start, slash - start), "--parent '" + text + "'"));
        start = slash + 1;
    }
    return path;
}

std::string path_text(const ModelPath& path) {
    std::string out = "[";
    for (std::size_t i = 0; i < path.size(); ++i) out += (i ? "," : "") + std::to_string(path[i]);
    return out + "]";
}

RowRange parse_rows(const std::string& text) {
    const std::string what = "--rows '" + text + "' (A:B, A:, :B or A)";
    RowRange r;
    const auto colon = text.find(':');
    if (colon == std::string::npos) {
        r.first = parse_number(text, what);
        r.end = r.first + 1;
        return r;
    }
    const std::string a = text.substr(0, colon), b = text.substr(colon + 1);
    if (!a.empty()) r.first = parse_number(a, what);
    if (!b.empty()) r.end = parse_number(b, what);
    if (r.end && *r.end < r.first) throw CliError(Exit::usage, what + ": ends before it starts");
    return r;
}

std::size_t find_role(const ModelDef& model, const std::string& role) {
    for (std::size_t i = 0; i < model.roles.size(); ++i)
        if (model.roles[i] == role) return i;
    throw CliError(Exit::not_found, "model '" + model.name + "' has no role '" + role + "'; roles: " + join_names(model.roles));
}

std::vector<std::size_t> parse_roles(const ModelDef& model, const std::string& wanted) {
    std::vector<std::size_t> out;
    if (wanted.empty()) {
        for (std::size_t i = 0; i < model.roles.size(); ++i) out.push_back(i);
        return out;
    }
    std::size_t start = 0;
    while (start <= wanted.size()) {
        auto comma = wanted.find(',', start);
        if (comma == std::string::npos) comma = wanted.size();
        out.push_back(find_role(model, wanted.substr(start, comma - start)));
        start = comma + 1;
    }
    return out;
}

bool run_until(Node& node, const std::function<bool()>& done, Clock::time_point deadline) {
    while (!done()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || interrupted()) return done();
        node.run_for(std::min(left, std::chrono::milliseconds(10)));
    }
    return true;
}

void load_parent(Node& node, ModelReplica& model, const ModelPath& parent, Clock::time_point deadline) {
    ModelPath at;  // the ancestor whose row is loaded next
    for (std::size_t row : parent) {
        const std::size_t rows = model.row_count(at);
        if (row >= rows)
            throw CliError(Exit::not_found, "--parent: no row " + std::to_string(row) + " under " + path_text(at) + " of model '" +
                                                model.name() + "' (" + std::to_string(rows) + " rows)");
        load_rows(node, model, at, row, row + 1, deadline);
        at.push_back(row);
    }
}

void load_rows(Node& node, ModelReplica& model, const ModelPath& parent, std::size_t first, std::size_t end,
               Clock::time_point deadline) {
    load_parent(node, model, parent, deadline);
    auto clipped_end = [&] { return std::min(end, model.row_count(parent)); };
    if (first >= clipped_end()) return;
    // The rows asked for must all stay held while they are printed (the cache drops the least
    // recently read beyond its size).
    if (model.cache_size() < end - first + 64) model.set_cache_size(end - first + 64);
    auto all_held = [&] {
        for (std::size_t r = first; r < clipped_end(); ++r)
            if (!model.cached(parent, r)) return false;
        return true;
    };
    if (all_held()) return;
    constexpr std::size_t most_rows_per_answer = 10000;  // the host clips a FETCH there (PROTOCOL.md §15)
    for (std::size_t at = first; at < clipped_end(); at += most_rows_per_answer)
        model.fetch(parent, at, std::min(most_rows_per_answer, clipped_end() - at));
    if (!run_until(node, all_held, deadline))
        throw CliError(Exit::timeout, "rows " + std::to_string(first) + " to " + std::to_string(clipped_end()) + " of " +
                                          path_text(parent) + " of model '" + model.name() + "' did not arrive in time");
}

} // namespace zro::cli
