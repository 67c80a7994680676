/** `prisma-lens explain <file>:<line>` from the built CLI: SQL and plans against a real PostgreSQL 15 or the embedded database, and clear failures. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SCHEMA, SCHEMA_DDL, SEED } from './sql-equality-cases';
import { postgresAvailable, startPostgres, type TestPostgres } from './sql-postgres';

const repoRoot = resolve(__dirname, '../..');
const CLI = join(repoRoot, 'dist', 'cli.js');

const SOURCE = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function postsOf(authorId: number) {
  return prisma.post.findMany({
    where: { authorId, published: true },
    include: { comments: true },
  });
}

export const total = () => prisma.post.count();
`;

interface ExplainJson {
  statements: { sql: string; params: { name: string; type: string; value?: unknown }[]; plan: { Plan: Record<string, unknown> } | null }[];
  database: { kind: string; label: string; detail: string } | null;
  fallbackReason: string | null;
}

describe('prisma-lens explain', () => {
  let project: string;
  let cacheDir: string;
  let postgres: TestPostgres | undefined;

  const explain = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, 'explain', ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', PRISMA_LENS_CACHE_DIR: cacheDir } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  before(async () => {
    project = mkdtempSync(join(tmpdir(), 'prisma-lens-explain-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'prisma-lens-explain-cache-'));
    mkdirSync(join(project, 'prisma'));
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'package.json'), '{ "name": "explain-test", "private": true }\n');
    writeFileSync(join(project, 'prisma', 'schema.prisma'), SCHEMA);
    writeFileSync(join(project, 'src', 'posts.ts'), SOURCE);
    writeFileSync(join(project, 'src', 'binary.ts'), Buffer.from([0x70, 0x72, 0, 0x69]));
    if (postgresAvailable()) {
      postgres = startPostgres();
      const { Client } = createRequire(join(repoRoot, 'package.json'))('pg') as typeof import('pg');
      const admin = new Client({ connectionString: postgres.url });
      await admin.connect();
      await admin.query(SCHEMA_DDL);
      await admin.query(SEED);
      await admin.end();
    }
  });

  after(() => {
    postgres?.stop();
    if (project) rmSync(project, { recursive: true, force: true });
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  test('prints the statements of the call on a line, as text, with plans from the embedded database', () => {
    const result = explain('src/posts.ts:6', '--rows', '200');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^prisma\.post\.findMany \(src\/posts\.ts:6\): 2 statements\n/);
    assert.match(result.stdout, /\nDatabase: embedded PostgreSQL \(PGlite\), generated data, 200 rows per queried table\n/);
    assert.match(result.stdout, /-- Statement 1 of 2\nSELECT .*\nFROM "public"\."Post"\nWHERE \("public"\."Post"\."authorId" = \$1 AND "public"\."Post"\."published" = \$2\)/);
    assert.match(result.stdout, /\$1 authorId \(Int\), known at run time\n {3}\$2 = true \(Boolean\)/);
    assert.match(result.stdout, /\nplan: \w/);
    assert.equal(result.stderr, '');
  });

  test('JSON with plans from the database given', { skip: postgresAvailable() ? false : 'PostgreSQL 15 binaries not installed' }, () => {
    const result = explain('src/posts.ts:5', '--database-url', postgres!.url, '--format', 'json');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ExplainJson;
    assert.equal(report.statements.length, 2);
    for (const statement of report.statements) {
      assert.ok(statement.plan, `a plan for ${statement.sql}`);
      assert.equal(typeof statement.plan.Plan['Node Type'], 'string');
    }
    assert.deepEqual(report.statements[0]!.params[0], { name: 'authorId', type: 'Int' });
    assert.equal(report.database?.kind, 'postgres');
    assert.match(report.database!.label, /^postgres@localhost:\d+\/postgres \(PostgreSQL 15\.\d+/);
    assert.equal(report.fallbackReason, null);
  });

  test('an unreachable database falls back to the embedded one, and says why', () => {
    const result = explain('src/posts.ts:11', '--database-url', 'postgresql://nobody:wrong@127.0.0.1:1/none', '--format', 'json', '--rows', '50');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ExplainJson;
    assert.match(report.statements[0]!.sql, /^SELECT COUNT\(\*\)/);
    assert.ok(report.statements[0]!.plan, 'a plan from the embedded database');
    assert.equal(report.database?.kind, 'embedded');
    assert.match(report.fallbackReason!, /^Could not use your database \(.+\): .+/);
  });

  test('usage and input errors exit with 2 and one clear line', () => {
    const cases: [string[], RegExp][] = [
      [[], /missing <file>:<line>/],
      [['src/posts.ts'], /'src\/posts\.ts' is not <file>:<line>/],
      [['src/posts.ts:0'], /lines start at 1/],
      [['src/posts.ts:1', '--format', 'sarif'], /unknown format 'sarif' \(expected text or json\)/],
      [['src/posts.ts:5', '--rows', 'many'], /--rows takes a number of rows/],
      [['src/posts.ts:2'], /no Prisma call on src\/posts\.ts:2/],
      [['src/posts.ts:400'], /has 12 lines, not 400/],
      [['src/missing.ts:1'], /file not found: src\/missing\.ts/],
      [['src/binary.ts:1'], /is a binary file/],
    ];
    for (const [args, message] of cases) {
      const result = explain(...args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stdout}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stderr.trim().split('\n').length, 1, args.join(' '));
    }
  });
});
