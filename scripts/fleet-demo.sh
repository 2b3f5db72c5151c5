#!/usr/bin/env bash
# The fleet demo in the network-namespace lab (root): device hosts found on mDNS by a dashboard.
# Usage: usage() below, or fleet-demo.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
The fleet demo in the network-namespace lab (root): 3 device hosts (h1..h3) announced on mDNS
by their own avahi-daemons, and a dashboard on h4 that finds them with no URL and prints their
live state every second. Midway, the device on h2 is killed (SIGKILL: the dashboard shows it
Suspect by heartbeat) and started again on h2 (Valid again).

  scripts/fleet-demo.sh [--seconds 16] [--devices 3]

Environment: ZRO_BUILD_DIR (default build/; built by scripts/setup.sh when missing).

EOF
}

seconds=16; devices=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fleet-demo: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "fleet-demo: needs root (it runs the hosts in network namespaces)" >&2; exit 1; }
[[ $devices -ge 1 && $devices -le 8 ]] || { echo "fleet-demo: --devices 1..8" >&2; exit 2; }
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
build=${ZRO_BUILD_DIR:-$root/build}
dev=$build/demos/fleet/fleet_device
dash=$build/demos/fleet/fleet_dashboard
if [[ ! -x $dev || ! -x $dash ]]; then
  "$root/scripts/setup.sh"
fi
netlab="$root/scripts/netlab.sh"
lab="fleet$$"; lab=${lab:0:12}
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  "$netlab" --lab "$lab" down >/dev/null 2>&1 || true
}
trap cleanup EXIT

hosts=$((devices + 1))
"$netlab" --lab "$lab" up "$hosts"
names=(boiler pump fan valve chiller heater mixer press)
# `netlab.sh exec` execs into the command (ip netns exec, env), so $! of a program started
# through it is the program's own pid; its output goes to sed through a process substitution
# (not a pipe, whose $! would be sed's).
declare -A device_pid
start_device() {  # start_device HOST INDEX
  "$netlab" --lab "$lab" exec "$1" "$dev" --name "${names[$2]}-$1" 2>/dev/null > >(sed -u "s/^/[$1 device] /") &
  device_pid[$1]=$!; pids+=($!); disown $!
}
for i in $(seq "$devices"); do start_device "h$i" $((i - 1)); done
"$netlab" --lab "$lab" exec "h$hosts" "$dash" --for-ms $((seconds * 1000)) 2>/dev/null > >(sed -u "s/^/[h$hosts dashboard] /") &
dash_pid=$!; pids+=($dash_pid)

if [[ $devices -ge 2 && $seconds -ge 12 ]]; then
  sleep $((seconds / 2 - 1))
  victim=${device_pid[h2]}
  if kill -0 "$victim" 2>/dev/null; then
    echo "==== fleet-demo: SIGKILL the device on h2 (pid $victim)"
    kill -KILL "$victim"
    sleep 3
    echo "==== fleet-demo: starting the device on h2 again"
    start_device h2 1
  fi
fi
wait "$dash_pid" || true
echo "==== fleet-demo: done"
