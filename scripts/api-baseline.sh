#!/usr/bin/env bash
# Refreshes proto/api-baseline/baton-v1.json, the image of "the last released API" that `buf breaking`
# compares the protos with (the proto module's ProtoApiCheckTest). Run it when cutting a release, and
# only then: from that commit on, the released API is the one every later change must stay
# compatible with. Between releases the baseline does not move, so a change that breaks the API
# fails the build however many commits it is spread over.
#
# The image is buf's FileDescriptorSet as JSON (buf build --exclude-source-info), pretty-printed so
# that a release's diff of it shows what the API gained. Usage: scripts/api-baseline.sh [--check]
#   --check: exit 1 when the baseline differs from the protos (e.g. right after a release commit).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
bash "$root/scripts/tools/buf.sh"
buf="$bin/buf"
out="$root/proto/api-baseline/baton-v1.json"
check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "api-baseline: unknown argument '$1' (expected: --check, or none)" >&2; exit 2 ;;
esac

tmp="$(mktemp)"
trap 'rm -f "$tmp" "$tmp.pretty"' EXIT
(cd "$root/proto" && "$buf" lint)
(cd "$root/proto" && "$buf" build --exclude-source-info -o "$tmp#format=json")
python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), indent=1); open(sys.argv[2], "a").write("\n")' \
  "$tmp" "$tmp.pretty"
if [[ "$check" == 1 ]]; then
  if cmp -s "$tmp.pretty" "$out"; then
    echo "api-baseline: $out matches the protos"
    exit 0
  fi
  echo "api-baseline: $out differs from the protos (expected at a release: run scripts/api-baseline.sh and commit it)" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
mv "$tmp.pretty" "$out"
echo "api-baseline: wrote $out; commit it with the release"
