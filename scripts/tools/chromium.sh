#!/usr/bin/env bash
# Debian's chromium and playwright-core (npm) for the dashboard's browser tests
# (cli/src/test/web/, run by DashboardBrowserEndToEndTest). Idempotent: chromium is installed with
# apt-get only when /usr/bin/chromium is missing; the npm packages of cli/src/test/web go to
# .tools/dashboard-browser/node_modules, again only when its package-lock.json changed (stamp
# .tools/bin/.dashboard-browser.version). `npx playwright install` cannot download browsers on these
# machines: the tests launch /usr/bin/chromium. Called by scripts/install-tools.sh --browser (the cli
# module's build passes it). Needs root (or sudo) for apt-get, and Node 20+ with npm.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="${BATON_TOOLS_DIR:-$root/.tools/bin}"
mkdir -p "$bin"

if [[ ! -x /usr/bin/chromium ]]; then
  apt=()
  if [[ "$(id -u)" == 0 ]]; then
    apt=(apt-get)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    apt=(sudo -n apt-get)
  else
    echo "install-tools: chromium missing and no root for apt-get: run 'apt-get install chromium' (the dashboard's browser tests need /usr/bin/chromium)" >&2
    exit 1
  fi
  echo "install-tools: installing Debian's chromium package (for the dashboard's browser tests)"
  export DEBIAN_FRONTEND=noninteractive
  if ! compgen -G "/var/lib/apt/lists/*Packages*" >/dev/null; then
    "${apt[@]}" update -qq || true
  fi
  "${apt[@]}" install -y -qq --no-install-recommends chromium >/dev/null \
    || { "${apt[@]}" update -qq; "${apt[@]}" install -y -qq --no-install-recommends chromium >/dev/null; }
fi

src="$root/cli/src/test/web"
dest="$root/.tools/dashboard-browser"
stamp="$bin/.dashboard-browser.version"
want="$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d "$dest/node_modules/playwright-core" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install-tools: npm not found: install Node.js 20 or newer (the dashboard's browser tests use playwright-core)" >&2
  exit 1
fi
echo "install-tools: installing playwright-core into $dest"
mkdir -p "$dest"
cp "$src/package.json" "$src/package-lock.json" "$dest/"
(cd "$dest" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
printf '%s' "$want" >"$stamp"
