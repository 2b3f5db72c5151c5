// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// Free ports for tests that must know a URL before the process that binds it starts (a source
/// restarted on the same URL, a replica started before its source). Prefer `tcp://127.0.0.1:*`
/// (or `:0`) and the URL the process prints wherever the test allows it: a port found free here
/// can be taken by another process before it is bound.

namespace zro::test {

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and closed), or -1.
int free_tcp_port();

} // namespace zro::test
