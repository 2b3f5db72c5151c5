#!/usr/bin/env bash
# zro fleet scale in the network-namespace lab (issue 12, point 4): many hosts found through
# mDNS, many replicas of many objects. Root only. Usage: usage() below, or scale.sh --help.
set -uo pipefail

usage() {
  cat <<'EOF'
zro fleet scale: measured in the network-namespace lab (scripts/netlab.sh: one namespace, system
D-Bus and avahi-daemon per host, joined by a bridge in a namespace of its own). Root only.

  scripts/scale.sh [options]

Part "fleet": H hosts (h1..hH), each a process sharing O objects (hN-o01..) and publishing them
through its own avahi-daemon; one more namespace (the observer) runs `zro list --json` back to
back through mDNS (no URL) from the moment the first host starts.
  - all H*O objects listed within 5 s of the last host starting (the end of the first
    `zro list` that shows every object, minus the moment the last host was started);
  - then K hosts SIGKILLed (no mDNS goodbye): a `zro list --timeout LT` started at the kill must
    end within 3 heartbeat intervals of it without their objects, and it and the two lists after
    it must show every object of the other H-K hosts.
Part "replicas": one host (h1) sharing B objects; R replica nodes in other namespaces (P
processes of N nodes, spread over the lab), each connected to the host by URL and its connection
made live (LIST answered) before a common start; then every node acquires all B objects at once.
  - every replica Valid within 1 s of the last acquire (across all nodes);
  - the source's RSS (idle with B objects, and with every replica Valid) and the replica side's.

Options (defaults: the full size of issue 12):
  --part fleet|replicas|all   which part to run (default all)
  --hosts H                   fleet hosts (default 50)
  --objects O                 objects per fleet host (default 10)
  --kill K                    fleet hosts to SIGKILL (default H/5)
  --big-objects B             objects of the replicas part's host (default 1000)
  --replicas R                replica nodes (default 50)
  --nodes-per-process N       replica nodes per process (default 1: R separate processes)
  --hb MS                     heartbeat interval of every host (default 1000, NodeOptions' default)
  --list-timeout T            `zro list --timeout` after the kill (default 1s)
  --zro PATH                  the zro command (default build/src/cli/zro)
  --peer PATH                 zro_scale_peer (default build/tests/scale/zro_scale_peer)
  --keep                      keep the work directory (logs, every `zro list` output)
  -h, --help

Build first: cmake --build build --target zro_cli zro_scale_peer
Prints every measured figure and one "scale: PASS" / "scale: FAIL: ..." line; exit 0 when every
target is met, 1 when one is missed, 2 on usage errors, 77 when this machine cannot run the lab
(not root, no network namespaces, no avahi-daemon).
EOF
}

here=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
root=$(dirname "$here")
part=all hosts=50 objects=10 kill= big=1000 replicas=50 npp=1 hb=1000 list_timeout=1s
zro_bin=$root/build/src/cli/zro peer=$root/build/tests/scale/zro_scale_peer keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --part) part=$2; shift 2 ;;
    --hosts) hosts=$2; shift 2 ;;
    --objects) objects=$2; shift 2 ;;
    --kill) kill=$2; shift 2 ;;
    --big-objects) big=$2; shift 2 ;;
    --replicas) replicas=$2; shift 2 ;;
    --nodes-per-process) npp=$2; shift 2 ;;
    --hb) hb=$2; shift 2 ;;
    --list-timeout) list_timeout=$2; shift 2 ;;
    --zro) zro_bin=$2; shift 2 ;;
    --peer) peer=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "scale: unknown option: $1 (scale.sh --help)" >&2; exit 2 ;;
  esac
done
kill=${kill:-$(( hosts / 5 ))}
num() { [[ "$2" =~ ^[0-9]+$ && $2 -ge $3 ]] || { echo "scale: $1 must be a number >= $3 (got '$2')" >&2; exit 2; }; }
num --hosts "$hosts" 1; num --objects "$objects" 1; num --kill "$kill" 0; num --big-objects "$big" 1
num --replicas "$replicas" 1; num --nodes-per-process "$npp" 1; num --hb "$hb" 50
[[ $hosts -le 199 ]] || { echo "scale: --hosts must be <= 199 (netlab addresses)" >&2; exit 2; }
[[ $kill -lt $hosts ]] || { echo "scale: --kill must be < --hosts" >&2; exit 2; }
case "$part" in fleet|replicas|all) ;; *) echo "scale: --part must be fleet, replicas or all" >&2; exit 2 ;; esac

