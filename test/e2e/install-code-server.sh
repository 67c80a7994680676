#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100) into .cache/code-server without network access
# beyond the npm registry: @vscode/ripgrep's postinstall download is served from a local cache
# built from Debian's ripgrep. Does nothing when that version is already fully installed.
set -euo pipefail
version=4.100.3
root=$(cd "$(dirname "$0")/../.." && pwd)
dest="$root/.cache/code-server"
# Written last, so an interrupted install (bin link present, postinstall unfinished) is redone.
marker="$dest/.installed-$version"
if [ -f "$marker" ] && [ -x "$dest/node_modules/.bin/code-server" ]; then
  echo "code-server $version already installed in $dest"
  exit 0
fi
command -v rg >/dev/null || { echo "ripgrep (Debian package 'ripgrep') is required" >&2; exit 2; }
echo "installing code-server $version into $dest"
started=$SECONDS
tmp=${TMPDIR:-/tmp}
cache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
stage=$(mktemp -d)
cp "$(command -v rg)" "$stage/rg"
tar -C "$stage" -czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
rm -rf "$stage"
rm -rf "$dest"
mkdir -p "$dest"
cd "$dest"
# npm 11 runs dependency install scripts only when package.json allows them; code-server's
# postinstall installs VS Code's own dependencies and argon2 builds its native module.
# --unsafe-perm: npm 11 no longer knows it (and says so), but code-server's postinstall refuses to
# run as root unless npm exports it to the script. npm_config_yes: node-pty's postinstall runs
# `npx node-gyp`, which must not stop to ask.
echo '{"name":"prisma-lens-code-server","private":true,"allowScripts":{"code-server":true,"argon2":true}}' > package.json
npm_config_yes=true npm install --unsafe-perm --no-audit --no-fund --no-update-notifier "code-server@$version"
[ -x node_modules/.bin/code-server ] || { echo "code-server's launcher is missing after npm install" >&2; exit 1; }
touch "$marker"
echo "code-server $version installed in $dest ($((SECONDS - started)) s)"
