/** Bundles the extension client, the language server and the CLI into dist/. */
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Every build is the one that ships, but for source maps (left out of the package): whitespace and
// syntax minified, which makes the bundles (the TypeScript parser is most of them) about half as
// large to load and hold in memory; names are kept, so that stack traces in bug reports and CPU
// profiles read.
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minifyWhitespace: !watch,
  minifySyntax: !watch,
  logLevel: 'warning',
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The server's entry point starts the code-indexing thread, then loads the server's own bundle.
  { ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server-main.js', plugins: [sharedTypescript()] },
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

// Prisma's query compiler is read from next to dist/server.js and dist/cli.js at run time.
const require = createRequire(import.meta.url);
mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('@prisma/query-compiler-wasm/postgresql/query_compiler_fast_bg.wasm'), 'dist/query_compiler_fast_bg.wasm');

// The EXPLAIN panel's webview app runs in the browser; PGlite (the embedded database) loads its
// WebAssembly and file-system bundle from next to the server bundle.
builds.push(
  { ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: ['client/webview/main.ts'], outfile: 'dist/webview.js' },
  { ...common, platform: 'browser', entryPoints: ['client/webview/panel.css'], outfile: 'dist/webview.css', format: undefined, target: undefined },
);
const pgliteDist = join(dirname(require.resolve('@electric-sql/pglite')));
for (const asset of ['pglite.wasm', 'initdb.wasm', 'pglite.data']) copyFileSync(join(pgliteDist, asset), join('dist', asset));
// A freshly initialised PGlite data folder, so the embedded database starts without running initdb.
const pgdata = join('dist', 'pglite-pgdata.tar.gz');
if (!existsSync(pgdata) || statSync(pgdata).mtimeMs < statSync(join(pgliteDist, 'pglite.wasm')).mtimeMs) {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('gzip');
  writeFileSync(pgdata, Buffer.from(await dump.arrayBuffer()));
  await db.close();
}

// Prisma's schema engine (pending migrations) runs in a worker thread of its own bundle and reads
// its wasm from next to it.
builds.push({ ...common, entryPoints: ['server/src/engines/schema-engine-worker.ts'], outfile: 'dist/schema-engine-worker.js' });
// The background index of code files uses a second core through a worker thread of its own bundle.
builds.push({ ...common, entryPoints: ['server/src/workspace/code-index-worker.ts'], outfile: 'dist/code-index-worker.js', plugins: [sharedTypescript()] });
// Both load TypeScript's parser (three quarters of each) from one bundle beside them, so that the
// .vsix holds it once.
builds.push({ ...common, stdin: { contents: "module.exports = require('typescript');", resolveDir: '.', sourcefile: 'typescript.js' }, outfile: 'dist/typescript.js' });

function sharedTypescript() {
  return { name: 'shared-typescript', setup: (build) => build.onResolve({ filter: /^typescript$/ }, () => ({ path: './typescript.js', external: true })) };
}
copyFileSync(join(dirname(require.resolve('@prisma/schema-engine-wasm')), 'schema_engine_bg.wasm'), 'dist/schema_engine_bg.wasm');

// Prisma's schema validation (the schema-error rule) reads its wasm from next to the bundle that
// loads it: the CLI's, and the language server's validation thread.
builds.push({ ...common, entryPoints: ['server/src/engines/schema-validation-worker.ts'], outfile: 'dist/schema-validation-worker.js' });
copyFileSync(join(dirname(require.resolve('@prisma/prisma-schema-wasm')), 'prisma_schema_build_bg.wasm'), 'dist/prisma_schema_build_bg.wasm');

// libpg-query (the migration SQL parser) reads libpg-query.wasm from next to the bundle that loads it.
copyFileSync(require.resolve('libpg-query/wasm/libpg-query.wasm'), 'dist/libpg-query.wasm');

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
