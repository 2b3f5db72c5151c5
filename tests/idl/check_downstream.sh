#!/usr/bin/env bash
# Downstream test (ctest: zro_generate_downstream): installs the build tree into a temporary
# prefix, then configures, builds and runs tests/idl/downstream, a separate project that uses
# find_package(zro) and zro_generate() with the installed zroc.
#
#   check_downstream.sh --build-dir DIR [--cxx COMPILER] [--sanitize LIST]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir="" cxx="${CXX:-c++}" sanitize=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --cxx)       cxx=$2; shift 2 ;;
    --sanitize)  sanitize=$2; shift 2 ;;
    *) echo "check_downstream: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$build_dir" && -f "$build_dir/cmake_install.cmake" ]] \
  || { echo "check_downstream: --build-dir must be a configured zro build tree" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zro-downstream.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
san_flags=""
if [[ -n "$sanitize" ]]; then san_flags="-fsanitize=$sanitize -fno-omit-frame-pointer"; fi

cmake --install "$build_dir" --prefix "$tmp/prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; exit 1; }
[[ -x "$tmp/prefix/bin/zroc" ]] || { echo "check_downstream: zroc not installed" >&2; exit 1; }
[[ -n "$(find "$tmp/prefix" -name ZroGenerate.cmake -print -quit)" ]] \
  || { echo "check_downstream: ZroGenerate.cmake not installed" >&2; exit 1; }
cmake -S "$here/downstream" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="$san_flags" -DCMAKE_EXE_LINKER_FLAGS="$san_flags" \
  >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
grep -q "zroc thermostat.rep" "$tmp/build.log" || { echo "check_downstream: zroc did not run" >&2; cat "$tmp/build.log"; exit 1; }
out=$("$tmp/build/downstream")
echo "check_downstream: $out"
[[ "$out" == "downstream ok "*" 21 Heat" ]] || { echo "check_downstream: unexpected output" >&2; exit 1; }
echo "check_downstream: OK"
