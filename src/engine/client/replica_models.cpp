// zro — shared live objects over ZeroMQ.
// ReplicaCore, item models: FETCH and its ROWS answer, MODEL_SET. The model operations of the
// stream are applied with the other events (replica_core.cpp); the cache and the merging of
// fetched rows live in ModelReplica (src/api/model_replica*.{hpp,cpp}).
#include "engine/client/replica_core.hpp"

#include "core/log.hpp"
#include "engine/client/client_node.hpp"
#include "engine/client/link.hpp"

#include <zro/replica.hpp>

namespace zro::detail {

using namespace wire;

bool ReplicaCore::send_fetch(std::size_t model, std::uint64_t viewer, const ModelPath& parent, std::size_t first,
                             std::size_t count, bool subscribe, const std::vector<std::uint64_t>& roles) {
    if (orphaned_ || !link_ || state != ReplicaState::valid || !schema || model >= schema->models().size()) return false;
    const auto id = link_->next_request_id();
    Writer w;
    Fetch{Value(id), name_, schema->models()[model].name, viewer, std::vector<std::uint64_t>(parent.begin(), parent.end()),
          first, count, subscribe, roles}
        .encode(w);
    if (!link_->send(w)) return false;
    link_->track_request(id, this);
    fetches_[id] = model;
    return true;
}

void ReplicaCore::on_rows(Link& from, std::uint64_t req_id, Decoded<Rows>& answer) {
    auto f = fetches_.find(req_id);
    if (f == fetches_.end() || !owner_) return;  // asked before the last snapshot: stale
    const std::size_t model = f->second;
    fetches_.erase(f);
    auto* rows = std::get_if<Rows>(&answer);
    if (!rows) {
        malformed(std::get<MessageError>(answer).detail);
        return owner_->model_fetch_failed(model);
    }
    if (&from != link_ || rows->epoch != epoch_) return owner_->model_fetch_failed(model);
    owner_->deliver_rows(model, rows->seq, ModelPath(rows->parent.begin(), rows->parent.end()),
                         static_cast<std::size_t>(rows->row_count), static_cast<std::size_t>(rows->column_count),
                         static_cast<std::size_t>(rows->first), std::move(rows->rows), applied_);
}

PendingReply<Value> ReplicaCore::model_set(std::size_t model, const ModelPath& parent, std::size_t row, std::size_t column,
                                           const std::string& role, Value value, std::chrono::milliseconds timeout) {
    if (auto refused = refuse_call()) return std::move(*refused);
    if (!schema || model >= schema->models().size())
        return PendingReply<Value>::failed(ErrorCode::unknown_model, "replica '" + name_ + "' has no model number " + std::to_string(model));
    const auto id = link_->next_request_id();
    Writer w;
    ModelSet{id, name_, epoch_, schema->models()[model].name, std::vector<std::uint64_t>(parent.begin(), parent.end()), row, column,
             role, std::move(value)}
        .encode(w);
    return link_->start_call(*this, id, w, timeout);
}

} // namespace zro::detail
