#!/usr/bin/env bash
# jq, for scripts/chaos/pod-kill.sh (it reads `baton ... --output json`) and its tests in the cli
# module. Idempotent: nothing happens when a jq is on the PATH or in .tools/bin. Otherwise Debian's
# `jq` package when root (or allowed to sudo) and apt-get exists; else gojq (a jq in Go, MIT) built
# from the Go module proxy into .tools/bin/jq, with a stamp like install-tools.sh's.
# Called by scripts/install-tools.sh --chaos (the cli module's build passes it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
mkdir -p "$bin"
gojq_module="github.com/itchyny/gojq/cmd/gojq@v0.12.17"
stamp="$bin/.jq.version"

if command -v jq >/dev/null 2>&1; then
  exit 0
fi
if [[ -x "$bin/jq" && -f "$stamp" && "$(cat "$stamp")" == "$gojq_module" ]]; then
  exit 0
fi

apt=()
if [[ "$(id -u)" == 0 ]]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo -n apt-get)
fi
if [[ ${#apt[@]} -gt 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "install-tools: installing Debian's jq package (for scripts/chaos/pod-kill.sh)"
  export DEBIAN_FRONTEND=noninteractive
  if ! compgen -G "/var/lib/apt/lists/*Packages*" >/dev/null; then
    "${apt[@]}" update -qq || true
  fi
  if "${apt[@]}" install -y -qq --no-install-recommends jq >/dev/null \
      || { "${apt[@]}" update -qq || true; "${apt[@]}" install -y -qq --no-install-recommends jq >/dev/null; }; then
    exit 0
  fi
  echo "install-tools: 'apt-get install jq' failed; building gojq instead" >&2
fi

if ! command -v go >/dev/null 2>&1; then
  for dir in /usr/local/go/bin /usr/lib/go/bin "${HOME:-/nonexistent}/go/bin"; do
    [[ -x "$dir/go" ]] && { export PATH="$dir:$PATH"; break; }
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: no jq, no apt-get as root and no Go: install jq (apt-get install jq) for pod-kill.sh;" \
    "its tests are skipped until then" >&2
  exit 0
fi
if [[ -z "${HOME:-}" ]]; then
  export GOCACHE="${GOCACHE:-$root/.tools/go-cache}" GOPATH="${GOPATH:-$root/.tools/go}"
fi
echo "install-tools: building gojq ($gojq_module) into $bin/jq"
GOTOOLCHAIN=local GOBIN="$bin" GOFLAGS="-buildvcs=false -modcacherw" CGO_ENABLED=0 go install -trimpath "$gojq_module"
mv -f "$bin/gojq" "$bin/jq"
printf '%s' "$gojq_module" >"$stamp"
