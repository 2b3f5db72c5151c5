// zro — shared live objects over ZeroMQ.
#include "wire/url.hpp"

#include <zro/error.hpp>

#include <algorithm>
#include <cctype>

namespace zro::detail::wire {
namespace {

[[noreturn]] void bad(std::string_view url, std::string_view why) {
    throw Error(ErrorCode::bad_url, "bad URL '" + std::string(url) + "': " + std::string(why));
}

} // namespace

std::string Url::str() const {
    if (scheme == "tcp") return "tcp://" + address + ":" + port;
    return scheme + "://" + address;
}

Url parse_url(std::string_view url) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) bad(url, "expected scheme://address (tcp://host:port, ipc:///path or inproc://name)");
    Url u;
    u.scheme = std::string(url.substr(0, sep));
    const auto rest = url.substr(sep + 3);
    if (rest.empty()) bad(url, "empty address");
    if (u.scheme == "ipc" || u.scheme == "inproc") {
        u.address = std::string(rest);
        return u;
    }
    if (u.scheme != "tcp") bad(url, "unsupported scheme '" + u.scheme + "' (use tcp, ipc or inproc)");
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) bad(url, "tcp needs host:port");
    u.address = std::string(rest.substr(0, colon));
    u.port = std::string(rest.substr(colon + 1));
    if (u.port == "0") u.port = "*";
    if (u.port != "*") {
        if (u.port.empty() || u.port.size() > 5 ||
            !std::all_of(u.port.begin(), u.port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
            std::stoul(u.port) > 65535)
            bad(url, "port must be 1-65535 or *");
    }
    return u;
}

std::string pub_bind_endpoint(const Url& router) {
    if (router.scheme == "tcp") return "tcp://" + router.address + ":*";
    return router.scheme + "://" + router.address + ".pub";
}

std::string pub_connect_endpoint(const Url& client_url, std::string_view announced) {
    if (client_url.scheme != "tcp") return std::string(announced);
    const auto colon = announced.rfind(':');
    const auto port = colon == std::string_view::npos ? std::string() : std::string(announced.substr(colon + 1));
    return "tcp://" + client_url.address + ":" + port;
}

} // namespace zro::detail::wire
