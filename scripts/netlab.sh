#!/usr/bin/env bash
# zro network lab: N hosts in network namespaces joined by a bridge (root only).
# Usage: usage() below, or netlab.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
zro network lab: N hosts in network namespaces joined by a bridge, each with its own system
D-Bus and avahi-daemon. Root only. Nothing runs in the root namespace and no multicast leaves
the lab: the bridge lives in a namespace of its own.

  scripts/netlab.sh [--lab NAME] up N        create hosts h1..hN (10.250.0.1..N/24 on eth0)
  scripts/netlab.sh [--lab NAME] exec H CMD..  run CMD on host H (h1, h2, ...) with its bus
  scripts/netlab.sh [--lab NAME] avahi-stop H | avahi-start H | avahi-restart H
  scripts/netlab.sh [--lab NAME] ip H          print host H's address
  scripts/netlab.sh [--lab NAME] status        hosts, daemons and their pids
  scripts/netlab.sh [--lab NAME] down          stop everything the lab started (by pid) and
                                               delete its namespaces; safe after any failure

--lab NAME (or ZRO_NETLAB=NAME; default "zlab") names the lab, so several labs can coexist:
namespaces are NAME-h1.., NAME-br, and the state (pids, configs, buses) is in
/tmp/zro-netlab-NAME/. `exec` sets DBUS_SYSTEM_BUS_ADDRESS to the host's bus and
ZRO_LAB_HOST=H, so avahi tools and zro's discovery talk to that host's avahi-daemon.

EOF
}

lab=${ZRO_NETLAB:-zlab}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --lab) lab=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || { usage >&2; exit 2; }
[[ "$lab" =~ ^[A-Za-z0-9_]{1,12}$ ]] || { echo "netlab: lab name must be 1-12 of [A-Za-z0-9_]" >&2; exit 2; }
state=/tmp/zro-netlab-$lab
br_ns=$lab-br
cmd=$1; shift

die() { echo "netlab: $*" >&2; exit 1; }
need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces)"; }
host_ns() { echo "$lab-$1"; }
check_host() {
  [[ "$1" =~ ^h[0-9]+$ && -d "$state/$1" ]] || die "no host '$1' in lab '$lab' (see: $0 --lab $lab status)"
}

# pid_alive PID NAME: the process exists and is still the program we started (pids get reused).
pid_alive() {
  local pid=$1 name=$2
  [[ -n "$pid" && -r /proc/$pid/comm ]] || return 1
  [[ "$(cat /proc/"$pid"/comm 2>/dev/null)" == "$name"* ]] || return 1
  # A zombie (killed, not yet reaped by whoever adopted it) counts as dead.
  [[ "$(sed 's/.*) //' /proc/"$pid"/stat 2>/dev/null | cut -d' ' -f1)" != Z ]]
}

# stop_pid FILE NAME [SIGNAL]: SIGNAL (default TERM), wait up to 2 s, then KILL the pid recorded
# in FILE if it is NAME.
stop_pid() {
  local file=$1 name=$2 sig=${3:-TERM} pid
  [[ -f "$file" ]] || return 0
  pid=$(cat "$file")
  if pid_alive "$pid" "$name"; then
    kill -"$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 20); do pid_alive "$pid" "$name" || break; sleep 0.1; done
    if pid_alive "$pid" "$name"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$file"
}

bus_addr() { echo "unix:path=$state/$1/bus"; }

write_configs() {
  local h=$1 dir=$state/$1
  cat >"$dir/dbus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
EOF
  cat >"$dir/avahi.conf" <<EOF
[server]
host-name=$lab-$h
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-domain=no
[reflector]
enable-reflector=no
EOF
}

start_dbus() {
  local h=$1 dir=$state/$1
  rm -f "$dir/bus"
  ip netns exec "$(host_ns "$h")" dbus-daemon --config-file="$dir/dbus.conf" --nofork --nopidfile \
    >"$dir/dbus.log" 2>&1 </dev/null &
  echo $! >"$dir/dbus.pid"
  for _ in $(seq 50); do [[ -S "$dir/bus" ]] && return 0; sleep 0.1; done
  die "dbus-daemon of $h did not come up (log: $dir/dbus.log)"
}

