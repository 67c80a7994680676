/**
 * The built CLI loads only what a run needs: `--version` nothing beside dist/cli.js, a check of
 * migrations or of a schema the check bundle but not TypeScript's parser, a check of code files
 * the parser too; and the code cache of those bundles changes nothing in the report.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { removeTempProjects, SCHEMA_WITH_ONE_FINDING, tempProject } from '../workspace/tempProject';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const MIGRATIONS = path.join(REPO, 'test', 'corpus', 'migrations', 'saas', 'prisma', 'migrations');
const cacheFolders: string[] = [];

/** Runs the CLI with a cache folder of its own; `loaded` lists the files of dist/ Node's module loader read, and `codeCache` the files of the bundles' compiled code. */
function run(args: readonly string[], cacheFolder = newCacheFolder()) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_DEBUG: 'module', PRISMA_LENS_CACHE_DIR: cacheFolder };
  delete env.PRISMA_LENS_CODE_CACHE;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env });
  const loaded = new Set([...result.stderr.matchAll(/load "([^"]+)"/g)].map((match) => path.relative(REPO, match[1]!)).filter((file) => file.startsWith('dist')));
  const codeCache = readdirSync(path.join(cacheFolder, 'code-cache'), { withFileTypes: true }).map((entry) => entry.name);
  return { status: result.status, stdout: result.stdout, loaded: [...loaded].sort(), codeCache };
}

function newCacheFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'prisma-lens-code-cache-'));
  cacheFolders.push(folder);
  return folder;
}

after(async () => {
  for (const folder of cacheFolders) rmSync(folder, { recursive: true, force: true });
  await removeTempProjects();
});

describe('prisma-lens: the bundles a run loads', () => {
  it('--version reads dist/cli.js alone', () => {
    const folder = newCacheFolder();
    const result = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'module', PRISMA_LENS_CACHE_DIR: folder } });
    assert.equal(result.status, 0);
    assert.deepEqual([...result.stderr.matchAll(/load "([^"]+)"/g)].map((match) => path.relative(REPO, match[1]!)), ['dist/cli.js']);
    assert.deepEqual(readdirSync(folder), [], 'the check bundle was not compiled, so nothing was cached');
  });

  it('a check of migrations and one of a schema leave TypeScript unloaded; code files load it', async () => {
    // The check bundle and TypeScript's are compiled through the code cache, which leaves a file for each.
    const bundles = (result: { codeCache: string[] }) => result.codeCache.map((name) => name.split('-v')[0]).sort();
    const migrations = run(['check', MIGRATIONS, '--all-migrations', '--format', 'json']);
    assert.equal(migrations.status, 1);
    assert.deepEqual(migrations.loaded, ['dist/cli.js']);
    assert.deepEqual(bundles(migrations), ['cli-check']);
    const schema = await tempProject({ 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING });
    assert.deepEqual(bundles(run(['check', schema, '--format', 'json'])), ['cli-check']);
    const code = await tempProject({ 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING, 'src/client.ts': "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n", 'src/load.ts': "import { prisma } from './client';\nexport async function load(ids: number[]) {\n  for (const id of ids) await prisma.user.findFirst({ where: { id } });\n}\n" });
    const withCode = run(['check', code, '--format', 'json']);
    assert.equal(withCode.status, 1);
    assert.deepEqual(bundles(withCode), ['cli-check', 'typescript']);
    const uncached = spawnSync(process.execPath, [CLI, 'check', code, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'module', PRISMA_LENS_CODE_CACHE: '0' } });
    assert.match(uncached.stderr, /load "[^"]*dist[\\/]typescript\.js"/, 'without the cache, Node loads the parser as usual');
    assert.equal(uncached.stdout.replace(/"docs": "[^"]*"/g, ''), withCode.stdout.replace(/"docs": "[^"]*"/g, ''));
  });

  it('the report is the same with the code cache as without it', () => {
    const folder = newCacheFolder();
    const first = run(['check', MIGRATIONS, '--all-migrations', '--format', 'json'], folder);
    const second = run(['check', MIGRATIONS, '--all-migrations', '--format', 'json'], folder);
    const uncached = spawnSync(process.execPath, [CLI, 'check', MIGRATIONS, '--all-migrations', '--format', 'json'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, PRISMA_LENS_CODE_CACHE: '0' } });
    assert.equal(second.codeCache.length, 1);
    assert.deepEqual(first.codeCache, second.codeCache, 'the second run used the cache the first wrote');
    assert.equal(second.stdout, first.stdout);
    assert.equal(uncached.stdout, first.stdout);
  });
});
