// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Host`: a node with a listen URL that shares sources.
///
///     zro::Host host("tcp://0.0.0.0:5555");
///     zro::DynamicSource sw(schema);
///     host.enable_remoting(sw, "SimpleSwitch");   // shared until withdrawn (see Registration)
///     host.run();
///
/// URLs: `tcp://ADDR:PORT` (PORT may be `*` or 0 for any free port; `url()` tells the real one),
/// `ipc:///path`, `inproc://name` (same process only). The host binds a ROUTER socket at the URL
/// for requests and a PUB socket beside it for state updates; clients only ever need the URL.
///
/// Thread contract: as for `Node`; `enable_remoting`, `Registration::withdraw` and
/// `reload_allow_list` may be called from any thread (they run on the loop thread and wait).

#include <zro/item_model.hpp>
#include <zro/node.hpp>
#include <zro/source.hpp>

#include <string>
#include <string_view>

namespace zro {

/// The handle of a shared source. Like every zro handle (docs/GUIDE.md, "Handles") it ends
/// nothing when dropped: the source stays shared until `withdraw()`, until the source is
/// destroyed, or until the host is. Copies name the same sharing.
class Registration {
public:
    Registration() = default;
    /// Withdraws the source (replicas turn suspect at once). Harmless if it is withdrawn
    /// already or the host is gone. Any thread.
    void withdraw();
    /// The name the source was shared under (empty for a default-constructed handle).
    const std::string& name() const noexcept { return name_; }

private:
    friend class Host;
    std::weak_ptr<detail::NodeCore> core_;
    std::string name_;
};

class Host : public Node {
public:
    /// Binds `url` now. Throws `Error(bad_url)` for an unsupported scheme or address and
    /// `Error(bind_failed)` when it cannot bind (e.g. "address already in use").
    explicit Host(std::string_view url, NodeOptions options = {});
    /// A host on the loop (and so the thread) of `loop_of`: its sources and `loop_of`'s replicas
    /// are served by one thread, with no locking or posting between them (zro::Proxy is built
    /// this way). Run, start and stop `loop_of`, not this host (`stop()` here stops that loop
    /// too); destroy this host before `loop_of`. Each keeps its own options: keys, allow-list,
    /// registry and discovery are per node.
    Host(std::string_view url, NodeOptions options, const Node& loop_of);

    /// The URL clients should use (wildcard port resolved; a wildcard address stays as given).
    const std::string& url() const noexcept;

    /// Shares `source` under `name` until the returned handle's `withdraw()`, the source's
    /// destruction or the host's. `name` is unique on this host (`Error(already_exists)`
    /// otherwise) and 1-255 bytes without NUL (`Error(bad_arguments)`). A generated source's
    /// CLASS sub-objects are shared with it, as "<name>.<property>".
    Registration enable_remoting(Source& source, std::string_view name);

    /// Shares an item model at top level under `name`, as an object of class `ItemModel` whose
    /// one MODEL member, `model`, has `roles` (empty: all of the model's `role_names()`, in
    /// order); a role the model lacks reads as nil. Replicas acquire it with
    /// `node.acquire_model(name)`. The model stays yours: keep it alive until the handle's
    /// `withdraw()` (or the host's end). Errors as for sources.
    Registration enable_remoting(ItemModel& model, std::string_view name, std::vector<std::string> roles = {});

    /// The host's CURVE public key (Z85), for clients to pin or for a discovery record; empty
    /// for a plain host (no `NodeOptions::security` key pair).
    const std::string& public_key() const noexcept;
    /// Re-reads `security.allowed_clients_dir` now (it is also re-read by itself when it changes,
    /// every `security.allow_list_check_interval`). Returns the number of allowed keys. Only new
    /// handshakes are checked: a removed key's live sessions go on until they reconnect.
    /// Throws `Error(invalid_state)` on a plain host.
    std::size_t reload_allow_list();
};

} // namespace zro
