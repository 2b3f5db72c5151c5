// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::PersistedStore`: where static replicas keep their PERSISTED properties (QtRO's
/// QRemoteObjectAbstractPersistedStore), so a replica that has not reached its source yet
/// shows the last values it saw, even in a new process.
///
///     auto store = std::make_shared<zro::FileStore>("/var/lib/myapp/zro");
///     auto engine = node.acquire<EngineReplica>("Engine");
///     engine->use_persisted_store(store);   // restores now; saves when the replica goes away
///
/// Values are stored per (object name, class signature): a replica of a changed class never
/// reads values saved by an older one. Only the properties declared PERSISTED in the .rep file
/// are stored, in declaration order.
///
/// Thread contract: a store may be shared by replicas of several nodes; FileStore serialises
/// its own work, so it is safe from any thread. Your own stores must be too.

#include <zro/value.hpp>

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zro {

class PersistedStore {
public:
    virtual ~PersistedStore() = default;
    /// Remembers `values` for the replica `name` of the class with `signature`.
    virtual void save(std::string_view name, std::string_view signature, const std::vector<Value>& values) = 0;
    /// The values last saved for (name, signature); nullopt if none (or unreadable).
    virtual std::optional<std::vector<Value>> restore(std::string_view name, std::string_view signature) = 0;
};

/// The default store: one small MessagePack file per (name, signature) in a directory, written
/// atomically (temporary file + rename). The directory is created on first save. Failures to
/// write are reported by `save` throwing `zro::Error(invalid_state)` with the reason; a missing
/// or corrupt file restores nothing.
class FileStore : public PersistedStore {
public:
    explicit FileStore(std::filesystem::path directory);
    void save(std::string_view name, std::string_view signature, const std::vector<Value>& values) override;
    std::optional<std::vector<Value>> restore(std::string_view name, std::string_view signature) override;
    /// The file used for (name, signature): `<dir>/<name, %-escaped>-<signature>.zro`.
    std::filesystem::path path_for(std::string_view name, std::string_view signature) const;

private:
    std::filesystem::path dir_;
    std::mutex mutex_;
};

} // namespace zro
