// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// AllowList: the client keys a secured host accepts (docs/SECURITY.md "Allow-list"): fixed keys
/// from the options plus a directory of key files, re-read when its listing changes.

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace zro::detail {

/// Client keys a host accepts. Thread-safe: the ZAP thread reads it, the host loop reloads it.
class AllowList {
public:
    AllowList(std::string dir, std::vector<std::string> fixed_keys, bool allow_any);
    /// True if `z85` may connect.
    bool allows(const std::string& z85) const;
    /// Re-reads the directory now; returns how many keys are allowed. A missing or unreadable
    /// directory leaves only the fixed keys (fails closed) and logs an error.
    std::size_t reload();
    /// Re-reads the directory if its listing (names, sizes, mtimes) changed; true if it did.
    bool reload_if_changed();
    std::size_t size() const;
    const std::string& dir() const noexcept { return dir_; }

private:
    std::string listing_signature() const;

    std::string dir_;
    std::vector<std::string> fixed_;
    bool any_;
    mutable std::mutex mutex_;
    std::set<std::string> keys_;   // guarded by mutex_
    std::string signature_;        // host loop only
};

} // namespace zro::detail
