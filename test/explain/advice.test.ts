/** Reading plans like an expert: what is flagged and which index is suggested, and what is rightly left alone. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { advise } from '../../server/src/explain/advice';
import type { RawPlan, RawPlanNode } from '../../server/src/explain/plan';
import { toPlanTree } from '../../server/src/explain/plan-tree';

const schemaText = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id
  email String @unique
  posts Post[]
  @@map("users")
}

model Post {
  id          Int       @id
  title       String
  published   Boolean
  publishedAt DateTime? @map("published_at")
  authorId    Int       @map("author_id")
  author      User      @relation(fields: [authorId], references: [id])
  categoryId  Int?      @map("category_id")

  @@index([categoryId])
  @@map("posts")
}
`;
const schema = buildSchema([{ uri: 'file:///s.prisma', text: schemaText }]);
const large = new Map([['public.posts', 100_000], ['posts', 100_000], ['users', 100_000], ['public.users', 100_000]]);
const small = new Map([['posts', 200], ['public.posts', 200]]);

function plan(root: RawPlanNode, extra: Partial<RawPlan> = {}): RawPlan {
  return { Plan: root, ...extra };
}

function seqScan(filter: string | undefined, extra: Record<string, unknown> = {}): RawPlanNode {
  return { 'Node Type': 'Seq Scan', 'Relation Name': 'posts', Schema: 'public', Alias: 't0', 'Startup Cost': 0, 'Total Cost': 1887, 'Plan Rows': 1, ...(filter ? { Filter: filter } : {}), ...extra };
}

function adviceFor(raw: RawPlan, rows: ReadonlyMap<string, number> = large) {
  return advise(toPlanTree(raw), { tableRows: rows, schema });
}

describe('sequential scans', () => {
  test('a large table scanned under a filter is flagged, with the index on the filtered column', () => {
    const { highlights, suggestions } = adviceFor(plan(seqScan('(author_id = $1)')));
    assert.deepEqual(highlights.map((highlight) => [highlight.kind, highlight.severity, highlight.nodeId]), [['seq-scan', 'warning', 0]]);
    assert.equal(highlights[0]!.message, 'Sequential scan of posts (100,000 rows) to find the rows matching (author_id = $1): every row is read.');
    assert.deepEqual(suggestions.map((suggestion) => [suggestion.model, suggestion.indexText, suggestion.createIndexSql]), [['Post', '@@index([authorId])', 'CREATE INDEX ON "public"."posts" ("author_id")']]);
  });

  test('equality columns lead, then a boolean flag, then one range column; casts and keywords are not columns', () => {
    const { suggestions } = adviceFor(plan(seqScan("((published_at > $2) AND ((title)::text = 'x'::text) AND published)")));
    assert.deepEqual(suggestions.map((suggestion) => suggestion.indexText), ['@@index([title, published, publishedAt])']);
  });

  test('a small table read whole is fine', () => {
    assert.deepEqual(adviceFor(plan(seqScan('(author_id = $1)')), small), { highlights: [], suggestions: [] });
  });

  test('a scan without a filter reads every row because the query asks for every row', () => {
    assert.deepEqual(adviceFor(plan(seqScan(undefined))), { highlights: [], suggestions: [] });
  });

  test('no index is suggested when one already leads with the columns (the planner chose the scan)', () => {
    const { highlights, suggestions } = adviceFor(plan(seqScan('(category_id = $1)')));
    assert.equal(highlights.length, 1);
    assert.deepEqual(suggestions, []);
  });

  test('a table the schema does not know gets the highlight but no schema edit', () => {
    const raw = plan({ ...seqScan('(x = 1)'), 'Relation Name': 'audit_log' });
    const { highlights, suggestions } = adviceFor(raw, new Map([['audit_log', 50_000]]));
    assert.equal(highlights.length, 1);
    assert.deepEqual(suggestions, []);
  });

  test('the suggested edit goes after the model\'s indexes and before @@map', () => {
    const [suggestion] = adviceFor(plan(seqScan('(author_id = $1)'))).suggestions;
    const edit = suggestion!.edit!;
    const edited = schemaText.slice(0, edit.start) + edit.text + schemaText.slice(edit.end);
    assert.match(edited, /  @@index\(\[categoryId\]\)\n  @@index\(\[authorId\]\)\n  @@map\("posts"\)\n\}/);
  });
});

describe('sorts, loops and estimates', () => {
  test('a big sort over a scanned table suggests an index that filters and orders', () => {
    const raw = plan({
      'Node Type': 'Sort', 'Total Cost': 9000, 'Plan Rows': 50_000, 'Sort Key': ['t0.published_at DESC'],
      Plans: [seqScan('(author_id = $1)', { 'Plan Rows': 50_000, 'Parent Relationship': 'Outer' })],
    });
    const { highlights, suggestions } = adviceFor(raw);
    assert.deepEqual(highlights.map((highlight) => highlight.kind), ['big-sort', 'seq-scan']);
    assert.equal(highlights[0]!.message, 'Sorts 50,000 rows by t0.published_at DESC: no index delivers them in this order.');
    assert.deepEqual(suggestions.map((suggestion) => suggestion.indexText), ['@@index([authorId, publishedAt])'], 'the index that filters and orders also serves the filter alone; it is read backwards for DESC');
    assert.equal(suggestions[0]!.createIndexSql, 'CREATE INDEX ON "public"."posts" ("author_id", "published_at")');
  });

  test('a sort that mixes directions gets them in the index', () => {
    const raw = plan({
      'Node Type': 'Sort', 'Total Cost': 9000, 'Plan Rows': 50_000, 'Sort Key': ['t0.category_id', 't0.published_at DESC'],
      Plans: [seqScan('(author_id = $1)', { 'Plan Rows': 50_000, 'Parent Relationship': 'Outer' })],
    });
    const [suggestion] = adviceFor(raw).suggestions;
    assert.equal(suggestion!.indexText, '@@index([authorId, categoryId, publishedAt(sort: Desc)])');
    assert.equal(suggestion!.createIndexSql, 'CREATE INDEX ON "public"."posts" ("author_id", "category_id", "published_at" DESC)');
  });

  test('a small sort is not flagged', () => {
    const raw = plan({ 'Node Type': 'Sort', 'Total Cost': 30, 'Plan Rows': 20, 'Sort Key': ['published_at'], Plans: [seqScan(undefined, { 'Plan Rows': 20 })] });
    assert.deepEqual(adviceFor(raw, small), { highlights: [], suggestions: [] });
  });

  test('a nested loop that runs a scan of its inner side thousands of times', () => {
    const raw = plan({
      'Node Type': 'Nested Loop', 'Join Type': 'Inner', 'Total Cost': 1e6, 'Plan Rows': 5000, 'Actual Rows': 5000, 'Actual Loops': 1, 'Actual Total Time': 900,
      Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'users', 'Parent Relationship': 'Outer', 'Total Cost': 100, 'Plan Rows': 5000, 'Actual Rows': 5000, 'Actual Loops': 1, 'Actual Total Time': 5 },
        seqScan('(author_id = u.id)', { 'Parent Relationship': 'Inner', 'Plan Rows': 1, 'Actual Rows': 1, 'Actual Loops': 5000, 'Actual Total Time': 0.17 }),
      ],
    }, { 'Execution Time': 900 });
    const { highlights, suggestions } = adviceFor(raw, small);
    assert.deepEqual(highlights.map((highlight) => [highlight.kind, highlight.nodeId]), [['many-loops', 0], ['seq-scan', 2]]);
    assert.equal(highlights[0]!.message, 'Nested loop runs its inner side (Seq Scan on posts) 5,000 times, scanning the table each time.');
    assert.deepEqual(suggestions.map((suggestion) => suggestion.indexText), ['@@index([authorId])']);
  });

  test('a nested loop over an index lookup a few times is fine', () => {
    const raw = plan({
      'Node Type': 'Nested Loop', 'Total Cost': 50, 'Plan Rows': 10,
      Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'users', 'Parent Relationship': 'Outer', 'Total Cost': 10, 'Plan Rows': 10 },
        { 'Node Type': 'Index Scan', 'Relation Name': 'posts', 'Index Name': 'posts_pkey', 'Parent Relationship': 'Inner', 'Total Cost': 4, 'Plan Rows': 1, 'Index Cond': '(id = u.id)' },
      ],
    });
    assert.deepEqual(adviceFor(raw, small), { highlights: [], suggestions: [] });
  });

  test('an estimate far off the actual rows is flagged; a close one is not', () => {
    const off = plan({ 'Node Type': 'Index Scan', 'Relation Name': 'posts', 'Index Name': 'posts_category_id_idx', 'Total Cost': 8, 'Plan Rows': 5, 'Actual Rows': 40_000, 'Actual Loops': 1, 'Actual Total Time': 30 });
    const { highlights } = adviceFor(off);
    assert.deepEqual(highlights.map((highlight) => highlight.kind), ['estimate-off']);
    assert.match(highlights[0]!.message, /^Estimated 5 rows, got 40,000 \(8000× more\)/);
    const close = plan({ 'Node Type': 'Index Scan', 'Relation Name': 'posts', 'Total Cost': 8, 'Plan Rows': 90, 'Actual Rows': 120, 'Actual Loops': 1, 'Actual Total Time': 1 });
    assert.deepEqual(adviceFor(close).highlights, []);
  });
});

describe('the plan tree', () => {
  test('self cost and share subtract the children; time share uses all loops', () => {
    const tree = toPlanTree(plan({
      'Node Type': 'Hash Join', 'Total Cost': 100, 'Plan Rows': 10, 'Actual Total Time': 10, 'Actual Loops': 1, 'Actual Rows': 10, 'Hash Cond': '(p.author_id = u.id)',
      Plans: [
        { 'Node Type': 'Seq Scan', 'Relation Name': 'posts', 'Total Cost': 60, 'Plan Rows': 10, 'Actual Total Time': 2, 'Actual Loops': 2, 'Actual Rows': 5 },
        { 'Node Type': 'Hash', 'Total Cost': 30, 'Plan Rows': 10, 'Actual Total Time': 1, 'Actual Loops': 1, 'Actual Rows': 10, Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'users', 'Total Cost': 25, 'Plan Rows': 10, 'Actual Total Time': 1, 'Actual Loops': 1, 'Actual Rows': 10 }] },
      ],
    }, { 'Execution Time': 10.5, 'Planning Time': 0.2 }));
    assert.deepEqual(tree.nodes.map((node) => [node.id, node.parentId, node.depth, node.nodeType, node.selfCost]), [
      [0, undefined, 0, 'Hash Join', 10],
      [1, 0, 1, 'Seq Scan', 60],
      [2, 0, 1, 'Hash', 5],
      [3, 2, 2, 'Seq Scan', 25],
    ]);
    assert.deepEqual(tree.nodes.map((node) => node.selfTimeMs), [5, 4, 0, 1]);
    assert.equal(tree.nodes[1]!.timeShare, 0.4);
    assert.equal(tree.nodes[0]!.costShare, 0.1);
    assert.deepEqual(tree.nodes[0]!.conditions, [{ label: 'Hash Cond', text: '(p.author_id = u.id)' }]);
    assert.equal(tree.analyzed, true);
    assert.equal(tree.executionMs, 10.5);
  });
});
