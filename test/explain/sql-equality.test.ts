/**
 * The SQL Prisma Lens shows for a call equals what @prisma/client (with the pg driver adapter)
 * actually sends to a real PostgreSQL 15 for the same call, captured from the client's query log.
 * Each case is one call written once: Prisma Lens compiles its source text, the generated client
 * runs it with the case's run-time values.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compileAt } from '../../server/src/explain/sql';
import type { CompiledStatements, SqlStatement } from '../../server/src/explain/sql-types';
import { postgresAvailable, startPostgres, type TestPostgres } from './sql-postgres';
import { EQUALITY_CASES, SCHEMA, SCHEMA_DDL, SEED } from './sql-equality-cases';

const repoRoot = resolve(__dirname, '../..');
const requireFromRepo = createRequire(join(repoRoot, 'package.json'));

interface LoggedQuery {
  query: string;
  params: unknown[];
}

interface QueryClient {
  $on(event: 'query', listener: (event: { query: string; params: string }) => void): void;
  $disconnect(): Promise<void>;
}

/** Statements the client sends around the call itself (transaction control), which the call's plan does not list. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION|DEALLOCATE)\b/i;

describe('SQL shown equals the SQL @prisma/client sends', { skip: postgresAvailable() ? false : 'PostgreSQL 15 binaries not installed' }, () => {
  let postgres: TestPostgres | undefined;
  let work: string;
  let prisma: QueryClient & Record<string, unknown>;
  let logged: LoggedQuery[] = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'prisma-lens-client-'));
    postgres = startPostgres();
    writeFileSync(join(work, 'schema.prisma'), SCHEMA);
    // The generator resolves @prisma/client from the project; the repository's node_modules serve.
    symlinkSync(join(repoRoot, 'node_modules'), join(work, 'node_modules'), 'dir');
    mkdirSync(join(work, 'client'));
    // `prisma generate` looks for a native schema engine it never runs for a client; pointing it at
    // an existing file skips the download, which is impossible offline.
    const generate = spawnSync(process.execPath, [requireFromRepo.resolve('prisma/build/index.js'), 'generate', '--schema', join(work, 'schema.prisma')], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    });
    assert.equal(generate.status, 0, `prisma generate failed:\n${generate.stderr}\n${generate.stdout}`);

    const { Client } = requireFromRepo('pg') as typeof import('pg');
    const admin = new Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query(SCHEMA_DDL);
    await admin.query(SEED);
    await admin.end();

    const { PrismaClient } = createRequire(join(work, 'package.json'))('./client') as { PrismaClient: new (options: unknown) => QueryClient & Record<string, unknown> };
    const { PrismaPg } = requireFromRepo('@prisma/adapter-pg') as { PrismaPg: new (options: unknown) => unknown };
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: postgres.url }), log: [{ emit: 'event', level: 'query' }] });
    prisma.$on('query', (event) => logged.push({ query: event.query, params: JSON.parse(event.params) as unknown[] }));
  });

  after(async () => {
    await prisma?.$disconnect();
    postgres?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test(`covers at least 30 calls`, () => {
    assert.ok(EQUALITY_CASES.length >= 30, `${EQUALITY_CASES.length} cases`);
  });

  for (const equalityCase of EQUALITY_CASES) {
    test(equalityCase.name, async () => {
      const source = `const prisma = new PrismaClient();\nexport async function run() {\n  return ${equalityCase.code};\n}\n`;
      const shown = await compileAt({ uri: 'file:///project/src/case.ts', text: source }, source.indexOf('prisma.', source.indexOf('return')) + 1, [
        { path: 'file:///project/schema.prisma', text: SCHEMA },
      ]);
      assert.ok(shown, 'no Prisma call found in the case');
      assert.ok(!('error' in shown), `Prisma Lens could not compile the call: ${'error' in shown ? shown.error : ''}`);

      logged = [];
      const vars = equalityCase.vars ?? {};
      const run = new Function('prisma', ...Object.keys(vars), `return ${equalityCase.code};`) as (...args: unknown[]) => Promise<unknown>;
      await run(prisma, ...Object.values(vars));
      const sent = logged.filter((entry) => !TRANSACTION_CONTROL.test(entry.query));

      const statements = statementsThatRan((shown as CompiledStatements).statements, sent.map((entry) => entry.query));
      assert.deepEqual(
        statements.map((statement) => statement.sql),
        sent.map((entry) => entry.query),
        'the statements differ',
      );
      statements.forEach((statement, index) => assertLiteralParams(statement, sent[index]!.params, index));
    });
  }
});

/**
 * The statements that run on this call's path: every unconditional one, plus those of the one
 * condition (an upsert's update or create path) whose statements match what was sent.
 */
function statementsThatRan(statements: readonly SqlStatement[], sent: readonly string[]): SqlStatement[] {
  const conditions = [...new Set(statements.flatMap((statement) => (statement.when ? [statement.when] : [])))];
  if (conditions.length === 0) return [...statements];
  const paths = conditions.map((condition) => statements.filter((statement) => !statement.when || statement.when === condition));
  return paths.find((path) => path.length === sent.length && path.every((statement, index) => statement.sql === sent[index])) ?? paths[0]!;
}

/** Values the source fixes must be the ones the client sent; run-time ones only need to exist. */
function assertLiteralParams(statement: SqlStatement, sent: readonly unknown[], index: number): void {
  assert.equal(statement.params.length, sent.length, `statement ${index + 1}: ${statement.params.length} parameters shown, ${sent.length} sent`);
  statement.params.forEach((param, position) => {
    if (!('value' in param)) return;
    assert.equal(normalize(param.value), normalize(sent[position]), `statement ${index + 1}, $${position + 1} (${param.type})`);
  });
}

function normalize(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(normalize).join(',')}]`;
  return String(value);
}
