// zro — shared live objects over ZeroMQ.
// The options every verb takes, durations, and the exit code table, declared for CLI11.

#include "cli.hpp"

#include <zro/security.hpp>

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace zro::cli {

namespace {

const char* const duration_examples = "(e.g. 3, 3s, 500ms, 1.5s, 2m)";

// "3" and "3s" are seconds, "500ms" milliseconds, "2m" (or "2min") minutes.
std::optional<std::chrono::milliseconds> duration_of(std::string_view text) {
    const std::string s(text);
    char* end = nullptr;
    errno = 0;
    const double n = std::strtod(s.c_str(), &end);
    const std::string unit = end ? std::string(end) : std::string();
    double ms = -1;
    if (end != s.c_str() && errno == 0 && std::isfinite(n) && n >= 0) {
        if (unit.empty() || unit == "s") ms = n * 1000;
        else if (unit == "ms") ms = n;
        else if (unit == "m" || unit == "min") ms = n * 60000;
    }
    if (ms < 0 || ms > 1e12) return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(std::llround(ms)));
}

} // namespace

std::string format_duration(std::chrono::milliseconds d) {
    const auto ms = d.count();
    char buf[64];
    if (ms < 1000) std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(ms));
    else if (ms % 1000 == 0) std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(ms / 1000));
    else std::snprintf(buf, sizeof buf, "%.3g s", static_cast<double>(ms) / 1000.0);
    return buf;
}

CLI::Option* add_duration_option(CLI::App& cmd, const std::string& names, std::optional<std::chrono::milliseconds>& into,
                                 const std::string& help) {
    // The check runs before the value is stored, so the stored text always parses.
    static const CLI::Validator is_duration(
        [](std::string& text) {
            return duration_of(text) ? std::string() : "'" + text + "' is not a duration " + duration_examples;
        },
        "");
    return cmd
        .add_option_function<std::string>(names, [&into](const std::string& text) { into = duration_of(text); }, help)
        ->type_name("T")
        ->check(is_duration);
}

const CLI::Validator& positive_number() {
    static const CLI::Validator check(
        [](std::string& text) {
            char* end = nullptr;
            const long long n = std::strtoll(text.c_str(), &end, 10);
            return !text.empty() && end && !*end && n >= 1 ? std::string() : "'" + text + "' is not a positive number";
        },
        "");
    return check;
}

void add_common_options(CLI::App& cmd, CommonOptions& into) {
    const std::string hosts = "Hosts", security = "Security", output = "Output";
    cmd.add_option("-u,--url", into.url, "host to ask, e.g. tcp://192.168.1.20:5555 (repeatable; default: $ZRO_URL)")
        ->type_name("URL")
        ->allow_extra_args(false)  // one URL per --url: what follows is a positional argument
        ->group(hosts);
    cmd.add_option("--registry", into.registry, "find hosts through the zro::Registry at URL instead of mDNS")
        ->type_name("URL")
        ->group(hosts);
    cmd.add_option("--interface", into.interface, "browse mDNS on this interface only (default: every one avahi uses)")
        ->type_name("IF")
        ->group(hosts);
    add_duration_option(cmd, "-t,--timeout", into.timeout_given, "how long to wait: 3, 3s, 500ms, 1.5s, 2m")->group(hosts);
    cmd.add_option("--key", into.key, "this node's secret key file (NAME.key_secret, `zro keygen`): use CurveZMQ")
        ->type_name("FILE")
        ->group(security);
    cmd.add_option("--server-key", into.server_key, "pin the key of the host at URL: Z85 text or a .key file (repeatable)")
        ->type_name("URL=KEY")
        ->allow_extra_args(false)
        ->group(security);
    cmd.add_option("--known-hosts", into.known_hosts, "pinned host keys, one 'URL KEY' per line")->type_name("FILE")->group(security);
    cmd.add_flag("-j,--json", into.json, "machine-readable JSON output")->group(output);
    cmd.add_flag("--no-color", into.no_color, "no colours even on a terminal (NO_COLOR=1 does the same)")->group(output);
}

std::chrono::milliseconds CommonOptions::timeout(std::chrono::milliseconds fallback) const {
    return timeout_given.value_or(fallback);
}

NodeOptions CommonOptions::node_options() const {
    NodeOptions o;
    auto& sec = o.security;
    if (!key.empty()) {
        try {
            sec.keys = KeyPair::load(key);
        } catch (const Error& e) {
            throw CliError(Exit::usage, "--key " + key + ": " + e.what());
        }
    }
    for (const auto& pin : server_key) {
        const auto eq = pin.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pin.size())
            throw CliError(Exit::usage, "--server-key " + pin + ": expected URL=KEY (Z85 text or a .key file)");
        const std::string url = pin.substr(0, eq), k = pin.substr(eq + 1);
        if (is_valid_key(k)) {
            sec.server_keys[url] = k;
            continue;
        }
        try {
            sec.server_keys[url] = load_public_key(k);
        } catch (const Error& e) {
            throw CliError(Exit::usage, "--server-key " + url + ": '" + k + "' is neither a Z85 key nor a readable key file (" + e.what() + ")");
        }
    }
    sec.known_hosts_file = known_hosts;
    if (!sec.enabled() && (!sec.server_keys.empty() || !sec.known_hosts_file.empty()))
        throw CliError(Exit::usage, "--server-key and --known-hosts need --key: without a key pair zro talks plain ZeroMQ");
    return o;
}

std::vector<std::string> CommonOptions::urls() const {
    std::vector<std::string> out;
    for (const auto& u : url)
        if (!u.empty()) out.push_back(u);
    if (out.empty())
        if (const char* env = std::getenv("ZRO_URL")) {
            const std::string s = env;
            std::size_t start = 0;
            while (start <= s.size()) {
                auto comma = s.find(',', start);
                if (comma == std::string::npos) comma = s.size();
                if (comma > start) out.push_back(s.substr(start, comma - start));
                start = comma + 1;
            }
        }
    return out;
}

std::string exit_codes_help() {
    static const std::pair<Exit, const char*> codes[] = {
        {Exit::ok, "success"},
        {Exit::failed, "the remote operation failed (handler failed, source gone, ...); status: not Valid; doctor: a check failed"},
        {Exit::usage, "usage: bad command line, bad JSON, unreadable .rep file"},
        {Exit::no_host, "no host answered at the URL(s) in time"},
        {Exit::not_found, "not found: no such object, property, method, signal or class"},
        {Exit::bad_value, "bad value: a value or argument that does not match the schema"},
        {Exit::read_only, "read-only: the property's mode does not allow writes"},
        {Exit::timeout, "timeout: the object did not become valid or the reply did not come in time"},
        {Exit::no_discovery, "discovery unavailable: no --url, and avahi-daemon (or the --registry) cannot be reached"},
        {Exit::refused, "refused: a secured host refused this client's key, or its key did not match the pinned one"},
    };
    std::string out = "exit codes:\n";
    for (const auto& [code, meaning] : codes) out += "  " + std::to_string(static_cast<int>(code)) + "  " + meaning + "\n";
    return out;
}

} // namespace zro::cli
