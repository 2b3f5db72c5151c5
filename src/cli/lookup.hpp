// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Finding hosts and objects for the command line: which URLs to ask (--url, $ZRO_URL; discovery
/// when it is built), what each host shares, and a valid dynamic replica of one object, with
/// errors that name what was looked for and what was seen.

#include "cli.hpp"
#include "json_value.hpp"

#include <zro/node.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace zro::cli {

using Clock = std::chrono::steady_clock;

/// The URLs a verb should ask: every --url (or $ZRO_URL); else the hosts discovery finds within
/// min(timeout, 2 s): mDNS through avahi-daemon by default, only the registry with --registry URL
/// (with --url too, both). With `object`, only hosts that share it. Errors: no_discovery
/// (avahi-daemon or the registry unreachable), no_host (nothing found), not_found (found hosts,
/// not the object; "seen: ...").
std::vector<std::string> target_urls(const CommonOptions& common, std::chrono::milliseconds timeout, const std::string& object = {});

struct ObjectInfo {
    std::string name, type, signature;
};

/// One host's answer to LIST.
struct HostInfo {
    std::string url;
    bool up = false;           ///< answered the handshake and LIST
    std::string node_id;
    std::vector<ObjectInfo> objects;
    std::string error;         ///< why not up
    bool refused = false;      ///< a secured host refused our key or we could not verify its key
    std::chrono::microseconds round_trip{0};
};

/// Asks every URL which objects it shares, all at once; waits until `deadline` at most.
std::vector<HostInfo> ask_hosts(Node& node, const std::vector<std::string>& urls, Clock::time_point deadline);

/// A valid replica of one object and where it was found.
struct Acquired {
    std::unique_ptr<DynamicReplica> replica;
    HostInfo host;                        ///< the host that lists it
    std::chrono::microseconds list_time{0};     ///< until a host listed the object
    std::chrono::microseconds valid_time{0};    ///< from acquire to Valid (handshake + snapshot)
};

/// Finds `name` on the hosts (asking again every 200 ms until `deadline`), acquires it and waits
/// until it is valid. Errors: no_host ("no host answered at URL within 3 s: ..."), not_found
/// ("no object 'Foo' at URL within 3 s; seen: Bar, Baz"), timeout (listed but never valid).
Acquired acquire_object(Node& node, const std::vector<std::string>& urls, const std::string& name,
                        Clock::time_point deadline, std::chrono::milliseconds timeout);

/// Replicas acquired on demand by name (for verbs that read many lines from stdin).
class ObjectCache {
public:
    ObjectCache(Node& node, std::vector<std::string> urls, std::chrono::milliseconds timeout)
        : node_(node), urls_(std::move(urls)), timeout_(timeout) {}
    /// A valid replica of `name` (acquired on first use, within the timeout).
    Acquired& get(const std::string& name);

private:
    Node& node_;
    std::vector<std::string> urls_;
    std::chrono::milliseconds timeout_;
    std::map<std::string, Acquired> objects_;
};

/// Calls `fn(json, line_number)` with each non-empty stdin line parsed as JSON, until end of
/// input, running the node's loop while stdin is idle (so replicas stay alive between lines).
/// A line that is not JSON is a usage error naming its line number.
void for_each_stdin_json(Node& node, const std::function<void(const Json&, std::size_t)>& fn);

/// A string member of a JSON object, or empty (no such member, not a string, not an object).
std::string field_string(const Json& object, std::string_view key);
/// A member of a JSON object, or null if there is none (or `object` is not an object).
const Json* field(const Json& object, std::string_view key);

/// "tcp://a, tcp://b"
std::string url_list(const std::vector<std::string>& urls);

// ---- schema member lookups with "seen:" errors ------------------------------------------------------

const PropertyDef& find_property(const Schema& s, const std::string& object, const std::string& name);
const MethodDef& find_method(const Schema& s, const std::string& object, const std::string& name);

/// Checks one value against a schema type; throws CliError(bad_value) naming `what`.
void check_value(const Schema& s, const Type& type, const Value& v, const std::string& what);

} // namespace zro::cli