skip() { echo "SKIPPED: $*"; exit 77; }
[[ $(id -u) -eq 0 ]] || skip "scale.sh needs root (network namespaces)"
command -v avahi-daemon >/dev/null && command -v dbus-daemon >/dev/null \
  || skip "avahi-daemon and dbus-daemon are not installed (scripts/setup.sh installs them)"
command -v jq >/dev/null || skip "jq is not installed (scripts/setup.sh installs it)"
for b in "$zro_bin" "$peer"; do
  [[ -x "$b" ]] || { echo "scale: $b is missing: cmake --build build --target zro_cli zro_scale_peer" >&2; exit 2; }
done
zro_bin=$(readlink -f "$zro_bin"); peer=$(readlink -f "$peer")
probe="zsp$$"; probe=${probe:0:12}
ip netns add "$probe" 2>/dev/null || skip "cannot create a network namespace here"
ip netns del "$probe"

netlab="$root/scripts/netlab.sh"
lab="zs$$"; lab=${lab:0:12}
work=$(mktemp -d /tmp/zro-scale.XXXXXX)
pids=()
failures=()

cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  "$netlab" --lab "$lab" down >/dev/null 2>&1
  if [[ $keep -eq 0 ]]; then rm -rf "$work"; else echo "scale: logs kept in $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
say() { echo "scale: $*"; }
miss() { failures+=("$*"); say "MISSED: $*"; }

# run_on HOST LOG ARGS...: start ARGS on a lab host, output in LOG; pid in $last_pid.
run_on() {
  local h=$1 log=$2; shift 2
  "$netlab" --lab "$lab" exec "$h" "$@" >"$log" 2>&1 &
  last_pid=$!
  disown "$last_pid"
  pids+=("$last_pid")
}

# wait_lines FILE REGEX COUNT SECONDS: true once COUNT lines match.
wait_lines() {
  local file=$1 re=$2 count=$3 end=$(( $(now_ms) + $4 * 1000 ))
  while [[ $(now_ms) -lt $end ]]; do
    [[ $(grep -Ec "$re" "$file" 2>/dev/null) -ge $count ]] && return 0
    sleep 0.05
  done
  return 1
}

rss_of() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# Namespaces: the fleet part needs H + 1 (the observer); the replicas part one for the source and
# up to 10 for the replica processes (reusing the fleet's when both parts run).
procs=$(( (replicas + npp - 1) / npp ))
lab_hosts=0
if [[ $part != replicas ]]; then lab_hosts=$(( hosts + 1 )); fi
rep_hosts=$(( 1 + (procs < 10 ? procs : 10) ))
if [[ $part != fleet && $lab_hosts -lt $rep_hosts ]]; then lab_hosts=$rep_hosts; fi
say "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
say "lab '$lab': $lab_hosts namespaces, each with its own dbus-daemon and avahi-daemon (heartbeat $hb ms)"
t=$(now_ms)
"$netlab" --lab "$lab" up "$lab_hosts" >"$work/netlab.log" 2>&1 || { cat "$work/netlab.log"; say "FAIL: netlab up failed"; exit 1; }
say "lab up in $(( $(now_ms) - t )) ms"

