// zro — shared live objects over ZeroMQ.
#include "engine/node_core.hpp"

#include "core/log.hpp"
#include "discovery/agent.hpp"
#include "engine/host_engine.hpp"
#include "engine/link.hpp"
#include "engine/replica_core.hpp"
#include "engine/security.hpp"

#include <zro/error.hpp>

#include <future>

namespace zro::detail {

std::shared_ptr<zmq::context_t> shared_context() {
    static std::mutex mutex;
    static std::weak_ptr<zmq::context_t> current;
    std::lock_guard lock(mutex);
    auto ctx = current.lock();
    if (!ctx) {
        ctx = std::make_shared<zmq::context_t>(1);
        current = ctx;
    }
    return ctx;
}

std::uint64_t random_u64() {
    static std::mutex mutex;
    static std::mt19937_64 gen{std::random_device{}() ^ (static_cast<std::uint64_t>(std::random_device{}()) << 32)};
    std::lock_guard lock(mutex);
    return gen();
}

std::string hex_id(std::uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 15];
    return s;
}

NodeCore::NodeCore(NodeOptions options)
    : loop(std::make_shared<Loop>()), context(shared_context()), options_(std::move(options)),
      node_id(hex_id(random_u64())) {
    if (options_.heartbeat_interval < std::chrono::milliseconds(10))
        throw Error(ErrorCode::bad_arguments, "heartbeat_interval must be at least 10 ms");
    if (options_.max_message_size < 4096) throw Error(ErrorCode::bad_arguments, "max_message_size must be at least 4096");
    if (options_.name.empty()) options_.name = node_id;
    resolve_keys(options_.security);  // loads key_file; throws on a bad or too-open key file
    trust = std::make_shared<ClientTrust>(options_.security);
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
    if (tick_timer_ != 0) loop->cancel_timer(tick_timer_);
    tick_period_ = period;
    tick_timer_ = loop->add_timer(period, [this] { tick(); }, true);
}

NodeCore::~NodeCore() { shutdown(); }

void NodeCore::shutdown() {
    if (shut_down_) return;
    shut_down_ = true;
    loop->cancel_timer(tick_timer_);
    // Withdraw the mDNS service and registry entries before any socket closes.
    if (discovery) discovery->shutdown();
    if (host) host->disable_all();
    for (auto& l : links_) {
        for (auto& r : all_replicas()) r->on_link_closed(*l);
        l->close();
    }
    links_.clear();
    for (auto& r : all_replicas()) r->orphan();
    replicas_.clear();
    host.reset();
    discovery.reset();
}

void NodeCore::exec(const std::function<void()>& fn) {
    if (loop->in_loop_thread() || !loop->running()) {
        fn();
        return;
    }
    auto done = std::make_shared<std::promise<void>>();
    auto fut = done->get_future();
    loop->post([&fn, done] {
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
    if (discovery) discovery->wanted(list.back()->name());
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
