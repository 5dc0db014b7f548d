#!/usr/bin/env bash
# buf (Apache-2.0), for `buf lint` and `buf breaking` on the baton.v1 protos (proto/buf.yaml; the proto
# module's ProtoApiCheckTest). Built from the Go module proxy with the local Go (GOTOOLCHAIN=local;
# v1.75.0 builds with Go 1.26 here, about 2.5 minutes on 2 cores with a cold cache, seconds when warm)
# into .tools/bin/buf, with a stamp like install-tools.sh's. Idempotent: nothing happens when the
# stamped version is there. Called by scripts/install-tools.sh --buf (the proto module's build passes it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
mkdir -p "$bin"
buf_version="1.75.0"
module="github.com/bufbuild/buf/cmd/buf@v$buf_version"
stamp="$bin/.buf.version"

if [[ -x "$bin/buf" && -f "$stamp" && "$(cat "$stamp")" == "$module" ]]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  for dir in /usr/local/go/bin /usr/lib/go/bin "${HOME:-/nonexistent}/go/bin"; do
    [[ -x "$dir/go" ]] && { export PATH="$dir:$PATH"; break; }
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: 'go' is not on the PATH; install Go 1.26.7 or newer (buf v1.75.0's go.mod asks for it) to build buf" >&2
  exit 1
fi
if [[ -z "${HOME:-}" ]]; then
  export GOCACHE="${GOCACHE:-$root/.tools/go-cache}" GOPATH="${GOPATH:-$root/.tools/go}"
fi
echo "install-tools: building buf v$buf_version into $bin (about 2.5 minutes on a cold cache)"
started=$SECONDS
if ! GOTOOLCHAIN=local GOBIN="$bin" GOFLAGS="-buildvcs=false -modcacherw" CGO_ENABLED=0 \
    go install -trimpath -ldflags "-s -w" "$module"; then
  echo "install-tools: building buf failed (see above); is the Go module proxy reachable, and Go 1.26.7 or newer?" >&2
  exit 1
fi
got="$("$bin/buf" --version)"
if [[ "$got" != "$buf_version" ]]; then
  echo "install-tools: the built buf reports '$got' (expected: $buf_version)" >&2
  exit 1
fi
printf '%s' "$module" >"$stamp"
echo "install-tools: buf v$buf_version installed in $((SECONDS - started)) s"
