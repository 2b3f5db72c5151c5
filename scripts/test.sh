#!/usr/bin/env bash
# zro test: set up (scripts/setup.sh), build, and run the whole ctest suite in up to three builds.
# Usage: usage() below, or scripts/test.sh --help.
#
# ctest labels (docs/ARCHITECTURE.md, "Tests and their labels"): every test has one that says what
# it costs, and this script runs them all:
#   unit         one process, seconds for the whole label       build/, build-asan/
#   loop         event loop and threading tests, seconds         build/, build-asan/, build-tsan/
#   integration  several processes on 127.0.0.1, up to 1 min     build/, build-asan/
#   cli          `zro` against `zro serve`, seconds each          build/, build-asan/
#   fault        fault injection, about a minute in all          build/, build-asan/
#   downstream   a project built against an installed zro, min   build/, build-asan/
#   lab          network namespaces (root)                       build/ only, when it can run
#   scale        fleet scale in the namespace lab (root)         build/ only, when it can run
# (`tsan` is a label build-tsan/ would also run; no test carries it yet.)
set -euo pipefail

usage() {
  cat <<'EOF'
zro test: set up (scripts/setup.sh), build, and run the whole ctest suite in up to three builds.

  scripts/test.sh [--quick] [--no-sanitizers]

  build/       RelWithDebInfo: every test except labels `lab` and `scale`; then the `lab` and
               the `scale` tests (serially) only if we are root and `ip netns` works, else
               "skipping lab tests: <reason>" and "skipping scale tests: <reason>"
  build-asan/  -DZRO_SANITIZE=address,undefined -DZRO_BUILD_DEMOS=ON: every test except `lab`
               and `scale` (the scale tests are not even built with sanitizers)
  build-tsan/  -DZRO_SANITIZE=thread: builds and runs only tests labelled `loop` or `tsan` (races with a
               libzmq frame are suppressed: libzmq itself is not TSan-instrumented)

  --quick          only build/
  --no-sanitizers  skip build-asan/ and build-tsan/

Prints "zro test: <build>: N passed, N failed" per build, and at the very end one line
"N passed, N failed" with the totals. Exits non-zero if any step or test failed.
Environment: ZRO_JOBS (parallel jobs, default 2), ZRO_TEST_TIMEOUT (seconds per test that sets
no TIMEOUT itself, default 300), ZRO_TEST_EXCLUDE_LABELS (a label regex to leave out as well as
`lab`, e.g. 'fault'; default: none).

EOF
}

quick=0 sanitizers=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick)         quick=1 ;;
    --no-sanitizers) sanitizers=0 ;;
    -h|--help)       usage; exit 0 ;;
    *) echo "zro test: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
jobs=${ZRO_JOBS:-2}
timeout=${ZRO_TEST_TIMEOUT:-300}
exclude='^(lab|scale)$'
if [[ -n "${ZRO_TEST_EXCLUDE_LABELS:-}" ]]; then exclude="^(lab|scale)\$|$ZRO_TEST_EXCLUDE_LABELS"; fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

start=$SECONDS
total_passed=0 total_failed=0 status=0
summaries=()

note() { echo "zro test: $*"; }

# Prints the final per-build summary lines and the totals line, then exits.
finish() {
  echo
  note "summary ($(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s):"
  local s
  for s in "${summaries[@]}"; do note "$s"; done
  echo "$total_passed passed, $total_failed failed"
  exit "$status"
}

