// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::Host`: a node with a listen URL that shares sources.
///
///     zro::Host host("tcp://0.0.0.0:5555");
///     zro::DynamicSource sw(schema);
///     auto shared = host.enable_remoting(sw, "SimpleSwitch");
///     host.run();
///
/// URLs: `tcp://ADDR:PORT` (PORT may be `*` or 0 for any free port; `url()` tells the real one),
/// `ipc:///path`, `inproc://name` (same process only). The host binds a ROUTER socket at the URL
/// for requests and a PUB socket beside it for state updates; clients only ever need the URL.

#include <zro/node.hpp>
#include <zro/source.hpp>

#include <string>
#include <string_view>

namespace zro {

/// Keeps a source shared; destroying it (or calling `reset()`) withdraws the source.
class Registration {
public:
    Registration() = default;
    Registration(Registration&& o) noexcept;
    Registration& operator=(Registration&& o) noexcept;
    ~Registration();
    void reset();
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

    /// The URL clients should use (wildcard port resolved; a wildcard address stays as given).
    const std::string& url() const noexcept;

    /// Shares `source` under `name` (unique on this host; `Error(already_exists)` otherwise).
    /// The source must outlive the registration, or withdraw itself by being destroyed first.
    [[nodiscard]] Registration enable_remoting(Source& source, std::string_view name);
    /// Withdraws the source shared under `name`; replicas turn suspect. No-op if none.
    void disable_remoting(std::string_view name);
};

} // namespace zro
