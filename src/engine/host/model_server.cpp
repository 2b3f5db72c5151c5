// zro — shared live objects over ZeroMQ.
// HostEngine, item models: the MODEL members of shared objects. Each change a model reports
// becomes one event in its object's (epoch, seq) stream, carrying the values of the changed
// rows that lie inside some replica's window (push, not invalidate-then-fetch); replicas fetch
// other rows and register windows with FETCH, and write items with MODEL_SET
// (docs/PROTOCOL.md "Item models").
#include "engine/host/host_engine.hpp"

#include "model/model_paths.hpp"
#include "model/model_text.hpp"
#include "wire/messages.hpp"

#include <zro/error.hpp>
#include <zro/source.hpp>

#include <algorithm>

namespace zro::detail {

using namespace wire;
using Kind = ModelChange::Kind;

namespace {

constexpr std::size_t no_role = static_cast<std::size_t>(-1);
/// Most rows one FETCH answers, and the longest window (a view shows far fewer).
constexpr std::size_t max_fetch_rows = 10000;
/// Windows one peer may hold over all objects of a host.
constexpr std::size_t max_windows_per_peer = 256;

// Operation codes inside a model event [2, model, [op, ...]].
constexpr std::uint64_t op_reset = 0, op_rows_inserted = 1, op_rows_removed = 2, op_rows_moved = 3,
                        op_columns_inserted = 4, op_columns_removed = 5, op_columns_moved = 6, op_data_changed = 7,
                        op_header_changed = 8;

Value path_value(const ModelPath& p) { return Value::list_of(p); }

/// Per schema role: whether a payload carries its value (empty: every role). Roles no window
/// wants travel as nil and are never read from the model.
using RoleMask = std::vector<bool>;

/// [flags, [value per role]] of one item.
Value cell_value(const HostedModel& hm, const ModelPath& parent, std::size_t row, std::size_t column, const RoleMask& mask) {
    Value::List roles;
    roles.reserve(hm.roles.size());
    for (std::size_t i = 0; i < hm.roles.size(); ++i) {
        const std::size_t r = hm.roles[i];
        const bool wanted = mask.empty() || mask[i];
        roles.push_back(r == no_role || !wanted ? Value{} : hm.model->data(parent, row, column, r));
    }
    return Value::List{Value(hm.model->flags(parent, row, column)), Value(std::move(roles))};
}

/// [row, child rows, child columns, [cell per column]] (PROTOCOL.md "Row payload").
Value row_payload(const HostedModel& hm, const ModelPath& parent, std::size_t row, const RoleMask& mask) {
    ModelPath child = parent;
    child.push_back(row);
    const std::size_t columns = hm.model->column_count(parent);
    Value::List cells;
    cells.reserve(columns);
    for (std::size_t c = 0; c < columns; ++c) cells.push_back(cell_value(hm, parent, row, c, mask));
    const std::size_t children = hm.model->row_count(child);
    return Value::List{Value(row), Value(children), Value(children ? hm.model->column_count(child) : 0),
                       Value(std::move(cells))};
}

Value header_values(const HostedModel& hm, std::size_t section) {
    Value::List roles;
    for (std::size_t r : hm.roles) roles.push_back(r == no_role ? Value{} : hm.model->header_data(section, r));
    return Value(std::move(roles));
}

/// The rows of `parent` that `span(window)` ([begin, end), per window of that parent) selects,
/// below the parent's row count, ascending, each once.
template <class Span>
std::vector<std::size_t> rows_in_windows(const HostedModel& hm, const ModelPath& parent, Span span) {
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    const std::size_t rows = hm.model->row_count(parent);
    for (const ModelWindow& w : hm.windows) {
        if (w.parent != parent) continue;
        auto [b, e] = span(w);
        e = std::min(e, rows);
        if (b < e) ranges.emplace_back(b, e);
    }
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::size_t> out;
    std::size_t next = 0;
    for (auto [b, e] : ranges)
        for (std::size_t r = std::max(b, next); r < e; ++r) out.push_back(r), next = r + 1;
    return out;
}

/// Rows [first, first + count) of `parent` inside some window.
std::vector<std::size_t> windowed_rows(const HostedModel& hm, const ModelPath& parent, std::size_t first, std::size_t count) {
    return rows_in_windows(hm, parent, [&](const ModelWindow& w) {
        return std::make_pair(std::max(first, w.first), std::min(first + count, w.first + w.count));
    });
}

/// After `count` rows were inserted at `first`: the window positions that show another row
/// than before (the new rows, and rows pushed down into a window that starts below `first`).
std::vector<std::size_t> rows_entering_after_insert(const HostedModel& hm, const ModelPath& parent, std::size_t first, std::size_t count) {
    return rows_in_windows(hm, parent, [&](const ModelWindow& w) {
        const std::size_t lo = std::max(w.first, first);
        return std::make_pair(lo, std::min(w.first + w.count, lo + count));
    });
}

/// After `count` rows were removed at `first`: the window positions that show another row than
/// before (rows pulled up into the window from below it).
std::vector<std::size_t> rows_entering_after_remove(const HostedModel& hm, const ModelPath& parent, std::size_t first, std::size_t count) {
    return rows_in_windows(hm, parent, [&](const ModelWindow& w) {
        const std::size_t end = w.first + w.count;
        return std::make_pair(std::max({w.first, first, end > count ? end - count : 0}), end);
    });
}

/// The roles the windows on `parent` want together (empty: every role).
RoleMask window_roles(const HostedModel& hm, const ModelPath& parent) {
    RoleMask mask;
    for (const ModelWindow& w : hm.windows) {
        if (w.parent != parent) continue;
        if (w.roles.empty()) return {};
        if (mask.empty()) mask = w.roles;
        else
            for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = mask[i] || w.roles[i];
    }
    return mask;
}

/// Payloads of `rows` of `parent` with the roles in `mask`.
Value payloads(const HostedModel& hm, const ModelPath& parent, const std::vector<std::size_t>& rows, const RoleMask& mask) {
    Value::List out;
    out.reserve(rows.size());
    for (std::size_t r : rows) out.push_back(row_payload(hm, parent, r, mask));
    return Value(std::move(out));
}

/// Payloads of `rows` of `parent` pushed to its windows: the roles they want.
Value payloads(const HostedModel& hm, const ModelPath& parent, const std::vector<std::size_t>& rows) {
    if (rows.empty()) return Value(Value::List{});
    return payloads(hm, parent, rows, window_roles(hm, parent));
}

/// nil (no model) or [rows, columns, headers] of the root.
Value model_state(const HostedModel& hm) {
    if (!hm.model) return Value{};
    const std::size_t columns = hm.model->column_count({});
    Value::List headers;
    for (std::size_t c = 0; c < columns; ++c) headers.push_back(header_values(hm, c));
    return Value::List{Value(hm.model->row_count({})), Value(columns), Value(std::move(headers))};
}

bool moves_rows(Kind k) { return k == Kind::reset || k == Kind::rows_inserted || k == Kind::rows_removed || k == Kind::rows_moved; }

} // namespace

// ---- watching the sources' models --------------------------------------------------------------

void HostEngine::attach_models(HostedObject& obj) {
    const std::size_t n = obj.source->schema().models().size();
    for (std::size_t i = 0; i < n; ++i) {
        obj.models.push_back(std::make_unique<HostedModel>());
        watch_model(obj, i);
    }
}

void HostEngine::watch_model(HostedObject& obj, std::size_t index) {
    HostedModel& hm = *obj.models.at(index);
    hm.watch.disconnect();
    hm.model = obj.source->model(index);
    hm.roles.clear();
    if (!hm.model) return;
    // Roles are matched by name: the schema's role i is whichever of the model's roles has its name.
    for (const std::string& role : obj.source->schema().models()[index].roles) {
        const std::size_t r = hm.model->role_index(role);
        hm.roles.push_back(r < hm.model->role_names().size() ? r : no_role);
    }
    hm.watch = hm.model->on_change([this, &obj, index](const ModelChange& c) { record_model_change(obj, index, c); });
}

void HostEngine::model_replaced(HostedObject& obj, std::size_t index) {
    if (index >= obj.models.size()) throw Error(ErrorCode::unknown_model, "'" + obj.name + "' has no model number " + std::to_string(index));
    watch_model(obj, index);
    record_model_change(obj, index, ModelChange{});  // a reset to the new model (or to none)
}

void HostEngine::record_model_change(HostedObject& obj, std::size_t index, const ModelChange& c) {
    HostedModel& hm = *obj.models[index];
    if (!hm.model && c.kind != Kind::reset) return;
    if (moves_rows(c.kind)) {
        // Windows follow the rows they show: a subtree's path changes when rows move above it.
        std::erase_if(hm.windows, [&](ModelWindow& w) {
            auto moved = path_after(w.parent, c);
            if (!moved) return true;
            w.parent = std::move(*moved);
            return false;
        });
    }
    Value::List op;
    switch (c.kind) {
    case Kind::reset:
        op = {Value(op_reset), model_state(hm),
              hm.model ? payloads(hm, {}, windowed_rows(hm, {}, 0, hm.model->row_count({}))) : Value(Value::List{})};
        break;
    // Structural changes carry the rows that now show in a window and did not before: the new or
    // moved rows, and rows shifted into a window from outside it.
    case Kind::rows_inserted:
        op = {Value(op_rows_inserted), path_value(c.parent), Value(c.first), Value(c.count), Value(hm.model->column_count(c.parent)),
              payloads(hm, c.parent, rows_entering_after_insert(hm, c.parent, c.first, c.count))};
        break;
    case Kind::rows_removed:
        op = {Value(op_rows_removed), path_value(c.parent), Value(c.first), Value(c.count),
              payloads(hm, c.parent, rows_entering_after_remove(hm, c.parent, c.first, c.count))};
        break;
    case Kind::rows_moved: {
        // Paths as they are now: the destination moved by the removal, the source by both.
        const ModelPath to = path_after(c.to_parent, ModelChange::of(Kind::rows_removed, c.parent, c.first, c.count)).value_or(c.to_parent);
        const ModelPath from = path_after(c.parent, c).value_or(c.parent);
        Value to_rows, from_rows = Value(Value::List{});
        if (from == to) {  // within one parent: every position between the two places changed
            const std::size_t lo = std::min(c.first, c.destination), hi = std::max(c.first, c.destination) + c.count;
            to_rows = payloads(hm, to, windowed_rows(hm, to, lo, hi - lo));
        } else {
            to_rows = payloads(hm, to, rows_entering_after_insert(hm, to, c.destination, c.count));
            from_rows = payloads(hm, from, rows_entering_after_remove(hm, from, c.first, c.count));
        }
        op = {Value(op_rows_moved), path_value(c.parent), Value(c.first), Value(c.count), path_value(c.to_parent),
              Value(c.destination), std::move(to_rows), std::move(from_rows)};
        break;
    }
    case Kind::columns_inserted:
        op = {Value(op_columns_inserted), path_value(c.parent), Value(c.first), Value(c.count),
              payloads(hm, c.parent, windowed_rows(hm, c.parent, 0, hm.model->row_count(c.parent)))};
        break;
    case Kind::columns_removed:
        op = {Value(op_columns_removed), path_value(c.parent), Value(c.first), Value(c.count)};
        break;
    case Kind::columns_moved:
        op = {Value(op_columns_moved), path_value(c.parent), Value(c.first), Value(c.count), Value(c.destination)};
        break;
    case Kind::data_changed: {
        // The model's role numbers become the schema's; a change of roles no replica sees is no event.
        Value::List roles;
        for (std::size_t i = 0; i < hm.roles.size(); ++i)
            if (hm.roles[i] != no_role && std::find(c.roles.begin(), c.roles.end(), hm.roles[i]) != c.roles.end())
                roles.emplace_back(static_cast<std::uint64_t>(i));
        if (!c.roles.empty() && roles.empty()) return;
        op = {Value(op_data_changed), path_value(c.parent), Value(c.first), Value(c.count), Value(c.first_column),
              Value(c.last_column), Value(std::move(roles)), payloads(hm, c.parent, windowed_rows(hm, c.parent, c.first, c.count))};
        break;
    }
    case Kind::header_changed: {
        Value::List sections;
        const std::size_t columns = hm.model->column_count({});
        for (std::size_t s = c.first; s < std::min(columns, c.first + c.count); ++s) sections.push_back(header_values(hm, s));
        op = {Value(op_header_changed), Value(c.first), Value(std::move(sections))};
        break;
    }
    }
    record_model_event(obj, index, Value(std::move(op)));
}

void HostEngine::record_model_event(HostedObject& obj, std::size_t index, const Value& operation) {
    const std::size_t before = obj.pending.size();
    encode_model_event(obj.pending, index, operation);
    if (obj.pending.size() - before > options_.max_message_size - 256) {
        // Too many pushed rows for one message: replicas get a reset and fetch their rows again.
        obj.pending.buffer().resize(before);
        log(LogLevel::warn, "host: a change of model ", index, " of '", obj.name, "' exceeds max_message_size; sending a reset");
        encode_model_event(obj.pending, index, Value{Value(op_reset), model_state(*obj.models[index]), Value(Value::List{})});
    }
    if (obj.pending_count++ == 0) obj.pending_first_seq = obj.seq + 1;
    ++obj.seq;
    schedule_flush(obj);
    if (obj.pending.size() > options_.max_message_size / 4) flush(obj);
}

Value::List HostEngine::model_states(const HostedObject& obj) const {
    Value::List out;
    for (const auto& hm : obj.models) out.push_back(model_state(*hm));
    return out;
}

// ---- windows -----------------------------------------------------------------------------------

void HostEngine::touch_peer(const std::string& rid) {
    if (auto it = window_peers_.find(rid); it != window_peers_.end()) it->second = Loop::Clock::now();
}

void HostEngine::expire_windows(Loop::Clock::time_point now) {
    const auto deadline = 3 * options_.heartbeat_interval;
    for (auto it = window_peers_.begin(); it != window_peers_.end();) {
        if (now - it->second < deadline) { ++it; continue; }
        for (auto& [name, obj] : objects_)
            for (auto& hm : obj->models) std::erase_if(hm->windows, [&](const ModelWindow& w) { return w.peer == it->first; });
        it = window_peers_.erase(it);
    }
}

// ---- requests ----------------------------------------------------------------------------------

void HostEngine::on_request(const std::string& rid, const Value& req, Fetch& m) {
    HostedObject* obj = find_object(m.object);
    if (!obj) return send_error(rid, req, ErrorCode::unknown_object, "no object '" + m.object + "' on host " + public_url_);
    const Schema& schema = obj->source->schema();
    const auto index = schema.model_index(m.model);
    if (!index) return send_error(rid, req, ErrorCode::unknown_model, "'" + m.object + "' (" + schema.type_name() + ") has no model '" + m.model + "'");
    HostedModel& hm = *obj->models[*index];
    const ModelPath parent(m.parent.begin(), m.parent.end());
    if (hm.model && !hm.model->valid_path(parent))
        return send_error(rid, req, ErrorCode::bad_arguments, "model '" + m.model + "' of '" + m.object + "' has no item " + path_text(parent));
    RoleMask wanted_roles;
    for (std::uint64_t r : m.roles) {
        const std::size_t roles = schema.models()[*index].roles.size();
        if (r >= roles)
            return send_error(rid, req, ErrorCode::bad_arguments, "model '" + m.model + "' of '" + m.object + "' has " +
                                                                      std::to_string(roles) + " roles: no role number " + std::to_string(r));
        wanted_roles.resize(roles);
        wanted_roles[static_cast<std::size_t>(r)] = true;
    }
    if (m.subscribe) {
        std::erase_if(hm.windows, [&](const ModelWindow& w) { return w.peer == rid && w.viewer == m.viewer && w.parent == parent; });
        if (m.count > 0) {
            std::size_t held = 0;
            for (auto& [name, o] : objects_)
                for (auto& h : o->models) held += static_cast<std::size_t>(std::count_if(h->windows.begin(), h->windows.end(), [&](const ModelWindow& w) { return w.peer == rid; }));
            if (held >= max_windows_per_peer)
                return send_error(rid, req, ErrorCode::bad_arguments, "a client may view at most " + std::to_string(max_windows_per_peer) + " model windows on one host");
            hm.windows.push_back({rid, m.viewer, parent, static_cast<std::size_t>(m.first),
                                  static_cast<std::size_t>(std::min<std::uint64_t>(m.count, max_fetch_rows)), wanted_roles});
            window_peers_[rid] = Loop::Clock::now();
        }
    }
    flush(*obj);  // the rows must be exactly the state at obj->seq
    const std::size_t rows = hm.model ? hm.model->row_count(parent) : 0;
    const std::size_t first = static_cast<std::size_t>(std::min<std::uint64_t>(m.first, rows));
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>({m.count, rows - first, max_fetch_rows}));
    for (;;) {
        std::vector<std::size_t> wanted(n);
        for (std::size_t i = 0; i < n; ++i) wanted[i] = first + i;
        Rows reply{req, obj->name, obj->epoch, obj->seq, m.model, m.parent, rows,
                   hm.model ? hm.model->column_count(parent) : 0, first,
                   hm.model ? std::move(payloads(hm, parent, wanted, wanted_roles).as_list()) : Value::List{}};
        scratch_.clear();
        reply.encode(scratch_);
        // Too big for one message: fewer rows (the replica asks for the rest when it needs them).
        if (scratch_.size() <= options_.max_message_size || n == 0) break;
        n /= 2;
    }
    if (scratch_.size() > options_.max_message_size)
        return send_error(rid, req, ErrorCode::too_large, "a row of model '" + m.model + "' exceeds max_message_size");
    send_to(rid, scratch_);
}

