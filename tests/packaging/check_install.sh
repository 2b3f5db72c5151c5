#!/usr/bin/env bash
# Packaging self-test (ctest: install_and_find_package).
# Usage: usage() below, or check_install.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
Packaging self-test (ctest: install_and_find_package).

  check_install.sh --build-dir DIR [--cxx COMPILER] [--sanitize LIST]

1. cmake --install DIR --prefix TMP
2. configure, build and run tests/packaging/consumer against TMP with find_package(zro), and
   its rep_loader (find_package(zro COMPONENTS idl)) against zroc's --print-signature
3. compile and run the same main.cpp with `pkg-config --cflags --libs zro`
The temporary prefix is removed on exit.

EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir="" cxx="${CXX:-c++}" sanitize=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --cxx)       cxx=$2; shift 2 ;;
    --sanitize)  sanitize=$2; shift 2 ;;
    -h|--help)   usage; exit 0 ;;
    *) echo "check_install: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ -n "$build_dir" && -f "$build_dir/cmake_install.cmake" ]] \
  || { echo "check_install: --build-dir must be a configured zro build tree" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zro-install-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

# A sanitized static libzro.a needs the same sanitizer runtime in the consumer.
san_flags=""
if [[ -n "$sanitize" ]]; then san_flags="-fsanitize=$sanitize -fno-omit-frame-pointer"; fi

step() { echo "check_install: $*"; }

step "installing $build_dir into $prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" \
  || { cat "$tmp/install.log"; exit 1; }
for f in include/zro/zro.hpp include/zro/value.hpp; do
  [[ -f "$prefix/$f" ]] || { echo "check_install: missing $f in the prefix" >&2; exit 1; }
done
config=$(find "$prefix" -name zroConfig.cmake -print -quit)
pcfile=$(find "$prefix" -name zro.pc -print -quit)
[[ -n "$config" ]] || { echo "check_install: zroConfig.cmake not installed" >&2; exit 1; }
[[ -n "$pcfile" ]] || { echo "check_install: zro.pc not installed" >&2; exit 1; }
[[ -f "$(dirname "$config")/zroConfigVersion.cmake" ]] \
  || { echo "check_install: zroConfigVersion.cmake not installed" >&2; exit 1; }
# nlohmann-json and CLI11 are the zro command line's own dependencies, not the library's.
if grep -l -i -E 'nlohmann|CLI11' "$(dirname "$config")"/*.cmake "$pcfile" >&2; then
  echo "check_install: the installed package names a dependency of the zro command line (above)" >&2
  exit 1
fi

step "find_package(zro): configuring and building the consumer"
cmake -S "$here/consumer" -B "$tmp/consumer-build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="$san_flags" -DCMAKE_EXE_LINKER_FLAGS="$san_flags" >"$tmp/configure.log" 2>&1 \
  || { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/consumer-build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
out=$("$tmp/consumer-build/consumer")
step "consumer (find_package) printed: $out"
[[ "$out" == *1*two* ]] || { echo "check_install: unexpected consumer output" >&2; exit 1; }

step "find_package(zro COMPONENTS idl): a .rep file loaded at run time with zro::idl"
[[ -f "$prefix/include/zro/idl/ast.hpp" ]] || { echo "check_install: zro/idl/ast.hpp not installed" >&2; exit 1; }
rep="$here/../idl/downstream/thermostat.rep"
loaded=$("$tmp/consumer-build/rep_loader" "$rep" Thermostat)
step "rep_loader printed: $loaded"
expected=$("$prefix/bin/zroc" "$rep" --print-signature | grep '^Thermostat ')
[[ "$loaded" == "$expected "* ]] \
  || { echo "check_install: rep_loader's signature differs from zroc's ($expected)" >&2; exit 1; }

step "pkg-config zro"
pcdir=$(dirname "$pcfile")
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pc_flags=$(pkg-config --cflags --libs zro)
step "pkg-config --cflags --libs zro: $pc_flags"
[[ "$pc_flags" == *"-I$prefix/"* && "$pc_flags" == *-lzro* ]] \
  || { echo "check_install: pkg-config flags do not point into the prefix" >&2; exit 1; }
# shellcheck disable=SC2086  # word splitting of the flags is intended
"$cxx" -std=c++20 $san_flags "$here/consumer/main.cpp" -o "$tmp/consumer-pc" $pc_flags \
  >"$tmp/pc-build.log" 2>&1 || { cat "$tmp/pc-build.log"; exit 1; }
out=$("$tmp/consumer-pc")
step "consumer (pkg-config) printed: $out"
[[ "$out" == *1*two* ]] || { echo "check_install: unexpected consumer output" >&2; exit 1; }

step "OK"
