/**
 * Plans against a real PostgreSQL 15 the test starts itself: an index scan where an index exists,
 * a sequential scan (and the index advice) where none does, at the default scale; EXPLAIN ANALYZE
 * of a delete leaves every row in place; a wrong password or an unreachable host gives a clear
 * message and falls back to the embedded database.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { connectUserDatabase, type UserDatabase } from '../../server/src/explain/database';
import { ExplainDatabases } from '../../server/src/explain/database-choice';
import { readCatalog } from '../../server/src/explain/datagen-catalog';
import { generateRows } from '../../server/src/explain/datagen';
import { DEFAULT_ROWS_PER_TABLE } from '../../server/src/explain/embedded';
import { explainStatement } from '../../server/src/explain/plan';
import { explainStatements } from '../../server/src/explain/plan-report';
import { BLOG_DDL } from './blog-ddl';
import { freePort, postgres15Available, startPasswordPostgres, TEST_PASSWORD, type PasswordPostgres } from './plan-postgres-server';

const skip = postgres15Available() ? false : 'PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin)';
const schemaText = readFileSync(join(__dirname, '..', '..', 'examples', 'blog', 'prisma', 'schema.prisma'), 'utf8');
const schema = buildSchema([{ uri: 'file:///blog/prisma/schema.prisma', text: schemaText }]);

const postsByAuthor = { sql: 'SELECT "t0"."id", "t0"."title" FROM "public"."posts" AS "t0" WHERE "t0"."author_id" = $1', params: [undefined] };
const postsByCategory = { sql: 'SELECT "t0"."id", "t0"."title" FROM "public"."posts" AS "t0" WHERE "t0"."category_id" = $1', params: [undefined] };

describe('plans on PostgreSQL 15', { skip }, () => {
  let server: PasswordPostgres;
  let database: UserDatabase;

  before(async () => {
    server = await startPasswordPostgres();
    const connected = await connectUserDatabase(server.url);
    assert.ok(!('error' in connected), 'error' in connected ? connected.error : '');
    database = connected as UserDatabase;
    await database.session.exec(BLOG_DDL);
    const catalog = await readCatalog(database.session);
    const filled = await generateRows(database.session, catalog, ['public.posts'], DEFAULT_ROWS_PER_TABLE, new Map());
    assert.deepEqual(filled.problems, []);
  });

  after(async () => {
    await database?.close();
    server?.stop();
  });

  test('the data respects types, uniques and foreign keys at the default scale', async () => {
    const [posts] = await database.session.query<{ rows: string; slugs: string; orphans: string; categories: string }>(`
      select count(*) as rows, count(distinct slug) as slugs,
             count(*) filter (where not exists (select 1 from users u where u.id = p.author_id)) as orphans,
             count(distinct category_id) as categories
      from posts p`);
    assert.equal(Number(posts!.rows), 100_000);
    assert.equal(Number(posts!.slugs), 100_000, 'slug is @unique');
    assert.equal(Number(posts!.orphans), 0, 'every author_id names an existing user');
    assert.ok(Number(posts!.categories) > 1_000, 'posts spread over many categories');
    const [users] = await database.session.query<{ rows: string; emails: string }>('select count(*) as rows, count(distinct email) as emails from users');
    assert.equal(Number(users!.rows), 100_000, 'a parent table is filled too');
    assert.equal(Number(users!.emails), 100_000);
  });

  test('an index scan where an index exists, a sequential scan and its index where none does', async () => {
    const [byCategory, byAuthor] = await explainStatements(database.session, [postsByCategory, postsByAuthor], {}, schema);
    const indexed = byCategory!.tree!.nodes.find((node) => node.relation === 'posts')!;
    assert.match(indexed.nodeType, /^(Index|Bitmap Heap|Index Only) Scan$/);
    assert.ok(byCategory!.tree!.nodes.some((node) => node.index === 'posts_category_id_idx'));
    assert.deepEqual(byCategory!.suggestions, []);
    assert.deepEqual(byCategory!.highlights, []);
    assert.equal(byCategory!.generic, true);

    const scan = byAuthor!.tree!.nodes.find((node) => node.relation === 'posts')!;
    assert.match(scan.nodeType, /Seq Scan$/);
    assert.equal(byAuthor!.highlights[0]?.kind, 'seq-scan');
    assert.match(byAuthor!.highlights[0]!.message, /posts \(100,000 rows\)/);
    assert.deepEqual(byAuthor!.suggestions.map((suggestion) => [suggestion.model, suggestion.indexText]), [['Post', '@@index([authorId])']]);
  });

  test('EXPLAIN ANALYZE of a delete needs confirmation, then leaves every row in place', async () => {
    const deleteAll = { sql: 'DELETE FROM "public"."posts" WHERE "id" > $1', params: [0] };
    const unconfirmed = await explainStatement(database.session, deleteAll, { analyze: true });
    assert.equal(unconfirmed.kind, 'needs-confirmation');
    const confirmed = await explainStatement(database.session, deleteAll, { analyze: true, writeConfirmed: true });
    assert.equal(confirmed.kind, 'plan');
    assert.ok(confirmed.kind === 'plan' && confirmed.analyzed);
    const scan = confirmed.kind === 'plan' ? confirmed.plan.Plan.Plans?.[0] : undefined;
    assert.equal(scan?.['Actual Rows'], 100_000, 'the delete really ran over every row');
    const [count] = await database.session.query<{ count: string }>('select count(*) from posts');
    assert.equal(Number(count!.count), 100_000);
    // The connection is usable afterwards: no transaction left open, no prepared statement left behind.
    const [state] = await database.session.query<{ prepared: string }>('select count(*) as prepared from pg_prepared_statements');
    assert.equal(Number(state!.prepared), 0);
  });

  test('a delete inside a WITH counts as a write', async () => {
    const hidden = { sql: 'WITH gone AS (DELETE FROM "public"."posts" RETURNING id) SELECT count(*) FROM gone', params: [] };
    const outcome = await explainStatement(database.session, hidden, { analyze: true });
    assert.equal(outcome.kind, 'needs-confirmation');
    const [count] = await database.session.query<{ count: string }>('select count(*) from posts');
    assert.equal(Number(count!.count), 100_000);
  });

  test('a function that moves a sequence is refused before it reaches the database', async () => {
    const sequence = `pg_get_serial_sequence('"public"."posts"', 'id')`;
    const [before] = await database.session.query<{ value: string }>(`select last_value as value from posts_id_seq`);
    const outcome = await explainStatement(database.session, { sql: `SELECT setval(${sequence}, 1)`, params: [] }, { analyze: true });
    assert.equal(outcome.kind, 'not-explainable');
    assert.match(outcome.kind === 'not-explainable' ? outcome.reason : '', /moves a sequence, which a rollback does not undo/);
    const [afterwards] = await database.session.query<{ value: string }>(`select last_value as value from posts_id_seq`);
    assert.equal(afterwards!.value, before!.value);
  });

  test('a statement the database rejects gives its message, and the session stays usable', async () => {
    const outcome = await explainStatement(database.session, { sql: 'SELECT "nope" FROM "public"."posts"', params: [] });
    assert.equal(outcome.kind, 'error');
    assert.match(outcome.kind === 'error' ? outcome.message : '', /column "nope" does not exist/);
    const again = await explainStatement(database.session, postsByCategory);
    assert.equal(again.kind, 'plan');
  });

  test('a wrong password is named as such and the request falls back to the embedded database', async () => {
    const wrong = server.tcpUrl.replace(TEST_PASSWORD, 'not-the-password');
    const failed = await connectUserDatabase(wrong);
    assert.ok('error' in failed);
    assert.match(failed.error, /password .* was rejected/);
    assert.doesNotMatch(failed.error, /not-the-password/, 'the message never shows the password');

    const databases = new ExplainDatabases();
    try {
      const info = await databases.run(
        { url: { url: wrong, source: 'DATABASE_URL in .env' }, ddl: async () => BLOG_DDL, rowsPerTable: 1_000 },
        [postsByAuthor.sql],
        async (session, info) => {
          const [report] = await explainStatements(session, [postsByAuthor], {}, schema);
          assert.equal(report!.status, 'plan');
          return info;
        },
      );
      assert.equal(info.kind, 'embedded');
      assert.match(info.fallbackReason ?? '', /^Could not use your database \(DATABASE_URL in \.env\): the password .* was rejected/);
    } finally {
      await databases.dispose();
    }
  });

  test('the right URL is used and named without its password', async () => {
    const databases = new ExplainDatabases();
    try {
      const info = await databases.run({ url: { url: server.tcpUrl, source: 'the setting' }, ddl: async () => ({ error: 'not needed' }), rowsPerTable: 1_000 }, [postsByAuthor.sql], async (_session, info) => info);
      assert.equal(info.kind, 'postgres');
      assert.match(info.label, /^postgres@127\.0\.0\.1:\d+\/postgres \(PostgreSQL 15\./);
      assert.doesNotMatch(info.label, new RegExp(TEST_PASSWORD));
    } finally {
      await databases.dispose();
    }
  });
});

describe('unreachable databases', () => {
  test('a port nothing listens on: connection refused, in words', async () => {
    const port = await freePort();
    const failed = await connectUserDatabase(`postgresql://blog:blog@127.0.0.1:${port}/blog?schema=public`, { connectTimeoutMs: 2_000 });
    assert.ok('error' in failed);
    assert.equal(failed.error, `nothing accepts connections at blog@127.0.0.1:${port}/blog (connection refused): is the database running?`);
  });

  test('a host that does not answer: a clear reason within the timeout, never a hang', async () => {
    // 192.0.2.0/24 is reserved for documentation; depending on the network it times out or is refused at once.
    const failed = await connectUserDatabase('postgresql://blog:blog@192.0.2.1:5432/blog', { connectTimeoutMs: 300 });
    assert.ok('error' in failed);
    assert.match(failed.error, /blog@192\.0\.2\.1:5432\/blog( did not answer in time| could not be reached|.*connection refused)/);
  });

  test('a host name that does not exist', async () => {
    const failed = await connectUserDatabase('postgresql://blog:blog@database.invalid:5432/blog', { connectTimeoutMs: 2_000 });
    assert.ok('error' in failed);
    assert.equal(failed.error, 'the host of blog@database.invalid:5432/blog could not be found');
  });

  test('a URL for another database or no URL at all', async () => {
    const mysql = await connectUserDatabase('mysql://root@localhost:3306/app');
    assert.deepEqual(mysql, { error: 'the database URL is for mysql, and EXPLAIN plans need PostgreSQL' });
    const junk = await connectUserDatabase('not a url');
    assert.deepEqual(junk, { error: 'the database URL is not a valid URL' });
  });
});
