#!/usr/bin/env bash
# promtool, Prometheus' own checker, for the metrics tests in the cli module (MetricsEndToEndTest):
# `promtool check metrics` on real scrapes, `check rules` and `test rules` on
# deploy/observability/alerts.yaml. Built from the Go module proxy (Prometheus tags its Go module
# v0.x: v0.316.0 is Prometheus 3.x's promtool) into .tools/bin with a stamp like install-tools.sh's.
# Idempotent: nothing happens when the stamped version is there. About 4 to 8 minutes on 2 cores the
# first time (Prometheus' module pulls the service-discovery SDKs), seconds with a warm Go cache.
# Called by scripts/install-tools.sh --metrics (the cli module's build passes it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
mkdir -p "$bin"
module="github.com/prometheus/prometheus/cmd/promtool@v0.316.0"
stamp="$bin/.promtool.version"

if [[ -x "$bin/promtool" && -f "$stamp" && "$(cat "$stamp")" == "$module" ]]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  for dir in /usr/local/go/bin /usr/lib/go/bin "${HOME:-/nonexistent}/go/bin"; do
    [[ -x "$dir/go" ]] && { export PATH="$dir:$PATH"; break; }
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: 'go' is not on the PATH; install Go 1.25+ (e.g. apt-get install golang-go) to build promtool" >&2
  exit 1
fi
if [[ -z "${HOME:-}" ]]; then
  export GOCACHE="${GOCACHE:-$root/.tools/go-cache}" GOPATH="${GOPATH:-$root/.tools/go}"
fi
echo "install-tools: building promtool ($module) into $bin (once: a few minutes)"
started=$SECONDS
GOTOOLCHAIN=local GOBIN="$bin" GOFLAGS="-buildvcs=false -modcacherw" CGO_ENABLED=0 \
  go install -trimpath -ldflags "-s -w" "$module"
"$bin/promtool" --version >/dev/null
printf '%s' "$module" >"$stamp"
echo "install-tools: promtool installed in $((SECONDS - started)) s"
