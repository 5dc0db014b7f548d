#!/usr/bin/env bash
# Generates the baton.v1 Python modules (messages, .pyi stubs, gRPC stubs) from proto/src/main/proto
# into src/baton_client/v1/, with grpcio-tools' bundled protoc. Never committed (.gitignore): run it
# after every proto change; the build runs it (scripts/tools/python-client.sh).
#
# The protos import each other as "baton/v1/x.proto", so protoc writes `from baton.v1 import x_pb2`;
# the modules live in baton_client.v1 instead (no top-level `baton` package to clash with anything),
# so those imports are rewritten. The descriptors keep their file names (baton/v1/x.proto) and the
# package baton.v1: the wire, the service names (/baton.v1.Master/SubmitPlan) and reflection are the
# same as every other client's.
#
# Usage: generate.sh [PYTHON]   (default: $BATON_PYTHON, else the venv of python-client.sh, else python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${1:-${BATON_PYTHON:-}}"
if [[ -z "$python" ]]; then
  if [[ -x "$root/.tools/python-client/bin/python" ]]; then
    python="$root/.tools/python-client/bin/python"
  else
    python=python3
  fi
fi
if ! "$python" -c 'import grpc_tools.protoc' 2>/dev/null; then
  echo "generate.sh: $python has no grpcio-tools (expected: run scripts/tools/python-client.sh, or pass a python with grpcio-tools==1.85.1)" >&2
  exit 2
fi

protos="$root/proto/src/main/proto"
out="$here/src/baton_client/v1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# protoc writes into a scratch tree first, so a failed run leaves the previous modules in place.
# grpc_tools ships the well-known types (google/protobuf/*.proto) on its own include path.
mapfile -t files < <(cd "$protos" && find baton/v1 -name '*.proto' | LC_ALL=C sort)
(cd "$protos" && "$python" -m grpc_tools.protoc -I . \
  --python_out="$tmp" --pyi_out="$tmp" --grpc_python_out="$tmp" "${files[@]}")

for f in "$tmp"/baton/v1/*.py "$tmp"/baton/v1/*.pyi; do
  sed -i -E 's/^from baton\.v1 import /from baton_client.v1 import /; s/^import baton\.v1\./import baton_client.v1./' "$f"
done
if grep -rqE '^(from|import) baton\.v1' "$tmp"/baton/v1; then
  echo "generate.sh: an import of baton.v1 was left unrewritten in the generated code (expected: none; see the sed above)" >&2
  exit 1
fi
printf '"""Generated from proto/src/main/proto/baton/v1 by clients/python/generate.sh: do not edit."""\n' \
  >"$tmp/baton/v1/__init__.py"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$tmp/baton/v1" "$out"
echo "generate.sh: ${#files[@]} protos -> $out"
