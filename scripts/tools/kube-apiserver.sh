#!/usr/bin/env bash
# Builds the control plane the k8s module's tests apply the overlays to (dev.baton.k8s.cluster.KubeCluster)
# into .tools/bin, from the Go module proxy, once:
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl  v1.34.4  (scripts/kube-apiserver/go.mod)
#   etcd                                                              v3.6.17  (scripts/etcd/go.mod)
#   kwok (fake nodes: pods reach Running, no container runs)          v0.8.0   (its own go.sum)
# Idempotent: a stamp file per tool (.tools/bin/.<tool>.version) names the version and the checksum of
# the wrapper module; a second run with everything in place does nothing. Cold: about 8 minutes on
# 2 idle cores (the four Kubernetes binaries share one build; 22 minutes measured on a machine
# busy with other builds, load average 20-30); with stamps in place: a no-op (0.02 s).
# Called by scripts/install-tools.sh --kubernetes (the k8s module's pom passes that flag).
# Needs Go 1.26 or newer (etcd 3.6.17 and kwok 0.8.0 declare go 1.26.0); GOTOOLCHAIN=local.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
mkdir -p "$bin"

if ! command -v go >/dev/null 2>&1; then
  for dir in /usr/local/go/bin /usr/lib/go/bin "${HOME:-/nonexistent}/go/bin"; do
    if [[ -x "$dir/go" ]]; then
      export PATH="$dir:$PATH"
      break
    fi
  done
fi
if [[ -z "${HOME:-}" ]]; then
  export GOCACHE="${GOCACHE:-$root/.tools/go-cache}" GOPATH="${GOPATH:-$root/.tools/go}"
fi
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
export GOFLAGS="-modcacherw"

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "kube-apiserver.sh: 'go' is not on the PATH; install Go 1.26+ to get $1 (the k8s module's cluster tests need it)" >&2
    exit 1
  fi
}

k8s_version="1.34.4"
k8s_dir="$root/scripts/kube-apiserver"
k8s_tools=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
k8s_want="kubernetes v$k8s_version $(cat "$k8s_dir/go.mod" "$k8s_dir/go.sum" | cksum | cut -d' ' -f1)"
k8s_ok=1
for t in "${k8s_tools[@]}"; do
  if [[ ! -x "$bin/$t" || ! -f "$bin/.$t.version" || "$(cat "$bin/.$t.version")" != "$k8s_want" ]]; then
    k8s_ok=0
  fi
done
if [[ "$k8s_ok" == 0 ]]; then
  need_go kube-apiserver
  echo "kube-apiserver.sh: building ${k8s_tools[*]} v$k8s_version into $bin (several minutes on a cold cache; 22 min measured on a busy 2-core machine)"
  started=$SECONDS
  tmp="$bin/.kube.tmp.$$"
  mkdir -p "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  # Without these the binaries report v0.0.0-master+$Format:%H$, which kubectl and the API server's
  # own version checks cannot parse.
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$k8s_version -X $pkg.gitMajor=${k8s_version%%.*}"
    ldflags+=" -X $pkg.gitMinor=$(cut -d. -f2 <<<"$k8s_version") -X $pkg.gitTreeState=clean"
    ldflags+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  pkgs=()
  for t in "${k8s_tools[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$t"); done
  if ! (cd "$k8s_dir" && go build -mod=readonly -trimpath -buildvcs=false -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}"); then
    echo "kube-apiserver.sh: building the Kubernetes binaries failed (see above); is the Go module proxy reachable?" >&2
    exit 1
  fi
  got="$("$tmp/kube-apiserver" --version)"
  if [[ "$got" != "Kubernetes v$k8s_version" ]]; then
    echo "kube-apiserver.sh: the built kube-apiserver reports '$got' (expected: Kubernetes v$k8s_version)" >&2
    exit 1
  fi
  for t in "${k8s_tools[@]}"; do
    mv -f "$tmp/$t" "$bin/$t"
    printf '%s' "$k8s_want" >"$bin/.$t.version"
  done
  rm -rf "$tmp"
  trap - EXIT
  echo "kube-apiserver.sh: ${k8s_tools[*]} v$k8s_version installed in $((SECONDS - started)) s"
fi

etcd_version="3.6.17"
etcd_dir="$root/scripts/etcd"
etcd_want="etcd v$etcd_version $(cat "$etcd_dir/go.mod" "$etcd_dir/go.sum" | cksum | cut -d' ' -f1)"
if [[ ! -x "$bin/etcd" || ! -f "$bin/.etcd.version" || "$(cat "$bin/.etcd.version")" != "$etcd_want" ]]; then
  need_go etcd
  echo "kube-apiserver.sh: building etcd v$etcd_version into $bin"
  started=$SECONDS
  tmp_bin="$bin/.etcd.tmp.$$"
  trap 'rm -f "$tmp_bin"' EXIT
  if ! (cd "$etcd_dir" && go build -mod=readonly -trimpath -buildvcs=false -ldflags "-s -w" -o "$tmp_bin" go.etcd.io/etcd/server/v3); then
    echo "kube-apiserver.sh: building etcd failed (see above); is the Go module proxy reachable?" >&2
    exit 1
  fi
  got="$("$tmp_bin" --version)"
  if [[ "${got%%$'\n'*}" != "etcd Version: $etcd_version" ]]; then
    rm -f "$tmp_bin"
    echo "kube-apiserver.sh: the built etcd reports '${got%%$'\n'*}' (expected: etcd Version: $etcd_version)" >&2
    exit 1
  fi
  mv -f "$tmp_bin" "$bin/etcd"
  trap - EXIT
  printf '%s' "$etcd_want" >"$bin/.etcd.version"
  echo "kube-apiserver.sh: etcd v$etcd_version installed in $((SECONDS - started)) s"
fi

kwok_module="sigs.k8s.io/kwok/cmd/kwok@v0.8.0"
if [[ ! -x "$bin/kwok" || ! -f "$bin/.kwok.version" || "$(cat "$bin/.kwok.version")" != "$kwok_module" ]]; then
  need_go kwok
  echo "kube-apiserver.sh: installing kwok ($kwok_module) into $bin"
  started=$SECONDS
  if ! GOBIN="$bin" go install -trimpath -buildvcs=false -ldflags "-s -w" "$kwok_module"; then
    echo "kube-apiserver.sh: installing kwok failed (see above); is the Go module proxy reachable?" >&2
    exit 1
  fi
  printf '%s' "$kwok_module" >"$bin/.kwok.version"
  echo "kube-apiserver.sh: kwok installed in $((SECONDS - started)) s"
fi
