#!/usr/bin/env bash
# zro network lab: N hosts in network namespaces joined by a bridge (root only).
# Usage: usage() below, or netlab.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
zro network lab: N hosts in network namespaces joined by a bridge, each with its own system
D-Bus and avahi-daemon. Root only. Nothing runs in the root namespace and no multicast leaves
the lab: the bridge lives in a namespace of its own.

  scripts/netlab.sh [--lab NAME] up N [--subnet K]
                                 create hosts h1..hN (10.250.K.1..N/24 on eth0; K 0..255,
                                 default 0)
  scripts/netlab.sh --lab NAME router LAB_A LAB_B
                                 create a router: one host `r` (namespace NAME-r) with eth0 on
                                 LAB_A's bridge and eth1 on LAB_B's (10.250.A.254, 10.250.B.254),
                                 its own D-Bus and one avahi-daemon on both interfaces, reflector
                                 off, IP forwarding off: nothing crosses unless a process on r
                                 (a `zro proxy`) carries it. LAB_A and LAB_B must be up, on
                                 different subnets.
  scripts/netlab.sh [--lab NAME] exec H CMD..  run CMD on host H (h1, h2, ..., or r) with its bus
  scripts/netlab.sh [--lab NAME] avahi-stop H | avahi-start H | avahi-restart H
  scripts/netlab.sh [--lab NAME] ip H [IF]     print host H's address on IF (default eth0)
  scripts/netlab.sh [--lab NAME] status        hosts, addresses, daemons and their pids
  scripts/netlab.sh [--lab NAME] down          stop everything the lab started (by pid) and
                                               delete its namespaces; safe after any failure

--lab NAME (or ZRO_NETLAB=NAME; default "zlab") names the lab, so several labs can coexist:
namespaces are NAME-h1.., NAME-br, and the state (pids, configs, buses) is in
/tmp/zro-netlab-NAME/. `exec` sets DBUS_SYSTEM_BUS_ADDRESS to the host's bus and
ZRO_LAB_HOST=H, so avahi tools and zro's discovery talk to that host's avahi-daemon.

