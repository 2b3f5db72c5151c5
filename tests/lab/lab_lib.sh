# Shared by the lab and registry test scripts (sourced): the clock, waiting for a line, and the
# clean stop that fails on a sanitizer report. The caller defines `fail`, `$work` (the logs) and
# the array `pids` (the processes it started).

now_ms() { date +%s%3N; }

# wait_for FILE REGEX SECONDS [FROM_LINE]: true once a line of FILE (after FROM_LINE) matches.
wait_for() {
  local file=$1 re=$2 t=$3 from=${4:-0} end
  end=$(( $(now_ms) + t * 1000 ))
  while [[ $(now_ms) -lt $end ]]; do
    tail -n +"$((from + 1))" "$file" 2>/dev/null | grep -Eq "$re" && return 0
    sleep 0.05
  done
  return 1
}

# Stops every process of `pids` cleanly (SIGTERM: sanitizer builds report at exit), waits up to
# 15 s (a report takes a while to symbolize; zombies count as gone), then fails on any sanitizer
# report in $work/*.log.
stop_and_check_sanitizers() {
  local p alive
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for _ in $(seq 150); do
    alive=0
    for p in "${pids[@]}"; do
      [[ -r /proc/$p/stat && "$(sed 's/.*) //' /proc/"$p"/stat 2>/dev/null | cut -d' ' -f1)" != Z ]] && alive=1
    done
    [[ $alive -eq 0 ]] && break; sleep 0.1
  done
  if grep -lE 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$work"/*.log >/dev/null 2>&1; then
    fail "sanitizer report in $(grep -lE 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:' "$work"/*.log | xargs -n1 basename | tr '\n' ' ')"
  fi
}
