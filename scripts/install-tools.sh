#!/usr/bin/env bash
# Installs the third-party tools Baton's tests call into the project-local .tools/bin, from the Go
# module proxy, when they are missing or at another version. Idempotent: a second run does nothing.
# Called by the Maven build (runtime and cli modules, phase process-test-resources), so
# `./mvnw -B -ntp verify` alone brings what the tests need. Needs Go (1.22 or newer) on the PATH.
# Consul is built from source (see scripts/consul/): several minutes the first time, a second or
# two when only its build cache is warm; BATON_SKIP_CONSUL=1 skips it (its tests are then skipped).
# PostgreSQL's server binaries (the journal's tests start a private server from them) come from
# Debian's `postgresql` package when no initdb is found; BATON_SKIP_POSTGRES=1 skips that.
# Opt-in: `--kubernetes-lint` (or BATON_KUBERNETES_LINT=1): kustomize, kubeconform, kube-score and the
# Kubernetes JSON schemas for the k8s module's static validation (scripts/tools/kubernetes-lint.sh).
# Opt-in: `--temporal` (or BATON_TEMPORAL=1) also builds the Temporal CLI, the peer of the bench's
# figure 9 (about 4 minutes and 200 MB on a cold cache); the test command never asks for it.
# `--chaos` also brings jq for scripts/chaos/pod-kill.sh (scripts/tools/jq.sh; the cli build passes it).
# `--metrics` also builds promtool for the metrics tests (scripts/tools/promtool.sh; the cli build passes it).
# `--browser` also brings Debian's chromium and playwright-core for the dashboard's browser tests
# (scripts/tools/chromium.sh; the cli build passes it).
# `--podman` (the image module passes it) also installs podman and runc (scripts/tools/podman.sh).
# `--kubernetes` (or BATON_KUBERNETES=1; the k8s module's pom passes it) also builds kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, etcd and kwok for the cluster tests
# (scripts/tools/kube-apiserver.sh; once: 8 to 22 minutes on 2 cores, depending on load).
# `--buf` (the proto module passes it) also builds buf for `buf lint`/`buf breaking` (scripts/tools/buf.sh).
# `--python-client` (the cli module passes it) also makes the Python client's venv and generates its
# modules (scripts/tools/python-client.sh).
# `--terminal` (the cli module passes it) also installs tmux for the terminal-view test (scripts/tools/tmux.sh).
set -euo pipefail

with_temporal="${BATON_TEMPORAL:-0}"
with_chaos=0
with_browser=0
with_podman=0
with_metrics=0
with_kubernetes_lint="${BATON_KUBERNETES_LINT:-0}"
with_kubernetes="${BATON_KUBERNETES:-0}"
with_buf=0
with_python_client=0
with_terminal=0
for arg in "$@"; do
  case "$arg" in
    --temporal) with_temporal=1 ;;
    --chaos) with_chaos=1 ;;
    --browser) with_browser=1 ;;
    --podman) with_podman=1 ;;
    --metrics) with_metrics=1 ;;
    --kubernetes-lint) with_kubernetes_lint=1 ;;
    --kubernetes) with_kubernetes=1 ;;
    --buf) with_buf=1 ;;
    --python-client) with_python_client=1 ;;
    --terminal) with_terminal=1 ;;
    *) echo "install-tools: unknown argument '$arg' (expected: --temporal, --chaos, --metrics, --podman, --kubernetes-lint, --kubernetes, --buf, --python-client, --terminal, --browser, or none)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
mkdir -p "$bin"

