// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// ClientTrust: a node's view of host keys (pinned, known_hosts, hints) for its links
/// (docs/SECURITY.md "Trusting hosts").

#include <zro/security.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>

namespace zro::detail {

class LinkSecurity;

/// A node's client-side key state. Loop thread only.
class ClientTrust {
public:
    explicit ClientTrust(const SecurityOptions& options);
    const SecurityOptions& options() const noexcept { return options_; }
    bool has_keys() const noexcept { return !options_.keys.empty(); }

    enum class Source : std::uint8_t { configured, known_hosts, hint };
    struct Known {
        std::string key;
        Source source;
    };
    /// The key to use for `url` (canonical form), if any: configured > known_hosts > hint (TOFU).
    std::optional<Known> key_for(const std::string& url) const;
    /// A hint (unauthenticated source) for `url`; links waiting for a key use it if TOFU is on.
    void hint(const std::string& url, const std::string& key);
    /// TOFU: a handshake with the hinted key succeeded: record it (file and memory).
    void record(const std::string& url, const std::string& key);
    /// A hinted key that differs from the pinned one, if any (for the error message).
    std::optional<std::string> conflicting_hint(const std::string& url) const;

    void attach(LinkSecurity* l) { links_.insert(l); }
    void detach(LinkSecurity* l) { links_.erase(l); }

private:
    SecurityOptions options_;
    std::map<std::string, std::string> pinned_;       // configured
    std::map<std::string, std::string> known_hosts_;  // from the file (and recorded)
    std::map<std::string, std::string> hints_;
    std::set<LinkSecurity*> links_;
};

} // namespace zro::detail
