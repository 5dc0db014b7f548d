#!/usr/bin/env bash
# Builds the dashboard into the master's classes; called by master/pom.xml (phase generate-resources,
# skipped with -Dweb.skip=true). `npm ci` runs only when node_modules is missing or older than
# package-lock.json, so a warm rebuild is the Vite build alone (about 2 s); a fresh clone's first
# build downloads about 110 packages from the npm registry (about 10 s). Needs Node 20.19+ and npm.
# Usage: build.sh OUT_DIR [test]   (test: also run the unit tests with Vitest)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
out="${1:?build.sh: missing OUT_DIR (expected: the directory to write index.html and assets/ to)}"
if ! command -v npm >/dev/null 2>&1; then
  echo "build.sh: npm not found; install Node.js 20.19 or newer, or build with -Dweb.skip=true (the jar then has no dashboard page)" >&2
  exit 1
fi
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [[ "${2:-}" == test ]]; then
  exec npx vitest run
fi
BATON_WEB_OUT="$out" npm run --silent build -- --logLevel warn
