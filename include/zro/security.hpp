// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// CurveZMQ security: node key pairs, the options that turn it on, and the key files.
///
///     zro::KeyPair::generate().save("keys", "sensor-1");   // keys/sensor-1.key (+ .key_secret, 0600)
///
///     zro::NodeOptions o;                                   // a host with an allow-list
///     o.security.key_file = "keys/hub.key_secret";
///     o.security.allowed_clients_dir = "allowed_clients";   // *.key files, re-read on change
///     zro::Host host("tcp://0.0.0.0:5555", o);
///
///     zro::NodeOptions c;                                   // a client pinning the host's key
///     c.security.key_file = "keys/sensor-1.key_secret";
///     c.security.server_keys["tcp://hub:5555"] = zro::load_public_key("keys/hub.key");
///     zro::Node node(c);
///
/// docs/SECURITY.md has the threat model, the set-up and what is and is not protected.

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace zro {

/// A CURVE key pair as Z85 text (40 characters each, ZeroMQ RFC 32).
struct KeyPair {
    std::string public_key;
    std::string secret_key;

    /// A fresh random key pair (libsodium through libzmq). Throws `Error(invalid_state)` if
    /// this libzmq was built without CURVE.
    static KeyPair generate();
    /// Derives the public key from a Z85 secret key. Throws `Error(bad_arguments)` if invalid.
    static KeyPair from_secret(std::string_view z85_secret);
    /// Loads a secret key file written by `save()` (`NAME.key_secret`); the public key is
    /// derived from the secret one and must match the one in the file. Throws
    /// `Error(bad_arguments)` for a missing or malformed file, and `Error(invalid_state)` if the
    /// file is readable by group or others (it must be 0600 or stricter).
    static KeyPair load(const std::filesystem::path& secret_file);
    /// Writes `DIR/NAME.key` (public key, mode 0644: share it) and `DIR/NAME.key_secret`
    /// (both keys, mode 0600, created exclusively: never readable by others, not even for a
    /// moment). Creates DIR (0700) if needed. Refuses to overwrite an existing file
    /// (`Error(already_exists)`). Returns the path of the secret file.
    std::filesystem::path save(const std::filesystem::path& dir, std::string_view name) const;

    bool empty() const noexcept { return secret_key.empty(); }
};

/// True if `z85` is a valid 40-character Z85 key.
bool is_valid_key(std::string_view z85) noexcept;
/// A short form for logs and people: the first 8 characters of the Z85 public key and its
/// last 4 ("rq:rM>}U...wQ:-"). Not a security check: compare full keys.
std::string key_fingerprint(std::string_view z85_public);
/// Reads a public key file: `public-key = "..."` (as `KeyPair::save` writes it) or a bare
/// 40-character Z85 line; `#` starts a comment. Throws `Error(bad_arguments)`.
std::string load_public_key(const std::filesystem::path& file);

/// Security settings of a node (`NodeOptions::security`). Everything is off by default: a node
/// without a key pair talks plain ZeroMQ (NULL mechanism) and says so once in the log.
struct SecurityOptions {
    /// This node's key pair. Set it, or `key_file` (a `NAME.key_secret`), or neither (plain).
    /// A host with a key serves CURVE only; a client with a key connects with CURVE to every
    /// host whose key it knows.
    KeyPair keys;
    std::string key_file;

    // ---- as a host -----------------------------------------------------------------------------
    /// Directory of allowed client public keys (`*.key`, one key per file; other files and
    /// `*.key_secret` are ignored). Re-read when it changes (see below) or on
    /// `Host::reload_allow_list()`. A client whose key is not listed is refused during the
    /// handshake and gets nothing (it sees `ErrorCode::unauthorized`).
    std::string allowed_clients_dir;
    /// Allowed client keys given in code, in addition to the directory.
    std::vector<std::string> allowed_client_keys;
    /// How often the host checks the directory for changes (names, sizes, modification times).
    /// Zero: only `Host::reload_allow_list()` re-reads it.
    std::chrono::milliseconds allow_list_check_interval{1000};
    /// Accept any client key: encryption without client authentication (CurveZMQ
    /// "Stonehouse"). Off by default; an empty allow-list then refuses everyone.
    bool allow_any_client = false;

    // ---- as a client ---------------------------------------------------------------------------
    /// Pinned host keys by URL (as given to `connect_to`, e.g. "tcp://10.0.0.5:5555").
    std::map<std::string, std::string> server_keys;
    /// A known-hosts file: lines `URL Z85KEY`, read at start (pinned like `server_keys`) and
    /// appended to by trust-on-first-use. Created if missing.
    std::string known_hosts_file;
    /// Trust on first use: for a URL with no pinned key, use a key *hint*
    /// (`Node::hint_server_key`, e.g. from an mDNS TXT record) and, once a CURVE handshake with
    /// it succeeds, record it in `known_hosts_file`. Later connections pin the recorded key; a
    /// host presenting another key is refused (`ErrorCode::host_unverified`). Off by default.
    bool trust_on_first_use = false;
    /// A client with a key pair refuses hosts it has no key for (`host_unverified`). With this
    /// on it talks plain to them instead (and logs it once per URL).
    bool allow_plain_hosts = false;

    /// True when this node has (or will load) a key pair.
    bool enabled() const noexcept { return !keys.empty() || !key_file.empty(); }
};

} // namespace zro
