// zro — shared live objects over ZeroMQ.
#include <zro/error.hpp>
#include <zro/persisted_store.hpp>

#include "wire/codec.hpp"

#include <fstream>
#include <iterator>
#include <system_error>

namespace zro {

FileStore::FileStore(std::filesystem::path directory) : dir_(std::move(directory)) {}

std::filesystem::path FileStore::path_for(std::string_view name, std::string_view signature) const {
    // Object names may hold any byte but NUL: keep [A-Za-z0-9_.-], %-escape the rest.
    static const char* hex = "0123456789ABCDEF";
    std::string file;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
            (c == '.' && !file.empty()))
            file.push_back(c);
        else
            file += std::string("%") + hex[u >> 4] + hex[u & 15];
    }
    for (char c : signature)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) throw Error(ErrorCode::invalid_state, "FileStore: bad signature");
    return dir_ / (file + "-" + std::string(signature) + ".zro");
}

void FileStore::save(std::string_view name, std::string_view signature, const std::vector<Value>& values) {
    std::lock_guard lock(mutex_);
    const auto path = path_for(name, signature);
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw Error(ErrorCode::invalid_state, "FileStore: cannot create " + dir_.string() + ": " + ec.message());
    const std::string bytes = detail::wire::encode(Value(Value::List(values.begin(), values.end())));
    auto tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) throw Error(ErrorCode::invalid_state, "FileStore: cannot write " + tmp.string());
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw Error(ErrorCode::invalid_state, "FileStore: cannot write " + path.string());
    }
}

std::optional<std::vector<Value>> FileStore::restore(std::string_view name, std::string_view signature) {
    std::lock_guard lock(mutex_);
    std::ifstream in(path_for(name, signature), std::ios::binary);
    if (!in) return std::nullopt;
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto decoded = detail::wire::decode(bytes.data(), bytes.size());
    auto* v = std::get_if<Value>(&decoded);
    if (!v || !v->is_list()) return std::nullopt;
    return v->as_list();
}

} // namespace zro
