/**
 * `prisma-lens explain` from the built CLI keeps its embedded database in the cache folder: the next
 * run starts from it (its --progress lines say so), both runs print the same report, and nothing is
 * written outside the cache folder: not in the project, not in the home folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from './plan-postgres-server';

const repoRoot = resolve(__dirname, '../..');
const CLI = join(repoRoot, 'dist', 'cli.js');

/** Every file and folder under `root` with its size and modification time. */
function listing(root: string): string[] {
  const entries: string[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      const info = statSync(path);
      entries.push(`${relative(root, path)} ${info.isDirectory() ? 'dir' : info.size} ${info.mtimeMs}`);
      if (info.isDirectory()) walk(path);
    }
  };
  walk(root);
  return entries;
}

describe('prisma-lens explain with a cache folder', () => {
  let work: string;
  let project: string;
  let home: string;
  let cache: string;
  let databaseUrl: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'prisma-lens-explain-cache-'));
    project = join(work, 'blog');
    home = join(work, 'home');
    cache = join(work, 'cache');
    cpSync(join(repoRoot, 'examples', 'blog'), project, { recursive: true });
    mkdirSync(home);
    // Nothing listens on this port: the CLI falls back to the embedded database.
    databaseUrl = `postgresql://blog:blog@127.0.0.1:${await freePort()}/blog`;
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  const explain = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, PRISMA_LENS_CACHE_DIR: cache, DATABASE_URL: databaseUrl };
    delete env.XDG_CACHE_HOME;
    const result = spawnSync(process.execPath, [CLI, 'explain', 'src/feed.ts:7', '--rows', '2000', ...args], { cwd: project, encoding: 'utf8', env });
    assert.equal(result.status, 0, result.stderr);
    return result;
  };

  test('the second run starts from the saved database, and only the cache folder is written', () => {
    const before = listing(project);
    const first = explain('--progress');
    assert.match(first.stderr, /^prisma-lens: compiling the schema's tables… \d+\.\d s$/m);
    assert.match(first.stderr, /^prisma-lens: generating rows \(posts, 3 of 3 tables\)… \d+\.\d s$/m);
    assert.match(first.stderr, /^prisma-lens: saving the database for the next run… \d+\.\d s$/m);
    assert.doesNotMatch(first.stderr, /from the cache/);

    const second = explain('--progress');
    assert.match(second.stderr, /^prisma-lens: starting the database \(from the cache\)… \d+\.\d s$/m);
    assert.doesNotMatch(second.stderr, /generating rows|compiling|saving/);
    assert.equal(second.stdout, first.stdout);
    assert.match(second.stdout, /Seq Scan on posts/);

    assert.deepEqual(listing(project), before, 'the project folder is unchanged');
    assert.deepEqual(readdirSync(home), [], 'nothing in the home folder');
    // Beside the database and its DDL, the CLI keeps the compiled code of its bundles (code-cache/).
    const saved = readdirSync(cache).filter((name) => name !== 'code-cache').sort();
    assert.equal(saved.length, 2, saved.join(', '));
    assert.match(saved.join(' '), /^[0-9a-f]{64}\.(ddl\.json|pgdata) [0-9a-f]{64}\.(ddl\.json|pgdata)$/);
  });

  test('without --progress and with stderr not a terminal, no stage is printed', () => {
    const result = explain();
    assert.doesNotMatch(result.stderr, /starting the database|planning/);
  });
});
