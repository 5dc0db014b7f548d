#!/usr/bin/env bash
# Installs the third-party tools Baton's tests call into the project-local .tools/bin, from the Go
# module proxy, when they are missing or at another version. Idempotent: a second run does nothing.
# Called by the Maven build (cli module, phase process-test-resources), so `./mvnw -B -ntp verify`
# alone brings what the tests need. Needs Go (1.22 or newer) on the PATH.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
mkdir -p "$bin"

# name|module path@version|binary name that `go install` produces
tools=(
  "grpcurl|github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.3|grpcurl"
)

# Go may be installed without being on a non-interactive PATH (CI); look in the usual places.
if ! command -v go >/dev/null 2>&1; then
  for dir in /usr/local/go/bin /usr/lib/go/bin "${HOME:-/nonexistent}/go/bin"; do
    if [[ -x "$dir/go" ]]; then
      export PATH="$dir:$PATH"
      break
    fi
  done
fi
# Without HOME, Go has no default cache or module directory: keep them inside .tools/.
if [[ -z "${HOME:-}" ]]; then
  export GOCACHE="${GOCACHE:-$root/.tools/go-cache}" GOPATH="${GOPATH:-$root/.tools/go}"
fi

export GOTOOLCHAIN=local
export GOBIN="$bin"
export GOFLAGS="${GOFLAGS:--buildvcs=false} -modcacherw"

for entry in "${tools[@]}"; do
  IFS='|' read -r name module built <<<"$entry"
  stamp="$bin/.$name.version"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$module" ]]; then
    continue
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-tools: 'go' is not on the PATH; install Go 1.22+ (e.g. apt-get install golang-go) to get $name" >&2
    exit 1
  fi
  echo "install-tools: installing $name ($module) into $bin"
  go install "$module"
  if [[ "$built" != "$name" ]]; then
    mv -f "$bin/$built" "$bin/$name"
  fi
  printf '%s' "$module" >"$stamp"
done
