/**
 * One index per query: the `unindexed-query` rule (reading the code) and the EXPLAIN advice (reading
 * the plan PostgreSQL makes for the same query) propose the same `@@index([…])`, with directions
 * only for a sort that mixes them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { proposeIndex } from '../../server/src/analysis/facts/index-proposal';
import rule from '../../server/src/analysis/rules/unindexed-query';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { advise } from '../../server/src/explain/advice';
import type { RawPlanNode } from '../../server/src/explain/plan';
import { toPlanTree } from '../../server/src/explain/plan-tree';
import { check, findingsOf, parseFixture } from '../support/fixture';

const SCHEMA = `datasource db {
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

const schema = buildSchema([{ uri: 'file:///fixture/schema.prisma', text: SCHEMA }]);
const LARGE = new Map([['public.posts', 100_000], ['posts', 100_000]]);

/** The plan PostgreSQL makes for `… WHERE <filter> ORDER BY <sortKey> LIMIT $n` on a table with no usable index. */
function sortedScanPlan(filter: string, sortKey: string[], sortedRows = 50_000): RawPlanNode {
  return {
    'Node Type': 'Limit', 'Total Cost': 9100, 'Plan Rows': 20,
    Plans: [{
      'Node Type': 'Sort', 'Total Cost': 9000, 'Plan Rows': sortedRows, 'Sort Key': sortKey, 'Parent Relationship': 'Outer',
      Plans: [{ 'Node Type': 'Seq Scan', 'Relation Name': 'posts', Schema: 'public', Alias: 'posts', 'Total Cost': 1887, 'Plan Rows': 50_000, Filter: filter, 'Parent Relationship': 'Outer' }],
    }],
  };
}

function scanPlan(filter: string): RawPlanNode {
  return { 'Node Type': 'Seq Scan', 'Relation Name': 'posts', Schema: 'public', Alias: 'posts', 'Total Cost': 1887, 'Plan Rows': 10, Filter: filter };
}

/** The rule's quick fix for the call, and the panel's suggestion for its plan. */
function bothProposals(call: string, plan: RawPlanNode): { rule: string[]; panel: string[] } {
  const { files } = parseFixture(`//- prisma/schema.prisma\n${SCHEMA}\n//- src/feed.ts\n${call}\n`);
  const fixes = findingsOf(rule, files).flatMap((finding) => finding.fixes ?? []).map((fix) => fix.title.replace(/^Add (.*) to Post$/, '$1'));
  const panel = advise(toPlanTree({ Plan: plan }), { tableRows: LARGE, schema }).suggestions.map((suggestion) => suggestion.indexText);
  return { rule: fixes, panel };
}

describe('the rule and the EXPLAIN advice propose the same index', () => {
  const cases: { name: string; call: string; plan: RawPlanNode; index: string }[] = [
    {
      name: 'a flag and a descending sort (the blog feed): no sort: Desc, the index is read backwards',
      call: "await prisma.post.findMany({ where: { published: true }, orderBy: { publishedAt: 'desc' }, take });",
      plan: sortedScanPlan('(published = $1)', ['posts.published_at DESC']),
      index: '@@index([published, publishedAt])',
    },
    {
      name: 'the same when the sort is too small to flag: the scan under it gets the sorted index',
      call: "await prisma.post.findMany({ where: { published: true }, orderBy: { publishedAt: 'desc' }, take });",
      plan: sortedScanPlan('(published = $1)', ['posts.published_at DESC'], 5_000),
      index: '@@index([published, publishedAt])',
    },
    {
      name: 'the same with the flag as PostgreSQL shows a constant true',
      call: "await prisma.post.findMany({ where: { published: true }, orderBy: { publishedAt: 'desc' }, take: 20 });",
      plan: sortedScanPlan('published', ['posts.published_at DESC']),
      index: '@@index([published, publishedAt])',
    },
    {
      name: 'an equality and a sort that mixes directions: the directions go in the index',
      call: "await prisma.post.findMany({ where: { authorId }, orderBy: [{ categoryId: 'asc' }, { publishedAt: 'desc' }], take: 20 });",
      plan: sortedScanPlan('(author_id = $1)', ['posts.category_id', 'posts.published_at DESC']),
      index: '@@index([authorId, categoryId, publishedAt(sort: Desc)])',
    },
    {
      name: 'a mixed sort written with the object form of a direction',
      call: "await prisma.post.findMany({ where: { published: true }, orderBy: [{ publishedAt: { sort: 'desc', nulls: 'first' } }, { title: 'asc' }], take: 20 });",
      plan: sortedScanPlan('published', ['posts.published_at DESC', 'posts.title']),
      index: '@@index([published, publishedAt(sort: Desc), title])',
    },
    {
      name: 'an equality and a range, no sort',
      call: 'await prisma.post.findMany({ where: { authorId, publishedAt: { gte: since } } });',
      plan: scanPlan('((author_id = $1) AND (published_at >= $2))'),
      index: '@@index([authorId, publishedAt])',
    },
  ];
  for (const { name, call, plan, index } of cases) {
    test(name, () => {
      assert.deepEqual(bothProposals(call, plan), { rule: [index], panel: [index] });
    });
  }

  test("the diagnostic's help names the same index", () => {
    const [finding] = check(rule, `
//- prisma/schema.prisma
${SCHEMA}
//- src/feed.ts
await prisma.post.findMany({ where: { published: true }, orderBy: { publishedAt: 'desc' }, take });
//    ^^^^^^^^^^^^^^^^^^^^ warning: "prisma.post.findMany" sorts it by "publishedAt" to take the first rows
`);
    assert.equal(finding!.help, 'Add "@@index([published, publishedAt])" to model "Post".');
  });
});

describe('proposeIndex', () => {
  const none = { equality: [], flags: [], range: [], sort: [] };

  test('one direction, ascending or descending, needs no sort: Desc', () => {
    assert.equal(proposeIndex({ ...none, sort: [{ name: 'a', descending: true }, { name: 'b', descending: true }] })?.text, '@@index([a, b])');
    assert.equal(proposeIndex({ ...none, sort: [{ name: 'a', descending: false }] })?.text, '@@index([a])');
  });

  test('mixed directions are kept as the query asks for them', () => {
    assert.deepEqual(proposeIndex({ ...none, sort: [{ name: 'a', descending: true }, { name: 'b', descending: false }] })?.fields, [
      { name: 'a', descending: true },
      { name: 'b', descending: false },
    ]);
  });

  test('a sort field an equality fixes is not repeated, and does not count as a direction', () => {
    const proposed = proposeIndex({ ...none, equality: ['a'], sort: [{ name: 'a', descending: false }, { name: 'b', descending: true }] });
    assert.equal(proposed?.text, '@@index([a, b])');
  });

  test('flags lead only an index that sorts or ranges; a sort replaces the range', () => {
    assert.equal(proposeIndex({ ...none, flags: ['published'] }), undefined);
    assert.equal(proposeIndex({ ...none, flags: ['published'], equality: ['title'] })?.text, '@@index([title])');
    assert.equal(proposeIndex({ ...none, flags: ['published'], range: ['at', 'b'] })?.text, '@@index([published, at])');
    assert.equal(proposeIndex({ ...none, range: ['at'], sort: [{ name: 'id', descending: true }] })?.text, '@@index([id])');
  });
});
