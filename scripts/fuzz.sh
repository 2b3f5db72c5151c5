#!/usr/bin/env bash
# zro fuzz: build one libFuzzer target with clang (in its own build dir) and run it.
# Usage: usage() below, or fuzz.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
zro fuzz: build one libFuzzer target with clang (in its own build dir) and run it.

  scripts/fuzz.sh TARGET SECONDS [LIBFUZZER_ARGS...]
  scripts/fuzz.sh --list

  TARGET   wire_decode | host_request | value_convert | rep_parser | request_decode |
           reply_decode | publication_decode | events_read (the fuzz_ prefix is optional)
  SECONDS  run time (-max_total_time); 0 means no time limit (then pass -runs=N)

The committed seed corpus tests/fuzz/corpus/fuzz_TARGET/ is copied into a working corpus
(BUILD/fuzz-work/fuzz_TARGET/corpus) that the run grows, so the repository is not touched;
crashes, leaks and timeouts go to BUILD/fuzz-work/fuzz_TARGET/ (artifact_prefix). Copy an
input into tests/fuzz/corpus/fuzz_TARGET/ yourself to keep it as a regression seed (the replay
ctest fuzz_replay_fuzz_TARGET runs every committed file in every build).
UBSan findings abort the run (halt_on_error=1), as ASan's do; RSS is capped at 512 MB.
At the end it prints one line: "zro fuzz: TARGET: N runs in S s (E execs/s), findings: K".

Environment: ZRO_FUZZ_BUILD_DIR (default build-fuzz), ZRO_JOBS (build parallelism, default 2),
CXX (default clang++), ZRO_LOG (zro's log level, default error: bad input is logged as warnings).

EOF
}

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
targets=$(cd tests/fuzz && ls fuzz_*.cpp | sed 's/\.cpp$//; s/^fuzz_//')

if [[ $# -ge 1 && $1 == --list ]]; then echo "$targets"; exit 0; fi
if [[ $# -lt 2 || $1 == -h || $1 == --help ]]; then usage; [[ $# -ge 1 && ($1 == -h || $1 == --help) ]] && exit 0; exit 2; fi

target=${1#fuzz_}
seconds=$2
shift 2
if ! grep -qx "$target" <<<"$targets"; then
  echo "zro fuzz: unknown target '$target' (one of: $(tr '\n' ' ' <<<"$targets"))" >&2
  exit 2
fi
if ! [[ $seconds =~ ^[0-9]+$ ]]; then echo "zro fuzz: SECONDS must be a number, got '$seconds'" >&2; exit 2; fi

build=${ZRO_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${ZRO_JOBS:-2}
name=fuzz_$target
export CXX=${CXX:-clang++}

if [[ ! -f $build/CMakeCache.txt ]]; then
  echo "zro fuzz: configuring $build/ with $CXX and -DZRO_BUILD_FUZZ=ON"
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZRO_BUILD_FUZZ=ON -DCMAKE_CXX_COMPILER="$CXX"
fi
echo "zro fuzz: building $name in $build/ (-j$jobs)"
cmake --build "$build" -j"$jobs" --target "$name"

work=$build/fuzz-work/$name
mkdir -p "$work/corpus"
cp -n tests/fuzz/corpus/"$name"/* "$work/corpus/" 2>/dev/null || true

args=(-rss_limit_mb=512 -artifact_prefix="$work/" -print_final_stats=1)
[[ $seconds -gt 0 ]] && args+=(-max_total_time="$seconds")
case $target in
  rep_parser)   args+=(-max_len=4096 -dict=tests/fuzz/fuzz_rep_parser.dict) ;;
  host_request) args+=(-max_len=4096 -timeout=30) ;;
  value_convert) args+=(-max_len=4096) ;;
  *)            args+=(-max_len=65536) ;;
esac

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ZRO_LOG=${ZRO_LOG:-error}  # the host's "malformed request" warnings are the expected outcome
log=$work/last-run.log
echo "zro fuzz: $build/tests/fuzz/$name ${args[*]} $* $work/corpus  (log: $log)"
touch "$work/.started"
set +e
"$build/tests/fuzz/$name" "${args[@]}" "$@" "$work/corpus" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1 || true)
rate=$(grep -Eo 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1 || true)
took=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -Eo 'in [0-9]+' | grep -Eo '[0-9]+' | tail -n 1 || true)
findings=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) -newer "$work/.started" | wc -l)
if [[ $rc -ne 0 && $findings -eq 0 ]]; then findings=1; fi
echo "zro fuzz: $target: ${runs:-?} runs in ${took:-?} s (${rate:-?} execs/s), findings: $findings (exit $rc)"
exit "$rc"
