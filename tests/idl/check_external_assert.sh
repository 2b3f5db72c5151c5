#!/usr/bin/env bash
# zro — shared live objects over ZeroMQ.
# Generates C++ from a .rep whose external type lacks zro::external_type<T>, compiles it, and
# checks that compilation fails with zroc's static_assert naming the type and the customization
# point (not some other error).
#
#   check_external_assert.sh --zroc ZROC --cxx CXX --rep FILE.rep --include ZRO_INCLUDE --work DIR
set -euo pipefail

while [[ $# -gt 0 ]]; do
  case "$1" in
    --zroc) zroc=$2; shift 2 ;;
    --cxx) cxx=$2; shift 2 ;;
    --rep) rep=$2; shift 2 ;;
    --include) include=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "check_external_assert.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

rm -rf "$work" && mkdir -p "$work"
"$zroc" "$rep" -o "$work" --mode merged
base=$(basename "$rep" .rep)
printf '#include "rep_%s_merged.h"\n' "$base" > "$work/use.cpp"

if "$cxx" -std=c++20 -fsyntax-only -I "$include" -I "$(dirname "$rep")" -I "$work" "$work/use.cpp" 2> "$work/errors.txt"; then
  echo "FAIL: generated code compiled without zro::external_type<Unspecialized>" >&2
  exit 1
fi
if ! grep -q 'specialize zro::external_type<Unspecialized>' "$work/errors.txt"; then
  echo "FAIL: the compiler did not report zroc's static_assert; it said:" >&2
  head -20 "$work/errors.txt" >&2
  exit 1
fi
echo "ok: $(grep -m1 'static assertion failed\|static_assert' "$work/errors.txt")"