# run_ctest LOG ARGS...: runs ctest, tees its output to LOG, and sets ran_passed, ran_failed and
# ran_ok (1 when ctest exited 0), ran_none (1 when no test matched: 0 passed, 0 failed). A ctest
# that failed without running tests counts as 1 failed.
run_ctest() {
  local log=$1; shift
  local rc
  set +e
  ctest --output-on-failure --timeout "$timeout" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  ran_passed=0 ran_failed=0 ran_ok=$(( rc == 0 )) ran_none=0
  local line
  line=$(grep -Eo '[0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [[ -n "$line" ]]; then
    local failed total
    failed=$(awk '{print $1}' <<<"$line")
    total=$(awk '{print $NF}' <<<"$line")
    ran_failed=$failed
    ran_passed=$(( total - failed ))
  elif [[ $rc -eq 0 ]] || grep -q 'No tests were found' "$log"; then
    ran_none=1     # with --no-tests=ignore ctest prints no summary when nothing matched
    echo "(no tests matched)"
  fi
  if [[ $rc -ne 0 && $ran_failed -eq 0 ]]; then ran_failed=1; fi
  return 0
}

# configure_and_build NAME DIR [--target T]... CMAKE_ARGS...: returns non-zero on failure.
# Without --target everything is built.
configure_and_build() {
  local name=$1 dir=$2; shift 2
  local targets=()
  while [[ "${1:-}" == --target ]]; do targets+=(--target "$2"); shift 2; done
  note "$name: configuring $dir/ $*"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" || return 1
  note "$name: building $dir/ (-j$jobs) ${targets[*]}"
  cmake --build "$dir" -j"$jobs" "${targets[@]}" || return 1
}

build_failed() {
  note "$1: ${2:-BUILD FAILED}"
  summaries+=("$1: ${2:-build failed}, no tests run")
  status=1
  finish
}

record() {  # record NAME PASSED FAILED OK [EXTRA]
  local name=$1 passed=$2 failed=$3 ok=$4 extra=${5:-}
  total_passed=$(( total_passed + passed ))
  total_failed=$(( total_failed + failed ))
  [[ $ok -eq 1 ]] || status=1
  local line="$name: $passed passed, $failed failed${extra:+ ($extra)}"
  summaries+=("$line")
  note "$line"
}

# Can this machine run the network-namespace lab tests?
lab_unavailable_reason() {
  if [[ $(id -u) -ne 0 ]]; then echo "not root"; return; fi
  if ! command -v ip >/dev/null 2>&1; then echo "the ip command (iproute2) is missing"; return; fi
  local ns="zro-labprobe-$$" err
  if err=$(ip netns add "$ns" 2>&1); then
    ip netns del "$ns" >/dev/null 2>&1 || true
  else
    echo "ip netns add failed: ${err%%$'\n'*}"
  fi
}

# ---- set up and build/ ------------------------------------------------------------------------
note "setting up (scripts/setup.sh)"
scripts/setup.sh || build_failed build "SETUP OR BUILD FAILED (scripts/setup.sh)"

note "build: running every test except labels matching $exclude"
run_ctest build/ctest-main.log --test-dir build -j"$jobs" --no-tests=error -LE "$exclude"
p=$ran_passed f=$ran_failed ok=$ran_ok extra=""

reason=$(lab_unavailable_reason)
if [[ -z "$reason" ]]; then
  note "build: running label lab tests (root, ip netns works; serially)"
  run_ctest build/ctest-lab.log --test-dir build -j1 --no-tests=ignore -L '^lab$'
  p=$(( p + ran_passed )) f=$(( f + ran_failed ))
  [[ $ran_ok -eq 1 ]] || ok=0
  if [[ $ran_none -eq 1 ]]; then extra="no test is labelled lab yet"; else extra="lab tests included"; fi
else
  note "skipping lab tests: $reason"
  extra="lab tests skipped: $reason"
fi
# The fleet scale tests (scripts/scale.sh at a small size): like lab, root and namespaces, serially.
if [[ -z "$reason" ]]; then
  note "build: running label scale tests (root, ip netns works; serially)"
  run_ctest build/ctest-scale.log --test-dir build -j1 --no-tests=ignore -L '^scale$'
  p=$(( p + ran_passed )) f=$(( f + ran_failed ))
  [[ $ran_ok -eq 1 ]] || ok=0
  if [[ $ran_none -eq 1 ]]; then extra+=", no test is labelled scale yet"; else extra+=", scale tests included"; fi
else
  note "skipping scale tests: $reason"
  extra+=", scale tests skipped: $reason"
fi
record build "$p" "$f" "$ok" "$extra"

if [[ $quick -eq 1 || $sanitizers -eq 0 ]]; then
  note "sanitizer builds skipped ($([[ $quick -eq 1 ]] && echo --quick || echo --no-sanitizers))"
  finish
fi

# ---- build-asan/ --------------------------------------------------------------------------------
configure_and_build build-asan build-asan -DZRO_SANITIZE=address,undefined -DZRO_BUILD_DEMOS=ON \
  || build_failed build-asan
# libzmq is not built with ASan; now and then its I/O thread leaves a few internal objects (pipes
# of a connection torn down at exit) that LeakSanitizer reports as indirect leaks with only libzmq
# frames. Suppress leaks allocated inside libzmq (leaks of zro's own objects are still reported).
lsan_supp=$PWD/build-asan/lsan-libzmq.supp
printf '# Written by scripts/test.sh: libzmq-internal allocations.\nleak:libzmq.so\n' >"$lsan_supp"
export LSAN_OPTIONS="suppressions=$lsan_supp:print_suppressions=0"
note "build-asan: running every test except labels matching $exclude (LSAN_OPTIONS=$LSAN_OPTIONS)"
run_ctest build-asan/ctest.log --test-dir build-asan -j"$jobs" --no-tests=error -LE "$exclude"
record build-asan "$ran_passed" "$ran_failed" "$ran_ok"

# ---- build-tsan/ --------------------------------------------------------------------------------
# Only the loop/threading tests run here, so only they are built.
configure_and_build build-tsan build-tsan --target zro_loop_tests -DZRO_SANITIZE=thread -DZRO_BUILD_DEMOS=OFF \
  || build_failed build-tsan
# libzmq is not built with TSan, so TSan cannot see the synchronisation inside zmq's lock-free
# pipes and I/O threads and reports races on every message that crosses them. Suppress races with
# a libzmq frame in either stack (races purely inside zro code are still reported).
tsan_supp=$PWD/build-tsan/tsan-libzmq.supp
printf '# Written by scripts/test.sh: libzmq is not TSan-instrumented.\nrace:libzmq.so\n' >"$tsan_supp"
export TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$tsan_supp"
note "build-tsan: running tests labelled loop or tsan (TSAN_OPTIONS=$TSAN_OPTIONS)"
run_ctest build-tsan/ctest.log --test-dir build-tsan -j"$jobs" --no-tests=ignore -L '^(loop|tsan)$'
if [[ $ran_none -eq 1 ]]; then
  record build-tsan "$ran_passed" "$ran_failed" "$ran_ok" "no test is labelled loop or tsan"
else
  record build-tsan "$ran_passed" "$ran_failed" "$ran_ok"
fi

finish