void HostEngine::on_request(const std::string& rid, const Value&, ModelSet& m) {
    auto reply = [&](ErrorCode code, const std::string& text) {
        scratch_.clear();
        if (code == ErrorCode::ok) Reply::success(m.call_id, Value{}).encode(scratch_);
        else Reply::failure(m.call_id, static_cast<std::uint64_t>(code), text).encode(scratch_);
        send_to(rid, scratch_);
    };
    HostedObject* obj = find_object(m.object);
    if (!obj) return reply(ErrorCode::unknown_object, "no object '" + m.object + "' on host " + public_url_);
    if (m.epoch != 0 && m.epoch != obj->epoch)
        return reply(ErrorCode::source_restarted, "'" + m.object + "' restarted since the replica last synchronized; write not applied");
    const Schema& schema = obj->source->schema();
    const auto index = schema.model_index(m.model);
    if (!index) return reply(ErrorCode::unknown_model, "'" + m.object + "' (" + schema.type_name() + ") has no model '" + m.model + "'");
    HostedModel& hm = *obj->models[*index];
    if (!hm.model) return reply(ErrorCode::unknown_model, "no model is set in '" + m.model + "' of '" + m.object + "'");
    const auto& roles = schema.models()[*index].roles;
    const auto role = std::find(roles.begin(), roles.end(), m.role);
    if (role == roles.end()) {
        std::string names;
        for (const auto& r : roles) names += (names.empty() ? "" : ", ") + r;
        return reply(ErrorCode::bad_arguments, "model '" + m.model + "' has no role '" + m.role + "' (roles: " + names + ")");
    }
    const std::size_t model_role = hm.roles[static_cast<std::size_t>(role - roles.begin())];
    if (model_role == no_role) return reply(ErrorCode::bad_arguments, "the model in '" + m.model + "' has no role '" + m.role + "'");
    const ModelPath parent(m.parent.begin(), m.parent.end());
    if (!hm.model->valid_path(parent)) return reply(ErrorCode::bad_arguments, "model '" + m.model + "' has no item " + path_text(parent));
    const std::size_t rows = hm.model->row_count(parent), columns = hm.model->column_count(parent);
    if (m.row >= rows || m.column >= columns)
        return reply(ErrorCode::bad_arguments, "item (" + std::to_string(m.row) + ", " + std::to_string(m.column) + ") under " +
                                                   path_text(parent) + " of model '" + m.model + "' is out of range (" +
                                                   std::to_string(rows) + " rows, " + std::to_string(columns) + " columns)");
    try {
        hm.model->set_data(parent, static_cast<std::size_t>(m.row), static_cast<std::size_t>(m.column), model_role, std::move(m.value));
    } catch (const Error& e) {
        // Codes of the protocol pass through (read_only, bad_arguments); local ones become handler_failed.
        const auto code = static_cast<std::uint16_t>(e.code()) < 100 ? e.code() : ErrorCode::handler_failed;
        return reply(code, e.what());
    } catch (const std::exception& e) {
        return reply(ErrorCode::handler_failed, std::string("write to model '") + m.model + "' refused: " + e.what());
    }
    reply(ErrorCode::ok, {});
}

} // namespace zro::detail
