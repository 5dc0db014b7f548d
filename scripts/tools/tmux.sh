#!/usr/bin/env bash
# tmux, for the CLI's terminal-view test (TerminalViewEndToEndTest runs `baton demo` in a detached
# tmux session and reads the screen with capture-pane). Idempotent: nothing happens when tmux is on
# the PATH. Otherwise Debian's `tmux` package when root (or allowed to sudo) and apt-get exists.
# Called by scripts/install-tools.sh --terminal (the cli module's build passes it).
set -euo pipefail

if command -v tmux >/dev/null 2>&1; then
  exit 0
fi
apt=()
if [[ "$(id -u)" == 0 ]]; then
  apt=(apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  apt=(sudo -n apt-get)
fi
if [[ ${#apt[@]} -eq 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-tools: tmux is missing and cannot be installed here (needs root or sudo and apt-get):" \
    "install it (apt-get install tmux) or the terminal-view test fails" >&2
  exit 0
fi
echo "install-tools: installing Debian's tmux package (for the terminal-view test)"
export DEBIAN_FRONTEND=noninteractive
if ! compgen -G "/var/lib/apt/lists/*Packages*" >/dev/null; then
  "${apt[@]}" update -qq || true
fi
"${apt[@]}" install -y -qq --no-install-recommends tmux >/dev/null \
  || { "${apt[@]}" update -qq || true; "${apt[@]}" install -y -qq --no-install-recommends tmux >/dev/null; }
