// zro — shared live objects over ZeroMQ.
#include "engine/host/allow_list.hpp"

#include "core/keys.hpp"
#include "core/log.hpp"

#include <zro/error.hpp>
#include <zro/security.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace zro::detail {

// ---- AllowList -----------------------------------------------------------------------------------

AllowList::AllowList(std::string dir, std::vector<std::string> fixed_keys, bool allow_any)
    : dir_(std::move(dir)), fixed_(std::move(fixed_keys)), any_(allow_any) {
    if (!dir_.empty() && !std::filesystem::is_directory(dir_))
        throw Error(ErrorCode::bad_arguments, "security: allowed_clients_dir " + dir_ + " is not a directory");
    reload();
}

bool AllowList::allows(const std::string& z85) const {
    if (any_) return true;
    std::lock_guard lock(mutex_);
    return keys_.count(z85) != 0;
}

std::size_t AllowList::size() const {
    std::lock_guard lock(mutex_);
    return keys_.size();
}

std::string AllowList::listing_signature() const {
    if (dir_.empty()) return {};
    std::error_code ec;
    std::vector<std::string> entries;
    for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& p = it->path();
        if (p.extension() != ".key") continue;
        std::error_code e2;
        const auto size = std::filesystem::file_size(p, e2);
        const auto mtime = std::filesystem::last_write_time(p, e2).time_since_epoch().count();
        std::ostringstream os;
        os << p.filename().string() << '|' << size << '|' << mtime;
        entries.push_back(os.str());
    }
    if (ec) return "unreadable:" + ec.message();
    std::sort(entries.begin(), entries.end());
    std::string sig;
    for (auto& e : entries) sig += e + '\n';
    return sig;
}

std::size_t AllowList::reload() {
    std::set<std::string> keys(fixed_.begin(), fixed_.end());
    signature_ = listing_signature();
    if (!dir_.empty()) {
        std::error_code ec;
        std::filesystem::directory_iterator it(dir_, ec), end;
        if (ec) log(LogLevel::error, "security: cannot read allowed_clients_dir ", dir_, ": ", ec.message(), "; allowing only the keys given in code");
        for (; !ec && it != end; it.increment(ec)) {
            const auto& p = it->path();
            if (p.extension() != ".key") continue;  // NAME.key_secret and other files are ignored
            try {
                keys.insert(load_public_key(p));
            } catch (const Error& e) {
                log(LogLevel::warn, "security: skipped ", p.string(), ": ", e.what());
            }
        }
    }
    std::size_t n;
    {
        std::lock_guard lock(mutex_);
        keys_.swap(keys);
        n = keys_.size();
    }
    log(LogLevel::info, "security: allow-list ", dir_.empty() ? "(in code)" : dir_, ": ", n, " key(s)");
    return n;
}

bool AllowList::reload_if_changed() {
    if (dir_.empty() || listing_signature() == signature_) return false;
    reload();
    return true;
}

} // namespace zro::detail
