// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// What a replica reports about itself (zro/replica.hpp): its lifecycle state, the notices of
/// gaps, repairs, restarts and refused handshakes, and its counters. Plain values, so that
/// code which only reports (logs, `zro watch`, the engine) needs no replica class.

#include <cstdint>
#include <string>
#include <string_view>

namespace zro {

enum class ReplicaState : std::uint8_t {
    uninitialized = 0,       ///< no data yet
    defaulted = 1,           ///< static replica holding its declared defaults, no source yet
    valid = 2,               ///< in sync with the source
    suspect = 3,             ///< connection lost, source withdrawn or restarting; values are stale
    signature_mismatch = 4,  ///< the source's class differs; the replica will not attach
};
std::string_view to_string(ReplicaState s) noexcept;  ///< "Uninitialized", "Valid", ...

/// Something the replica noticed that is not a state change (for logs, `zro watch`, tests).
struct ReplicaNotice {
    enum class Kind : std::uint8_t {
        gap_detected,       ///< messages [first_seq, last_seq] were missed
        gap_repaired,       ///< repaired by replay from the host's history: nothing lost
        resynchronized,     ///< repaired (or restarted) by a fresh snapshot
        signals_lost,       ///< `count` signals could not be replayed and were lost
        source_restarted,   ///< the source has a new incarnation (epoch)
        unauthorized,       ///< a host refused this node in the security handshake (`message` says why)
        host_unverified,    ///< this node could not verify a host's key (`message` says which and why)
        source_withdrawn,   ///< the host withdrew the source (the replica turns Suspect and looks for it again)
    };
    Kind kind;
    std::uint64_t first_seq = 0;
    std::uint64_t last_seq = 0;
    std::uint64_t count = 0;
    std::string message;
};
std::string_view to_string(ReplicaNotice::Kind k) noexcept;

/// Counters since the replica was created.
struct ReplicaStats {
    std::uint64_t deltas_applied = 0;       ///< property changes applied
    /// EVENTS messages applied; each carries every change and signal of one or more of the
    /// source's loop turns (fewer than the changes when the host batches, see NodeOptions).
    std::uint64_t event_messages = 0;
    std::uint64_t signals_delivered = 0;
    std::uint64_t gaps_detected = 0;
    std::uint64_t repaired_by_replay = 0;
    std::uint64_t repaired_by_snapshot = 0;
    std::uint64_t signals_lost = 0;
    std::uint64_t snapshots = 0;            ///< snapshots applied (first one included)
    std::uint64_t malformed_messages = 0;   ///< messages from the host that failed validation
    std::uint64_t suspect_count = 0;
};

} // namespace zro
