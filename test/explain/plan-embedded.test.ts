/**
 * The embedded database (PGlite) at the default scale: tables from DDL, 100,000 generated rows per
 * queried table that respect types, uniques and foreign keys; an index scan where an index exists, a
 * sequential scan and its index advice where none does; "what if" lowers the cost without keeping
 * the index; EXPLAIN ANALYZE of a delete leaves every row in place.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { DEFAULT_ROWS_PER_TABLE, EmbeddedDatabase, type EmbeddedTiming } from '../../server/src/explain/embedded';
import { explainStatement } from '../../server/src/explain/plan';
import { explainStatements, explainWithIndex } from '../../server/src/explain/plan-report';
import { BLOG_DDL } from './blog-ddl';

const schemaUri = 'file:///blog/prisma/schema.prisma';
const schemaText = readFileSync(join(__dirname, '..', '..', 'examples', 'blog', 'prisma', 'schema.prisma'), 'utf8');
const schema = buildSchema([{ uri: schemaUri, text: schemaText }]);

const postsByAuthor = { sql: 'SELECT "t0"."id", "t0"."title" FROM "public"."posts" AS "t0" WHERE "t0"."author_id" = $1', params: [undefined] };
const postsByCategory = { sql: 'SELECT "t0"."id", "t0"."title" FROM "public"."posts" AS "t0" WHERE "t0"."category_id" = $1', params: [undefined] };
const tagsOfPosts = { sql: 'SELECT "t1"."postId", "t1"."tagId" FROM "public"."PostTag" AS "t1" WHERE "t1"."postId" IN ($1)', params: [undefined] };
const commentsByAuthor = {
  sql: 'SELECT "t0"."id" FROM "public"."Comment" AS "t0" WHERE "t0"."authorId" = $1 ORDER BY "t0"."createdAt" DESC LIMIT $2',
  params: [undefined, 20],
};

describe('the embedded database at the default scale', () => {
  const embedded = new EmbeddedDatabase({ ddl: BLOG_DDL });
  let firstTiming: EmbeddedTiming;

  before(async () => {
    firstTiming = await embedded.use([postsByAuthor.sql, tagsOfPosts.sql, commentsByAuthor.sql, 'select 1 from "Profile"'], async (_session, timing) => ({ ...timing, generated: { ...timing.generated } }));
  });

  after(() => embedded.close());

  test('queried tables and the tables they reference are filled, once', async () => {
    assert.equal(embedded.rowsPerTable, DEFAULT_ROWS_PER_TABLE);
    assert.deepEqual(Object.keys(firstTiming.generated).sort(), ['public.Category', 'public.Comment', 'public.PostTag', 'public.Profile', 'public.Tag', 'public.posts', 'public.users']);
    assert.deepEqual(embedded.problems, []);
    const again = await embedded.use([postsByAuthor.sql], async (_session, timing) => timing);
    assert.deepEqual(again.generated, {}, 'a table is filled only the first time a query reads it');
  });

  test('values respect uniques, foreign keys, composite keys, enums and optional columns', async () => {
    await embedded.use([], async (session) => {
      const [users] = await session.query<{ rows: number; emails: number; roles: number; invited: number; orphanInvites: number }>(`
        select count(*)::int as rows, count(distinct email)::int as emails, count(distinct role)::int as roles,
               count(invited_by_id)::int as invited,
               count(*) filter (where invited_by_id is not null and not exists (select 1 from users p where p.id = u.invited_by_id))::int as "orphanInvites"
        from users u`);
      assert.deepEqual(users, { rows: 100_000, emails: 100_000, roles: 3, invited: 80_000, orphanInvites: 0 });
      const [profiles] = await session.query<{ rows: number; owners: number }>('select count(*)::int as rows, count(distinct user_id)::int as owners from "Profile"');
      assert.deepEqual(profiles, { rows: 100_000, owners: 100_000 }, 'a one-to-one key (@unique) never repeats');
      const [links] = await session.query<{ rows: number; pairs: number; orphans: number }>(`
        select count(*)::int as rows, count(distinct ("postId", "tagId"))::int as pairs,
               count(*) filter (where not exists (select 1 from "Tag" t where t.id = l."tagId"))::int as orphans
        from "PostTag" l`);
      assert.deepEqual(links, { rows: 100_000, pairs: 100_000, orphans: 0 }, 'a composite primary key of two foreign keys stays unique, text keys match');
      const [spread] = await session.query<{ authors: number; busiest: number }>(`
        select count(*)::int as authors, max(n)::int as busiest from (select author_id, count(*) as n from posts group by author_id) s`);
      assert.ok(spread!.authors > 50_000 && spread!.authors < 100_000, `posts spread over many authors, some with several (${spread!.authors} authors)`);
      assert.ok(spread!.busiest > 1);
    });
  });

  test('an index scan where an index exists, a sequential scan and its index where none does', async () => {
    const [byCategory, byAuthor, byPost] = await embedded.use([], (session) => explainStatements(session, [postsByCategory, postsByAuthor, tagsOfPosts], {}, schema));
    assert.ok(byCategory!.tree!.nodes.some((node) => node.index === 'posts_category_id_idx' && /Index|Bitmap/.test(node.nodeType)));
    assert.deepEqual(byCategory!.highlights, []);
    assert.deepEqual(byCategory!.suggestions, []);
    assert.ok(byPost!.tree!.nodes.some((node) => node.index === 'PostTag_pkey'), 'the leading column of a composite primary key is indexed');

    assert.ok(byAuthor!.tree!.nodes.some((node) => node.nodeType === 'Seq Scan' && node.relation === 'posts'));
    assert.deepEqual(byAuthor!.highlights.map((highlight) => highlight.kind), ['seq-scan']);
    const [suggestion] = byAuthor!.suggestions;
    assert.equal(suggestion?.indexText, '@@index([authorId])');
    assert.equal(suggestion?.createIndexSql, 'CREATE INDEX ON "public"."posts" ("author_id")');
    const edited = schemaText.slice(0, suggestion!.edit!.start) + suggestion!.edit!.text + schemaText.slice(suggestion!.edit!.end);
    assert.match(edited, /  @@index\(\[categoryId\]\)\n  @@index\(\[authorId\]\)\n  @@map\("posts"\)\n\}/);
  });

  test('a filter and a sort on one table suggest an index that serves both', async () => {
    const [report] = await embedded.use([], (session) => explainStatements(session, [commentsByAuthor], {}, schema));
    assert.ok(report!.highlights.some((highlight) => highlight.kind === 'seq-scan'));
    assert.deepEqual(report!.suggestions.map((suggestion) => suggestion.indexText), ['@@index([authorId, createdAt])'], 'the index the unindexed-query rule proposes: read backwards for DESC');
  });

  test('"what if" shows the plan with the index, cheaper, and leaves no index behind', async () => {
    await embedded.use([], async (session) => {
      const [report] = await explainStatements(session, [postsByAuthor], {}, schema);
      const whatIf = await explainWithIndex(session, postsByAuthor, report!.suggestions[0]!, report!.tree);
      assert.ok(!('error' in whatIf.after), 'error' in whatIf.after ? whatIf.after.error : '');
      const withIndex = whatIf.after as { totalCost: number; tree: { nodes: { nodeType: string; relation?: string }[] } };
      assert.ok(withIndex.totalCost < whatIf.before.totalCost / 10, `${withIndex.totalCost} vs ${whatIf.before.totalCost}`);
      assert.ok(withIndex.tree.nodes.some((node) => /Index|Bitmap/.test(node.nodeType) && node.relation === 'posts'));
      const indexes = await session.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'posts' order by 1");
      assert.deepEqual(indexes.map((row) => row.indexname), ['posts_category_id_idx', 'posts_pkey', 'posts_slug_key']);
    });
  });

  test('EXPLAIN ANALYZE of a delete leaves every row in place', async () => {
    await embedded.use([], async (session) => {
      const deleteAll = { sql: 'DELETE FROM "public"."posts" WHERE "id" > $1', params: [0] };
      const outcome = await explainStatement(session, deleteAll, { analyze: true, writeConfirmed: true });
      assert.equal(outcome.kind, 'plan');
      const [count] = await session.query<{ count: number }>('select count(*)::int as count from posts');
      assert.equal(count!.count, 100_000);
    });
  });

  test('EXPLAIN ANALYZE of a create takes the next id after the generated rows, and leaves the table as it was', async () => {
    await embedded.use([], async (session) => {
      const [before] = await session.query<{ count: number; last: string }>('select count(*)::int as count, (select last_value::text from "Category_id_seq") as last from "Category"');
      assert.equal(before!.last, String(before!.count), 'the sequence stands at the last generated id');
      const create = { sql: 'INSERT INTO "public"."Category" ("name") VALUES ($1) RETURNING "public"."Category"."id"', params: ['a category no row has'] };
      const outcome = await explainStatement(session, create, { analyze: true, writeConfirmed: true, ownDatabase: true });
      assert.equal(outcome.kind, 'plan', JSON.stringify(outcome).slice(0, 300));
      const [afterwards] = await session.query<{ count: number }>('select count(*)::int as count from "Category"');
      assert.equal(afterwards!.count, before!.count);
    });
  });

  test('an analysed read shows actual rows, loops and times', async () => {
    const [report] = await embedded.use([], (session) => explainStatements(session, [{ sql: postsByCategory.sql, params: [7] }], { analyze: true }, schema));
    assert.equal(report!.analyzed, true);
    assert.equal(report!.generic, false, 'every value is known, so the plan is for this value');
    const root = report!.tree!.nodes[0]!;
    assert.equal(typeof root.actualRows, 'number');
    assert.equal(root.loops, 1);
    assert.equal(typeof report!.tree!.executionMs, 'number');
  });
});