avahi_start() {
  local h=$1 dir=$state/$1
  if [[ -f "$dir/avahi.pid" ]] && pid_alive "$(cat "$dir/avahi.pid")" avahi-daemon; then return 0; fi
  mkdir -p /run/avahi-daemon  # the mount point; the tmpfs below is private to the daemon
  # `ip netns exec` gives the command its own mount namespace: the tmpfs keeps each daemon's
  # /run/avahi-daemon/pid apart. `exec` keeps the pid we record the daemon's own.
  ip netns exec "$(host_ns "$h")" env DBUS_SYSTEM_BUS_ADDRESS="$(bus_addr "$h")" \
    sh -c 'mount -t tmpfs tmpfs /run/avahi-daemon && exec avahi-daemon -f "$1" --no-drop-root --no-chroot --no-rlimits' \
    sh "$dir/avahi.conf" >>"$dir/avahi.log" 2>&1 </dev/null &
  echo $! >"$dir/avahi.pid"
  # Ready when the daemon owns its bus name and has found its interface.
  for _ in $(seq 100); do
    if DBUS_SYSTEM_BUS_ADDRESS=$(bus_addr "$h") dbus-send --system --print-reply --dest=org.freedesktop.DBus \
         / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Avahi 2>/dev/null | grep -q 'boolean true'; then
      return 0
    fi
    # (the pid runs ip, env and sh before it execs avahi-daemon: check only that it lives)
    kill -0 "$(cat "$dir/avahi.pid")" 2>/dev/null || die "avahi-daemon of $h exited (log: $dir/avahi.log)"
    sleep 0.1
  done
  die "avahi-daemon of $h did not come up (log: $dir/avahi.log)"
}

avahi_stop() { stop_pid "$state/$1/avahi.pid" avahi-daemon; }

down() {
  local d h ns pid
  for d in "$state"/h*/; do
    [[ -d "$d" ]] || continue
    h=$(basename "$d")
    # Teardown needs no goodbyes: KILL at once (dbus-daemon does not stop on TERM quickly either).
    stop_pid "$d/avahi.pid" avahi-daemon KILL
    stop_pid "$d/dbus.pid" dbus-daemon KILL
    # Anything else still running in the host's namespace was started through `exec`: stop it by pid.
    ns=$(host_ns "$h")
    if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
  # Namespaces left without state (a setup killed half-way): their processes by pid, then them.
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$lab-(h[0-9]+|br)\$" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$state"
  echo "netlab: lab '$lab' is down"
}

up() {
  local n=$1 i h ns
  # Addresses are 10.250.0.N/24; scripts/scale.sh uses up to 51 hosts.
  [[ "$n" =~ ^[0-9]+$ && $n -ge 1 && $n -le 200 ]] || die "up N: N must be 1..200"
  [[ ! -d "$state" ]] || die "lab '$lab' is already up ($state); run: $0 --lab $lab down"
  command -v avahi-daemon >/dev/null && command -v dbus-daemon >/dev/null \
    || die "avahi-daemon and dbus-daemon are needed: run scripts/setup.sh --no-build"
  mkdir -p "$state"
  trap 'echo "netlab: setup failed; tearing down" >&2; down >&2' ERR
  ip netns add "$br_ns"
  ip -n "$br_ns" link set lo up
  ip -n "$br_ns" link add br0 type bridge
  ip -n "$br_ns" link set br0 up
  for i in $(seq "$n"); do
    h=h$i; ns=$(host_ns "$h")
    mkdir -p "$state/$h"
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$br_ns" link add "v$h" type veth peer name eth0 netns "$ns"
    ip -n "$br_ns" link set "v$h" master br0
    ip -n "$br_ns" link set "v$h" up
    ip -n "$ns" addr add "10.250.0.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    echo "10.250.0.$i" >"$state/$h/ip"
    write_configs "$h"
    start_dbus "$h"
  done
  for i in $(seq "$n"); do avahi_start "h$i"; done
  trap - ERR
  echo "netlab: lab '$lab' is up: $n hosts (h1..h$n = 10.250.0.1..$n), state in $state"
}

case "$cmd" in
  up)     need_root; [[ $# -eq 1 ]] || die "usage: up N"; up "$1" ;;
  down)   need_root; down ;;
  exec)
    need_root; [[ $# -ge 2 ]] || die "usage: exec HOST CMD..."
    h=$1; shift; check_host "$h"
    exec ip netns exec "$(host_ns "$h")" env DBUS_SYSTEM_BUS_ADDRESS="$(bus_addr "$h")" ZRO_LAB_HOST="$h" "$@" ;;
  avahi-stop)    need_root; check_host "$1"; avahi_stop "$1" ;;
  avahi-start)   need_root; check_host "$1"; avahi_start "$1" ;;
  avahi-restart) need_root; check_host "$1"; avahi_stop "$1"; avahi_start "$1" ;;
  ip)     check_host "$1"; cat "$state/$1/ip" ;;
  status)
    [[ -d "$state" ]] || { echo "lab '$lab' is not up"; exit 0; }
    for d in "$state"/h*/; do
      h=$(basename "$d")
      a=$(cat "$d/avahi.pid" 2>/dev/null || true); b=$(cat "$d/dbus.pid" 2>/dev/null || true)
      printf '%s %s avahi-daemon=%s%s dbus-daemon=%s%s\n' "$h" "$(cat "$d/ip")" "${a:--}" \
        "$(pid_alive "$a" avahi-daemon && echo '' || echo '(dead)')" "${b:--}" "$(pid_alive "$b" dbus-daemon && echo '' || echo '(dead)')"
    done ;;
  *) die "unknown command: $cmd (try --help)" ;;
esac
