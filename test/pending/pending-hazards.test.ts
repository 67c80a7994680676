/**
 * Pending changes at the schema line: the fixture history (two migrations Prisma's engine wrote) is
 * replayed in PGlite, the schema below carries one pending edit of each kind, and Prisma's real
 * schema engine computes the next migration, whose hazards must land on the lines the markers show.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSqlParser } from '../../server/src/analysis/migrations/lint';
import { pendingFindings } from '../../server/src/analysis/pending/schema-hazards';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { diff, disposeSchemaEngine, schemaFromMigrations, SchemaEngineError } from '../../server/src/engines/schema-engine';
import { applyEdits } from '../support/fixture';
import { assertMarkers, fixtureMigrations, parseFixture } from './support';

let baselineText = '';

before(async () => {
  baselineText = await schemaFromMigrations(fixtureMigrations());
  await loadSqlParser();
});

after(() => disposeSchemaEngine());

async function pendingOf(fixture: string) {
  const parsed = parseFixture(fixture);
  const sql = await diff({ kind: 'schema', files: [{ path: 'migrations.prisma', text: baselineText }] }, parsed.files.map((file) => ({ path: file.uri, text: file.text })));
  const result = pendingFindings({ schema: buildSchema(parsed.files), baseline: buildSchema([{ uri: 'baseline:migrations.prisma', text: baselineText }]), sql });
  assert.deepEqual(result.errors, []);
  return { parsed, sql, result };
}

const EVERY_KIND = `
datasource db {
//         ^^ warning: Deletes all rows of "Category"
//         ^^ warning: Deletes all rows of "Comment"
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
//    ^^^^ warning: Deletes the data of "bio" in "User"
  id       Int     @id @default(autoincrement())
  email    String  @unique
  name     String
  role     String
//^^^^ error: Migration fails if "User" has any rows: required column "role" is added without a default
  nickname String?
  posts    Post[]
}

model Post {
  id        Int     @id @default(autoincrement())
  title     String  @unique
//                  ^^^^^^^ warning: Inserts, updates and deletes on "Post" wait until "Post_title_key" is built
  subtitle  String
//^^^^^^^^ warning: Reads and writes on "Post" wait while SET NOT NULL on "subtitle"
  authorId  Int
  author    User    @relation(fields: [authorId], references: [id])
  views     BigInt  @default(0)
//          ^^^^^^ warning: Reads and writes on "Post" wait while changing "views" to BIGINT
  published Boolean @default(false)
}

model Tag {
//    ^^^ warning: Deletes the data of "label" in "Tag"
  id   Int    @id @default(autoincrement())
  name String
//^^^^ error: Migration fails if "Tag" has any rows: required column "name" is added without a default
//^^^^ warning: "Tag.name" looks like "label" renamed
}

model Topic {
//    ^^^^^ warning: model "Topic" looks like "Category" renamed
  id   Int    @id @default(autoincrement())
  slug String
}

model Audit {
  id Int      @id
  at DateTime
}
`;

describe('pending migration hazards at the schema line', () => {
  it('reports each pending edit at the field, attribute or model that causes it', async () => {
    const { parsed, result } = await pendingOf(EVERY_KIND);
    assertMarkers(parsed, result.findings);
  });

  it('stays quiet for edits that are safe on tables with rows', async () => {
    const { parsed, sql, result } = await pendingOf(`
datasource db {
  provider = "postgresql"
}

model User {
  id       Int      @id @default(autoincrement())
  email    String   @unique
  fullName String   @map("name")
  bio      String?
  nickname String?
  active   Boolean  @default(true)
  joined   DateTime @default(now())
  posts    Post[]
}

model Post {
  id        Int       @id @default(autoincrement())
  title     String
  subtitle  String?
  authorId  Int
  author    User      @relation(fields: [authorId], references: [id])
  comments  Comment[]
  views     Int       @default(0)
  rank      Int       @default(0)
}

model Comment {
  id     Int    @id @default(autoincrement())
  body   String
  postId Int
  post   Post   @relation(fields: [postId], references: [id])
}

model Tag {
  id    Int    @id @default(autoincrement())
  label String
}

model Category {
  id   Int    @id @default(autoincrement())
  slug String
}

model Audit {
  id    Int      @id
  at    DateTime
  actor String
}
`);
    // The edits are real (new columns, a new table), they are just safe.
    assert.match(sql, /ADD COLUMN\s+"nickname" TEXT/);
    assert.match(sql, /CREATE TABLE "Audit"/);
    assertMarkers(parsed, result.findings);
  });

  it('reports nothing when the schema matches the migrations', async () => {
    const { sql, result } = await pendingOf(baselineText.replace('datasource db {', 'datasource db {\n  url = env("DATABASE_URL")'));
    assert.equal(sql, '');
    assert.deepEqual(result.findings, []);
  });

  it('offers "make it optional" and "add a default" for a new required field, neither applied in bulk', async () => {
    const { parsed, result } = await pendingOf(EVERY_KIND);
    const role = result.findings.find((finding) => finding.ruleId === 'adding-required-field' && finding.message.includes('"role"'))!;
    const text = parsed.files[0]!.text;
    const fixes = Object.fromEntries((role.fixes ?? []).map((fix) => [fix.title, fix]));
    assert.deepEqual(Object.keys(fixes).sort(), ['Add @default("") to User.role', 'Make User.role optional (String?)']);
    assert.ok(Object.values(fixes).every((fix) => fix.applicability === 'unsafe'));
    const lineOf = (fixed: string) => fixed.split('\n').find((line) => line.trimStart().startsWith('role'));
    assert.equal(lineOf(applyEdits(text, fixes['Make User.role optional (String?)']!.edits)), '  role     String?');
    assert.equal(lineOf(applyEdits(text, fixes['Add @default("") to User.role']!.edits)), '  role     String @default("")');
  });

  it('diffs from the introspected baseline exactly as Prisma diffs from the migrations themselves', async () => {
    const { parsed, sql } = await pendingOf(EVERY_KIND);
    const viaShadowDatabase = await diff({ kind: 'migrations', migrations: fixtureMigrations() }, parsed.files.map((file) => ({ path: file.uri, text: file.text })));
    assert.ok(sql.length > 0);
    assert.equal(sql, viaShadowDatabase);
  });

  it('rejects a half-typed schema with the engine message, and keeps working afterwards', async () => {
    await assert.rejects(
      diff({ kind: 'schema', files: [{ path: 'migrations.prisma', text: baselineText }] }, [{ path: 'schema.prisma', text: 'datasource db {\n  provider = "postgresql"\n}\nmodel User {\n  id Int @id\n  name Str' }]),
      (error: unknown) => error instanceof SchemaEngineError && error.message.includes('Error validating') && error.message.includes('schema.prisma:6'),
    );
    const { sql } = await pendingOf(baselineText);
    assert.equal(sql, '');
  });

  it('names the migration that does not apply', async () => {
    await assert.rejects(
      schemaFromMigrations([...fixtureMigrations(), { name: '20240301000000_broken', sql: 'ALTER TABLE "Nope" ADD COLUMN "x" INTEGER;' }]),
      (error: unknown) => error instanceof SchemaEngineError && error.message.includes('20240301000000_broken') && error.message.includes('"Nope"'),
    );
  });
});
