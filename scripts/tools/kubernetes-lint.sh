#!/usr/bin/env bash
# Installs what the k8s module's static validation calls (dev.baton.k8s, docs/kubernetes.md,
# "Validation"), into the project-local .tools/, idempotently (a stamp per tool in .tools/bin):
#   kustomize v5.8.2     go install (v5.8.3 needs a newer Go than these machines have)
#   kubeconform v0.7.0   go install
#   kube-score v1.20.0   go install (the policy linter; kube-linter's module is not served here)
#   JSON schemas of Kubernetes v1.34.4 for kubeconform, generated OFFLINE: the swagger.json inside
#   the k8s.io/kubernetes@v1.34.4 module zip (Go module proxy), through openapi2jsonschema 0.9.1 in
#   a venv (.tools/venv-openapi2jsonschema; --no-deps beside click<8, jsonref<0.3, colorama<0.5 and
#   PyYAML), into .tools/k8s-schemas/v1.34.4-standalone-strict (about 700 files, 31 MB, one minute).
# Called by scripts/install-tools.sh --kubernetes-lint (the k8s module's pom passes it). Needs Go
# 1.22+ and python3 with venv; fails with a line naming what is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
tools_root="$(dirname "$bin")"
mkdir -p "$bin"
export GOTOOLCHAIN=local GOBIN="$bin"
export GOFLAGS="${GOFLAGS:--buildvcs=false} -modcacherw"

need_go() {
  command -v go >/dev/null 2>&1 && return 0
  for dir in /usr/local/go/bin /usr/lib/go/bin "${HOME:-/nonexistent}/go/bin"; do
    [[ -x "$dir/go" ]] && export PATH="$dir:$PATH" && return 0
  done
  echo "kubernetes-lint: 'go' is not on the PATH; install Go 1.22+ (e.g. apt-get install golang-go) to get $1" >&2
  exit 1
}

# name|module@version
for entry in \
  "kustomize|sigs.k8s.io/kustomize/kustomize/v5@v5.8.2" \
  "kubeconform|github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0" \
  "kube-score|github.com/zegl/kube-score/cmd/kube-score@v1.20.0"; do
  IFS='|' read -r name module <<<"$entry"
  stamp="$bin/.$name.version"
  if [[ -x "$bin/$name" && -f "$stamp" && "$(cat "$stamp")" == "$module" ]]; then
    continue
  fi
  need_go "$name"
  echo "kubernetes-lint: installing $name ($module) into $bin"
  go install "$module"
  printf '%s' "$module" >"$stamp"
done

k8s_version="1.34.4"
schemas="$tools_root/k8s-schemas/v$k8s_version-standalone-strict"
schema_stamp="$bin/.k8s-schemas.version"
schema_want="k8s.io/kubernetes@v$k8s_version openapi2jsonschema==0.9.1 --kubernetes --strict --expanded --stand-alone"
if [[ -f "$schemas/deployment-apps-v1.json" && -f "$schema_stamp" && "$(cat "$schema_stamp")" == "$schema_want" ]]; then
  exit 0
fi
need_go "the Kubernetes $k8s_version OpenAPI document"
if ! command -v python3 >/dev/null 2>&1; then
  echo "kubernetes-lint: python3 is not on the PATH; install it (apt-get install python3 python3-venv) to generate the schemas" >&2
  exit 1
fi
venv="$tools_root/venv-openapi2jsonschema"
if [[ ! -x "$venv/bin/openapi2jsonschema" ]]; then
  echo "kubernetes-lint: installing openapi2jsonschema 0.9.1 into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || {
    echo "kubernetes-lint: 'python3 -m venv' failed; install python3-venv (apt-get install python3-venv)" >&2
    exit 1
  }
  # 0.9.1 pins PyYAML<6, which no longer builds on current Pythons: its real needs first, then it
  # with --no-deps (in this order pip has no conflict to warn about).
  "$venv/bin/pip" install -q --disable-pip-version-check 'click<8' 'jsonref<0.3' 'colorama<0.5' PyYAML
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps openapi2jsonschema==0.9.1
fi
echo "kubernetes-lint: generating Kubernetes v$k8s_version JSON schemas into $schemas (about a minute)"
started=$SECONDS
dir="$(go mod download -json "k8s.io/kubernetes@v$k8s_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
swagger="$dir/api/openapi-spec/swagger.json"
if [[ ! -f "$swagger" ]]; then
  echo "kubernetes-lint: no $swagger after 'go mod download k8s.io/kubernetes@v$k8s_version'; is the Go module proxy reachable?" >&2
  exit 1
fi
tmp="$schemas.tmp.$$"
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$venv/bin/openapi2jsonschema" --kubernetes --strict --expanded --stand-alone -o . "$swagger" >/dev/null)
[[ -f "$tmp/deployment-apps-v1.json" ]] || { echo "kubernetes-lint: openapi2jsonschema wrote no deployment-apps-v1.json" >&2; exit 1; }
rm -rf "$schemas" && mv "$tmp" "$schemas"
printf '%s' "$schema_want" >"$schema_stamp"
echo "kubernetes-lint: schemas generated in $((SECONDS - started)) s"
