/** Runs every *.test.ts under the given folders (default: test/) with Node's test runner. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function testFiles(path) {
  if (statSync(path).isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path)
    .filter((name) => name !== 'fixtures' && name !== 'node_modules')
    .sort()
    .flatMap((name) => testFiles(join(path, name)));
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['test']).flatMap(testFiles);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(2);
}
// The embedded EXPLAIN database is kept in a cache folder between runs; tests keep theirs in a
// folder of their own, never in the user's cache, and it is removed afterwards.
const cacheDir = process.env.PRISMA_LENS_CACHE_DIR ? undefined : mkdtempSync(join(tmpdir(), 'prisma-lens-test-cache-'));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  env: cacheDir ? { ...process.env, PRISMA_LENS_CACHE_DIR: cacheDir } : process.env,
});
if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
