#!/usr/bin/env bash
# Installs what the end-to-end test needs and a fresh Debian machine lacks: Chromium and ripgrep
# (Debian packages, when running as root) and code-server (VS Code 1.100, from the npm registry).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages for the end-to-end test: ${missing[*]} (install them, e.g. sudo apt-get install ${missing[*]})" >&2
    exit 2
  fi
fi
bash "$root/test/e2e/install-code-server.sh"
