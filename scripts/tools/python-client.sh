#!/usr/bin/env bash
# The Python client's test environment: a venv in .tools/python-client with the pinned grpcio,
# grpcio-tools, protobuf and pytest from PyPI, then clients/python/generate.sh into the package.
# Idempotent: the venv is made again only when the pins change (stamp .tools/bin/.python-client.version);
# the generation always runs (about a second) so the modules follow the protos.
# Needs python3 (3.9+) with its venv module: Debian's python3-venv is installed when missing and root.
# Called by scripts/install-tools.sh --python-client (the cli module's build passes it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
venv="$(dirname "$bin")/python-client"
mkdir -p "$bin"
# Keep in step with clients/python/pyproject.toml: grpcio-tools 1.85.1 generates for protobuf 7.36.x
# (protobuf 36.x, the Java side's 4.36 line).
pins=(grpcio==1.85.1 grpcio-tools==1.85.1 protobuf==7.36.2 pytest==9.2.0)
stamp="$bin/.python-client.version"
want="${pins[*]}"

python="${BATON_PYTHON3:-$(command -v python3 || true)}"
if [[ -z "$python" ]]; then
  echo "install-tools: no python3 on the PATH (expected: Python 3.9 or newer, e.g. apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'; then
  echo "install-tools: $python is $("$python" --version 2>&1) (expected: Python 3.9 or newer for clients/python)" >&2
  exit 1
fi

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  :
else
  if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "install-tools: installing Debian's python3-venv (for the Python client's venv)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq --no-install-recommends python3-venv >/dev/null \
        || { apt-get update -qq || true; apt-get install -y -qq --no-install-recommends python3-venv >/dev/null; }
    else
      echo "install-tools: $python has no venv module (expected: apt-get install python3-venv, as root)" >&2
      exit 1
    fi
  fi
  echo "install-tools: making the Python client's venv in $venv ($want)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check --no-input "${pins[@]}"
  printf '%s' "$want" >"$stamp"
fi

BATON_PYTHON="$venv/bin/python" bash "$root/clients/python/generate.sh" >/dev/null
