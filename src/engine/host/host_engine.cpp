// zro — shared live objects over ZeroMQ.
#include "engine/host/host_engine.hpp"

#include "core/log.hpp"
#include "core/random.hpp"
#include "engine/host/host_security.hpp"
#include "engine/socket_options.hpp"
#include "wire/messages.hpp"

#include <zro/error.hpp>
#include <zro/source.hpp>

#include <cerrno>

namespace zro::detail {

using namespace wire;

// ---- SourceLink --------------------------------------------------------------------------------

void SourceLink::attach(Source& s) { s.link_ = this; }
void SourceLink::detach(Source& s) { s.link_ = nullptr; }

std::vector<std::array<std::string, 3>> HostEngine::object_list() const {
    std::vector<std::array<std::string, 3>> out;
    for (const auto& [name, obj] : objects_)
        out.push_back({name, obj->source->schema().type_name(), obj->source->schema().signature()});
    std::sort(out.begin(), out.end());
    return out;
}

void SourceLink::property_changed(std::size_t index, const Value& value) { engine_.record_property(object_, index, value); }
void SourceLink::signal_emitted(std::size_t index, const std::vector<Value>& args) { engine_.record_signal(object_, index, args); }
void SourceLink::relay_position(std::uint64_t epoch, std::uint64_t seq, std::uint64_t signals) {
    engine_.relay_position(object_, epoch, seq, signals);
}
void SourceLink::set_unreachable(std::string reason) { engine_.set_unreachable(object_, std::move(reason)); }

// ---- set-up ------------------------------------------------------------------------------------

HostEngine::HostEngine(std::shared_ptr<Loop> loop, zmq::context_t& ctx, std::string_view url,
                       const NodeOptions& options, std::string node_id)
    : loop_(std::move(loop)), options_(options), node_id_(std::move(node_id)),
      router_(ctx, zmq::socket_type::router), xpub_(ctx, zmq::socket_type::xpub) {
    const Url parsed = parse_url(url);
    configure_router(router_, options_);
    configure_xpub(xpub_, options_);
    if (options_.security.enabled()) {
        // CURVE server on both sockets; the ZAP handler is bound before them (fails closed).
        security_ = std::make_unique<HostSecurity>(options_.security, node_id_, parsed.str());
        security_->configure(router_);
        security_->configure(xpub_);
    } else if (parsed.scheme == "tcp") {
        log(LogLevel::info, "host ", parsed.str(), ": security off (no key pair): plain traffic, any client may connect");
    }
    try {
        router_.bind(parsed.str());
    } catch (const zmq::error_t& e) {
        throw Error(ErrorCode::bind_failed, "cannot bind " + parsed.str() + ": " + e.what());
    }
    const std::string pub_bind = pub_bind_endpoint(parsed);
    try {
        xpub_.bind(pub_bind);
    } catch (const zmq::error_t& e) {
        throw Error(ErrorCode::bind_failed, "cannot bind the PUB endpoint " + pub_bind + ": " + e.what());
    }
    pub_endpoint_ = xpub_.get(zmq::sockopt::last_endpoint);
    public_url_ = parsed.str();
    if (parsed.scheme == "tcp") {
        // Report the real port when the caller asked for any free one.
        const std::string bound = router_.get(zmq::sockopt::last_endpoint);
        public_url_ = "tcp://" + parsed.address + bound.substr(bound.rfind(':'));
    }
    if (security_) security_->set_label(public_url_);
    loop_->add_socket(router_, [this] { on_router_readable(); });
    loop_->add_socket(xpub_, [this] { on_xpub_readable(); });
    heartbeat_timer_ = loop_->add_timer(options_.heartbeat_interval, [this] { heartbeat_all(); }, true);
    if (security_ && options_.security.allow_list_check_interval.count() > 0 && !options_.security.allowed_clients_dir.empty())
        allow_list_timer_ = loop_->add_timer(options_.security.allow_list_check_interval, [this] { security_->reload_if_changed(); }, true);
    log(LogLevel::info, "host ", node_id_, " serving at ", public_url_, " (updates at ", pub_endpoint_, ")");
}

HostEngine::~HostEngine() {
    disable_all();
    loop_->cancel_timer(heartbeat_timer_);
    if (allow_list_timer_) loop_->cancel_timer(allow_list_timer_);
    loop_->remove_socket(router_);
    loop_->remove_socket(xpub_);
}

void HostEngine::enable(Source& source, std::string_view name) {
    if (name.empty() || name.size() > max_name_length)
        throw Error(ErrorCode::bad_arguments, "object names must be 1-255 bytes");
    if (name.find('\0') != std::string_view::npos)
        throw Error(ErrorCode::bad_arguments, "object names must not contain NUL");
    if (objects_.count(std::string(name)))
        throw Error(ErrorCode::already_exists, "an object named '" + std::string(name) + "' is already shared by this host");
    if (source.remoted())
        throw Error(ErrorCode::already_exists, "this source is already shared (under another name or by another host)");
    source.schema().validate();
    auto obj = std::make_unique<HostedObject>();
    obj->name = std::string(name);
    obj->topic = topic_of(name);
    obj->source = &source;
    do obj->epoch = random_u64(); while (obj->epoch == 0);
    auto link = std::make_unique<SourceLink>(*this, *obj);
    link->attach(source);
    links_.emplace(obj->name, std::move(link));
    attach_models(*obj);
    log(LogLevel::info, "host: sharing '", obj->name, "' (", source.schema().type_name(), ", signature ",
        source.schema().signature(), ", epoch ", hex_id(obj->epoch), ")");
    objects_.emplace(obj->name, std::move(obj));
}

void HostEngine::disable(std::string_view name) {
    auto it = objects_.find(std::string(name));
    if (it == objects_.end()) return;
    HostedObject& obj = *it->second;
    flush(obj);
    if (obj.dirty) std::erase(dirty_, &obj);
    // Tell replicas at once, rather than letting them wait three heartbeats.
    scratch_.clear();
    Withdrawn{obj.epoch}.encode(scratch_);
    publish(obj.topic, scratch_.data(), scratch_.size());
    SourceLink::detach(*obj.source);
    links_.erase(obj.name);
    auto owned = owned_.extract(obj.name);  // destroyed after the object that points at it
    objects_.erase(it);
}

void HostEngine::enable_owned(std::unique_ptr<Source> source, std::string_view name) {
    enable(*source, name);
    owned_.emplace(std::string(name), std::move(source));
}

void HostEngine::disable_all() {
    while (!objects_.empty()) disable(objects_.begin()->first);
}


// ---- replies -----------------------------------------------------------------------------------

namespace {
/// Replies at least this big are handed to ZeroMQ without a copy (a snapshot may be megabytes).
constexpr std::size_t zero_copy_bytes = 64 * 1024;

zmq::message_t message_from(Writer& w) {
    if (w.size() < zero_copy_bytes) return zmq::message_t(w.data(), w.size());
    // ZeroMQ frees it (on its I/O thread) once sent; the Writer starts over with a new buffer.
    auto* owned = new std::string(w.take());
    w.clear();
    w.buffer().reserve(owned->size());  // the next big reply is encoded without regrowing
    return zmq::message_t(owned->data(), owned->size(), [](void*, void* hint) { delete static_cast<std::string*>(hint); }, owned);
}
} // namespace

void HostEngine::send_to(const std::string& rid, Writer& w) {
    zmq::message_t id(rid.data(), rid.size());
    zmq::message_t body = message_from(w);
    try {
        // ROUTER_MANDATORY + DONTWAIT: an unknown or full peer is an error value, never a stall.
        if (!router_.send(id, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
            ++stats_.reply_dropped;
            return;
        }
        if (!router_.send(body, zmq::send_flags::dontwait)) ++stats_.reply_dropped;
    } catch (const zmq::error_t& e) {
        if (e.num() == EHOSTUNREACH) ++stats_.unroutable;
        else throw;
    }
}

void HostEngine::send_error(const std::string& rid, const Value& req_id, ErrorCode code, const std::string& message) {
    scratch_.clear();
    ErrorReply{req_id, static_cast<std::uint64_t>(code), message}.encode(scratch_);
    send_to(rid, scratch_);
}

void HostEngine::note_malformed(const std::string& rid, const std::string& why) {
    ++stats_.malformed;
    if (malformed_log_.allow()) {
        std::string peer;
        for (unsigned char c : rid.substr(0, 8)) peer += "0123456789abcdef"[c >> 4], peer += "0123456789abcdef"[c & 15];
        log(LogLevel::warn, "host ", public_url_, ": malformed request from peer ", peer, ": ", why, " (",
            stats_.malformed, " malformed so far, ", malformed_log_.suppressed(), " similar lines suppressed)");
    }
}

} // namespace zro::detail