# PostgreSQL server binaries (initdb, postgres, pg_ctl), for the journal's tests: the JUnit extension
# PostgresServer (runtime's test tree) starts a private server from them on an ephemeral port. Debian
# keeps them in /usr/lib/postgresql/<major>/bin, off the PATH. Installing never fails the build: a
# machine where we cannot install gets a message saying how, and those tests are skipped.
find_initdb() {
  local candidate
  for candidate in /usr/lib/postgresql/*/bin/initdb; do
    if [[ -x "$candidate" ]]; then
      echo "$candidate"
      return 0
    fi
  done
  command -v initdb 2>/dev/null
}
install_postgres() {
  local apt=()
  if [[ "$(id -u)" == 0 ]]; then
    apt=(apt-get)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    apt=(sudo -n apt-get)
  else
    echo "install-tools: no PostgreSQL server binaries (initdb) found, and not root nor allowed to sudo;" \
      "install them with 'sudo apt-get install postgresql' (Debian/Ubuntu) or put initdb on the PATH;" \
      "the PostgreSQL journal tests are skipped until then" >&2
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: no PostgreSQL server binaries (initdb) found and no apt-get here; install PostgreSQL" \
      "(13 or newer) with this system's package manager; the PostgreSQL journal tests are skipped until then" >&2
    return 0
  fi
  echo "install-tools: installing Debian's postgresql package (server binaries for the journal's tests)"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh image often has no package lists: update once first; a stale list fails the install, so
  # one update and a second try covers that too.
  if ! compgen -G "/var/lib/apt/lists/*Packages*" >/dev/null; then
    "${apt[@]}" update -qq || true
  fi
  if ! "${apt[@]}" install -y -qq --no-install-recommends postgresql >/dev/null; then
    "${apt[@]}" update -qq || true
    if ! "${apt[@]}" install -y -qq --no-install-recommends postgresql >/dev/null; then
      echo "install-tools: 'apt-get install postgresql' failed (see above); install it by hand;" \
        "the PostgreSQL journal tests are skipped until then" >&2
      return 0
    fi
  fi
  if initdb_path="$(find_initdb)"; then
    echo "install-tools: PostgreSQL server binaries installed: $(dirname "$initdb_path")"
  else
    echo "install-tools: the postgresql package is installed but no initdb was found; the PostgreSQL journal tests are skipped" >&2
  fi
}
if [[ "${BATON_SKIP_POSTGRES:-0}" == 1 ]]; then
  echo "install-tools: BATON_SKIP_POSTGRES=1: not installing PostgreSQL (its tests are then skipped)" >&2
elif ! find_initdb >/dev/null; then
  install_postgres
fi

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

# Consul (MPL-2.0, the 1.14 line): `go install` refuses its module because its go.mod has replace
# directives, so it is built from a scratch module (scripts/consul/go.mod) that requires the release
# and the published api/sdk/proto-public versions its go.mod names, copies its one non-local replace
# and pins the whole go.sum: every dependency is exactly the version Consul 1.14.11 was released with.
consul_version="1.14.11"
consul_dir="$root/scripts/consul"
consul_stamp="$bin/.consul.version"
consul_want="consul v$consul_version $(cat "$consul_dir/go.mod" "$consul_dir/go.sum" | cksum | cut -d' ' -f1)"
if [[ "${BATON_SKIP_CONSUL:-0}" == 1 ]]; then
  echo "install-tools: BATON_SKIP_CONSUL=1: not installing consul" >&2
elif [[ -x "$bin/consul" && -f "$consul_stamp" && "$(cat "$consul_stamp")" == "$consul_want" ]]; then
  :
else
  if ! command -v go >/dev/null 2>&1; then
    echo "install-tools: 'go' is not on the PATH; install Go 1.22+ (e.g. apt-get install golang-go) to get consul" >&2
    exit 1
  fi
  echo "install-tools: building consul v$consul_version into $bin (several minutes on a cold cache)"
  started=$SECONDS
  tmp_bin="$bin/.consul.tmp.$$"
  trap 'rm -f "$tmp_bin"' EXIT
  # -mod=readonly: the pinned go.sum must cover everything; nothing is resolved anew.
  if ! (cd "$consul_dir" && GOWORK=off CGO_ENABLED=0 GOFLAGS="-modcacherw" go build -mod=readonly -trimpath \
      -buildvcs=false -ldflags "-s -w" -o "$tmp_bin" github.com/hashicorp/consul); then
    rm -f "$tmp_bin"
    echo "install-tools: building consul failed (see above); is the Go module proxy reachable?" >&2
    exit 1
  fi
  # Not `| head -n1`: under pipefail, head closing the pipe early can fail the step with SIGPIPE.
  version_output="$("$tmp_bin" version)"
  got="${version_output%%$'\n'*}"
  if [[ "$got" != "Consul v$consul_version" ]]; then
    rm -f "$tmp_bin"
    echo "install-tools: the built consul reports '$got' (expected: Consul v$consul_version)" >&2
    exit 1
  fi
  mv -f "$tmp_bin" "$bin/consul"
  printf '%s' "$consul_want" >"$consul_stamp"
  echo "install-tools: consul v$consul_version installed in $((SECONDS - started)) s"
fi

# The Temporal CLI (MIT), only when asked: its `server start-dev` is the peer the bench's figure 9 runs
# beside Baton. `go install` builds it from the module proxy; -X stamps the version that a release build
# would print (a plain `go install` reports 0.0.0-DEV), so the bench can check what it runs.
temporal_version="1.5.1"
temporal_module="github.com/temporalio/cli/cmd/temporal@v$temporal_version"
temporal_stamp="$bin/.temporal.version"
if [[ "$with_temporal" == 1 ]]; then
  if [[ -x "$bin/temporal" && -f "$temporal_stamp" && "$(cat "$temporal_stamp")" == "$temporal_module" ]]; then
    :
  else
    if ! command -v go >/dev/null 2>&1; then
      echo "install-tools: 'go' is not on the PATH; install Go 1.22+ (e.g. apt-get install golang-go) to get temporal" >&2
      exit 1
    fi
    echo "install-tools: building the Temporal CLI v$temporal_version into $bin (about 4 minutes on a cold cache)"
    started=$SECONDS
    if ! CGO_ENABLED=0 go install -trimpath \
        -ldflags "-s -w -X github.com/temporalio/cli/temporalcli.Version=$temporal_version" "$temporal_module"; then
      echo "install-tools: building temporal failed (see above); is the Go module proxy reachable?" >&2
      exit 1
    fi
    version_output="$("$bin/temporal" --version)"
    if [[ "$version_output" != "temporal version $temporal_version "* ]]; then
      echo "install-tools: the built temporal reports '$version_output' (expected: temporal version $temporal_version ...)" >&2
      exit 1
    fi
    printf '%s' "$temporal_module" >"$temporal_stamp"
    echo "install-tools: temporal v$temporal_version installed in $((SECONDS - started)) s"
  fi
fi

# Chromium and playwright-core for the dashboard's browser tests (issue 13).
if [[ "$with_browser" == 1 ]]; then
  bash "$root/scripts/tools/chromium.sh"
fi

# jq for the pod-kill chaos script and its tests (issue 12).
if [[ "$with_chaos" == 1 ]]; then
  bash "$root/scripts/tools/jq.sh"
fi

# tmux for the CLI's terminal-view test (issue 13).
if [[ "$with_terminal" == 1 ]]; then
  bash "$root/scripts/tools/tmux.sh"
fi

# promtool for the metrics tests (issue 13).
if [[ "$with_metrics" == 1 ]]; then
  BATON_TOOLS_DIR="$bin" bash "$root/scripts/tools/promtool.sh"
fi

# podman and runc, for the image module's tests (Debian packages; see scripts/tools/podman.sh).
if [[ "$with_podman" == 1 ]]; then
  bash "$root/scripts/tools/podman.sh"
fi

if [[ "$with_kubernetes_lint" == 1 ]]; then
  bash "$root/scripts/tools/kubernetes-lint.sh"
fi

# The Kubernetes control plane for the k8s module's cluster tests (dev.baton.k8s.cluster), when asked.
if [[ "$with_kubernetes" == 1 ]]; then
  BATON_TOOLS_DIR="$bin" bash "$root/scripts/tools/kube-apiserver.sh"
fi

# buf for the proto module's API checks, and the Python client's venv for the cli's (issue 13, part E).
if [[ "$with_buf" == 1 ]]; then
  BATON_TOOLS_DIR="$bin" bash "$root/scripts/tools/buf.sh"
fi
if [[ "$with_python_client" == 1 ]]; then
  BATON_TOOLS_DIR="$bin" bash "$root/scripts/tools/python-client.sh"
fi
