// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// `zro::NodeOptions`: how a node (zro/node.hpp) paces its heartbeats, bounds its messages and
/// history, batches what it publishes, finds other nodes and secures its connections. Set them
/// before constructing the node; they do not change while it lives.

#include <zro/security.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace zro {

struct NodeOptions {
    /// How often this node's host publishes heartbeats. Hosts tell clients theirs in the
    /// handshake, and a client follows the interval of the host it talks to (it pings once per
    /// host interval; a replica turns suspect after three host intervals of silence); this
    /// node's own value only paces its handshake attempts before a host has answered.
    std::chrono::milliseconds heartbeat_interval{1000};
    /// Largest message accepted or sent (bytes). Larger frames are refused with `too_large`
    /// before sending (also when they exceed the limit the host announced in its handshake);
    /// ZeroMQ drops the connection of a peer that sends more than twice this.
    std::size_t max_message_size = 16u << 20;
    /// How many recent messages per object a host keeps to replay to replicas that missed some.
    std::size_t history_messages = 1024;
    /// ... and at most this many bytes of them.
    std::size_t history_bytes = 4u << 20;
    /// A replica buffers at most this many messages while it waits for a snapshot or a repair.
    std::size_t replica_buffer_messages = 10000;
    /// Publish batching. A host sends a source's changes at the end of the loop turn that made
    /// them, except when the loop is busy (the next turn starts at once: a 0 ms timer, posted
    /// work): then changes of consecutive turns are held back for at most this long and leave
    /// in one message, which is what makes one-change-per-turn sources fast. 0: never hold.
    std::chrono::microseconds max_publish_delay{200};
    /// A name for logs; defaults to a random id. With `discovery`, it also labels the mDNS
    /// service ("<name> (<id8>)"; default "zro on <hostname> (<id8>)").
    std::string name;
    /// Zero-config discovery through the system's avahi-daemon (docs/DISCOVERY.md): a host
    /// publishes `_zro._tcp` with its objects; a node browses and connects by itself to hosts
    /// sharing what it acquires (no `connect_to` needed). Off by default.
    bool discovery = false;
    /// The network interface mDNS publishes and browses on (e.g. "eth0"); empty: every interface
    /// avahi-daemon uses. A host found on several addresses is reached on this interface's.
    std::string discovery_interface;
    /// URL of a host sharing a `zro::Registry` (docs/DISCOVERY.md). A host registers its sources
    /// there; a node looks up the objects it acquires there. Empty: no registry.
    std::string registry_url;
    /// CurveZMQ keys, allow-list and host-key pinning; off (plain) unless a key pair is set.
    /// See zro/security.hpp and docs/SECURITY.md.
    SecurityOptions security;
};

/// How `node.acquire_model` sets up a model replica (docs/MODELS.md).
struct ModelOptions {
    /// Rows 0..N-1 of the root as a window from the start (fetched with the first snapshot's
    /// answer, then pushed on change). 0: none; the root's row and column counts come anyway.
    std::size_t prefetch_rows = 0;
    /// Rows held per parent (see ModelReplica::set_cache_size); 0: the default, 1000.
    std::size_t cache_size = 0;
    /// The roles this replica reads (see ModelReplica::set_roles); empty: every role.
    std::vector<std::string> roles{};
};

} // namespace zro
