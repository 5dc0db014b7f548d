#!/usr/bin/env bash
# Installs podman and runc from Debian's packages, for the image module's tests (they load the OCI
# tarball Jib builds and run it). Idempotent: a stamp in .tools/bin records what was installed, and a
# second run does nothing. Needs root (or password-less sudo) and apt-get; anywhere else it prints how
# to install podman by hand and exits 0, and the image tests are then skipped with that reason.
# crun (podman's default runtime on Debian) fails here on setrlimit and on hybrid cgroups, so the
# tests run podman with runc through image/src/test/resources/containers.conf, never the host's config.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
mkdir -p "$bin"
stamp="$bin/.podman.version"

if command -v podman >/dev/null 2>&1 && command -v runc >/dev/null 2>&1 && { command -v iptables || [[ -x /usr/sbin/iptables ]]; } >/dev/null 2>&1; then
  want="$(podman --version) / $(runc --version | head -n1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
  fi
  printf '%s' "$want" >"$stamp"
  echo "podman.sh: found $want"
  exit 0
fi

apt=()
if [[ "$(id -u)" == 0 ]]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo -n apt-get)
else
  echo "podman.sh: podman/runc not found, and not root nor allowed to sudo; install them with" \
    "'sudo apt-get install podman runc' (Debian/Ubuntu); the image tests are skipped until then" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "podman.sh: podman/runc not found and no apt-get here; install podman (4.3 or newer) and runc" \
    "with this system's package manager; the image tests are skipped until then" >&2
  exit 0
fi

echo "podman.sh: installing Debian's podman and runc packages (for the image tests)"
export DEBIAN_FRONTEND=noninteractive
# iptables: netavark sets up bridge networks and published ports with it.
packages=(podman runc uidmap slirp4netns netavark aardvark-dns fuse-overlayfs iptables)
if ! compgen -G "/var/lib/apt/lists/*Packages*" >/dev/null; then
  "${apt[@]}" update -qq || true
fi
# A stale package list fails the install: one update and a second try covers that.
if ! "${apt[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; then
  "${apt[@]}" update -qq || true
  if ! "${apt[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; then
    echo "podman.sh: 'apt-get install ${packages[*]}' failed (see above); install podman and runc by hand;" \
      "the image tests are skipped until then" >&2
    exit 0
  fi
fi
want="$(podman --version) / $(runc --version | head -n1)"
printf '%s' "$want" >"$stamp"
echo "podman.sh: installed $want"
