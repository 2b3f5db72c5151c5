// zro — shared live objects over ZeroMQ.
#include <zro/source.hpp>

#include "engine/host/host_engine.hpp"

namespace zro {

Source::~Source() {
    if (link_) link_->engine().disable(link_->object().name);
}

void Source::zro_share_children(Host&, const std::string&) {}
void Source::zro_withdraw_children() {}

void Source::zro_notify_property_changed(std::size_t index, const Value& value) {
    if (link_) link_->property_changed(index, value);
}

void Source::zro_notify_signal(std::size_t index, const std::vector<Value>& args) {
    if (link_) link_->signal_emitted(index, args);
}

void Source::zro_handle_write_deferred(std::size_t index, Value value, Responder responder) {
    zro_handle_write(index, std::move(value));  // a throw refuses it (the host answers with the error)
    responder.reply();
}

ItemModel* Source::zro_model(std::size_t) const { return nullptr; }

void Source::zro_notify_model_replaced(std::size_t index) {
    if (link_) link_->engine().model_replaced(link_->object(), index);
}

// ---- Responder ---------------------------------------------------------------------------------

namespace {

/// Runs `fn(engine)` on the host's loop thread, now if we are on it.
void on_host_loop(const std::shared_ptr<detail::ResponderCore>& core, std::function<void(detail::HostEngine&)> fn) {
    auto task = [core, fn = std::move(fn)] {
        if (auto engine = core->engine.lock()) fn(*engine);
    };
    if (core->loop->in_loop_thread()) task();
    else core->loop->post(std::move(task));
}

} // namespace

void Responder::reply(Value result) {
    auto core = std::exchange(core_, nullptr);
    if (!core) return;
    on_host_loop(core, [core, result = std::move(result)](detail::HostEngine& e) mutable {
        if (core->answered) return;
        core->answered = true;
        e.answer(*core, std::move(result), std::nullopt);
    });
}

void Responder::fail(std::string message, ErrorCode code) {
    auto core = std::exchange(core_, nullptr);
    if (!core) return;
    on_host_loop(core, [core, message = std::move(message), code](detail::HostEngine& e) {
        if (core->answered) return;
        core->answered = true;
        e.answer(*core, {}, std::make_pair(code, message));
    });
}

Responder& Responder::operator=(Responder&& o) noexcept {
    if (this != &o) {
        if (core_) fail("the source dropped the call");
        core_ = std::exchange(o.core_, nullptr);
    }
    return *this;
}

Responder::~Responder() {
    auto core = std::exchange(core_, nullptr);
    if (!core) return;
    // Deferred to the end of the turn: if a handler threw, the host answers with the
    // exception's message first, and this "dropped" answer is then skipped.
    auto task = [core] {
        auto engine = core->engine.lock();
        if (!engine || core->answered) return;
        core->answered = true;
        engine->answer(*core, {}, std::make_pair(ErrorCode::handler_failed, std::string("the source dropped the call")));
    };
    if (core->loop->in_loop_thread()) core->loop->defer(std::move(task));
    else core->loop->post(std::move(task));
}

} // namespace zro
