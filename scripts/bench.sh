#!/usr/bin/env bash
# zro benchmarks (issue 6): zro beside raw ZeroMQ and QtRO 6, in one run on this machine.
# Usage: usage() below, or scripts/bench.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
zro benchmarks (issue 6): zro beside raw ZeroMQ and QtRO 6, in one run on this machine.

  scripts/bench.sh [--quick] [--reps N] [--cases 1,2,3,4,5,6,7,8,9] [--impls zro,zmq,qtro] [--no-micro]

  --quick     fewer changes/calls/iterations and 3 repetitions (under 5 minutes of running on
              2 cores, after the build)
  --reps N    repetitions per case and implementation (default 5, quick 3)
  --cases     which of the issue's cases to run (default all)
  --impls     which implementations (default all that were built)
  --no-micro  skip the single-process Google Benchmark run

Installs what is missing (Debian packages, among them qt6-remoteobjects-dev and
libqt6remoteobjects6-bin for QtRO's repc), configures and builds build-bench/ (RelWithDebInfo,
-DZRO_BUILD_BENCH=ON, only the benchmark targets), runs the micro benchmarks and the
multi-process driver, prints the table and writes:
  build-bench/bench-results.json   every run and the summary table (driver)
  build-bench/bench-table.md       the table as printed
  build-bench/micro-results.json   Google Benchmark output
  build-bench/bench-peers-*.log    the peers' stderr
Environment: ZRO_JOBS (parallel build jobs, default 2); ZRO_BENCH_WRAP_ZRO/_ZMQ/_QTRO (a
command prefix for that implementation's peers, e.g. "valgrind --tool=callgrind").

EOF
}

all_args="$*"
quick=0
micro=1
driver_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1; driver_args+=(--quick) ;;
    --reps|--cases|--impls)
      [[ $# -ge 2 ]] || { echo "zro bench: $1 needs a value" >&2; exit 2; }
      driver_args+=("$1" "$2"); shift ;;
    --no-micro) micro=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "zro bench: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
jobs=${ZRO_JOBS:-2}
build=build-bench
started=$(date +%s)

# ---- packages --------------------------------------------------------------------------------
# What every build needs comes from scripts/setup.sh (its PACKAGES list is the one list); QtRO's
# packages only the benchmarks need.
scripts/setup.sh --no-build
PACKAGES=(qt6-remoteobjects-dev libqt6remoteobjects6-bin)
source scripts/lib/apt.sh
rc=0
apt_install_missing "zro bench" "${PACKAGES[@]}" || rc=$?
if [[ $rc -eq 2 ]]; then exit 1; fi
# Without QtRO the driver still runs zro and raw ZeroMQ (ratios to QtRO print as n/a).
if [[ $rc -ne 0 ]]; then echo "zro bench: could not install ${apt_missing[*]}; going on with what is there" >&2; fi

# ---- build -------------------------------------------------------------------------------------
echo "zro bench: configuring $build/ (RelWithDebInfo, ZRO_BUILD_BENCH=ON)"
mkdir -p "$build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DZRO_BUILD_BENCH=ON -DZRO_BUILD_DEMOS=OFF >"$build/configure.log" 2>&1 \
  || { cat "$build/configure.log" >&2; exit 1; }
grep "zro bench:" "$build/configure.log" || true
echo "zro bench: building the benchmark targets (-j$jobs)"
cmake --build "$build" --target zro_bench -j"$jobs"
built=$(date +%s)
echo "zro bench: build took $((built - started)) s"

# ---- machine -----------------------------------------------------------------------------------
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(grep MemTotal /proc/meminfo | awk '{printf "%.1f GiB", $2/1048576}') RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "command: scripts/bench.sh${all_args:+ $all_args}"
echo

# ---- micro benchmarks (one process) -----------------------------------------------------------
if [[ $micro -eq 1 ]]; then
  min_time=0.5
  [[ $quick -eq 1 ]] && min_time=0.1
  echo "zro bench: Google Benchmark (single process)"
  "$build/tests/bench/zro_micro_bench" --benchmark_min_time="$min_time" \
    --benchmark_out="$build/micro-results.json" --benchmark_out_format=json 2>&1 | grep -E "^(BM_|Benchmark|---)" || true
  echo
fi

# ---- multi-process driver ------------------------------------------------------------------------
"$build/tests/bench/zro_bench_driver" "${driver_args[@]}" --json "$build/bench-results.json" --logdir "$build" \
  | tee "$build/bench-driver.log"
sed -n '/^| case/,/^$/p' "$build/bench-driver.log" >"$build/bench-table.md"
echo "zro bench: table in $build/bench-table.md, results in $build/bench-results.json ($(( $(date +%s) - built )) s of running)"
