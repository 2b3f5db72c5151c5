#!/usr/bin/env bash
# Registry tests on loopback (no namespaces, no multicast): real zro_disc_peer processes.
#
#   tests/lab/registry.sh PEER CASE      CASE: events | late | restart | moves | expiry | no_daemon
set -uo pipefail

peer=$(readlink -f "$1"); case_=$2
work=$(mktemp -d "/tmp/zro-registry-$case_.XXXXXX")
# Ports below the kernel's ephemeral range (32768-60999), where ":0" binds and outgoing
# connections take theirs (a base up there collided with them in CI), spread by pid.
base=$((21000 + ($$ % 1100) * 10))
reg="tcp://127.0.0.1:$base"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL ($case_): $*"
  for f in "$work"/*.log; do [[ -f "$f" ]] && { echo "---- $(basename "$f")"; tail -n 25 "$f"; }; done
  exit 1
}
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lab_lib.sh"  # now_ms, wait_for, stop_and_check_sanitizers
start() {  # start NAME ARGS...: a peer with output in $work/NAME.log; pid in $last_pid
  local name=$1; shift
  "$peer" "$@" >"$work/$name.log" 2>&1 &
  last_pid=$!; disown "$last_pid"; pids+=("$last_pid")
}
count() { grep -Ec "$2" "$1" 2>/dev/null; }
lines() { wc -l <"$1" 2>/dev/null || echo 0; }
# Every process gets a private, missing system bus: nothing here may reach a real avahi-daemon.
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$work/no-such-bus"

case "$case_" in
events)
  # Several nodes watch the registry; a host adds 2 sources and removes 1: exactly 2 added and
  # 1 removed events on every node; a replica finds a source through the registry alone.
  start reg registry --url "$reg"
  wait_for "$work/reg.log" '^READY' 5 || fail "registry did not start"
  for w in 1 2 3; do start "w$w" watch --registry "$reg"; done
  for w in 1 2 3; do wait_for "$work/w$w.log" '^STATE Valid' 5 || fail "watcher $w not Valid"; done
  start rep replica B --registry "$reg"
  start host source A,B --url "tcp://127.0.0.1:$((base + 1))" --registry "$reg" --withdraw-after 1500
  wait_for "$work/rep.log" '^STATE Valid' 5 || fail "replica of B not Valid through the registry"
  wait_for "$work/host.log" '^WITHDRAW A' 5 || fail "the host did not withdraw A"
  sleep 1
  for w in 1 2 3; do
    a=$(count "$work/w$w.log" '^ADDED'); r=$(count "$work/w$w.log" '^REMOVED')
    [[ $a -eq 2 && $r -eq 1 ]] || fail "watcher $w saw $a added / $r removed (want 2 / 1)"
    grep -q "^REMOVED A tcp://127.0.0.1:$((base + 1))" "$work/w$w.log" || fail "watcher $w: the removed entry is not A"
  done
  ;;
late)
  # Host and replica start before the registry exists; both find it when it comes.
  start rep replica Late --registry "$reg"
  start host source Late --url "tcp://127.0.0.1:$((base + 1))" --registry "$reg"
  sleep 1.5
  grep -q '^STATE Valid' "$work/rep.log" && fail "Valid before any registry existed?"
  start reg registry --url "$reg"
  wait_for "$work/rep.log" '^STATE Valid' 8 || fail "replica not Valid after the registry appeared"
  ;;
restart)
  # The registry restarts (SIGKILL, then again at the same URL): the hosts repopulate it.
  start reg registry --url "$reg"
  start host source R1,R2 --url "tcp://127.0.0.1:$((base + 1))" --registry "$reg"
  wait_for "$work/host.log" 'registered 2 source' 5 || fail "host did not register"
  kill -KILL "$last_pid" 2>/dev/null; kill -KILL "${pids[0]}"
  start host source R1,R2 --url "tcp://127.0.0.1:$((base + 1))" --registry "$reg"
  sleep 0.5
  start reg2 registry --url "$reg"
  start w watch --registry "$reg"
  wait_for "$work/reg2.log" 'registered 2 source' 8 || fail "the restarted registry was not repopulated"
  timeout 10 "$peer" browse --registry "$reg" >"$work/browse.log" 2>&1 || fail "browse --registry failed"
  grep -q "^OBJ R1 Counter tcp://127.0.0.1:$((base + 1)) registry" "$work/browse.log" \
    && grep -q "^OBJ R2 " "$work/browse.log" || fail "discover_objects(registry) does not list R1 and R2"
  ;;
moves)
  # The source moves to another host: the replica follows it.
  start reg registry --url "$reg"
  start rep replica Mover --registry "$reg"
  start h1 source Mover --url "tcp://127.0.0.1:$((base + 1))" --registry "$reg"; h1=$last_pid
  wait_for "$work/rep.log" "^VALUE [0-9]+ tcp://127.0.0.1:$((base + 1))" 8 || fail "no values from the first host"
  n=$(lines "$work/rep.log")
  kill -TERM "$h1"
  start h2 source Mover --url "tcp://127.0.0.1:$((base + 2))" --registry "$reg"
  wait_for "$work/rep.log" "^VALUE [0-9]+ tcp://127.0.0.1:$((base + 2))" 8 "$n" || fail "the replica did not follow the source to the second host"
  ;;
expiry)
  # A host that dies without deregistering: its entries expire (3 of its heartbeats: 750 ms).
  start reg registry --url "$reg"
  start w watch --registry "$reg"
  wait_for "$work/w.log" '^STATE Valid' 5 || fail "watcher not Valid"
  start host source Ghost --url "tcp://127.0.0.1:$((base + 1))" --registry "$reg"
  wait_for "$work/w.log" '^ADDED Ghost' 8 || fail "the entry was not added"
  t0=$(now_ms); kill -KILL "$last_pid"
  wait_for "$work/w.log" '^REMOVED Ghost' 5 || fail "the dead host's entry did not expire within 5 s"
  echo "entry of a SIGKILLed host removed after $(( $(now_ms) - t0 )) ms"
  ;;
no_daemon)
  # No avahi-daemon (no system bus at all): discovery says so clearly; a static URL still works.
  start host source Static --url "tcp://127.0.0.1:$((base + 1))"
  start rep replica Static --mdns --connect "tcp://127.0.0.1:$((base + 1))"
  wait_for "$work/rep.log" '^STATE Valid' 5 || fail "the static URL did not work with discovery failing"
  wait_for "$work/rep.log" 'discovery \(mDNS\): cannot reach avahi-daemon' 5 || fail "no clear error about avahi-daemon"
  timeout 10 "$peer" browse --mdns --timeout 500 >"$work/browse.log" 2>&1; rc=$?
  [[ $rc -eq 1 ]] && grep -q 'mDNS discovery: cannot reach avahi-daemon' "$work/browse.log" \
    || fail "discover_objects without a daemon did not fail clearly (rc $rc)"
  ;;
*) echo "unknown case $case_"; exit 2 ;;
esac
stop_and_check_sanitizers
echo "PASS ($case_)"