# ---- part fleet -------------------------------------------------------------------------------
fleet() {
  local obs="h$(( hosts + 1 ))" total=$(( hosts * objects )) i h
  say "fleet: $hosts hosts x $objects objects = $total, listed from $obs by \`zro list --json\` through mDNS"
  declare -gA host_pid host_start
  : >"$work/lists-counted.txt"; : >"$work/lists.txt"
  # The observer lists back to back from before the first host starts.
  (
    k=0
    while [[ ! -f "$work/stop-lists" ]]; do
      k=$(( k + 1 )); s=$(now_ms)
      "$netlab" --lab "$lab" exec "$obs" "$zro_bin" list --json >"$work/list-$k.json" 2>"$work/list-$k.err"
      rc=$?
      echo "$k $s $(now_ms) $rc" >>"$work/lists.txt"
    done
  ) &
  local lister=$!
  pids+=("$lister")
  for i in $(seq "$hosts"); do
    h=h$i
    host_start[$h]=$(now_ms)
    run_on "$h" "$work/host-$h.log" "$peer" host --objects "$objects" --prefix "$h-o" --url tcp://0.0.0.0:5555 \
      --mdns --hb "$hb" --name "scale-$h"
    host_pid[$h]=$last_pid
  done
  local t_last=$(now_ms) t_first=${host_start[h1]}
  say "fleet: started $hosts host processes in $(( t_last - t_first )) ms"

  # The first list that shows every object.
  local found_run="" found_end=0 end=$(( t_last + 60000 )) line k s e rc n
  while [[ -z "$found_run" && $(now_ms) -lt $end ]]; do
    sleep 0.1
    while read -r k s e rc; do
      n=$(jq -r '[.[] | select(.up) | .objects[].name] | unique | length' "$work/list-$k.json" 2>/dev/null || echo 0)
      echo "$k $s $e $rc $n" >>"$work/lists-counted.txt"
      if [[ $n -ge $total && -z "$found_run" ]]; then found_run=$k found_end=$e; fi
    done < <(tail -n +"$(( $(wc -l <"$work/lists-counted.txt" 2>/dev/null || echo 0) + 1 ))" "$work/lists.txt" 2>/dev/null)
  done
  say "fleet: lists (start..end ms after the last host started: objects): $(awk -v t="$t_last" '{printf "#%d %d..%d: %d; ", $1, $2 - t, $3 - t, $5}' "$work/lists-counted.txt")"
  local ready
  ready=$(cat "$work"/host-h*.log 2>/dev/null | grep -c '^READY')
  [[ $ready -eq $hosts ]] || miss "only $ready of $hosts host processes printed READY"
  if [[ -z "$found_run" ]]; then
    miss "no \`zro list\` showed all $total objects within 60 s of the last host starting"
  else
    local dt=$(( found_end - t_last ))
    say "fleet: all $total objects listed ${dt} ms after the last host started (list #$found_run; target 5000 ms)"
    [[ $dt -le 5000 ]] || miss "all $total objects listed after $dt ms, target 5000 ms"
  fi
  # Which hosts were found late: lists that started >= 1500 ms after a host started and missed it.
  local late=0
  for i in $(seq "$hosts"); do
    h=h$i
    local first_seen="" missed=""
    while read -r k s e rc n; do
      if jq -e --arg p "$h-o" '[.[] | select(.up) | .objects[].name | select(startswith($p))] | length > 0' \
           "$work/list-$k.json" >/dev/null 2>&1; then
        first_seen=${first_seen:-$e}
      elif [[ -z "$first_seen" && $(( s - ${host_start[$h]} )) -ge 1500 ]]; then
        missed+=" #$k(started $(( s - ${host_start[$h]} )) ms after it)"
      fi
    done <"$work/lists-counted.txt"
    if [[ -n "$missed" ]]; then
      late=$(( late + 1 ))
      say "fleet: host $h found late: missed by list$missed; first listed $(( ${first_seen:-0} - ${host_start[$h]} )) ms after its start"
    fi
  done
  say "fleet: hosts found late (missed by a list that started >= 1.5 s after the host): $late"
  touch "$work/stop-lists"
  wait "$lister" 2>/dev/null

  # Kill K hosts (the last K started); a list started at the kill must not show them.
  [[ $kill -gt 0 ]] || return 0
  local killed=() kprefixes=() survivors=$(( (hosts - kill) * objects ))
  for i in $(seq $(( hosts - kill + 1 )) "$hosts"); do killed+=("h$i"); done
  local t_kill=$(now_ms)
  for h in "${killed[@]}"; do kill -KILL "${host_pid[$h]}"; done
  say "fleet: SIGKILLed ${killed[*]}"
  local j bad=0
  for j in 1 2 3; do
    s=$(now_ms)
    "$netlab" --lab "$lab" exec "$obs" "$zro_bin" list --json --timeout "$list_timeout" >"$work/after-$j.json" 2>"$work/after-$j.err"
    rc=$? e=$(now_ms)
    local names shown gone_left
    names=$(jq -r '.[] | select(.up) | .objects[].name' "$work/after-$j.json" 2>/dev/null | sort -u)
    shown=$(grep -c . <<<"$names")
    gone_left=0
    for h in "${killed[@]}"; do gone_left=$(( gone_left + $(grep -c "^$h-o" <<<"$names") )); done
    local surv_shown=$(( shown - gone_left ))
    say "fleet: list $j after the kill (zro list --timeout $list_timeout, exit $rc): ran $(( s - t_kill ))..$(( e - t_kill )) ms after the kill; $surv_shown of $survivors surviving objects, $gone_left of $(( kill * objects )) killed ones"
    if [[ $j -eq 1 ]]; then
      local leave=$(( e - t_kill )) target=$(( 3 * hb ))
      if [[ $gone_left -eq 0 ]]; then
        say "fleet: killed hosts' objects gone from the list ${leave} ms after the SIGKILL (target 3 heartbeats = $target ms)"
        [[ $leave -le $target ]] || miss "killed hosts' objects left the list after $leave ms, target $target ms"
      fi
    fi
    [[ $gone_left -eq 0 ]] || { bad=1; miss "list $j after the kill still shows $gone_left objects of killed hosts"; }
    [[ $surv_shown -eq $survivors ]] || { bad=1; miss "list $j after the kill shows $surv_shown of the $survivors surviving objects"; }
  done
  # For the record: the default `zro list` (timeout 3 s) waits 2 s for the dead hosts' answers.
  s=$(now_ms)
  "$netlab" --lab "$lab" exec "$obs" "$zro_bin" list --json >"$work/after-default.json" 2>/dev/null
  e=$(now_ms)
  n=$(jq -r '[.[] | select(.up) | .objects[].name] | unique | length' "$work/after-default.json" 2>/dev/null || echo 0)
  say "fleet: (for the record) a default \`zro list\` after the kill took $(( e - s )) ms and listed $n objects"
  for h in "${killed[@]}"; do unset "host_pid[$h]"; done
  # Stop the surviving hosts: the replicas part reuses the namespaces.
  for h in "${!host_pid[@]}"; do kill -TERM "${host_pid[$h]}" 2>/dev/null; done
  sleep 0.5
  for h in "${!host_pid[@]}"; do kill -KILL "${host_pid[$h]}" 2>/dev/null; done
}

