#!/usr/bin/env bash
# CLI lab test: the `zro` verbs without --url, through mDNS, between two hosts of a network lab
# (scripts/netlab.sh: namespaces joined by a bridge, each with its own D-Bus and avahi-daemon).
#
#   tests/cli/lab_cli.sh ZRO REPS_DIR
#
# Needs root and network namespaces; otherwise prints why and exits 77 (ctest: skipped).
set -uo pipefail

zro=$(readlink -f "$1"); reps=$(readlink -f "$2")
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
netlab="$here/../../scripts/netlab.sh"
lab="zc$$"
lab=${lab:0:12}
work=$(mktemp -d /tmp/zro-lab-cli.XXXXXX)
pids=()

skip() { echo "SKIPPED: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "lab tests need root (network namespaces)"
command -v avahi-daemon >/dev/null && command -v avahi-browse >/dev/null && command -v dbus-daemon >/dev/null \
  || skip "avahi-daemon and dbus-daemon are not installed (scripts/setup.sh installs them)"
ip netns add "${lab}-probe" 2>/dev/null || skip "cannot create a network namespace here"
ip netns del "${lab}-probe"

cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  "$netlab" --lab "$lab" down >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  for f in "$work"/*.log; do [[ -f "$f" ]] && { echo "---- $(basename "$f")"; tail -n 30 "$f"; }; done
  exit 1
}
on() { "$netlab" --lab "$lab" exec "$@"; }
now_ms() { date +%s%3N; }
# wait_for FILE REGEX SECONDS: true once a line of FILE matches.
wait_for() {
  local end=$(( $(now_ms) + $3 * 1000 ))
  while [[ $(now_ms) -lt $end ]]; do
    grep -Eq "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
# check NAME EXPECTED_EXIT CMD...: runs CMD on h2, output in $work/NAME.log, checks its exit code.
check() {
  local name=$1 want=$2; shift 2
  on h2 "$@" >"$work/$name.log" 2>&1
  local rc=$?
  [[ $rc -eq $want ]] || fail "$name: exit $rc, expected $want"
}

"$netlab" --lab "$lab" up 2 >"$work/netlab.log" 2>&1 || fail "netlab up failed"

# h1: a mock published through mDNS; its stdin is a fifo this script holds open (fd 3).
mkfifo "$work/serve.in" && exec 3<>"$work/serve.in"
on h1 "$zro" serve "$reps/mock.rep" --mdns --url tcp://0.0.0.0:5555 --reply add=42 <"$work/serve.in" >"$work/serve.log" 2>&1 &
pids+=($!)
wait_for "$work/serve.log" '"event":"serving"' 10 || fail "zro serve did not start on h1"
# "serving" means bound; the mDNS announcement follows once avahi-daemon has probed the name
# (about a second, longer on a busy machine). Wait until h2's daemon sees it (avahi-browse:
# the real Avahi tool), so the check below measures zro, not the announcement's timing.
seen=0
for _ in $(seq 1 30); do
  if on h2 timeout 5 avahi-browse -rtp _zro._tcp 2>/dev/null | grep -q '^=.*10\.250\.0\.1'; then seen=1; break; fi
  sleep 0.3
done
[[ $seen -eq 1 ]] || fail "h2's avahi-daemon never saw the service zro serve --mdns published on h1"

# h2 knows no URL: every verb goes through mDNS.
check list 0 "$zro" list --json
grep -q '"name":"Mock"' "$work/list.log" && grep -q '"url":"tcp://10.250.0.1:5555","up":true' "$work/list.log" \
  || fail "zro list on h2 does not show Mock at tcp://10.250.0.1:5555 as up"
check get 0 "$zro" get Mock level
[[ $(cat "$work/get.log") == 3 ]] || fail "zro get Mock level: $(cat "$work/get.log")"
check set 0 "$zro" set Mock level 8
check get2 0 "$zro" get Mock level
[[ $(cat "$work/get2.log") == 8 ]] || fail "zro get after set: $(cat "$work/get2.log")"
check call 0 "$zro" call Mock add 1 2
[[ $(cat "$work/call.log") == 42 ]] || fail "zro call Mock add: $(cat "$work/call.log")"
check inspect 0 "$zro" inspect Mock
grep -q 'tcp://10.250.0.1:5555' "$work/inspect.log" || fail "inspect does not name the host"
check unknown 4 "$zro" get Nope --timeout 3s
grep -q "no object 'Nope'.*seen: Mock" "$work/unknown.log" || fail "unknown object: $(cat "$work/unknown.log")"

# watch through mDNS sees a change made from the source's stdin... made here with set from h1.
on h2 "$zro" watch Mock level --json --changes-only --count 1 --timeout 15s >"$work/watch.log" 2>&1 &
wpid=$!; pids+=($wpid)
for i in $(seq 40); do
  kill -0 "$wpid" 2>/dev/null || break
  on h1 "$zro" set Mock level $((100 + i)) --url tcp://10.250.0.1:5555 >/dev/null 2>&1
  sleep 0.25
done
wait "$wpid"; rc=$?
[[ $rc -eq 0 ]] || fail "watch through mDNS: exit $rc"
grep -q '"event":"changed","property":"level"' "$work/watch.log" || fail "watch saw no change"

# doctor on h2: avahi on its bus, eth0 used, and the publish-and-browse round trip works.
check doctor 0 "$zro" doctor --json
grep -q '"check":"avahi on D-Bus","status":"ok"' "$work/doctor.log" || fail "doctor: avahi on D-Bus not ok"
grep -q '"check":"publish and browse round trip","status":"ok"' "$work/doctor.log" || fail "doctor: round trip not ok"
grep -q '"name":"eth0","flags":"UP,RUNNING,MULTICAST"' "$work/doctor.log" || fail "doctor: eth0 not listed as usable"
echo "PASS: list/get/set/call/inspect/watch through mDNS, unknown object exit 4, doctor round trip"
