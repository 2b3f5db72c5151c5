# zro scripts: install the Debian packages that are missing. Sourced, not run:
#
#   source scripts/lib/apt.sh
#   apt_install_missing "zro setup" "${PACKAGES[@]}"
#
# apt_install_missing TAG PKG...: installs the packages among PKG... that dpkg does not list as
# installed (nothing else: when all are there, apt is not touched). Messages start with TAG. Uses
# sudo when not root. Before installing it makes sure /usr/sbin/policy-rc.d answers `exit 101`, so
# that no package's maintainer scripts start a service (avahi-daemon and dbus-daemon in
# particular must never run in the root namespace: the lab starts them in namespaces). apt-get update and
# install are tried three times (10 s, then 20 s apart: a mirror or the dpkg lock may be busy);
# their output goes to a log file that is removed on success and shown in part on failure.
# Returns 0 when every package is installed, 1 when apt-get failed three times, 2 when it cannot
# install (not root and no sudo). Leaves the packages it tried in the array `apt_missing`.

apt_install_missing() {
  local tag=$1; shift
  local pkg status
  apt_missing=()
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == installed ]] || apt_missing+=("$pkg")
  done
  if [[ ${#apt_missing[@]} -eq 0 ]]; then
    echo "$tag: all $# packages already installed"
    return 0
  fi

  echo "$tag: installing ${apt_missing[*]}"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      echo "$tag: not root and no sudo: install these packages first: ${apt_missing[*]}" >&2
      return 2
    fi
  fi
  if [[ ! -e /usr/sbin/policy-rc.d ]] || ! grep -q 'exit 101' /usr/sbin/policy-rc.d; then
    echo "$tag: writing /usr/sbin/policy-rc.d (exit 101: no service starts on install)"
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo[@]}" chmod 755 /usr/sbin/policy-rc.d
  fi
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Retries=3 -o DPkg::Lock::Timeout=600)
  local log attempt
  log=$(mktemp "${TMPDIR:-/tmp}/zro-apt.XXXXXX.log")
  for attempt in 1 2 3; do
    echo "$tag: apt-get update && apt-get install (attempt $attempt of 3, log: $log)"
    if "${apt[@]}" update -q >>"$log" 2>&1 </dev/null \
       && "${apt[@]}" install -y -q --no-install-recommends "${apt_missing[@]}" >>"$log" 2>&1 </dev/null; then
      rm -f "$log"
      echo "$tag: packages installed"
      return 0
    fi
    echo "$tag: apt-get failed (attempt $attempt of 3); last lines of its output:" >&2
    tail -n 15 "$log" >&2
    if [[ $attempt -lt 3 ]]; then sleep $((attempt * 10)); fi
  done
  return 1
}
