/**
 * The embedded database kept between runs: a second EmbeddedDatabase starts from the copy the first
 * saved (and says so), a request that needs more tables saves the larger copy, a corrupt or foreign
 * file is ignored and rebuilt, the folder stays under its size bound by removing the least recently
 * used entry, the DDL is computed once per schema text, progress comes stage by stage, and an
 * aborted request stops between stages. Every test has a cache folder of its own.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_CACHE_MAX_BYTES, EmbeddedCache, cacheDirectory } from '../../server/src/explain/embedded-cache';
import { cachedSchemaDdl, readCachedSchemaDdl, schemaDdlKey } from '../../server/src/explain/embedded-ddl';
import { EmbeddedDatabase, databaseCacheKey, type EmbeddedTiming } from '../../server/src/explain/embedded';
import type { EmbeddedProgress } from '../../server/src/explain/embedded-progress';
import { decodeSnapshot } from '../../server/src/explain/embedded-snapshot';
import { BLOG_DDL } from './blog-ddl';

const ROWS = 1_000;
const postsByAuthor = 'SELECT "t0"."id" FROM "public"."posts" AS "t0" WHERE "t0"."author_id" = $1';
const commentsOfPost = 'SELECT "t0"."id" FROM "public"."Comment" AS "t0" WHERE "t0"."postId" = $1';

const folders: string[] = [];
function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'prisma-lens-embedded-cache-'));
  folders.push(folder);
  return folder;
}
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface Run {
  timing: EmbeddedTiming;
  stages: EmbeddedProgress[];
  rows: Record<string, number>;
}

/** One request on a new EmbeddedDatabase, closed afterwards (which waits for its cache write). */
async function runOnce(cache: EmbeddedCache | undefined, sql: readonly string[], options: { signal?: AbortSignal; onProgress?: (stage: EmbeddedProgress) => void } = {}): Promise<Run> {
  const embedded = new EmbeddedDatabase({ ddl: BLOG_DDL, rowsPerTable: ROWS, cache });
  const stages: EmbeddedProgress[] = [];
  try {
    return await embedded.use(
      sql,
      async (session, timing) => {
        const counts = await session.query<{ posts: number; users: number; comments: number }>(
          'select (select count(*) from posts)::int as posts, (select count(*) from users)::int as users, (select count(*) from "Comment")::int as comments',
        );
        const plan = await session.query<{ 'QUERY PLAN': string }>('explain select id from posts where category_id = 3');
        assert.match(plan[0]!['QUERY PLAN'], /posts/);
        return { timing: { ...timing, generated: { ...timing.generated } }, stages, rows: { ...counts[0]! } };
      },
      {
        signal: options.signal,
        onProgress: (stage) => {
          stages.push(stage);
          options.onProgress?.(stage);
        },
      },
    );
  } finally {
    await embedded.close();
  }
}

const databaseFiles = (folder: string): string[] => readdirSync(folder).filter((name) => name.endsWith('.pgdata'));

