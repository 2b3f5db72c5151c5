// zro — shared live objects over ZeroMQ.
#include <zro/host.hpp>
#include <zro/node.hpp>

#include "api/model_source.hpp"
#include "discovery/agent.hpp"
#include "engine/client/client_trust.hpp"
#include "engine/client/replica_core.hpp"
#include "engine/host/host_engine.hpp"
#include "engine/host/host_security.hpp"
#include "engine/node_core.hpp"
#include "wire/url.hpp"

#include <optional>

namespace zro {

namespace {

/// The node's registry connection (engine/discovery_port.hpp): a dynamic replica of the
/// `Registry` object, owned by the node; discovery only uses it.
class ReplicaRegistryClient final : public detail::RegistryClient {
public:
    explicit ReplicaRegistryClient(std::unique_ptr<DynamicReplica> replica) : replica_(std::move(replica)) {}
    bool valid() const override { return replica_->valid(); }
    Value sources() const override { return replica_->property("sources"); }
    PendingReply<Value> invoke(const std::string& method, std::vector<Value> args,
                               std::chrono::milliseconds timeout) override {
        return replica_->invoke(method, std::move(args), timeout);
    }
    void on_change(std::function<void(bool)> fn) override {
        auto shared = std::make_shared<std::function<void(bool)>>(std::move(fn));
        DynamicReplica* r = replica_.get();
        replica_->on_property_changed([shared, r](std::string_view name, const Value&) {
            if (name == "sources") (*shared)(r->valid());
        });
        replica_->on_initialized([shared, r] { (*shared)(r->valid()); });
        replica_->on_state_changed([shared](ReplicaState now, ReplicaState) { (*shared)(now == ReplicaState::valid); });
    }

private:
    std::unique_ptr<DynamicReplica> replica_;
};

} // namespace

void Timer::cancel() {
    if (auto core = core_.lock()) {
        const auto id = id_;
        core->exec([&] { core->loop()->cancel_timer(id); });
    }
    core_.reset();
}

Node::Node(NodeOptions options) : Node(std::move(options), nullptr) {}

Node::Node(NodeOptions options, const Node* loop_of)
    : core_(std::make_shared<detail::NodeCore>(std::move(options), loop_of ? loop_of->core_->loop() : nullptr)),
      owns_loop_(loop_of == nullptr) {
    const auto& o = core_->options();
    if (!o.discovery && o.registry_url.empty()) return;
    // Discovery (discovery/agent.hpp). The registry replica is acquired before the agent is
    // installed, so "Registry" itself is not looked up by discovery. On the loop's thread: a
    // node on another node's loop may be made while that loop runs.
    core_->exec([&] {
        std::unique_ptr<detail::RegistryClient> registry;
        if (!o.registry_url.empty()) {
            connect_to(o.registry_url);
            registry = std::make_unique<ReplicaRegistryClient>(acquire_dynamic("Registry"));
        }
        auto agent = std::make_shared<detail::DiscoveryAgent>(*core_);
        core_->start_discovery(std::move(registry), agent);
        agent->start();
    });
}

Node::~Node() {
    if (!owns_loop_) {
        // The loop may go on for the node that owns it: tear down on its thread (inline when it
        // does not run).
        core_->exec([&] { core_->shutdown(); });
        return;
    }
    stop();
    // The loop thread is gone now; tear down on this thread.
    core_->shutdown();
}

void Node::connect_to(std::string_view url) {
    core_->exec([&] { core_->connect_to(url); });
}

std::unique_ptr<DynamicReplica> Node::acquire_dynamic(std::string_view name) {
    std::unique_ptr<DynamicReplica> replica(new DynamicReplica());
    attach_replica(*replica, name);
    return replica;
}

std::shared_ptr<ModelReplica> Node::acquire_model(std::string_view name, ModelOptions options) {
    std::shared_ptr<DynamicReplica> replica(new DynamicReplica());
    ModelReplica& model = replica->zro_expect_model(detail::ModelSource::member_name);
    if (options.cache_size > 0) model.set_cache_size(options.cache_size);
    model.set_roles(options.roles);  // before any window: the first fetch asks for these
    if (options.prefetch_rows > 0) model.set_window({}, 0, options.prefetch_rows);
    attach_replica(*replica, name);
    return std::shared_ptr<ModelReplica>(replica, &model);  // owns the replica, points at its model
}

void Node::attach_replica(Replica& replica, std::string_view name) { Replica::attach(*core_, replica, name); }

PendingReply<Value> Node::list_objects(std::string_view url, std::chrono::milliseconds timeout) {
    std::optional<PendingReply<Value>> reply;
    core_->exec([&] {
        core_->connect_to(url);
        reply = core_->list_objects(detail::wire::parse_url(url).str(), timeout);
    });
    return *reply;
}

void Node::hint_server_key(std::string_view url, std::string_view z85_key) {
    const std::string canonical = detail::wire::parse_url(url).str();
    const std::string key(z85_key);
    core_->exec([&] { core_->trust()->hint(canonical, key); });
}

void Node::run() { core_->loop()->run(); }

void Node::run_for(std::chrono::milliseconds duration) {
    auto loop = core_->loop();
    const auto timer = loop->add_timer(duration, [loop] { loop->stop(); });
    loop->run();
    loop->cancel_timer(timer);
}

void Node::start() {
    if (core_->loop_thread().joinable()) return;
    core_->loop_thread() = std::thread([loop = core_->loop()] { loop->run(); });
    // Return only once the loop runs, so exec() and blocking helpers see it as running.
    while (!core_->loop()->running()) std::this_thread::yield();
}

void Node::stop() {
    core_->loop()->stop();
    auto& thread = core_->loop_thread();
    if (thread.joinable() && thread.get_id() != std::this_thread::get_id()) thread.join();
}

void Node::post(std::function<void()> fn) { core_->loop()->post(std::move(fn)); }

Timer Node::add_timer(std::chrono::milliseconds interval, std::function<void()> fn, bool repeat) {
    Timer t;
    t.core_ = core_;
    core_->exec([&] { t.id_ = core_->loop()->add_timer(interval, std::move(fn), repeat); });
    return t;
}

const std::string& Node::node_id() const noexcept { return core_->node_id(); }
const NodeOptions& Node::options() const noexcept { return core_->options(); }

// ---- Host ----------------------------------------------------------------------------------------

Host::Host(std::string_view url, NodeOptions options) : Node(std::move(options)) {
    core_->start_host(url);
}

Host::Host(std::string_view url, NodeOptions options, const Node& loop_of) : Node(std::move(options), &loop_of) {
    core_->exec([&] { core_->start_host(url); });
}

const std::string& Host::url() const noexcept { return core_->host()->url(); }

const std::string& Host::public_key() const noexcept { return core_->options().security.keys.public_key; }

std::size_t Host::reload_allow_list() {
    std::size_t n = 0;
    core_->exec([&] {
        if (!core_->host() || !core_->host()->security())
            throw Error(ErrorCode::invalid_state, "reload_allow_list: this host has no security (no key pair)");
        n = core_->host()->security()->reload();
    });
    return n;
}

Registration Host::enable_remoting(Source& source, std::string_view name) {
    core_->exec([&] {
        // Sub-objects first, so a replica that sees the parent finds them already shared.
        source.zro_share_children(*this, std::string(name));
        try {
            core_->host()->enable(source, name);
        } catch (...) {
            source.zro_withdraw_children();
            throw;
        }
    });
    Registration r;
    r.core_ = core_;
    r.name_ = std::string(name);
    return r;
}

Registration Host::enable_remoting(ItemModel& model, std::string_view name, std::vector<std::string> roles) {
    core_->exec([&] { core_->host()->enable_owned(std::make_unique<detail::ModelSource>(model, std::move(roles)), name); });
    Registration r;
    r.core_ = core_;
    r.name_ = std::string(name);
    return r;
}

void Registration::withdraw() {
    auto core = std::exchange(core_, {}).lock();
    if (!core) return;
    core->exec([&] {
        if (core->host()) core->host()->disable(name_);
    });
}

} // namespace zro
