/** Marker tests for unused-index: indexes no workspace query uses, given the workspace's query facts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import rule from '../../server/src/analysis/rules/unused-index';
import { checkWithQueries } from '../support/fixture';

const checkWithFacts = (fixture: string): void => void checkWithQueries(rule, fixture);

const SCHEMA = `//- prisma/schema.prisma
model User {
  id    Int    @id
  posts Post[]
}
model Post {
  id        Int      @id
  authorId  Int
  author    User     @relation(fields: [authorId], references: [id])
  status    String
  slug      String
  title     String
  kind      String
  score     Int
  postedAt  DateTime
  archived  DateTime
  views     Int
  lang      String

  @@index([authorId])
  @@index([status, postedAt])
  @@index([postedAt])
  @@index([title])
  @@index([kind])
  @@index([score])
  @@index([archived])
  @@index([views])
  @@index([lang])
  @@unique([slug])
}`;

describe('unused-index', () => {
  it('flags indexes whose first column no query filters or sorts on, and only those', () => {
    checkWithFacts(`
${SCHEMA.replace('  @@index([title])', '  @@index([title])\n//^^^^^^^^^^^^^^^^ info: Every write to "Post" maintains "@@index([title])", but no query in the workspace filters or sorts on "title".').replace('  @@index([kind])', '  @@index([kind])\n//^^^^^^^^^^^^^^^ info: on "kind"').replace('  @@index([archived])', '  @@index([archived])\n//^^^^^^^^^^^^^^^^^^^ info: on "archived"').replace('  @@index([views])', '  @@index([views])\n//^^^^^^^^^^^^^^^^ info: on "views"').replace('  @@index([lang])', '  @@index([lang])\n//^^^^^^^^^^^^^^^ info: on "lang"')}
//- src/posts.ts
export async function list(status: string, since: Date) {
  await prisma.post.findMany({ where: { status }, take: 10 });
  await prisma.post.findMany({ orderBy: { postedAt: 'desc' }, take: 10 });
  await prisma.post.count({ where: { OR: [{ score: { gt: 10 } }, { status }] } });
  await prisma.post.findMany({ where: { title: { contains: 'x' } } });
  await prisma.post.findMany({ orderBy: { archived: 'desc' } });
  await prisma.post.update({ where: { id: 1 }, data: { views: 2 }, select: { views: true } });
  await prisma.post.findMany({ where: { NOT: { lang: 'en' } }, take: 5 });
  await prisma.post.findUnique({ where: { slug: 'a' } });
}
`);
  });

  it('reports nothing without workspace facts, and is off by default', () => {
    const files = [{ uri: 'file:///s.prisma', text: 'model Post {\n  id Int @id\n  kind String\n\n  @@index([kind])\n}\n' }];
    assert.equal(analyzeSchema(files, { rules: [rule] }).findings.length, 0);
    assert.equal(analyzeSchema(files, { facts: { queries: [] } }).findings.filter((finding) => finding.ruleId === rule.id).length, 0);
    assert.equal(analyzeSchema(files, { rules: [rule], facts: { queries: [] } }).findings.length, 1);
  });
});
