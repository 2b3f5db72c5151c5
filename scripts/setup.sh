#!/usr/bin/env bash
# zro setup: install the Debian packages zro needs (only those missing), then configure and build
# into build/.
#
#   scripts/setup.sh [--no-build]
#
#   --no-build   only install the packages; do not configure or build
#
# Idempotent: when every package is installed, apt is not touched; the build is incremental.
# Works from any directory. Environment: ZRO_JOBS (parallel build jobs, default 2).
set -euo pipefail

usage() { sed -n "2,10p" "${BASH_SOURCE[0]}" | sed "s/^# \{0,1\}//"; echo; }

build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) build=0 ;;
    -h|--help)  usage; exit 0 ;;
    *) echo "zro setup: unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."
jobs=${ZRO_JOBS:-2}

# Debian 12 packages. libclang-rt-dev: libFuzzer runtime for clang's -fsanitize=fuzzer (apt would
# only bring it as a recommendation of clang). iproute2: `ip netns` for the lab tests.
# Discovery (docs/DISCOVERY.md): libavahi-client-dev to build against; avahi-daemon, dbus-daemon,
# avahi-utils (avahi-browse/avahi-publish as independent checks) and nftables for the lab, which
# starts the daemons only inside network namespaces (never in the root namespace).
PACKAGES=(
  build-essential cmake pkg-config
  libzmq3-dev cppzmq-dev libmsgpack-cxx-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-dev
  procps iproute2
  libavahi-client-dev avahi-daemon avahi-utils dbus-daemon nftables
  nlohmann-json3-dev libcli11-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "zro setup: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      echo "zro setup: not root and no sudo: install these packages first: ${missing[*]}" >&2
      exit 1
    fi
  fi
  # No service may start from a package's maintainer scripts (see shared/docs/LAB.md).
  # avahi-daemon and dbus-daemon in particular must not start in the root namespace.
  if [[ ! -e /usr/sbin/policy-rc.d ]] || ! grep -q 'exit 101' /usr/sbin/policy-rc.d; then
    echo "zro setup: writing /usr/sbin/policy-rc.d (exit 101: no service starts on install)"
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-o Acquire::Retries=3 -o DPkg::Lock::Timeout=600)
  apt_log=$(mktemp "${TMPDIR:-/tmp}/zro-setup-apt.XXXXXX.log")
  ok=0
  for attempt in 1 2 3; do
    echo "zro setup: apt-get update && apt-get install (attempt $attempt of 3, log: $apt_log)"
    if "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update -q \
         >>"$apt_log" 2>&1 </dev/null \
       && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y -q \
            --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1 </dev/null; then
      ok=1; break
    fi
    echo "zro setup: apt-get failed (attempt $attempt of 3); last lines of its output:" >&2
    tail -n 15 "$apt_log" >&2
    if [[ $attempt -lt 3 ]]; then sleep $((attempt * 10)); fi
  done
  [[ $ok -eq 1 ]] || { echo "zro setup: could not install: ${missing[*]}" >&2; exit 1; }
  rm -f "$apt_log"
  echo "zro setup: packages installed"
else
  echo "zro setup: all ${#PACKAGES[@]} packages already installed"
fi

if [[ $build -eq 0 ]]; then
  echo "zro setup: done (--no-build)"
  exit 0
fi

echo "zro setup: configuring build/ (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "zro setup: building into build/ (-j$jobs)"
cmake --build build -j"$jobs"
echo "zro setup: done: build/ is up to date"
