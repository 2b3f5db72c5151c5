#!/usr/bin/env bash
# Proxy lab test (issue 12, point 4): two subnets joined only by a router namespace, mDNS on each
# side, a `zro proxy` on the router; clients on subnet B find and use the objects of subnet A by
# name. Real processes, real avahi-daemons (scripts/netlab.sh: `up N --subnet K`, `router`).
#
#   tests/lab/lab_proxy.sh ZRO
#
#   subnet A 10.250.1.0/24: h1 serves Pump1, h2 serves Pump2 (zro serve --mdns, tests/cli/reps/mock.rep)
#   router r: 10.250.1.254 (eth0) and 10.250.2.254 (eth1), IP forwarding off, one avahi-daemon
#             on both interfaces with the reflector off;
#             zro proxy --from mdns --interface eth0 --to tcp://0.0.0.0:6000 --announce-mdns --outer-interface eth1
#   subnet B 10.250.2.0/24: h1 is the client; no --url anywhere on its side (mDNS only)
#
# Checks: B's mDNS shows the copies at the proxy (and not A's hosts); get, set, call by name from
# B reach the right source on A (verified on A's side); a change made at a source on A is seen by
# a watcher on B; B cannot reach A's hosts directly even with a route through the router. Prints
# the times it measured. Needs root and network namespaces; otherwise prints why and exits 77.
set -uo pipefail

zro=$(readlink -f "$1")
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
netlab="$here/../../scripts/netlab.sh"
rep="$here/../cli/reps/mock.rep"
# Lab names unique to this run (the netlab limit is 12 characters).
lab_a="pa$$"; lab_a=${lab_a:0:12}
lab_b="pb$$"; lab_b=${lab_b:0:12}
lab_r="pr$$"; lab_r=${lab_r:0:12}
sub_a=1; sub_b=2
a1=10.250.$sub_a.1; a2=10.250.$sub_a.2; ra=10.250.$sub_a.254; rb=10.250.$sub_b.254
work=$(mktemp -d /tmp/zro-lab-proxy.XXXXXX)
pids=()
unset ZRO_URL  # B's side must find everything through mDNS

