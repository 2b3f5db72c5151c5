// zro — shared live objects over ZeroMQ.
// Key pairs and key files (include/zro/security.hpp). Formats are described in docs/SECURITY.md.
#include "core/keys.hpp"

#include <zro/error.hpp>
#include <zro/security.hpp>

#include <zmq.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace zro {

namespace {

constexpr std::string_view z85_alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

/// `name = "value"` → value, if the line has that name.
bool quoted_field(const std::string& line, std::string_view name, std::string& out) {
    if (line.compare(0, name.size(), name) != 0) return false;
    std::string_view rest(line);
    rest.remove_prefix(name.size());
    const auto eq = rest.find_first_not_of(" \t");
    if (eq == std::string_view::npos || rest[eq] != '=') return false;
    const auto q1 = rest.find('"', eq);
    if (q1 == std::string_view::npos) return false;
    const auto q2 = rest.find('"', q1 + 1);
    if (q2 == std::string_view::npos) return false;
    out = std::string(rest.substr(q1 + 1, q2 - q1 - 1));
    return true;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw Error(ErrorCode::bad_arguments, "cannot read key file " + p.string() + ": " + std::strerror(errno));
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

void write_exclusive(const std::filesystem::path& p, const std::string& text, mode_t mode) {
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        if (errno == EEXIST) throw Error(ErrorCode::already_exists, p.string() + " already exists; not overwriting a key");
        throw Error(ErrorCode::bad_arguments, "cannot create " + p.string() + ": " + std::strerror(errno));
    }
    bool ok = ::fchmod(fd, mode) == 0;  // the umask may only have removed bits; make it exact
    std::size_t done = 0;
    while (ok && done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ok = false;
        else done += static_cast<std::size_t>(n);
    }
    ok = ::fsync(fd) == 0 && ok;
    const int saved = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(p.c_str());
        throw Error(ErrorCode::bad_arguments, "cannot write " + p.string() + ": " + std::strerror(saved));
    }
}

} // namespace

bool is_valid_key(std::string_view z85) noexcept {
    if (z85.size() != 40) return false;
    for (char c : z85)
        if (z85_alphabet.find(c) == std::string_view::npos) return false;
    std::uint8_t raw[32];
    const std::string s(z85);
    return zmq_z85_decode(raw, s.c_str()) != nullptr;
}

std::string key_fingerprint(std::string_view z85) {
    if (z85.size() < 12) return std::string(z85);
    return std::string(z85.substr(0, 8)) + "..." + std::string(z85.substr(z85.size() - 4));
}

KeyPair KeyPair::generate() {
    if (!zmq_has("curve")) throw Error(ErrorCode::invalid_state, "this libzmq was built without CURVE (libsodium)");
    char pub[41], sec[41];
    if (zmq_curve_keypair(pub, sec) != 0)
        throw Error(ErrorCode::invalid_state, std::string("zmq_curve_keypair failed: ") + zmq_strerror(zmq_errno()));
    KeyPair k{pub, sec};
    std::memset(sec, 0, sizeof sec);
    return k;
}

KeyPair KeyPair::from_secret(std::string_view z85_secret) {
    if (!is_valid_key(z85_secret)) throw Error(ErrorCode::bad_arguments, "not a 40-character Z85 CURVE secret key");
    if (!zmq_has("curve")) throw Error(ErrorCode::invalid_state, "this libzmq was built without CURVE (libsodium)");
    char pub[41];
    const std::string sec(z85_secret);
    if (zmq_curve_public(pub, sec.c_str()) != 0)
        throw Error(ErrorCode::bad_arguments, std::string("cannot derive the public key: ") + zmq_strerror(zmq_errno()));
    return KeyPair{pub, sec};
}

KeyPair KeyPair::load(const std::filesystem::path& secret_file) {
    struct stat st{};
    if (::stat(secret_file.c_str(), &st) != 0)
        throw Error(ErrorCode::bad_arguments, "cannot read key file " + secret_file.string() + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw Error(ErrorCode::bad_arguments, secret_file.string() + " is not a regular file");
    if (st.st_mode & 077) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        throw Error(ErrorCode::invalid_state, "secret key file " + secret_file.string() + " has mode " + mode +
                                                  ": it must not be accessible by group or others (chmod 600 " +
                                                  secret_file.string() + ")");
    }
    std::string pub, sec;
    std::istringstream in(read_file(secret_file));
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        std::string v;
        if (quoted_field(line, "secret-key", v)) sec = v;
        else if (quoted_field(line, "public-key", v)) pub = v;
    }
    if (sec.empty()) throw Error(ErrorCode::bad_arguments, secret_file.string() + " holds no 'secret-key = \"...\"' line");
    KeyPair k = from_secret(sec);
    if (!pub.empty() && pub != k.public_key)
        throw Error(ErrorCode::bad_arguments, secret_file.string() + ": its public-key does not belong to its secret-key");
    return k;
}

