#!/usr/bin/env bash
# zro setup: install the Debian packages zro needs (only those missing), then build build/.
# Usage: usage() below, or scripts/setup.sh --help.
set -euo pipefail

usage() {
  cat <<'EOF'
zro setup: install the Debian packages zro needs (only those missing), then configure and build
into build/.

  scripts/setup.sh [--no-build]

  --no-build   only install the packages; do not configure or build

Idempotent: when every package is installed, apt is not touched; the build is incremental.
Works from any directory. Environment: ZRO_JOBS (parallel build jobs, default 2).

EOF
}

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
  jq
)

source scripts/lib/apt.sh
apt_install_missing "zro setup" "${PACKAGES[@]}" \
  || { echo "zro setup: could not install: ${apt_missing[*]}" >&2; exit 1; }

if [[ $build -eq 0 ]]; then
  echo "zro setup: done (--no-build)"
  exit 0
fi

echo "zro setup: configuring build/ (RelWithDebInfo)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "zro setup: building into build/ (-j$jobs)"
cmake --build build -j"$jobs"
echo "zro setup: done: build/ is up to date"
