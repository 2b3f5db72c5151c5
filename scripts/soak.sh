#!/usr/bin/env bash
# zro soak: the fault suite's chaos loop (tests/fault: FaultSoak.DISABLED_Chaos) for a while.
#
#   scripts/soak.sh [SECONDS] [BUILD_DIR]
#
# SECONDS defaults to 600 (10 minutes); BUILD_DIR to build (it must have been built, e.g. by
# scripts/test.sh). The source publishes up to 500 changes/s the whole time and is SIGKILLed and
# restarted every 30 s, SIGSTOPped for 1 s every 45 s; a garbage flood runs 3 s every 20 s; one of
# three replicas is SIGSTOPped for 1 s every 15 s. The test then checks every replica's history
# (final state, subsequence, signals in order, losses reported) and that the replicas' RSS and
# descriptor counts did not grow. Not part of scripts/test.sh (it takes SECONDS).
# Prints the "[measured] Soak ..." lines and exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
seconds=${1:-600}
build=${2:-build}
bin=$build/tests/fault/zro_fault_tests
[[ -x $bin ]] || { echo "zro soak: $bin not built (cmake --build $build --target zro_fault_tests)" >&2; exit 2; }
echo "zro soak: ${seconds} s of chaos ($bin)"
ZRO_SOAK_SECONDS=$seconds "$bin" --gtest_also_run_disabled_tests --gtest_filter='FaultSoak.*'
