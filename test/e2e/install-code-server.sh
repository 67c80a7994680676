#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100) into .cache/code-server without network access
# beyond the npm registry: @vscode/ripgrep's postinstall download is served from a local cache
# built from Debian's ripgrep.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/.cache/code-server"
if [ -x "$dest/node_modules/.bin/code-server" ]; then
  echo "code-server already installed in $dest"
  exit 0
fi
command -v rg >/dev/null || { echo "ripgrep (Debian package 'ripgrep') is required" >&2; exit 2; }
tmp=${TMPDIR:-/tmp}
cache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
stage=$(mktemp -d)
cp "$(command -v rg)" "$stage/rg"
tar -C "$stage" -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
rm -rf "$stage"
mkdir -p "$dest"
cd "$dest"
# npm 11 runs dependency install scripts only when package.json allows them; code-server's
# postinstall installs VS Code's own dependencies and argon2 builds its native module.
echo '{"name":"prisma-lens-code-server","private":true,"allowScripts":{"code-server":true,"argon2":true}}' > package.json
npm_config_yes=true npm install --unsafe-perm --no-audit --no-fund code-server@4.100.3
echo "code-server installed in $dest"