describe('the embedded database saved in the cache folder', () => {
  test('a second database starts from the saved copy, with its rows and statistics, and says so', async () => {
    const cache = new EmbeddedCache(temporaryFolder());
    const first = await runOnce(cache, [postsByAuthor]);
    assert.equal(first.timing.fromCache, false);
    assert.equal(first.timing.saved, true);
    assert.deepEqual(Object.keys(first.timing.generated).sort(), ['public.Category', 'public.posts', 'public.users']);
    assert.deepEqual(first.stages.map((stage) => stage.stage), ['starting', 'creating-tables', 'generating-rows', 'generating-rows', 'generating-rows', 'analyzing', 'saving', 'planning']);
    assert.deepEqual(first.stages.filter((stage) => stage.stage === 'generating-rows').map((stage) => stage.detail), ['users, 1 of 3 tables', 'Category, 2 of 3 tables', 'posts, 3 of 3 tables']);
    assert.deepEqual(databaseFiles(cache.directory), [`${databaseCacheKey(BLOG_DDL, ROWS)}.pgdata`]);

    const second = await runOnce(cache, [postsByAuthor]);
    assert.equal(second.timing.fromCache, true);
    assert.equal(second.timing.saved, false, 'nothing new to save');
    assert.deepEqual(second.timing.generated, {});
    assert.deepEqual(second.stages.map((stage) => [stage.stage, stage.fromCache]), [['starting', true], ['planning', undefined]]);
    assert.deepEqual(second.rows, first.rows);
    assert.deepEqual(second.rows, { posts: ROWS, users: ROWS, comments: 0 });
  });

  test('a request that needs more tables fills them on the saved copy and saves the larger copy', async () => {
    const cache = new EmbeddedCache(temporaryFolder());
    await runOnce(cache, [postsByAuthor]);
    const more = await runOnce(cache, [commentsOfPost]);
    assert.equal(more.timing.fromCache, true);
    assert.deepEqual(Object.keys(more.timing.generated), ['public.Comment'], 'posts and users come from the copy');
    assert.equal(more.timing.saved, true);
    const again = await runOnce(cache, [postsByAuthor, commentsOfPost]);
    assert.equal(again.timing.fromCache, true);
    assert.deepEqual(again.timing.generated, {});
    assert.deepEqual(again.rows, { posts: ROWS, users: ROWS, comments: ROWS });
  });

  test('nothing is saved from a database that has run a request', async () => {
    const cache = new EmbeddedCache(temporaryFolder());
    const embedded = new EmbeddedDatabase({ ddl: BLOG_DDL, rowsPerTable: ROWS, cache });
    try {
      await embedded.use([postsByAuthor], async () => undefined);
      // The first request's work ran in this instance: the table the second one fills stays unsaved.
      const timing = await embedded.use([commentsOfPost], async (_session, timing) => ({ ...timing }));
      assert.deepEqual(Object.keys(timing.generated), ['public.Comment']);
      assert.equal(timing.saved, false);
    } finally {
      await embedded.close();
    }
    const key = databaseCacheKey(BLOG_DDL, ROWS);
    const saved = decodeSnapshot(readFileSync(join(cache.directory, `${key}.pgdata`)), key);
    assert.deepEqual([...saved!.tables.keys()].sort(), ['public.Category', 'public.posts', 'public.users']);
  });

  test('a corrupt file and a foreign file are ignored and rebuilt', async () => {
    const cache = new EmbeddedCache(temporaryFolder());
    await runOnce(cache, [postsByAuthor]);
    const file = join(cache.directory, `${databaseCacheKey(BLOG_DDL, ROWS)}.pgdata`);
    const bytes = readFileSync(file);
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.length - 1000] = corrupt[corrupt.length - 1000]! ^ 0xff;
    for (const damaged of [corrupt, bytes.subarray(0, bytes.length / 2), Buffer.from('not a database'), Buffer.alloc(0)]) {
      writeFileSync(file, damaged);
      const rebuilt = await runOnce(cache, [postsByAuthor]);
      assert.equal(rebuilt.timing.fromCache, false);
      assert.equal(rebuilt.timing.saved, true);
      assert.deepEqual(rebuilt.rows, { posts: ROWS, users: ROWS, comments: 0 });
    }
    assert.equal((await runOnce(cache, [postsByAuthor])).timing.fromCache, true, 'the rebuilt copy is whole');

    // A saved database under another key (another DDL) is not taken for this one.
    const otherDdl = `${BLOG_DDL}\nCREATE INDEX "extra" ON "posts"("title");\n`;
    writeFileSync(join(cache.directory, `${databaseCacheKey(otherDdl, ROWS)}.pgdata`), readFileSync(file));
    const embedded = new EmbeddedDatabase({ ddl: otherDdl, rowsPerTable: ROWS, cache });
    try {
      const timing = await embedded.use([postsByAuthor], async (session, timing) => {
        const indexes = await session.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'posts' and indexname = 'extra'");
        assert.equal(indexes.length, 1, 'the tables come from this DDL');
        return { ...timing };
      });
      assert.equal(timing.fromCache, false);
    } finally {
      await embedded.close();
    }
  });

  test('an aborted request stops between tables; the tables filled stay, and the next request fills the rest', async () => {
    const embedded = new EmbeddedDatabase({ ddl: BLOG_DDL, rowsPerTable: ROWS });
    try {
      const controller = new AbortController();
      const stopped = embedded.use([postsByAuthor], async () => 'planned', {
        signal: controller.signal,
        onProgress: (stage) => {
          if (stage.stage === 'generating-rows') controller.abort();
        },
      });
      await assert.rejects(stopped, { name: 'AbortError' });
      assert.deepEqual([...embedded.filledTables.keys()], ['public.users'], 'the table being filled is completed');
      const timing = await embedded.use([postsByAuthor], async (_session, timing) => ({ ...timing }));
      assert.deepEqual(Object.keys(timing.generated).sort(), ['public.Category', 'public.posts']);
      await assert.rejects(embedded.use([postsByAuthor], async () => 'planned', { signal: AbortSignal.abort() }), { name: 'AbortError' });
    } finally {
      await embedded.close();
    }
  });
});

