/** Runs every *.test.ts under the given folders (default: test/) with Node's test runner. */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
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
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
