// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// URL checks and the PUB endpoint rules (docs/PROTOCOL.md, "Endpoints").

#include <string>
#include <string_view>

namespace zro::detail::wire {

struct Url {
    std::string scheme;   ///< "tcp", "ipc" or "inproc"
    std::string address;  ///< tcp: host; ipc: path; inproc: name
    std::string port;     ///< tcp only: digits or "*"
    std::string str() const;
};

/// Parses and checks a URL; throws `Error(bad_url)` naming what is wrong.
Url parse_url(std::string_view url);

/// Where a host binds its PUB socket, given the (parsed) ROUTER URL:
/// tcp → same address, any port; ipc → "<path>.pub"; inproc → "<name>.pub".
std::string pub_bind_endpoint(const Url& router);

/// What a client connects its SUB to, given the URL it used for the host and the endpoint the
/// host announced in WELCOME. For tcp only the announced port is used: the host's own view of
/// its address (often 0.0.0.0) is not reachable, the address the client used is.
std::string pub_connect_endpoint(const Url& client_url, std::string_view announced);

} // namespace zro::detail::wire
