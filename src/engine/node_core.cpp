// zro — shared live objects over ZeroMQ.
#include "engine/node_core.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "engine/host/host_engine.hpp"
#include "engine/client/link.hpp"
#include "engine/client/replica_core.hpp"
#include "core/keys.hpp"
#include "engine/client/client_trust.hpp"
#include "engine/shared_context.hpp"
#include "engine/host/host_security.hpp"

#include <zro/error.hpp>

#include <future>

namespace zro::detail {

NodeCore::NodeCore(NodeOptions options, std::shared_ptr<Loop> loop)
    : loop_(loop ? std::move(loop) : std::make_shared<Loop>()), context_(shared_context()), options_(std::move(options)),
      node_id_(hex_id(random_u64())) {
    if (options_.heartbeat_interval < std::chrono::milliseconds(10))
        throw Error(ErrorCode::bad_arguments, "heartbeat_interval must be at least 10 ms");
    if (options_.max_message_size < 4096) throw Error(ErrorCode::bad_arguments, "max_message_size must be at least 4096");
    if (options_.name.empty()) options_.name = node_id_;
    resolve_keys(options_.security);  // loads key_file; throws on a bad or too-open key file
    trust_ = std::make_shared<ClientTrust>(options_.security);
    link_heartbeat_changed();  // arms the tick
}

std::chrono::milliseconds NodeCore::tick_period() const {
    // Four ticks per heartbeat: suspicion is noticed within a quarter interval of the deadline.
    auto shortest = options_.heartbeat_interval;
    for (auto& l : links_) shortest = std::min(shortest, l->heartbeat());
    return std::max(shortest / 4, std::chrono::milliseconds(5));
}

void NodeCore::link_heartbeat_changed() {
    if (shut_down_) return;
    const auto period = tick_period();
    if (period == tick_period_) return;
    if (tick_timer_ != 0) loop_->cancel_timer(tick_timer_);
    tick_period_ = period;
    tick_timer_ = loop_->add_timer(period, [this] { tick(); }, true);
}

NodeCore::~NodeCore() { shutdown(); }

void NodeCore::shutdown() {
    if (shut_down_) return;
    shut_down_ = true;
    loop_->cancel_timer(tick_timer_);
    // Withdraw the mDNS service and registry entries before any socket closes; the registry
    // replica goes with discovery, while its link still works.
    if (discovery_) discovery_->shutdown();
    registry_.reset();
    if (host_) host_->disable_all();
    for (auto& l : links_) {
        for (auto& r : all_replicas()) r->on_link_closed(*l);
        l->close();
    }
    links_.clear();
    for (auto& r : all_replicas()) r->orphan();
    replicas_.clear();
    host_.reset();
    discovery_.reset();
}

void NodeCore::exec(const std::function<void()>& fn) {
    if (loop_->in_loop_thread() || !loop_->running()) {
        fn();
        return;
    }
    auto done = std::make_shared<std::promise<void>>();
    auto fut = done->get_future();
    loop_->post([&fn, done] {
        try {
            fn();
            done->set_value();
        } catch (...) {
            done->set_exception(std::current_exception());
        }
    });
    fut.get();
}

void NodeCore::connect_to(std::string_view url) {
    for (auto& l : links_)
        if (l->url() == wire::parse_url(url).str()) return;  // already connected
    links_.push_back(std::make_unique<Link>(*this, url));
}

void NodeCore::disconnect(std::string_view url) {
    const std::string canonical = wire::parse_url(url).str();
    for (auto it = links_.begin(); it != links_.end(); ++it) {
        if ((*it)->url() != canonical) continue;
        auto link = std::move(*it);
        links_.erase(it);
        for (auto& r : all_replicas()) r->on_link_closed(*link);
        link->close();
        link_heartbeat_changed();  // its host may have been the fastest
        return;
    }
}

void NodeCore::add_replica(std::shared_ptr<ReplicaCore> replica) {
    auto& list = replicas_[replica->name()];
    list.push_back(std::move(replica));
    if (discovery_) discovery_->wanted(list.back()->name());
    list.back()->tick(Loop::Clock::now());  // acquire now if a host is already welcomed
}

void NodeCore::remove_replica(const ReplicaCore* replica) {
    auto it = replicas_.find(replica->name());
    if (it == replicas_.end()) return;
    std::erase_if(it->second, [&](const auto& p) { return p.get() == replica; });
    if (it->second.empty()) replicas_.erase(it);
}

std::vector<std::shared_ptr<ReplicaCore>> NodeCore::replicas_named(const std::string& name) const {
    auto it = replicas_.find(name);
    if (it == replicas_.end()) return {};
    return it->second;
}

std::vector<std::shared_ptr<ReplicaCore>> NodeCore::all_replicas() const {
    std::vector<std::shared_ptr<ReplicaCore>> all;
    for (auto& [name, list] : replicas_) all.insert(all.end(), list.begin(), list.end());
    return all;
}

bool NodeCore::has_link(const std::string& url) const {
    for (auto& l : links_)
        if (l->url() == url) return true;
    return false;
}

bool NodeCore::link_in_use(const std::string& url) const {
    for (auto& [name, list] : replicas_)
        for (auto& r : list)
            if (r->link() && r->link()->url() == url) return true;
    return false;
}

std::optional<PendingReply<Value>> NodeCore::list_objects(const std::string& url, std::chrono::milliseconds timeout) {
    for (auto& l : links_)
        if (l->url() == url) return l->list_objects(timeout);
    return std::nullopt;
}

std::optional<DiscoveryPort::Hosted> NodeCore::hosted() const {
    if (!host_) return std::nullopt;
    return Hosted{host_->url(), host_->object_list()};
}

HostEngine& NodeCore::start_host(std::string_view url) {
    if (host_) throw Error(ErrorCode::invalid_state, "this node is already a host (on " + host_->url() + ")");
    host_ = std::make_shared<HostEngine>(loop_, *context_, url, options_, node_id_);
    return *host_;
}

void NodeCore::start_discovery(std::unique_ptr<RegistryClient> registry, std::shared_ptr<Discovery> discovery) {
    registry_ = std::move(registry);
    discovery_ = std::move(discovery);
}

void NodeCore::tick() {
    const auto now = Loop::Clock::now();
    // A late tick means this node's own loop was busy (a long callback, a big replay): what the
    // hosts sent meanwhile may still wait unread in the sockets, so silence cannot be judged
    // now. Skip this round; the next one, a quarter interval later, comes after the sockets were
    // read (Fault.SlowReplicaCallbacks: a replica busy 3 s in its own callbacks took its host
    // for silent while the host's heartbeats sat in its SUB socket).
    const bool late = last_tick_ != Loop::Clock::time_point{} && now - last_tick_ > 2 * tick_period_;
    last_tick_ = now;
    if (late) return;
    for (auto& l : links_) l->tick(now);
    for (auto& r : all_replicas()) r->tick(now);
}

} // namespace zro::detail