Two subnets joined by a router (hosts have no route off their subnet; a test may add one via
.254 to show that the router does not forward):

  scripts/netlab.sh --lab pa up 2 --subnet 1      # 10.250.1.1, 10.250.1.2
  scripts/netlab.sh --lab pb up 1 --subnet 2      # 10.250.2.1
  scripts/netlab.sh --lab prt router pa pb        # prt-r: 10.250.1.254 (eth0), 10.250.2.254 (eth1)
  scripts/netlab.sh --lab prt exec r zro proxy --from mdns --interface eth0 ...
  scripts/netlab.sh --lab prt down; scripts/netlab.sh --lab pb down; scripts/netlab.sh --lab pa down
  (any order: a lab going down takes the router's link to it along)

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
  [[ "$1" =~ ^(h[0-9]+|r)$ && -d "$state/$1" ]] || die "no host '$1' in lab '$lab' (see: $0 --lab $lab status)"
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

# write_configs H [INTERFACES]: D-Bus and avahi-daemon configs of host H (avahi on INTERFACES,
# comma-separated, default eth0).
write_configs() {
  local h=$1 dir=$state/$1 ifs=${2:-eth0}
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
allow-interfaces=$ifs
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
  for d in "$state"/h*/ "$state"/r/; do
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
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$lab-(h[0-9]+|br|r)\$" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$state"
  echo "netlab: lab '$lab' is down"
}

up() {
  local n=$1 k=${2:-0} i h ns
  # Addresses are 10.250.K.N/24; scripts/scale.sh uses up to 51 hosts; .254 is a router's.
  [[ "$n" =~ ^[0-9]+$ && $n -ge 1 && $n -le 200 ]] || die "up N: N must be 1..200"
  [[ "$k" =~ ^[0-9]+$ && $k -le 255 ]] || die "up N --subnet K: K must be 0..255"
  [[ ! -d "$state" ]] || die "lab '$lab' is already up ($state); run: $0 --lab $lab down"
  command -v avahi-daemon >/dev/null && command -v dbus-daemon >/dev/null \
    || die "avahi-daemon and dbus-daemon are needed: run scripts/setup.sh --no-build"
  mkdir -p "$state"
  echo "$k" >"$state/subnet"
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
    ip -n "$ns" addr add "10.250.$k.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    echo "10.250.$k.$i" >"$state/$h/ip"
    write_configs "$h"
    start_dbus "$h"
  done
  for i in $(seq "$n"); do avahi_start "h$i"; done
  trap - ERR
  echo "netlab: lab '$lab' is up: $n hosts (h1..h$n = 10.250.$k.1..$n), state in $state"
}

# router LAB_A LAB_B: host r of this lab (namespace $lab-r), eth0 on LAB_A's bridge, eth1 on
# LAB_B's, .254 on each subnet; no forwarding, one avahi-daemon on both interfaces, no reflector.
router() {
  local a=$1 b=$2 ka kb x ns=$lab-r dir=$state/r
  for x in "$a" "$b"; do
    [[ "$x" =~ ^[A-Za-z0-9_]{1,12}$ ]] || die "router: lab name '$x' must be 1-12 of [A-Za-z0-9_]"
    [[ -f /tmp/zro-netlab-$x/subnet && -d /tmp/zro-netlab-$x/h1 ]] || die "router: lab '$x' is not up (or is itself a router)"
    ip netns list | awk '{print $1}' | grep -qx "$x-br" || die "router: lab '$x' has no bridge namespace $x-br"
  done
  [[ "$a" != "$b" && "$a" != "$lab" && "$b" != "$lab" ]] || die "router: NAME, LAB_A and LAB_B must be three different labs"
  ka=$(cat "/tmp/zro-netlab-$a/subnet"); kb=$(cat "/tmp/zro-netlab-$b/subnet")
  [[ "$ka" != "$kb" ]] || die "router: labs '$a' and '$b' are both on 10.250.$ka.0/24 (use up N --subnet K)"
  [[ ! -d "$state" ]] || die "lab '$lab' is already up ($state); run: $0 --lab $lab down"
  command -v avahi-daemon >/dev/null && command -v dbus-daemon >/dev/null \
    || die "avahi-daemon and dbus-daemon are needed: run scripts/setup.sh --no-build"
  mkdir -p "$dir"
  echo "$a $b" >"$state/router"
  trap 'echo "netlab: router setup failed; tearing down" >&2; down >&2' ERR
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  # Forwarding off (a new namespace starts with it off; say so rather than rely on it).
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0
  # The bridge ends live in the labs' bridge namespaces, named after this router; deleting $ns
  # (or a lab's bridge namespace) deletes the pair.
  ip -n "$a-br" link add "r-$lab" type veth peer name eth0 netns "$ns"
  ip -n "$b-br" link add "r-$lab" type veth peer name eth1 netns "$ns"
  for x in "$a" "$b"; do
    ip -n "$x-br" link set "r-$lab" master br0
    ip -n "$x-br" link set "r-$lab" up
  done
  ip -n "$ns" addr add "10.250.$ka.254/24" dev eth0
  ip -n "$ns" addr add "10.250.$kb.254/24" dev eth1
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set eth1 up
  echo "10.250.$ka.254" >"$dir/ip"
  echo "10.250.$kb.254" >"$dir/ip.eth1"
  write_configs r eth0,eth1
  start_dbus r
  avahi_start r
  trap - ERR
  echo "netlab: router '$lab' is up: r = 10.250.$ka.254 on eth0 (lab $a), 10.250.$kb.254 on eth1 (lab $b), forwarding off, state in $state"
}

case "$cmd" in
  up)
    need_root
    if [[ $# -eq 1 ]]; then up "$1"
    elif [[ $# -eq 3 && $2 == --subnet ]]; then up "$1" "$3"
    else die "usage: up N [--subnet K]"; fi ;;
  router) need_root; [[ $# -eq 2 ]] || die "usage: --lab NAME router LAB_A LAB_B"; router "$1" "$2" ;;
  down)   need_root; down ;;
  exec)
    need_root; [[ $# -ge 2 ]] || die "usage: exec HOST CMD..."
    h=$1; shift; check_host "$h"
    exec ip netns exec "$(host_ns "$h")" env DBUS_SYSTEM_BUS_ADDRESS="$(bus_addr "$h")" ZRO_LAB_HOST="$h" "$@" ;;
  avahi-stop)    need_root; check_host "$1"; avahi_stop "$1" ;;
  avahi-start)   need_root; check_host "$1"; avahi_start "$1" ;;
  avahi-restart) need_root; check_host "$1"; avahi_stop "$1"; avahi_start "$1" ;;
  ip)
    [[ $# -ge 1 ]] || die "usage: ip HOST [IF]"
    check_host "$1"
    if [[ ${2:-eth0} == eth0 ]]; then cat "$state/$1/ip"
    else [[ -f "$state/$1/ip.$2" ]] || die "host '$1' has no address on '$2'"; cat "$state/$1/ip.$2"; fi ;;
  status)
    [[ -d "$state" ]] || { echo "lab '$lab' is not up"; exit 0; }
    if [[ -f "$state/router" ]]; then
      read -r ra rb <"$state/router"
      echo "router between labs $ra (eth0) and $rb (eth1); ip_forward=$(ip netns exec "$lab-r" cat /proc/sys/net/ipv4/ip_forward 2>/dev/null || echo '?')"
    else
      echo "subnet 10.250.$(cat "$state/subnet" 2>/dev/null || echo 0).0/24"
    fi
    for d in "$state"/h*/ "$state"/r/; do
      [[ -d "$d" ]] || continue
      h=$(basename "$d")
      a=$(cat "$d/avahi.pid" 2>/dev/null || true); b=$(cat "$d/dbus.pid" 2>/dev/null || true)
      printf '%s %s avahi-daemon=%s%s dbus-daemon=%s%s\n' "$h" "$(cat "$d"/ip "$d"/ip.eth1 2>/dev/null | paste -sd' ')" "${a:--}" \
        "$(pid_alive "$a" avahi-daemon && echo '' || echo '(dead)')" "${b:--}" "$(pid_alive "$b" dbus-daemon && echo '' || echo '(dead)')"
    done ;;
  *) die "unknown command: $cmd (try --help)" ;;
esac
