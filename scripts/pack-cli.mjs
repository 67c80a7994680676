/**
 * Packs the CLI as an npm package of its own (`npx prisma-lens check`): the files of dist/ that
 * packages/cli/package.json lists in `files`, which are exactly those the CLI loads at run time, its
 * rules' documentation pages (which its reports link to), README and LICENSE, with the version of
 * the root package.json. Run it after a build; it writes dist/prisma-lens-cli-<version>.tgz, or the
 * tarball into the folder given with `--destination`.
 *
 * PGlite's WebAssembly, file-system bundle and initialised data folder ship as the brotli-compressed
 * copies the .vsix ships (scripts/compress-package-assets.mjs): the tarball is 4.9 MB smaller and the
 * installed package 15 MB smaller, for about a tenth of a second more CPU when `explain` or
 * `check --pending` starts the embedded database, which unpacks them in memory.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const dist = join(root, 'dist');

/** Mirrors compressedCopyName in server/src/engines/pglite-initial-data.ts. */
function compressedCopyName(name) {
  return name.endsWith('.tar.gz') ? `${name.slice(0, -'.gz'.length)}.br` : `${name}.br`;
}

/**
 * Files of dist/ the CLI's bundles name without loading them: cli.js holds package.json (for its
 * version), whose `main` is the extension.
 */
const NAMED_NOT_LOADED = new Set(['extension.js']);

/** Files of dist/ the text of a bundle names beside itself: what the bundle loads by name (as test/package/manifest.test.ts reads the .vsix). */
function siblingsNamedBy(bundleName, text) {
  const quoted = [...text.matchAll(/["'`/]([A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:js|wasm|data|gz|br|css))["'`]/g)].map((match) => match[1]);
  return [...new Set(quoted)].filter((name) => name !== bundleName && !NAMED_NOT_LOADED.has(name) && existsSync(join(dist, name)));
}

function parseDestination(argv) {
  const index = argv.indexOf('--destination');
  if (index === -1) return dist;
  const folder = argv[index + 1];
  if (!folder) throw new Error('--destination needs a folder');
  return resolve(folder);
}

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

function pack() {
  const destination = parseDestination(process.argv.slice(2));
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const { name, ...cliManifest } = JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8'));
  const manifest = { name, version: rootManifest.version, ...cliManifest };
  if (manifest.dependencies || manifest.optionalDependencies || manifest.peerDependencies) throw new Error('packages/cli/package.json: the bundles are self-contained; the package must depend on nothing');

  if (!existsSync(join(dist, 'cli.js'))) throw new Error('dist/cli.js is missing: run npm run build first');
  // The compressed copies are made again only when the files they copy changed.
  execFileSync(process.execPath, [join(root, 'scripts', 'compress-package-assets.mjs')], { stdio: 'inherit' });

  const staging = mkdtempSync(join(tmpdir(), 'prisma-lens-cli-pack-'));
  try {
    for (const entry of manifest.files) {
      const source = join(root, entry);
      if (!existsSync(source)) throw new Error(`${entry} (packages/cli/package.json files) is missing: run npm run build first`);
      if (statSync(source).isDirectory()) cpSync(source, join(staging, entry), { recursive: true, filter: (path) => statSync(path).isDirectory() || path.endsWith('.md') });
      else {
        mkdirSync(join(staging, entry, '..'), { recursive: true });
        copyFileSync(source, join(staging, entry));
      }
    }
    copyFileSync(join(root, 'packages', 'cli', 'README.md'), join(staging, 'README.md'));
    copyFileSync(join(root, 'LICENSE'), join(staging, 'LICENSE'));
    writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    // Every file a staged bundle loads by name is staged too, or its compressed copy.
    const staged = new Set(readdirSync(join(staging, 'dist')));
    const missing = [];
    for (const bundle of [...staged].filter((file) => file.endsWith('.js'))) {
      for (const sibling of siblingsNamedBy(bundle, readFileSync(join(staging, 'dist', bundle), 'utf8'))) {
        if (!staged.has(sibling) && !staged.has(compressedCopyName(sibling))) missing.push(`dist/${sibling} (loaded by dist/${bundle})`);
      }
    }
    if (missing.length) throw new Error(`packages/cli/package.json files lacks ${missing.join(', ')}`);

    const output = mkdtempSync(join(tmpdir(), 'prisma-lens-cli-tarball-'));
    try {
      const [result] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', output], { cwd: staging, encoding: 'utf8', shell: process.platform === 'win32' }));
      mkdirSync(destination, { recursive: true });
      const tarball = join(destination, `prisma-lens-cli-${manifest.version}.tgz`);
      renameOrCopy(join(output, basename(result.filename)), tarball);
      console.log(`${displayPath(tarball)}: ${megabytes(statSync(tarball).size)}, ${megabytes(result.unpackedSize)} unpacked, ${result.entryCount} files`);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** A path relative to the current folder when it is inside it. */
function displayPath(path) {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') ? inside : path;
}

/** A rename, or a copy where the temporary folder is on another disk. */
function renameOrCopy(from, to) {
  try {
    renameSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

try {
  pack();
} catch (error) {
  console.error(`pack-cli: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
