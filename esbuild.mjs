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
];

// The CLI is a small entry bundle and parts that only some runs load, so that a run compiles only
// what it needs: `--version` and `--help` nothing else, `check` the rules and the analysis
// (cli-check.js), `explain` the EXPLAIN pipeline (cli-explain.js). In the source, each part is a
// require of the module it starts from, where it is needed; in dist/ it loads the sibling bundle,
// the check bundle through V8's code cache (server/src/cli/code-cache.ts).
const cliParts = { './check-entry': { bundle: 'cli-check.js', codeCache: true }, './explain-run': { bundle: 'cli-explain.js', codeCache: false } };
const cliPartsPlugin = {
  name: 'cli-parts',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(cliParts).map((specifier) => specifier.replace(/[./-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => {
      if (args.kind !== 'require-call' || !/[\\/]server[\\/]src[\\/]cli[\\/]/.test(args.importer)) return undefined;
      const part = cliParts[args.path];
      // The explain bundle imports parts of PGlite with import(), which code-cache.ts cannot load.
      return part.codeCache ? { path: part.bundle, namespace: 'cli-part' } : { path: `./${part.bundle}`, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'cli-part' }, (args) => ({
      contents: `module.exports = require('./code-cache').requireBundle(require('node:path').join(__dirname, ${JSON.stringify(args.path)}));`,
      resolveDir: join(dirname(new URL(import.meta.url).pathname), 'server', 'src', 'cli'),
      loader: 'js',
    }));
  },
};
// TypeScript's parser is three quarters of the analysis code, and a check of migrations or schemas
// alone never calls it: the CLI loads it on first use (lazyPackagePlugin) from dist/typescript.js,
// the bundle the language server shares (below).
// It is 6.5 MB of JavaScript: compiled code from V8's code cache loads in a fraction of the time.
const cliCommon = { ...common, plugins: [cliPartsPlugin, lazyPackagePlugin('typescript', './typescript.js', { codeCache: true })] };
builds.push(
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [cliPartsPlugin] },
  { ...cliCommon, entryPoints: ['server/src/cli/check-entry.ts'], outfile: 'dist/cli-check.js' },
  { ...cliCommon, entryPoints: ['server/src/cli/explain-run.ts'], outfile: 'dist/cli-explain.js' },
  // A check of many code files analyses them on a second core, in a worker thread of its own bundle:
  // the analysis and the rules, with TypeScript's parser loaded as the check bundle loads it.
  { ...cliCommon, entryPoints: ['server/src/workspace/code-pass-worker.ts'], outfile: 'dist/code-pass-worker.js' },
);

/**
 * Stands in for a package in a bundle and loads it, from its own bundle beside it, on first use.
 * Modules read some of a package's exports when they load (`const Kind = ts.SyntaxKind`), so the
 * stand-in holds its enums (plain objects of numbers and strings) and constants as they are. Its
 * functions are forwarders until the first call of any of them loads the package; the stand-in's
 * properties then become the package's own, so that code calls the package directly from then on
 * (a forwarder kept in a variable still works, one call deeper). Other exports (`ts.sys`) load the
 * package when read.
 */
function lazyPackagePlugin(name, bundle, { codeCache = false } = {}) {
  const namespace = `lazy-${name}`;
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: name, namespace }));
      build.onResolve({ filter: /.*/, namespace }, (args) => (args.path === bundle || args.path.startsWith('node:') ? { path: args.path, external: true } : undefined));
      build.onLoad({ filter: /.*/, namespace }, () => ({ contents: lazyPackageSource(name, bundle, codeCache), resolveDir: join(dirname(new URL(import.meta.url).pathname), 'server', 'src', 'cli'), loader: 'js' }));
    },
  };
}

function lazyPackageSource(name, bundle, codeCache) {
  const real = require(name);
  const isEnum = (value) => value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && Object.values(value).every((entry) => typeof entry === 'number' || typeof entry === 'string');
  const values = {};
  const functions = [];
  const others = [];
  for (const key of Object.keys(real)) {
    const value = real[key];
    if (isEnum(value) || value === null || (typeof value !== 'object' && typeof value !== 'function')) values[key] = value;
    else (typeof value === 'function' ? functions : others).push(key);
  }
  return `"use strict";
let real;
Object.assign(exports, JSON.parse(${JSON.stringify(JSON.stringify(values))}));
const functions = ${JSON.stringify(functions)};
const others = ${JSON.stringify(others)};
for (const key of functions) exports[key] = forwarder(key);
for (const key of others) Object.defineProperty(exports, key, { configurable: true, enumerable: true, get: () => load()[key] });
function load() {
  if (real) return real;
  real = ${codeCache ? `require('./code-cache').requireBundle(require('node:path').join(__dirname, ${JSON.stringify(bundle)}))` : `require(${JSON.stringify(bundle)})`};
  for (const key of [...functions, ...others]) Object.defineProperty(exports, key, { configurable: true, enumerable: true, writable: true, value: real[key] });
  return real;
}
function forwarder(key) {
  return function (...args) {
    const target = load()[key];
    return new.target ? Reflect.construct(target, args, new.target) : target.apply(this, args);
  };
}
`;
}

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
