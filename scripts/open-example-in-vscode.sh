#!/usr/bin/env bash
# Opens examples/blog in a real VS Code (code-server 4.100.3 = VS Code 1.100) with Prisma Lens installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8080}
bash "$root/scripts/ensure-test-deps.sh"
(cd "$root" && npm run package --silent)
state=$(mktemp -d)
cp -r "$root/examples/blog" "$state/blog"
# The example's Prisma Client, generated offline, so that its TypeScript type-checks.
node "$root/scripts/generate-example-client.mjs" --link "$state/blog"
code_server="$root/.cache/code-server/node_modules/.bin/code-server"
"$code_server" --extensions-dir "$state/extensions" --install-extension "$root/dist/prisma-lens.vsix" >/dev/null
echo "Open http://127.0.0.1:$port/?folder=$state/blog and then prisma/schema.prisma (a copy of examples/blog)."
exec "$code_server" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$state/user-data" --extensions-dir "$state/extensions" "$state/blog"