std::filesystem::path KeyPair::save(const std::filesystem::path& dir, std::string_view name) const {
    if (!is_valid_key(public_key) || !is_valid_key(secret_key))
        throw Error(ErrorCode::bad_arguments, "KeyPair::save: not a valid key pair");
    if (name.empty() || name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos ||
        name == "." || name == "..")
        throw Error(ErrorCode::bad_arguments, "KeyPair::save: the name must be a plain file name");
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec) throw Error(ErrorCode::bad_arguments, "cannot create " + dir.string() + ": " + ec.message());
        ::chmod(dir.c_str(), 0700);
    }
    const auto pub_path = dir / (std::string(name) + ".key");
    const auto sec_path = dir / (std::string(name) + ".key_secret");
    if (std::filesystem::exists(pub_path, ec) || std::filesystem::exists(sec_path, ec))
        throw Error(ErrorCode::already_exists, "a key named '" + std::string(name) + "' already exists in " + dir.string());
    const std::string n(name);
    write_exclusive(sec_path,
                    "# zro CURVE key pair of '" + n + "' (Z85). SECRET: keep this file private (mode 0600);\n"
                    "# never copy it to another machine. Share " + n + ".key instead.\n"
                    "public-key = \"" + public_key + "\"\n"
                    "secret-key = \"" + secret_key + "\"\n",
                    0600);
    try {
        write_exclusive(pub_path,
                        "# zro CURVE public key of '" + n + "' (Z85). Share it: hosts list it in their\n"
                        "# allowed_clients directory, clients pin it as a host key (known_hosts, server_keys).\n"
                        "public-key = \"" + public_key + "\"\n",
                        0644);
    } catch (...) {
        ::unlink(sec_path.c_str());
        throw;
    }
    return sec_path;
}

std::string load_public_key(const std::filesystem::path& file) {
    std::istringstream in(read_file(file));
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (is_valid_key(line)) return line;  // a bare key (may start with '#', a Z85 digit)
        if (line.empty() || line[0] == '#') continue;
        std::string v;
        if (quoted_field(line, "public-key", v)) {
            if (!is_valid_key(v)) throw Error(ErrorCode::bad_arguments, file.string() + ": public-key is not a 40-character Z85 key");
            return v;
        }
    }
    throw Error(ErrorCode::bad_arguments, file.string() + " holds no public key");
}

namespace detail {

std::map<std::string, std::string> read_known_hosts(const std::filesystem::path& file) {
    std::map<std::string, std::string> out;
    std::ifstream in(file);
    if (!in) return out;  // missing: nothing known yet
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        const auto sp = line.find_first_of(" \t");
        if (sp == std::string::npos) continue;
        const std::string url = line.substr(0, sp);
        const std::string key = trim(std::string_view(line).substr(sp));
        if (is_valid_key(key)) out[url] = key;  // a later line for the same URL wins
    }
    return out;
}

void append_known_host(const std::filesystem::path& file, const std::string& url, const std::string& key) {
    const std::string line = url + " " + key + "\n";
    const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(ErrorCode::bad_arguments, "cannot open " + file.string() + ": " + std::strerror(errno));
    const auto n = ::write(fd, line.data(), line.size());  // one write: concurrent appenders do not interleave
    const int saved = errno;
    ::fsync(fd);
    ::close(fd);
    if (n != static_cast<ssize_t>(line.size()))
        throw Error(ErrorCode::bad_arguments, "cannot append to " + file.string() + ": " + std::strerror(saved));
}

void resolve_keys(SecurityOptions& o) {
    if (!o.key_file.empty()) {
        KeyPair loaded = KeyPair::load(o.key_file);
        if (!o.keys.empty() && o.keys.secret_key != loaded.secret_key)
            throw Error(ErrorCode::bad_arguments, "security: both keys and key_file are set, and they differ");
        o.keys = std::move(loaded);
    }
    if (!o.keys.empty()) {
        const KeyPair derived = KeyPair::from_secret(o.keys.secret_key);  // also checks CURVE support
        if (!o.keys.public_key.empty() && o.keys.public_key != derived.public_key)
            throw Error(ErrorCode::bad_arguments, "security: the public key does not belong to the secret key");
        o.keys.public_key = derived.public_key;
    }
    for (auto& [url, key] : o.server_keys)
        if (!is_valid_key(key)) throw Error(ErrorCode::bad_arguments, "security: server key for " + url + " is not a Z85 key");
    for (auto& key : o.allowed_client_keys)
        if (!is_valid_key(key)) throw Error(ErrorCode::bad_arguments, "security: an allowed client key is not a Z85 key");
}

} // namespace detail
} // namespace zro