describe('the cache folder', () => {
  const key = (name: string): string => createHash('sha256').update(name).digest('hex');

  test('the least recently used entry goes when the folder passes its size bound', async () => {
    const cache = new EmbeddedCache(temporaryFolder(), 2_500);
    const entry = (name: string) => join(cache.directory, `${key(name)}.pgdata`);
    assert.equal(await cache.write('database', key('a'), [Buffer.alloc(1_000, 1)]), true);
    assert.equal(await cache.write('database', key('b'), [Buffer.alloc(1_000, 2)]), true);
    // Older use times than the clock's resolution could tell apart.
    utimesSync(entry('a'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    utimesSync(entry('b'), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
    assert.deepEqual(await cache.read('database', key('a')), Buffer.alloc(1_000, 1), 'reading a makes it the most recently used');
    writeFileSync(join(cache.directory, 'README.txt'), 'not an entry');
    assert.equal(await cache.write('database', key('c'), [Buffer.alloc(600, 3), Buffer.alloc(400, 3)]), true);
    assert.deepEqual(readdirSync(cache.directory).sort(), [`${key('a')}.pgdata`, `${key('c')}.pgdata`, 'README.txt'].sort());
    assert.deepEqual(readFileSync(entry('c')), Buffer.alloc(1_000, 3));
    assert.equal(await cache.write('database', key('d'), [Buffer.alloc(3_000)]), false, 'an entry larger than the bound is not written');
    assert.equal(await cache.read('database', key('d')), undefined);
  });

  test('entry names are hashes, never other text', () => {
    const cache = new EmbeddedCache(temporaryFolder());
    assert.throws(() => cache.entryPath('database', '../../etc/passwd'));
    assert.throws(() => cache.entryPath('ddl', 'posts'));
  });

  test('where the folder is', () => {
    assert.equal(cacheDirectory({ PRISMA_LENS_CACHE_DIR: '/tmp/lens-cache', XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), '/tmp/lens-cache');
    assert.equal(cacheDirectory({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), '/xdg/prisma-lens');
    assert.equal(cacheDirectory({ XDG_CACHE_HOME: 'relative' }, 'linux', '/home/u'), '/home/u/.cache/prisma-lens');
    assert.equal(cacheDirectory({}, 'linux', '/home/u'), '/home/u/.cache/prisma-lens');
    assert.equal(cacheDirectory({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/prisma-lens');
    assert.equal(cacheDirectory({}, 'linux', ''), undefined);
    assert.equal(EmbeddedCache.fromEnvironment({ PRISMA_LENS_CACHE_DIR: '/tmp/x', PRISMA_LENS_CACHE_MAX_MB: '20' })?.maxBytes, 20 * 1024 * 1024);
    assert.equal(EmbeddedCache.fromEnvironment({ PRISMA_LENS_CACHE_DIR: '/tmp/x', PRISMA_LENS_CACHE_MAX_MB: 'lots' })?.maxBytes, DEFAULT_CACHE_MAX_BYTES);
  });

  test("a schema's DDL is computed once per schema text, wherever the project is, and the database URL is not part of it", async () => {
    const cache = new EmbeddedCache(temporaryFolder());
    let computed = 0;
    const compute = async (): Promise<string> => {
      computed++;
      return BLOG_DDL;
    };
    const schema = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nmodel A { id Int @id }\n';
    const here = [{ path: 'file:///a/prisma/schema.prisma', text: schema }];
    const copy = [{ path: 'file:///b/prisma/schema.prisma', text: schema }];
    assert.equal(await readCachedSchemaDdl(here, cache), undefined);
    assert.equal(await cachedSchemaDdl(here, cache, compute), BLOG_DDL);
    assert.equal(await cachedSchemaDdl(copy, cache, compute), BLOG_DDL);
    assert.equal(computed, 1);
    assert.equal(schemaDdlKey(here), schemaDdlKey(copy));
    assert.equal(schemaDdlKey(here), schemaDdlKey([{ path: here[0]!.path, text: schema.replace('env("DATABASE_URL")', 'env("POSTGRES_URL")') }]), 'the URL is blanked, keeping offsets');
    assert.notEqual(schemaDdlKey(here), schemaDdlKey([{ path: here[0]!.path, text: `${schema}model B { id Int @id }\n` }]));
    await assert.rejects(cachedSchemaDdl([{ path: 'x', text: 'model C { id Int @id }' }], cache, async () => Promise.reject(new Error('invalid schema'))));
    assert.equal(readdirSync(cache.directory).filter((name) => name.endsWith('.ddl.json')).length, 1, 'an error is not kept');
  });
});
