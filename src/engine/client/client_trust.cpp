// zro — shared live objects over ZeroMQ.
#include "engine/client/client_trust.hpp"

#include "core/keys.hpp"
#include "core/log.hpp"
#include "engine/client/link_security.hpp"

#include <zro/error.hpp>

namespace zro::detail {

// ---- ClientTrust ---------------------------------------------------------------------------------

ClientTrust::ClientTrust(const SecurityOptions& options) : options_(options) {
    for (auto& [url, key] : options_.server_keys) pinned_[wire::parse_url(url).str()] = key;
    if (!options_.known_hosts_file.empty()) known_hosts_ = read_known_hosts(options_.known_hosts_file);
}

std::optional<ClientTrust::Known> ClientTrust::key_for(const std::string& url) const {
    if (auto it = pinned_.find(url); it != pinned_.end()) return Known{it->second, Source::configured};
    if (auto it = known_hosts_.find(url); it != known_hosts_.end()) return Known{it->second, Source::known_hosts};
    if (options_.trust_on_first_use)
        if (auto it = hints_.find(url); it != hints_.end()) return Known{it->second, Source::hint};
    return std::nullopt;
}

std::optional<std::string> ClientTrust::conflicting_hint(const std::string& url) const {
    auto h = hints_.find(url);
    if (h == hints_.end()) return std::nullopt;
    auto k = key_for(url);
    if (k && k->source != Source::hint && k->key != h->second) return h->second;
    return std::nullopt;
}

void ClientTrust::hint(const std::string& url, const std::string& key) {
    if (!is_valid_key(key)) throw Error(ErrorCode::bad_arguments, "hint_server_key: not a 40-character Z85 key");
    auto& slot = hints_[url];
    const bool repeated = slot == key;  // discovery may repeat a hint often: warn once per change
    slot = key;
    if (auto c = conflicting_hint(url); c && !repeated)
        log(LogLevel::warn, "security: ", url, " is advertised with key ", key_fingerprint(key),
            " but this node pins ", key_fingerprint(key_for(url)->key), "; the hint is ignored");
    auto links = links_;  // on_hint may reconnect, not add or remove links
    for (LinkSecurity* l : links) l->on_hint();
}

void ClientTrust::record(const std::string& url, const std::string& key) {
    known_hosts_[url] = key;
    if (options_.known_hosts_file.empty()) {
        log(LogLevel::info, "security: trusting ", url, " with key ", key_fingerprint(key), " (first use; no known_hosts_file to record it)");
        return;
    }
    try {
        append_known_host(options_.known_hosts_file, url, key);
        log(LogLevel::info, "security: recorded ", url, " with key ", key_fingerprint(key), " in ", options_.known_hosts_file,
            " (trust on first use)");
    } catch (const Error& e) {
        log(LogLevel::error, "security: ", e.what());
    }
}

} // namespace zro::detail