skip() { echo "SKIPPED: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "lab tests need root (network namespaces)"
command -v avahi-daemon >/dev/null && command -v avahi-browse >/dev/null && command -v dbus-daemon >/dev/null \
  || skip "avahi-daemon, avahi-utils and dbus-daemon are not installed (scripts/setup.sh installs them)"
[[ -x "$zro" ]] || { echo "FAIL: no zro binary at '$1'"; exit 1; }
ip netns add "${lab_a}-probe" 2>/dev/null || skip "cannot create a network namespace here"
ip netns del "${lab_a}-probe"

cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  exec 3>&- 4>&-
  # The router first (its links hang on the labs' bridges), then the labs; each is safe to run
  # after any failure, and a lab that never came up is simply not there.
  "$netlab" --lab "$lab_r" down >/dev/null 2>&1
  "$netlab" --lab "$lab_b" down >/dev/null 2>&1
  "$netlab" --lab "$lab_a" down >/dev/null 2>&1
  if [[ ${keep_work:-0} -eq 0 ]]; then rm -rf "$work"; else echo "logs kept in $work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM  # so that cleanup runs when ctest or a user stops the test

fail() {
  echo "FAIL: $*"
  for f in "$work"/*.log; do [[ -f "$f" ]] && { echo "---- $(basename "$f")"; tail -n 25 "$f"; }; done
  exit 1
}
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lab_lib.sh"  # now_ms, wait_for, stop_and_check_sanitizers
A() { local h=$1; shift; "$netlab" --lab "$lab_a" exec "$h" "$@"; }
B() { local h=$1; shift; "$netlab" --lab "$lab_b" exec "$h" "$@"; }
R() { "$netlab" --lab "$lab_r" exec r "$@"; }
# [bg_in=FILE] bg NAME LAB HOST CMD...: start CMD on a lab host in the background, stdin from
# FILE (default /dev/null), output in $work/NAME.log; its pid in $last_pid.
bg() {
  local name=$1 lab=$2 h=$3; shift 3
  "$netlab" --lab "$lab" exec "$h" "$@" <"${bg_in:-/dev/null}" >"$work/$name.log" 2>&1 &
  last_pid=$!
  disown "$last_pid"  # no "Killed" noise from bash when cleanup stops it
  pids+=("$last_pid")
}
# on_b NAME WANT_EXIT CMD...: CMD on B's client host h1, output in $work/NAME.log, its exit code
# checked, its wall time in $took (ms).
on_b() {
  local name=$1 want=$2 rc t0; shift 2
  t0=$(now_ms)
  B h1 "$@" >"$work/$name.log" 2>&1; rc=$?
  took=$(( $(now_ms) - t0 ))
  [[ $rc -eq $want ]] || fail "on B: '$*' exited $rc, expected $want: $(head -c 400 "$work/$name.log")"
}
# iso_ms TIME: milliseconds since the epoch of an ISO time as `zro watch --json` prints it.
iso_ms() { date -d "$1" +%s%3N; }

t_start=$(now_ms)
# --- the network: A (2 hosts), B (1 host), both up at once; then the router between them.
"$netlab" --lab "$lab_a" up 2 --subnet $sub_a >"$work/netlab-a.log" 2>&1 &
up_a=$!
"$netlab" --lab "$lab_b" up 1 --subnet $sub_b >"$work/netlab-b.log" 2>&1 &
up_b=$!
wait "$up_a" || fail "netlab up of subnet A failed"
wait "$up_b" || fail "netlab up of subnet B failed"
"$netlab" --lab "$lab_r" router "$lab_a" "$lab_b" >"$work/netlab-r.log" 2>&1 || fail "netlab router failed"
[[ $(R cat /proc/sys/net/ipv4/ip_forward) == 0 ]] || fail "the router forwards IP (ip_forward is not 0)"
t_lab=$(now_ms)

# --- subnet A: two mock sources published on A's mDNS. Their stdin is a fifo this script holds
# open (fd 3, fd 4): a line there is a change made at the source itself.
mkfifo "$work/p1.in" "$work/p2.in" && exec 3<>"$work/p1.in" 4<>"$work/p2.in"
bg_in=$work/p1.in bg p1 "$lab_a" h1 "$zro" serve "$rep" --name Pump1 --set label=a1 --reply add=41 --mdns --url tcp://0.0.0.0:5555
bg_in=$work/p2.in bg p2 "$lab_a" h2 "$zro" serve "$rep" --name Pump2 --set label=a2 --reply add=42 --mdns --url tcp://0.0.0.0:5555
wait_for "$work/p1.log" '"event":"serving"' 10 || fail "zro serve did not start on A's h1"
wait_for "$work/p2.log" '"event":"serving"' 10 || fail "zro serve did not start on A's h2"
# Both announced on A (as the router's daemon sees them on eth0), before the proxy starts: the
# time below is the proxy's, not the sources' announcement.
seen=0
for _ in $(seq 40); do
  R timeout 5 avahi-browse -rtp _zro._tcp >"$work/browse-r.log" 2>&1
  if grep -q "^=;eth0;IPv4;.*;$a1;5555;" "$work/browse-r.log" && grep -q "^=;eth0;IPv4;.*;$a2;5555;" "$work/browse-r.log"; then
    seen=1; break
  fi
  sleep 0.3
done
[[ $seen -eq 1 ]] || fail "the router's avahi-daemon never saw both sources of subnet A on eth0"
grep -q "^=;eth1;" "$work/browse-r.log" && fail "A's services appear on the router's eth1 (the reflector is on?)"

# --- the proxy on the router: inner side A's mDNS (eth0), outer side announced on B (eth1).
t_proxy=$(now_ms)
bg proxy "$lab_r" r env ZRO_LOG=info "$zro" proxy --from mdns --interface eth0 --to tcp://0.0.0.0:6000 --announce-mdns --outer-interface eth1
wait_for "$work/proxy.log" '"event":"proxying"' 10 || fail "zro proxy did not start on the router"

# --- B: its avahi-daemon sees the proxy's service (the real Avahi tool, polled: it answers from
# the daemon's cache) ...
found=0
for _ in $(seq 100); do
  B h1 timeout 5 avahi-browse -rtp _zro._tcp >"$work/browse-b.log" 2>&1
  if grep -q "^=;eth0;IPv4;.*;$rb;6000;" "$work/browse-b.log"; then found=1; break; fi
  sleep 0.1
done
t_announced=$(now_ms)
[[ $found -eq 1 ]] || fail "B's avahi-daemon did not see the proxy's service at $rb:6000 within $(( t_announced - t_proxy )) ms"
# ... and `zro list` there (mDNS on B's avahi-daemon: a 2 s browse, then LIST to each host found)
# shows both objects, at the proxy's B address.
found=0
for _ in $(seq 10); do
  B h1 "$zro" list --json --timeout 3s >"$work/list.log" 2>&1
  if grep -q '"name":"Pump1"' "$work/list.log" && grep -q '"name":"Pump2"' "$work/list.log"; then found=1; break; fi
done
t_list=$(now_ms)
[[ $found -eq 1 ]] || fail "zro list on B did not show Pump1 and Pump2 within $(( t_list - t_proxy )) ms of the proxy's start"
grep -q "\"url\":\"tcp://$rb:6000\",\"up\":true" "$work/list.log" || fail "zro list on B: the objects are not at the proxy tcp://$rb:6000"
grep -q "10\\.250\\.$sub_a\\." "$work/list.log" && fail "zro list on B shows a host of subnet A directly: $(cat "$work/list.log")"
# avahi-browse on B: only the proxy's service, none of A's.
grep -q ";10\\.250\\.$sub_a\\.[0-9]*;5555;" "$work/browse-b.log" && fail "avahi-browse on B shows A's sources (mDNS crossed the router)"
# (The TXT record naming the copies follows the service: avahi re-announces the updated TXT
# over the next seconds; zro does not need it, LIST says what a host shares. Checked below.)
# ... and the copies are not announced back on A (the proxy announces on eth1 only).
A h1 timeout 10 avahi-browse -rtp _zro._tcp >"$work/browse-a.log" 2>&1
grep -q ";6000;" "$work/browse-a.log" && fail "the proxy's copies are announced on subnet A too"

# --- get, set, call by name from B (no --url: mDNS on B finds the proxy's copies).
on_b get1 0 "$zro" get Pump1 level
[[ $(cat "$work/get1.log") == 3 ]] || fail "zro get Pump1 level on B: '$(cat "$work/get1.log")', expected 3"
t_get=$took
on_b get2 0 "$zro" get Pump2 label
[[ $(cat "$work/get2.log") == '"a2"' ]] || fail "zro get Pump2 label on B: '$(cat "$work/get2.log")', expected \"a2\" (the source on A's h2)"

on_b set1 0 "$zro" set Pump1 level 8
t_set=$took
# Verified on A's side: the source logged the write, and a client on A (h2, straight to h1's URL)
# reads the new value.
wait_for "$work/p1.log" '"event":"write","property":"level","value":8' 5 || fail "the source on A's h1 did not see the write from B"
A h2 "$zro" get Pump1 level --url tcp://$a1:5555 >"$work/get-a.log" 2>&1 || fail "zro get on A's h2 (direct) failed"
[[ $(cat "$work/get-a.log") == 8 ]] || fail "on A, Pump1.level is '$(cat "$work/get-a.log")' after B set it to 8"
grep -q '"event":"write"' "$work/p2.log" && fail "the write meant for Pump1 reached Pump2's source"

on_b call1 0 "$zro" call Pump1 add 1 2
[[ $(cat "$work/call1.log") == 41 ]] || fail "zro call Pump1 add on B: '$(cat "$work/call1.log")', expected 41 (h1's reply)"
t_call=$took
on_b call2 0 "$zro" call Pump2 add 1 2
[[ $(cat "$work/call2.log") == 42 ]] || fail "zro call Pump2 add on B: '$(cat "$work/call2.log")', expected 42 (h2's reply)"
on_b flip 0 "$zro" call Pump1 flip true
wait_for "$work/p1.log" '"event":"call","id":[0-9]+,"method":"flip","args":\[true\]' 5 \
  || fail "the source on A's h1 did not log the call flip(true) made on B"

# --- changes made at the source on A (its stdin) are seen by a watcher on B, in order: five
# changes, each timed from the line written to the source to the watcher's time stamp.
bg watch "$lab_b" h1 "$zro" watch Pump2 level --json --count 5 --timeout 20s
wpid=$last_pid
wait_for "$work/watch.log" '"event":"value","property":"level"' 10 || fail "the watcher on B did not get Pump2's current value"
lat=()
for i in 1 2 3 4 5; do
  t_change=$(now_ms)
  echo "{\"set\":\"level\",\"value\":$((70 + i))}" >&4
  wait_for "$work/watch.log" "\"event\":\"changed\",\"property\":\"level\",\"value\":$((70 + i)),\"seq\":$i\}" 5 \
    || fail "the watcher on B did not see change $i of Pump2.level (to $((70 + i)), seq $i) made on A"
  t_seen=$(iso_ms "$(grep "\"value\":$((70 + i)),\"seq\":$i}" "$work/watch.log" | sed 's/.*"time":"\([^"]*\)".*/\1/')")
  lat+=($(( t_seen - t_change )))
  sleep 0.1
done
for _ in $(seq 50); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$wpid" 2>/dev/null && fail "zro watch --count 5 on B did not end after the 5 changes"

# --- what the proxy costs: the same call with the URL given (no mDNS browse), from B through the
# proxy and from A straight to the source; wall time of the whole command (start, connect,
# snapshot, call), the best of three.
best() { printf '%s\n' "$@" | sort -n | head -1; }
via=(); direct=()
for _ in 1 2 3; do
  on_b callurl 0 "$zro" call Pump1 add 1 2 --url tcp://$rb:6000; via+=("$took")
  t0=$(now_ms)
  A h2 "$zro" call Pump1 add 1 2 --url tcp://$a1:5555 >"$work/calla.log" 2>&1 || fail "zro call on A (direct) failed: $(cat "$work/calla.log")"
  direct+=($(( $(now_ms) - t0 )))
done
[[ $(cat "$work/callurl.log") == 41 ]] || fail "zro call Pump1 add --url tcp://$rb:6000 on B: '$(cat "$work/callurl.log")'"

# --- the negative: B cannot reach A directly. Give B's host and A's hosts routes through the
# router, so only the router's forwarding being off stands between them...
ip -n "$lab_b-h1" route add 10.250.$sub_a.0/24 via $rb || fail "cannot add B's route to A"
ip -n "$lab_a-h1" route add 10.250.$sub_b.0/24 via $ra || fail "cannot add A's route to B"
ip -n "$lab_a-h2" route add 10.250.$sub_b.0/24 via $ra || fail "cannot add A's route to B"
# ... the route works as far as the router (its A-side address answers: the proxy listens there) ...
on_b viarouter 0 "$zro" list --url tcp://$ra:6000 --timeout 3s
grep -q 'Pump1' "$work/viarouter.log" || fail "B cannot reach the router at $ra through the route (the negative below would prove nothing)"
# ... and not one hop further.
on_b direct 3 "$zro" get Pump1 level --url tcp://$a1:5555 --timeout 2s
on_b direct2 3 "$zro" list --url tcp://$a2:5555 --timeout 2s

# By now B's avahi-daemon has the proxy's TXT record naming both copies.
B h1 timeout 10 avahi-browse -rtp _zro._tcp >"$work/browse-b2.log" 2>&1
grep "^=;eth0;IPv4;.*;$rb;6000;" "$work/browse-b2.log" | grep '"objs=[^"]*Pump1' | grep -q '"objs=[^"]*Pump2' \
  || fail "the proxy's TXT record on B does not name Pump1 and Pump2"

stop_and_check_sanitizers
echo "lab (2 subnets + router) up: $(( t_lab - t_start )) ms"
echo "proxy start -> its service in B's avahi-daemon: $(( t_announced - t_proxy )) ms; -> zro list on B (a 2 s browse) done, showing Pump1 and Pump2: $(( t_list - t_proxy )) ms"
echo "on B, by name through mDNS and the proxy (wall time of the command): get $t_get ms, set $t_set ms, call $t_call ms"
echo "change at the source on A -> seen by zro watch on B (5 changes, ms): ${lat[*]}"
echo "zro call Pump1 add 1 2 --url (whole command, best of 3): from B through the proxy $(best "${via[@]}") ms, on A straight to the source $(best "${direct[@]}") ms"
echo "PASS: B finds A's objects by name through the proxy (get, set, call, watch); B cannot reach A directly"
