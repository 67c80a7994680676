/**
 * The built `prisma-lens check` on broken input: Prisma's own schema errors fail the run at their
 * positions, a folder with no Prisma project is an input error, migration folders named alone are
 * linted without a schema, and bytes that are not UTF-8 are reported where they are.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLEAN_SCHEMA, POSTGRES, removeTempProjects, SCHEMA_WITH_ONE_FINDING, tempProject } from '../workspace/tempProject';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');

interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  endColumn: number;
  message: string;
}

function run(args: readonly string[], cwd: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, PRISMA_LENS_MIGRATIONS_BASE: 'none' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function check(cwd: string, ...paths: string[]): { status: number | null; stderr: string; findings: string[]; raw: JsonFinding[] } {
  const result = run(['check', ...paths, '--format', 'json'], cwd);
  const raw = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
  return { status: result.status, stderr: result.stderr, raw, findings: raw.map((finding) => `${finding.rule} ${finding.file}:${finding.line}:${finding.column}`) };
}

before(() => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
});
after(removeTempProjects);

/** `User` and `Post` are intact: `Post.authorId` (line 13) has no index. Line 14 is left for the broken line. */
function schemaWith(brokenLine: string): string {
  return `${POSTGRES}
model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
${brokenLine}
  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)
}

model Comment {
  id     Int @id
  postId Int
}
`;
}

describe("prisma-lens check: Prisma's own schema errors", () => {
  const cases: [string, string, string, RegExp][] = [
    ['a stray @@@', '  @@@', 'schema-error prisma/schema.prisma:14:3', /not a valid field or attribute definition/],
    ['an unknown type', '  rating   Floot', 'schema-error prisma/schema.prisma:14:12', /Type "Floot" is neither a built-in type/],
    ['an unclosed @relation(', '  comment  Comment @relation(fields: [id], references: [postId]', 'schema-error prisma/schema.prisma:14:3', /not a valid field or attribute definition/],
  ];
  for (const [name, brokenLine, expected, message] of cases) {
    it(`fails on ${name} where Prisma points, and still reports the intact models`, async () => {
      const root = await tempProject({ 'prisma/schema.prisma': schemaWith(brokenLine) });
      const result = check(root);
      assert.equal(result.status, 1, result.stderr);
      assert.equal(result.stderr, '');
      assert.deepEqual(result.findings, ['missing-fk-index prisma/schema.prisma:13:3', expected]);
      const error = result.raw.find((finding) => finding.rule === 'schema-error')!;
      assert.match(error.message, /^Prisma rejects the schema: /);
      assert.match(error.message, message);
    });
  }

  it('counts columns in UTF-16 units after non-ASCII text on the line', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': `${POSTGRES}\nmodel Tag {\n  id    Int    @id\n  label String @default("😀é") @unknown\n}\n` });
    const result = check(root);
    assert.equal(result.status, 1);
    assert.deepEqual(result.raw.map((finding) => [finding.rule, finding.line, finding.column, finding.endColumn]), [['schema-error', 8, 32, 40]]);
  });

  it('accepts the url = env("DATABASE_URL") of a Prisma 5/6 datasource', async () => {
    const root = await tempProject({
      'prisma/schema.prisma': CLEAN_SCHEMA.replace('url      = env("DATABASE_URL")', 'url       = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")'),
    });
    assert.match(CLEAN_SCHEMA, /url {6}= env\("DATABASE_URL"\)/);
    const result = check(root);
    assert.deepEqual(result.findings, []);
    assert.equal(result.status, 0, result.stderr);
  });

  it('reports no schema error when .prismalens.json turns schema-error off', async () => {
    const root = await tempProject({ '.prismalens.json': '{"rules":{"schema-error":"off"}}', 'prisma/schema.prisma': schemaWith('  @@@') });
    const result = check(root);
    assert.deepEqual(result.findings, ['missing-fk-index prisma/schema.prisma:13:3']);
  });

  it('reports the first byte that is not UTF-8 where it is, and reads the rest', async () => {
    const text = Buffer.concat([Buffer.from(schemaWith('  // Café').split('Café')[0]!), Buffer.from([0x43, 0x61, 0x66, 0xe9]), Buffer.from(schemaWith('  // Café').split('Café')[1]!)]);
    const root = await tempProject({ 'prisma/schema.prisma': new Uint8Array(text) });
    const result = check(root);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.findings, ['missing-fk-index prisma/schema.prisma:13:3', 'schema-error prisma/schema.prisma:14:9']);
    assert.match(result.raw[1]!.message, /byte 0xE9 is not valid UTF-8/);
  });
});

describe('prisma-lens check: a path with no Prisma project', () => {
  it('exits 2 for an empty folder, saying where it looked', async () => {
    const root = await tempProject({ 'empty/.keep': '' });
    const result = run(['check', 'empty'], root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^prisma-lens: no Prisma project in empty \(.*empty\): looked there and in its subfolders for prisma\.config\.\*, package\.json "prisma\.schema", schema\.prisma, prisma\/schema\.prisma, prisma\/schema\/ and any other \.prisma file/);
  });

  it('reports the projects it found, names the path without one on stderr, and exits 2', async () => {
    const root = await tempProject({ 'api/prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING, 'web/README.md': '# no schema' });
    const result = check(root, 'api', 'web');
    assert.equal(result.status, 2);
    assert.deepEqual(result.findings, ['missing-fk-index api/prisma/schema.prisma:17:3']);
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1);
    assert.match(result.stderr, /^prisma-lens: no Prisma project in web \(/);
  });
});

describe('prisma-lens check: migration folders named alone', () => {
  const INIT = 'CREATE TABLE "Post" ("id" SERIAL NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\n';
  const ADD_TITLE = 'ALTER TABLE "Post" ADD COLUMN "title" TEXT NOT NULL;\n';
  const DROP_INDEX = 'DROP INDEX "Post_title_idx";\n';
  const files = {
    'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    'prisma/migrations/20260101000000_init/migration.sql': INIT,
    'prisma/migrations/20260102000000_title/migration.sql': ADD_TITLE,
    'prisma/migrations/20260103000000_drop_index/migration.sql': DROP_INDEX,
  };

  it('lints every migration of a migrations folder, without a schema', async () => {
    const root = await tempProject(files);
    const result = check(root, 'prisma/migrations');
    assert.equal(result.status, 1, result.stderr);
    assert.equal(result.stderr, 'prisma-lens: reviewing all 3 migrations: PRISMA_LENS_MIGRATIONS_BASE=none\n');
    assert.deepEqual(result.findings, ['adding-required-field 20260102000000_title/migration.sql:1:31', 'require-concurrent-index-deletion 20260103000000_drop_index/migration.sql:1:1']);
    assert.match(run(['check', 'prisma/migrations'], root).stdout, /\n2 problems \(1 error, 1 warning\) in 3 migration files\n$/);
  });

  it('lints the migration.sql of one migration folder', async () => {
    const root = await tempProject(files);
    const result = check(root, 'prisma/migrations/20260102000000_title');
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.findings, ['adding-required-field migration.sql:1:31']);
  });
});