# ---- part replicas ----------------------------------------------------------------------------
replicas_part() {
  local url=tcp://10.250.0.1:5600 j h
  say "replicas: 1 host (h1) sharing $big objects; $replicas replica nodes = $procs processes x up to $npp node(s), spread over h2..h$rep_hosts"
  run_on h1 "$work/big-host.log" "$peer" host --objects "$big" --prefix big --url tcp://0.0.0.0:5600 --hb "$hb"
  local src=$last_pid
  wait_lines "$work/big-host.log" '^READY' 1 20 || { miss "the $big-object host did not start"; return; }
  sleep 0.3
  local src_idle src_idle_hwm
  src_idle=$(rss_of "$src" VmRSS)
  say "replicas: source RSS with $big objects, no replica: $(mib "$src_idle") MiB"
  local rpids=() left=$replicas spread=$(( rep_hosts - 1 ))
  for j in $(seq "$procs"); do
    local n=$(( left < npp ? left : npp )); left=$(( left - n ))
    h=h$(( 2 + (j - 1) % spread ))
    run_on "$h" "$work/rep-$j.log" "$peer" replicas --url "$url" --objects "$big" --prefix big --nodes "$n" \
      --go "$work/go" --done "$work/done" --hb "$hb" --timeout 30000
    rpids+=("$last_pid")
  done
  local end=$(( $(now_ms) + 90000 )) c=0
  while [[ $(now_ms) -lt $end ]]; do
    c=$(cat "$work"/rep-*.log 2>/dev/null | grep -c '^CONNECTED')
    [[ $c -ge $replicas ]] && break
    sleep 0.1
  done
  [[ $c -ge $replicas ]] || { miss "only $c of $replicas replica nodes made their connection live in 90 s"; return; }
  say "replicas: $replicas nodes connected (LIST answered); go"
  touch "$work/go"
  end=$(( $(now_ms) + 60000 )); c=0
  while [[ $(now_ms) -lt $end ]]; do
    c=$(cat "$work"/rep-*.log 2>/dev/null | grep -c '^RSS_KB')
    [[ $c -ge $procs ]] && break
    sleep 0.1
  done
  # Every replica is Valid (or timed out) now and the nodes are still connected: the source's RSS.
  local src_rss src_hwm
  src_rss=$(rss_of "$src" VmRSS); src_hwm=$(rss_of "$src" VmHWM)
  touch "$work/done"
  [[ $c -ge $procs ]] || miss "only $c of $procs replica processes reported within 60 s"
  # NODE i go first_acquire last_acquire all_valid valid
  cat "$work"/rep-*.log | awk '$1 == "NODE"' >"$work/nodes.txt"
  local nodes_seen all_ok last_acq last_valid go first_acq
  nodes_seen=$(wc -l <"$work/nodes.txt")
  all_ok=$(awk -v b="$big" '$6 != 0 && $7 == b' "$work/nodes.txt" | wc -l)
  say "replicas: $all_ok of $replicas nodes have all $big replicas Valid ($(( nodes_seen )) reported)"
  [[ $all_ok -eq $replicas ]] || miss "$(( replicas - all_ok )) of $replicas nodes did not get all $big replicas Valid"
  if [[ $nodes_seen -gt 0 ]]; then
    read -r go first_acq last_acq last_valid < <(awk 'BEGIN {g = -1} {
        if (g < 0 || $3 < g) g = $3; if (fa == 0 || ($4 > 0 && $4 < fa)) fa = $4;
        if ($5 > la) la = $5; if ($6 > lv) lv = $6 } END {print g, fa, la, lv}' "$work/nodes.txt")
    local after=$(( (last_valid - last_acq) / 1000000 ))
    say "replicas: acquires issued over $(( (last_acq - first_acq) / 1000000 )) ms (first to last, all nodes); last replica Valid $after ms after the last acquire (target 1000 ms); $(( (last_valid - go) / 1000000 )) ms after the start"
    local per
    per=$(awk '$6 > 0 {printf "%d\n", ($6 - $5) / 1000000}' "$work/nodes.txt" | sort -n | awk '{a[NR] = $1} END {if (NR) printf "min %d, median %d, max %d", a[1], a[int((NR + 1) / 2)], a[NR]}')
    say "replicas: per node, its own last acquire to its last replica Valid: $per ms"
    [[ $all_ok -eq $replicas && $after -le 1000 ]] || miss "last replica Valid $after ms after the last acquire, target 1000 ms"
  fi
  say "replicas: source RSS with $replicas x $big replicas Valid: $(mib "$src_rss") MiB (peak $(mib "$src_hwm") MiB; idle with no replica $(mib "$src_idle") MiB)"
  awk '$1 == "RSS_KB" {print $2}' "$work"/rep-*.log | sort -n >"$work/rep-rss.txt"
  say "replicas: replica process RSS ($npp node(s) x $big replicas each): $(awk '{a[NR] = $1; s += $1} END {if (NR) printf "min %.1f, median %.1f, max %.1f MiB; sum %.1f MiB over %d processes", a[1]/1024, a[int((NR + 1) / 2)]/1024, a[NR]/1024, s/1024, NR}' "$work/rep-rss.txt")"
  local p
  for p in "${rpids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  kill -TERM "$src" 2>/dev/null
}

t0=$(now_ms)
if [[ $part != replicas ]]; then fleet; fi
if [[ $part != fleet ]]; then replicas_part; fi
say "ran for $(( ($(now_ms) - t0) / 1000 )) s (after the lab was up)"
if [[ ${#failures[@]} -eq 0 ]]; then
  say "PASS"
  exit 0
fi
say "FAIL: ${#failures[@]} target(s) missed:"
for f in "${failures[@]}"; do echo "  - $f"; done
[[ $keep -eq 1 ]] || say "(--keep keeps every log and \`zro list\` output)"
exit 1
