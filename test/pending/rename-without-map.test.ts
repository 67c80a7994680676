/** Marker tests for rename-without-map: the baseline is the `//- baseline.prisma` file, the schema being edited is `schema.prisma`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import renameWithoutMap, { type PendingSchemaRuleContext } from '../../server/src/analysis/rules/rename-without-map';
import type { Finding } from '../../server/src/analysis/rules/types';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { applyEdits } from '../support/fixture';
import { assertMarkers, parseFixture } from './support';

function findingsOf(fixture: string) {
  const parsed = parseFixture(fixture);
  const baseline = parsed.files.filter((file) => file.uri.endsWith('baseline.prisma'));
  const current = parsed.files.filter((file) => !file.uri.endsWith('baseline.prisma'));
  const context: PendingSchemaRuleContext = { schema: buildSchema(current), baseline: buildSchema(baseline) };
  const findings: Finding[] = renameWithoutMap.check(context).map((finding) => ({ ...finding, ruleId: renameWithoutMap.id, severity: renameWithoutMap.severity }));
  return { parsed, findings, current };
}

function check(fixture: string): Finding[] {
  const { parsed, findings } = findingsOf(fixture);
  assertMarkers(parsed, findings);
  return findings;
}

const DATASOURCE = `datasource db {
  provider = "postgresql"
}`;

describe('rename-without-map', () => {
  it('flags a column removed and one of the same type added, on the new name', () => {
    check(`
//- baseline.prisma
${DATASOURCE}
model User {
  id   Int    @id
  name String
  age  Int?
}
//- schema.prisma
${DATASOURCE}
model User {
  id       Int    @id
  fullName String
//^^^^^^^^ warning: Prisma Migrate will drop column "name" of "User" with its data: "User.fullName" looks like "name" renamed
  years    Int?
//^^^^^ warning: "User.years" looks like "age" renamed
}
`);
  });

  it('flags a model whose table was removed and re-added with the same columns', () => {
    check(`
//- baseline.prisma
${DATASOURCE}
model Category {
  id   Int    @id
  slug String
}
//- schema.prisma
${DATASOURCE}
model Topic {
//    ^^^^^ warning: Prisma Migrate will drop table "Category" with every row: model "Topic" looks like "Category" renamed
  id   Int    @id
  slug String
}
`);
  });

  it('stays quiet for @map-ed renames, changed types, ambiguous pairs, relation fields and new tables', () => {
    check(`
//- baseline.prisma
${DATASOURCE}
model User {
  id     Int      @id
  name   String
  score  Int
  city   String
  street String
  posts  Post[]
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
model Log {
  id   Int    @id
  text String
}
//- schema.prisma
${DATASOURCE}
model User {
  id       Int      @id
  fullName String   @map("name")
//~~~~~~~~ ok: the column keeps its name
  rating   Float
//~~~~~~ ok: score was an Int, a Float is not the same column
  town     String
  road     String
//~~~~ ok: two String columns removed and two added: which is which cannot be told
  articles Post[]
}
model Post {
  id       Int  @id
  authorId Int
  writer   User @relation(fields: [authorId], references: [id])
//~~~~~~ ok: a relation field is no column
}
model Log {
  id   Int    @id
  text String
}
model Audit {
  id  Int    @id
  msg String
//~~~ ok: a new table with other columns than any removed one
}
`);
  });

  it('does nothing without a baseline (a normal schema analysis)', () => {
    const { current } = findingsOf(`
//- schema.prisma
${DATASOURCE}
model User {
  id Int @id
}
`);
    assert.deepEqual(renameWithoutMap.check({ schema: buildSchema(current) }), []);
  });

  it('fixes a field with @map("old_column"), before a trailing comment', () => {
    const { findings, current } = findingsOf(`
//- baseline.prisma
${DATASOURCE}
model User {
  id   Int    @id
  name String @db.VarChar(200)
}
//- schema.prisma
${DATASOURCE}
model User {
  id       Int    @id
  fullName String @db.VarChar(200) // shown on invoices
}
`);
    assert.equal(findings.length, 1);
    const fix = findings[0]!.fixes![0]!;
    assert.equal(fix.applicability, 'safe');
    assert.match(applyEdits(current[0]!.text, fix.edits), /\n {2}fullName String @db\.VarChar\(200\) @map\("name"\) \/\/ shown on invoices\n/);
  });

  it('fixes a model with @@map("OldTable") as its last line', () => {
    const { findings, current } = findingsOf(`
//- baseline.prisma
${DATASOURCE}
model Category {
  id   Int    @id
  slug String
}
//- schema.prisma
${DATASOURCE}
model Topic {
  id   Int    @id
  slug String
}
`);
    const fixed = applyEdits(current[0]!.text, findings[0]!.fixes![0]!.edits);
    assert.equal(fixed.slice(fixed.indexOf('model Topic')).trimEnd(), 'model Topic {\n  id   Int    @id\n  slug String\n  @@map("Category")\n}');
    // Once mapped, the model is the old table: nothing to report.
    assert.deepEqual(renameWithoutMap.check({ schema: buildSchema([{ uri: current[0]!.uri, text: fixed }]), baseline: buildSchema([{ uri: 'b', text: `${DATASOURCE}\nmodel Category {\n  id   Int    @id\n  slug String\n}` }]) } as PendingSchemaRuleContext), []);
  });
});
