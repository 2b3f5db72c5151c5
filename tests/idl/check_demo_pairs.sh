#!/usr/bin/env bash
# Cross-process check of the generated classes (ctest: idl_demo_pairs): runs the demo programs
# built from .rep files against each other on tcp loopback.
#
#   check_demo_pairs.sh --demos-dir BUILD/demos
#
# 1. simpleswitch: the static source with the static replica and with the dynamic replica, and
#    the dynamic source with the static replica; each replica must see at least two toggles,
#    and the source must get "Replica state is" echoes back.
# 2. minutetimer: the replica must initialize with the list and map properties, get a POD back
#    from a slot, change a READWRITE enum property and receive multi-argument signals.
# Every process started here is stopped by its pid.
set -euo pipefail

demos=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --demos-dir) demos=$2; shift 2 ;;
    *) echo "check_demo_pairs: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -d "$demos" ]] || { echo "check_demo_pairs: --demos-dir must be the build's demos/ directory" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zro-demo-pairs.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# A port below the kernel's ephemeral range (32768-60999 by default), where the ports other tests
# bind as ":0" and every outgoing connection's local port land, and that nothing listens on now.
# A collision is still possible (another script picking the same port), so start_source retries.
port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 12000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "check_demo_pairs: found no free port in 20000-32000" >&2; return 1
}
fail() { echo "check_demo_pairs: $*" >&2; for f in "$tmp"/*.out; do echo "--- $f"; cat "$f"; done >&2; exit 1; }

# Waits up to $3 seconds until file $1 has at least $2 lines matching $4.
wait_for() {
  local file=$1 count=$2 secs=$3 pattern=$4
  for _ in $(seq 1 $(( secs * 10 ))); do
    if [[ -f "$file" ]] && (( $(grep -c -- "$pattern" "$file" || true) >= count )); then return 0; fi
    sleep 0.1
  done
  return 1
}

# start_source OUT PROGRAM ARGS...: starts a source on a fresh port (its URL is appended to the
# arguments as --url URL) and sets $url and $source_pid. A port that turns out to be taken (the
# program exits at once with "Address already in use") is replaced by another, up to 5 times.
start_source() {
  local out=$1; shift
  for _ in 1 2 3 4 5; do
    url="tcp://127.0.0.1:$(port)"
    "$@" --url "$url" >"$out" 2>&1 &
    source_pid=$!
    pids+=("$source_pid")
    sleep 0.3
    if kill -0 "$source_pid" 2>/dev/null || ! grep -q "Address already in use" "$out"; then return 0; fi
    wait "$source_pid" 2>/dev/null || true
    echo "check_demo_pairs: $url was taken, trying another port" >&2
  done
  fail "no port could be bound"
}

pair() {  # source replica
  local src=$1 rep=$2
  local so="$tmp/$src-$rep.src.out" ro="$tmp/$src-$rep.rep.out"
  start_source "$so" "$demos/simpleswitch/$src" --period-ms 150 --heartbeat-ms 100
  local sp=$source_pid
  "$demos/simpleswitch/$rep" --url "$url" --heartbeat-ms 100 >"$ro" 2>&1 &
  local rp=$!
  pids+=("$rp")
  wait_for "$ro" 3 15 "Received source state" || fail "$rep did not follow $src"
  wait_for "$so" 2 15 "Replica state is" || fail "$src got no echo from $rep"
  grep -q "server_slot failed" "$ro" && fail "$rep: server_slot failed"
  kill "$rp" "$sp"
  wait "$rp" 2>/dev/null || true
  wait "$sp" 2>/dev/null || true
  echo "check_demo_pairs: $src + $rep OK"
}

pair simpleswitch_source simpleswitch_replica
pair simpleswitch_source simpleswitch_dynamic_replica
pair simpleswitch_dynamic_source simpleswitch_replica

start_source "$tmp/mt.src.out" "$demos/minutetimer/minutetimer_source" --period-ms 100
timeout 30 "$demos/minutetimer/minutetimer_replica" --url "$url" --ticks 5 >"$tmp/mt.rep.out" 2>&1 || fail "minutetimer_replica failed"
grep -q "^Initialized at .* with 2 presets and zones CET=1 UTC=0$" "$tmp/mt.rep.out" || fail "minutetimer: no initialization line"
grep -q "^Preset 2 is News at 101.1 MHz$" "$tmp/mt.rep.out" || fail "minutetimer: slot returning a POD"
grep -q "^Speed is now Fast$" "$tmp/mt.rep.out" || fail "minutetimer: READWRITE enum property"
(( $(grep -c "^Tick .* (Fast)$" "$tmp/mt.rep.out") >= 1 )) || fail "minutetimer: multi-argument signal"
wait_for "$tmp/mt.src.out" 1 5 "^SetTimeZone 1$" || fail "minutetimer: void slot with an unnamed parameter"
echo "check_demo_pairs: minutetimer OK"
