#!/usr/bin/env bash
# Runs one tiny task (write hello.txt) through Baton's runner for a REAL agent CLI, to check that
# the installed CLI, its key and Baton's parser agree. Costs a few cents. Prints "skipped" and
# exits 0 when the runner's API key variable is not set or the CLI is not installed; no test
# calls this script.
#
#   scripts/smoke-agent.sh claude|droid|codex [binary]
#
# Keys: claude ANTHROPIC_API_KEY (or CLAUDE_CODE_OAUTH_TOKEN), droid FACTORY_API_KEY,
# codex OPENAI_API_KEY (or CODEX_API_KEY). See docs/agents.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kind="${1:-claude}"
binary="${2:-$kind}"

case "$kind" in
  claude) keys=(ANTHROPIC_API_KEY CLAUDE_CODE_OAUTH_TOKEN) ;;
  droid) keys=(FACTORY_API_KEY) ;;
  codex) keys=(OPENAI_API_KEY CODEX_API_KEY) ;;
  *) echo "usage: $0 claude|droid|codex [binary]" >&2; exit 2 ;;
esac

have_key=""
for key in "${keys[@]}"; do
  if [[ -n "${!key:-}" ]]; then have_key="$key"; fi
done
if [[ -z "$have_key" ]]; then
  echo "skipped: none of ${keys[*]} is set"
  exit 0
fi
if ! command -v "$binary" >/dev/null 2>&1; then
  echo "skipped: '$binary' is not installed (not on PATH)"
  exit 0
fi

cd "$root"
./mvnw -B -ntp -q -pl runtime -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/smoke-classpath.txt -Dbaton.tools.skip=true
classpath="runtime/target/test-classes:runtime/target/classes:$(cat runtime/target/smoke-classpath.txt)"
exec java -cp "$classpath" dev.baton.runtime.agent.AgentSmoke "$kind" "$(command -v "$binary")"
