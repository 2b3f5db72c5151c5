#!/usr/bin/env bash
# Discovery lab tests: real avahi-daemons in network namespaces (scripts/netlab.sh), real zro
# processes (zro_disc_peer), and the real Avahi tools as independent checks.
#
#   tests/lab/lab_discovery.sh PEER CASE
#   tests/lab/lab_discovery.sh PEER measure [RUNS]    time to Valid via mDNS and via the registry
#
# CASE: mdns | avahi_tools | kill_restart | failover | avahi_restart | many_objects | collision | interface
# Needs root and network namespaces; otherwise prints why and exits 77 (ctest: skipped).
set -uo pipefail

peer=$(readlink -f "$1"); case_=$2; runs=${3:-10}
here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
netlab="$here/../../scripts/netlab.sh"
lab="zt$$"
lab=${lab:0:12}
work=$(mktemp -d "/tmp/zro-lab-$case_.XXXXXX")
pids=()

skip() { echo "SKIPPED: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "lab tests need root (network namespaces)"
command -v avahi-daemon >/dev/null && command -v avahi-browse >/dev/null && command -v dbus-daemon >/dev/null \
  || skip "avahi-daemon, avahi-utils and dbus-daemon are not installed (scripts/setup.sh installs them)"
ip netns add "${lab}-probe" 2>/dev/null || skip "cannot create a network namespace here"
ip netns del "${lab}-probe"

cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  "$netlab" --lab "$lab" down >/dev/null 2>&1
  if [[ ${keep_work:-0} -eq 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL ($case_): $*"
  for f in "$work"/*.log; do [[ -f "$f" ]] && { echo "---- $(basename "$f")"; tail -n 25 "$f"; }; done
  exit 1
}
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lab_lib.sh"  # now_ms, wait_for, stop_and_check_sanitizers

# run_on HOST NAME ARGS...: start a peer on a lab host, output in $work/NAME.log; pid in $last_pid.
run_on() {
  local h=$1 name=$2; shift 2
  "$netlab" --lab "$lab" exec "$h" "$peer" "$@" >"$work/$name.log" 2>&1 &
  last_pid=$!
  disown "$last_pid"  # no "Killed" noise from bash when cleanup stops it
  pids+=("$last_pid")
}

lines() { wc -l <"$1" 2>/dev/null || echo 0; }

"$netlab" --lab "$lab" up 3 >"$work/netlab.log" 2>&1 || fail "netlab up failed: $(cat "$work/netlab.log")"

case "$case_" in
mdns)
  # Source on h1, replica on h2 knowing only the name: Valid through mDNS.
  run_on h1 src source Sw --mdns --url tcp://0.0.0.0:5555
  run_on h2 rep replica Sw --mdns
  wait_for "$work/rep.log" '^STATE Valid' 10 || fail "replica on h2 did not become Valid via mDNS in 10 s"
  wait_for "$work/rep.log" '^VALUE [0-9]+ h1' 5 || fail "replica on h2 got no values from h1"
  grep -q 'discovery: host .* at tcp://10.250.0.1:5555: chosen because' "$work/rep.log" \
    || fail "no log line saying which address was chosen and why"
  # avahi-browse on h3 (the real Avahi tool) sees what zro published, TXT included.
  "$netlab" --lab "$lab" exec h3 timeout 10 avahi-browse -rtp _zro._tcp >"$work/browse.log" 2>&1
  grep -E '^=;eth0;IPv4;.*;_zro\._tcp;local;.*;10\.250\.0\.1;5555;' "$work/browse.log" | grep -q '"objs=Sw"' \
    || fail "avahi-browse on h3 does not show zro's service with objs=Sw"
  id=$(awk '/^READY/ {print $3}' "$work/src.log")
  grep -q "\"id=$id\"" "$work/browse.log" && grep -q '"v=3"' "$work/browse.log" || fail "TXT lacks v=3 or id=$id"
  # zro's own one-shot listing (discover_objects) on h3 finds it too, with its class.
  "$netlab" --lab "$lab" exec h3 timeout 10 "$peer" browse --mdns --timeout 1500 >"$work/zbrowse.log" 2>&1 \
    || fail "discover_objects on h3 failed"
  grep -q "^OBJ Sw Counter tcp://10.250.0.1:5555 mdns $id" "$work/zbrowse.log" || fail "discover_objects on h3 does not list Sw"
  # A clean shutdown withdraws the service before closing sockets: avahi sees the goodbye.
  kill -TERM "${pids[0]}"
  wait_for "$work/src.log" 'withdrew the mDNS service' 5 || fail "the host did not say it withdrew its service"
  sleep 1.5
  "$netlab" --lab "$lab" exec h3 timeout 10 avahi-browse -rtp _zro._tcp >"$work/browse2.log" 2>&1
  grep -q '10\.250\.0\.1;5555' "$work/browse2.log" && fail "service still announced after a clean shutdown"
  ;;
avahi_tools)
  # zro's browser sees a service published by avahi-publish: a zro host with discovery off
  # (static URL), announced by the real avahi-publish with the TXT record zro would use.
  run_on h1 src source Pub --url tcp://0.0.0.0:5601
  wait_for "$work/src.log" '^READY' 5 || fail "source did not start"
  id=$(awk '/^READY/ {print $3}' "$work/src.log")
  "$netlab" --lab "$lab" exec h1 avahi-publish -s "handmade zro" _zro._tcp 5601 "v=3" "id=$id" "objs=Pub" \
    >"$work/avahi-publish.log" 2>&1 &
  pids+=($!); disown $!
  run_on h2 rep replica Pub --mdns
  wait_for "$work/rep.log" '^STATE Valid' 10 || fail "zro did not find the service published by avahi-publish"
  grep -q "discovery: host 'handmade zro'" "$work/rep.log" || fail "zro's log does not name the avahi-publish instance"
  ;;
kill_restart)
  # Host SIGKILL → the replica turns Suspect by heartbeat (hb 250 ms); the source restarted on
  # h3 (another address) → Valid again through discovery.
  run_on h1 src1 source Sw --mdns --url tcp://0.0.0.0:5555
  run_on h2 rep replica Sw --mdns
  wait_for "$work/rep.log" '^STATE Valid' 10 || fail "replica did not become Valid"
  t_kill=$(now_ms); n=$(lines "$work/rep.log")
  kill -KILL "${pids[0]}"
  wait_for "$work/rep.log" '^STATE Suspect Valid' 5 "$n" || fail "replica not Suspect within 5 s of the host's SIGKILL"
  t_suspect=$(awk '/^STATE Suspect Valid/ {print $5}' "$work/rep.log" | tail -1)
  n=$(lines "$work/rep.log"); t_start=$(now_ms)
  run_on h3 src3 source Sw --mdns --url tcp://0.0.0.0:5555
  wait_for "$work/rep.log" '^STATE Valid Suspect' 15 "$n" || fail "replica not Valid again after the source restarted on h3"
  wait_for "$work/rep.log" '^VALUE [0-9]+ h3' 5 || fail "no values from h3"
  t_valid=$(awk '/^STATE Valid Suspect/ {print $5}' "$work/rep.log" | tail -1)
  echo "kill -> Suspect: $((t_suspect - t_kill)) ms; start on h3 -> Valid: $((t_valid - t_start)) ms"
  ;;
failover)
  # The same object shared by two hosts: the replica picks one, and fails over when it dies.
  run_on h1 src1 source Sw --mdns --url tcp://0.0.0.0:5555
  run_on h3 src3 source Sw --mdns --url tcp://0.0.0.0:5555
  run_on h2 rep replica Sw --mdns
  wait_for "$work/rep.log" '^VALUE [0-9]+ h[13]' 10 || fail "replica got no values"
  first=$(awk '/^VALUE/ {print $3}' "$work/rep.log" | tail -1)
  if [[ $first == h1 ]]; then victim=${pids[0]}; other=h3; else victim=${pids[1]}; other=h1; fi
  # Both hosts must be known before the kill, so the failover is to an already-found host.
  wait_for "$work/rep.log" "connecting to tcp://10.250.0.1:5555" 5 && wait_for "$work/rep.log" "connecting to tcp://10.250.0.3:5555" 5 \
    || fail "the replica's node did not find both hosts"
  n=$(lines "$work/rep.log"); t_kill=$(now_ms)
  kill -KILL "$victim"
  wait_for "$work/rep.log" '^STATE Valid Suspect' 10 "$n" || fail "no failover to $other within 10 s"
  wait_for "$work/rep.log" "^VALUE [0-9]+ $other" 5 "$n" || fail "values do not come from $other after the failover"
  t_valid=$(awk '/^STATE Valid Suspect/ {print $5}' "$work/rep.log" | tail -1)
  echo "failover $first -> $other: $((t_valid - t_kill)) ms from SIGKILL to Valid"
  ;;
avahi_restart)
  # avahi-daemon killed and restarted on the host side: zro re-publishes; the live replica stays
  # Valid throughout (mDNS REMOVE never drops a connection; heartbeats decide).
  run_on h1 src source Sw --mdns --url tcp://0.0.0.0:5555
  run_on h2 rep replica Sw --mdns
  wait_for "$work/rep.log" '^STATE Valid' 10 || fail "replica did not become Valid"
  n=$(lines "$work/src.log")
  "$netlab" --lab "$lab" avahi-stop h1 || fail "avahi-stop failed"
  wait_for "$work/src.log" 'avahi-daemon went away' 5 "$n" || fail "the host did not notice the daemon going away"
  sleep 1
  "$netlab" --lab "$lab" avahi-start h1 || fail "avahi-start failed"
  wait_for "$work/src.log" 'published' 10 "$n" || fail "the host did not re-publish after the daemon restart"
  # Right after a daemon restart the first resolution may carry only the IPv6 link-local
  # address (seen on a loaded machine): browse again until the IPv4 record is there too.
  seen=0
  for attempt in 1 2 3 4 5; do
    "$netlab" --lab "$lab" exec h3 timeout 10 avahi-browse -rtp _zro._tcp >"$work/browse.log" 2>&1
    if grep -q '10\.250\.0\.1;5555;.*objs=Sw' "$work/browse.log"; then seen=1; break; fi
    sleep 1
  done
  [[ $seen -eq 1 ]] || fail "h3 does not see the re-published service"
  # The replica side's daemon too.
  "$netlab" --lab "$lab" avahi-restart h2 || fail "avahi-restart h2 failed"
  sleep 1
  grep -q '^STATE Suspect' "$work/rep.log" && fail "the replica went Suspect during the daemon restarts"
  wait_for "$work/rep.log" '^VALUE' 2 "$(( $(lines "$work/rep.log") - 1 ))" || fail "values stopped"
  ;;
many_objects)
  # Object names that do not fit in ~400 bytes of TXT: the record carries a count (objs#) and
  # the node fetches the list over ROUTER (LIST/OBJECTS) before connecting.
  names=$(printf 'AFairlyLongObjectName_%02d,' $(seq 1 30)); names=${names%,}
  run_on h1 src source "$names" --mdns --url tcp://0.0.0.0:5555
  run_on h2 rep replica AFairlyLongObjectName_17 --mdns
  wait_for "$work/rep.log" '^STATE Valid' 10 || fail "replica not Valid when the TXT holds only a count"
  "$netlab" --lab "$lab" exec h3 timeout 10 avahi-browse -rtp _zro._tcp >"$work/browse.log" 2>&1
  grep -q '"objs#=30"' "$work/browse.log" || fail "TXT does not carry objs#=30"
  grep -q '"objs=' "$work/browse.log" && fail "TXT lists the names although they do not fit"
  ;;
collision)
  # A remote name collision: while h1 is cut off, avahi-publish on h2 takes zro's instance name
  # (with a larger SRV port, so zro's records lose the tie-break); when h1 comes back, its daemon
  # re-probes and reports the collision, and zro renames ("… #2") and re-publishes.
  run_on h1 src source Sw --mdns --name Coll --url tcp://0.0.0.0:5555
  wait_for "$work/src.log" "published 'Coll \\(" 10 || fail "zro did not publish"
  id8=$(awk '/^READY/ {print substr($3, 1, 8)}' "$work/src.log")
  ip -n "$lab-h1" link set eth0 down
  "$netlab" --lab "$lab" exec h2 avahi-publish -s "Coll ($id8)" _zro._tcp 65000 "v=3" "id=other" >"$work/avahi-publish.log" 2>&1 &
  pids+=($!); disown $!
  wait_for "$work/avahi-publish.log" 'Established' 10 || fail "avahi-publish did not establish the name"
  ip -n "$lab-h1" link set eth0 up
  wait_for "$work/src.log" "taken \\(remote name collision\\); renamed to 'Coll \\($id8\\) #2'" 15 \
    || fail "zro did not rename after a remote collision"
  wait_for "$work/src.log" "published 'Coll \\($id8\\) #2'" 10 || fail "zro did not re-publish under the new name"
  run_on h3 rep replica Sw --mdns
  wait_for "$work/rep.log" '^STATE Valid' 10 || fail "replica not Valid after the rename"
  ;;
interface)
  # discovery_interface names the interface; an unknown one is a clear error.
  timeout 10 "$netlab" --lab "$lab" exec h2 "$peer" replica Sw --mdns --iface nosuch0 >"$work/bad.log" 2>&1; rc=$?
  [[ $rc -ne 0 ]] && grep -q "discovery_interface 'nosuch0': no such network interface" "$work/bad.log" \
    || fail "an unknown interface was not refused clearly (rc $rc)"
  run_on h1 src source Sw --mdns --iface eth0 --url tcp://0.0.0.0:5555
  run_on h2 rep replica Sw --mdns --iface eth0
  wait_for "$work/rep.log" '^STATE Valid' 10 || fail "replica did not become Valid with --iface eth0"
  grep -q 'discovery_interface=eth0' "$work/rep.log" || fail "the chosen-address log line does not mention the interface option"
  ;;
measure)
  # Time from host start to replica Valid (the replica is already waiting), RUNS times each.
  keep_work=0
  run_on h3 reg registry --url tcp://10.250.0.3:5600
  wait_for "$work/reg.log" '^READY' 5 || fail "registry did not start"
  for via in mdns registry; do
    times=()
    for i in $(seq "$runs"); do
      if [[ $via == mdns ]]; then opts=(--mdns); else opts=(--registry tcp://10.250.0.3:5600); fi
      run_on h2 "rep$i" replica "M$via$i" "${opts[@]}"; rp=$last_pid
      wait_for "$work/rep$i.log" '^READY' 5 || fail "replica did not start"
      sleep 0.3
      t0=$(now_ms)
      run_on h1 "src$i" source "M$via$i" "${opts[@]}" --url tcp://0.0.0.0:$((5700 + i)); sp=$last_pid
      wait_for "$work/rep$i.log" '^STATE Valid' 15 || fail "run $i via $via: not Valid in 15 s"
      t1=$(awk '/^STATE Valid/ {print $5}' "$work/rep$i.log" | head -1)
      times+=($((t1 - t0)))
      kill -TERM "$sp" "$rp" 2>/dev/null; wait "$sp" "$rp" 2>/dev/null
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    median=$(echo "$sorted" | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}')
    max=$(echo "$sorted" | tail -1)
    echo "host start -> replica Valid via $via ($runs runs, ms): ${times[*]} | median $median max $max"
  done
  ;;
*) echo "unknown case $case_"; exit 2 ;;
esac
stop_and_check_sanitizers
echo "PASS ($case_)"
