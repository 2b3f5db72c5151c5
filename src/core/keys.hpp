// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Internal key-file helpers beside the public ones in include/zro/security.hpp.

#include <zro/security.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace zro::detail {

/// Reads a known-hosts file (`URL Z85KEY` lines, `#` comments); a missing file is empty.
std::map<std::string, std::string> read_known_hosts(const std::filesystem::path& file);
/// Appends `URL KEY` with one write (creating the file 0644 if needed).
void append_known_host(const std::filesystem::path& file, const std::string& url, const std::string& key);

/// The node's own keys: loads the key file (if any) into `options.keys` and checks the keys; throws `zro::Error`.
void resolve_keys(SecurityOptions& options);

} // namespace zro::detail
