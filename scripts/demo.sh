#!/usr/bin/env bash
# zro demo: the SimpleSwitch demo with one source and two replicas on this machine (loopback).
#
#   scripts/demo.sh [--seconds N] [--kill-source-after N] [--port P] [--period-ms MS]
#
#   --seconds N             how long the demo runs (default 10)
#   --kill-source-after N   SIGKILL the source N seconds in and restart it 2 s later, to show the
#                           replicas going suspect and recovering (the run is lengthened if needed)
#   --port P                TCP port on 127.0.0.1 (default: a free port in 20000-40000)
#   --period-ms MS          how often the source flips its state (default 1000)
#
# Runs scripts/setup.sh first (installs what is missing, builds build/). Output of all three
# programs is interleaved line by line, labelled [source], [replica-1], [replica-2]; the script's
# own lines are labelled [demo]. Every process it started is stopped (by pid) at the end and on
# Ctrl-C. Exits non-zero if a program exited on its own before the end.
set -euo pipefail

usage() { sed -n "2,17p" "${BASH_SOURCE[0]}" | sed "s/^# \{0,1\}//"; echo; }
die() { echo "zro demo: $*" >&2; exit 1; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

seconds=10 kill_after="" port="" period_ms=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds|--kill-source-after|--port|--period-ms)
      if [[ $# -lt 2 ]] || ! is_uint "$2"; then echo "zro demo: $1 needs a number" >&2; exit 2; fi
      case "$1" in
        --seconds) seconds=$2 ;;
        --kill-source-after) kill_after=$2 ;;
        --port) port=$2 ;;
        --period-ms) period_ms=$2 ;;
      esac
      shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "zro demo: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
(( seconds >= 1 )) || { echo "zro demo: --seconds must be at least 1" >&2; exit 2; }
if [[ -n "$kill_after" ]] && (( kill_after + 2 + 4 > seconds )); then
  seconds=$(( kill_after + 2 + 4 ))
  echo "zro demo: running for $seconds s so that the replicas can be seen recovering"
fi

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

scripts/setup.sh

bindir=build/demos/simpleswitch
source_bin=$bindir/simpleswitch_dynamic_source
replica_bin=$bindir/simpleswitch_dynamic_replica
for b in "$source_bin" "$replica_bin"; do
  [[ -x "$b" ]] || die "$b is missing after the build. The SimpleSwitch demo is built from
demos/simpleswitch/ when ZRO_BUILD_DEMOS=ON (see build/CMakeCache.txt); is it written yet?"
done
command -v stdbuf >/dev/null 2>&1 || die "stdbuf (coreutils) is missing"

port_is_free() {
  local p=$1
  if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]]; then
    return 1
  fi
  # Nothing may accept a connection there either.
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then return 1; fi
  return 0
}
if [[ -z "$port" ]]; then
  for _ in $(seq 1 100); do
    candidate=$(( 20000 + RANDOM % 20001 ))
    if port_is_free "$candidate"; then port=$candidate; break; fi
  done
  [[ -n "$port" ]] || die "found no free TCP port in 20000-40000"
elif ! port_is_free "$port"; then
  die "port $port is in use"
fi
url="tcp://127.0.0.1:$port"

say() { echo "[demo] $*"; }
log=$(mktemp "${TMPDIR:-/tmp}/zro-demo.XXXXXX.log")

# pids of the programs we started, by label; only these are ever signalled.
declare -A pid_of=()
failed=0

launch() {  # launch LABEL PROGRAM ARGS...
  local label=$1; shift
  # The labelling pipe ignores Ctrl-C, so that the programs' last lines still get through.
  stdbuf -oL -eL "$@" > >(trap '' INT TERM; sed -u "s/^/[$label] /" | tee -a "$log") 2>&1 &
  pid_of[$label]=$!
  say "started $label (pid $!): $*"
}

stop_all() {
  local label pid
  for label in "${!pid_of[@]}"; do kill -TERM "${pid_of[$label]}" 2>/dev/null || true; done
  for _ in $(seq 1 30); do  # up to 3 s for a clean shutdown
    local alive=0
    for pid in "${pid_of[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for label in "${!pid_of[@]}"; do
    if kill -0 "${pid_of[$label]}" 2>/dev/null; then
      say "$label did not stop on SIGTERM: SIGKILL"
      kill -KILL "${pid_of[$label]}" 2>/dev/null || true
    fi
  done
  for pid in "${pid_of[@]}"; do wait "$pid" 2>/dev/null || true; done
  pid_of=()
  sleep 0.2  # let the labelling pipes drain
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if (( ${#pid_of[@]} > 0 )); then say "stopping ${!pid_of[*]}"; stop_all; fi
  rm -f "$log"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo; say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# Reports a program that exited on its own; returns 1 if one did.
check_exits() {
  local label status
  for label in "${!pid_of[@]}"; do
    if ! kill -0 "${pid_of[$label]}" 2>/dev/null; then
      status=0
      wait "${pid_of[$label]}" 2>/dev/null || status=$?
      say "$label (pid ${pid_of[$label]}) exited on its own with status $status"
      unset "pid_of[$label]"
      failed=1
    fi
  done
}

say "SimpleSwitch on $url for $seconds s${kill_after:+ (source killed at ${kill_after} s, restarted 2 s later)}"
launch source "$source_bin" --url "$url" --period-ms "$period_ms"
sleep 0.5
launch replica-1 "$replica_bin" --url "$url"
launch replica-2 "$replica_bin" --url "$url"

restart_at=""
for (( t = 1; t <= seconds; t++ )); do
  sleep 1
  check_exits
  if [[ -n "$kill_after" ]] && (( t == kill_after )) && [[ -n "${pid_of[source]:-}" ]]; then
    say "killing source (pid ${pid_of[source]}) with SIGKILL; restarting it in 2 s"
    kill -KILL "${pid_of[source]}" 2>/dev/null || true
    wait "${pid_of[source]}" 2>/dev/null || true
    unset "pid_of[source]"
    restart_at=$(( t + 2 ))
  fi
  if [[ -n "$restart_at" ]] && (( t == restart_at )); then
    launch source "$source_bin" --url "$url" --period-ms "$period_ms"
    restart_at=""
  fi
done

say "time is up: stopping ${!pid_of[*]}"
stop_all
for r in replica-1 replica-2; do
  say "$r received $(grep -c "^\[$r\] Received source state" "$log" || true) state updates"
done
if (( failed )); then
  say "FAILED: a program exited before the end (see above)"
  exit 1
fi
say "done"
