/**
 * EXPLAIN never changes the database it is pointed at, whatever the workspace holds: hostile raw
 * SQL (a second statement after COMMIT, DROP, TRUNCATE, DO blocks), hostile `@map` names that
 * Prisma's compiler writes into its SQL unescaped, hostile values, advisory locks and session
 * settings, and confirmed writes under ANALYZE. Each probe runs against a real PostgreSQL 15 (the
 * built CLI as a whole process, and the library the server uses on a kept connection); afterwards
 * every table's checksum, every sequence, lock, large object and setting is what it was.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'pg';
import { ExplainDatabases } from '../../server/src/explain/database-choice';
import { explainStatement } from '../../server/src/explain/plan';
import { checkStatement, loadStatementGuard } from '../../server/src/explain/statement-guard';
import type { ExplainResult } from '../../server/src/lsp/explain';
import { LspTestClient } from '../server/lspClient';
import { postgres15Available, startPasswordPostgres, TEST_PASSWORD, type PasswordPostgres } from './plan-postgres-server';

const repoRoot = resolve(__dirname, '../..');
const CLI = join(repoRoot, 'dist', 'cli.js');
const skip = postgres15Available() ? false : 'PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin)';

const DDL = `
create table "Item" (id serial primary key, name text not null);
create table "Comment" (id serial primary key, body text not null, "itemId" int not null references "Item"(id));
create table "Victim" (id serial primary key, note text not null);
create table "Token" (id uuid primary key, value text not null);
create table "Audited" (id uuid primary key, note text not null);
create table "AuditLog" (id serial primary key, what text not null);
create function audit() returns trigger language plpgsql as $$ begin insert into "AuditLog"(what) values ('x'); return new; end $$;
create trigger audited after delete on "Audited" for each row execute function audit();
create function lens_test_write() returns int language sql as $$ insert into "Victim"(note) values ('written') returning id $$;
insert into "Item"(name) select 'item ' || g from generate_series(1, 50) g;
insert into "Comment"(body, "itemId") select 'comment ' || g, 1 + g % 50 from generate_series(1, 200) g;
insert into "Victim"(note) select 'victim ' || g from generate_series(1, 20) g;
insert into "Token"(id, value) select md5(g::text)::uuid, 'token ' || g from generate_series(1, 10) g;
insert into "Audited"(id, note) select md5('a' || g)::uuid, 'audited ' || g from generate_series(1, 10) g;
analyze;
`;

const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

model Item {
  id       Int       @id @default(autoincrement())
  name     String
  comments Comment[]
}

model Comment {
  id     Int    @id @default(autoincrement())
  body   String
  itemId Int
  item   Item   @relation(fields: [itemId], references: [id])
}

model Victim {
  id   Int    @id @default(autoincrement())
  note String
}

model Token {
  id    String @id @default(uuid()) @db.Uuid
  value String
}
`;

/** The same tables, with names that end Prisma's quoted identifiers and append statements. */
const HOSTILE_SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Item {
  id   Int    @id @default(autoincrement()) @map("id\\" FROM \\"public\\".\\"Item\\" WHERE false; COMMIT; DELETE FROM \\"Victim\\"; --")
  name String
}

model Victim {
  id   Int    @id @default(autoincrement())
  note String
  @@map("Victim\\"; COMMIT; TRUNCATE \\"Comment\\"; --")
}
`;

/** One probe a line, so that `explain file:LINE` picks each. */
const PROBES = [
  "import { Prisma, PrismaClient } from '@prisma/client';",
  'const prisma = new PrismaClient();',
  'export const a = () => prisma.$queryRawUnsafe(\'SELECT 1; COMMIT; DELETE FROM "Comment"\');',
  'export const b = () => prisma.$executeRawUnsafe(\'TRUNCATE "Comment"\');',
  'export const c = () => prisma.$queryRaw`DROP TABLE "Victim"`;',
  'export const d = () => prisma.$queryRaw`SELECT 1; COMMIT; DROP TABLE "Victim"`;',
  'export const e = () => prisma.$executeRawUnsafe(\'DO $$ BEGIN DELETE FROM "Comment"; END $$\');',
  "export const f = () => prisma.$queryRawUnsafe('SELECT pg_advisory_lock(72707369)');",
  "export const g = () => prisma.$queryRawUnsafe(\"SELECT set_config('default_transaction_read_only', 'off', false)\");",
  'export const h = () => prisma.$queryRawUnsafe(\'SELECT * INTO "Copy" FROM "Item"\');',
  'export const i = () => prisma.$executeRawUnsafe(\'COPY "Item" TO PROGRAM \\\'touch /tmp/prisma-lens-pwned\\\'\');',
  'export const j = () => prisma.$queryRawUnsafe(\'WITH gone AS (DELETE FROM "Comment" RETURNING id) SELECT count(*) FROM gone\');',
  'export const k = () => prisma.$queryRawUnsafe(\'SELECT * FROM "Item" WHERE name = $1\', "x\'); COMMIT; DELETE FROM \\"Victim\\"; --");',
  'export const l = () => prisma.item.findMany({ where: { name: "\\\\\'; COMMIT; DELETE FROM \\"Victim\\"; --" } });',
  "export const m = () => prisma.$queryRawUnsafe(\"SELECT nextval('\\\"Item_id_seq\\\"')\");",
  "export const n = () => prisma.$queryRawUnsafe('SELECT pg_terminate_backend(pid) FROM pg_stat_activity');",
  "export const o = () => prisma.$queryRawUnsafe(\"SELECT lo_import('/etc/hostname')\");",
  'export const p = () => prisma.$queryRaw`SELECT 1 ${Prisma.raw(\'; COMMIT; DELETE FROM "Victim"\')}`;',
  "export const q = () => prisma.$queryRawUnsafe('SELECT lens_test_write()');",
];
const lineOf = (name: string): number => PROBES.findIndex((line) => line.startsWith(`export const ${name} =`)) + 1;

interface Fingerprint {
  relations: string[];
  checksums: Record<string, string>;
  sequences: Record<string, string | null>;
  advisoryLocks: number;
  largeObjects: number;
  roleSettings: number;
  preparedTransactions: number;
  openTransactions: number;
}

async function fingerprint(admin: Client): Promise<Fingerprint> {
  const relations = (await admin.query<{ name: string }>(`select relkind::text || ':' || relname as name from pg_class where relnamespace = 'public'::regnamespace order by 1`)).rows.map((row) => row.name);
  const checksums: Record<string, string> = {};
  for (const table of (await admin.query<{ name: string }>(`select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`)).rows) {
    const [row] = (await admin.query<{ sum: string }>(`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) || ':' || count(*) as sum from "${table.name.replace(/"/g, '""')}" t`)).rows;
    checksums[table.name] = row!.sum;
  }
  const sequences: Record<string, string | null> = {};
  for (const row of (await admin.query<{ name: string; value: string | null }>(`select sequencename as name, last_value::text as value from pg_sequences order by 1`)).rows) sequences[row.name] = row.value;
  const count = async (sql: string): Promise<number> => Number((await admin.query<{ n: string }>(sql)).rows[0]!.n);
  return {
    relations,
    checksums,
    sequences,
    advisoryLocks: await count(`select count(*) as n from pg_locks where locktype = 'advisory'`),
    largeObjects: await count('select count(*) as n from pg_largeobject_metadata'),
    roleSettings: await count('select count(*) as n from pg_db_role_setting'),
    preparedTransactions: await count('select count(*) as n from pg_prepared_xacts'),
    openTransactions: await count(`select count(*) as n from pg_stat_activity where application_name = 'prisma-lens-explain' and state like 'idle in transaction%'`),
  };
}

describe('EXPLAIN leaves the database as it found it', { skip }, () => {
  let server: PasswordPostgres;
  let admin: Client;
  let project: string;
  let hostile: string;
  let baseline: Fingerprint;

  const explain = (cwd: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, 'explain', ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: '', PRISMA_LENS_CACHE_DIR: join(cwd, '..', 'cache') },
      timeout: 120_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  before(async () => {
    server = await startPasswordPostgres();
    const { Client: PgClient } = createRequire(join(repoRoot, 'package.json'))('pg') as typeof import('pg');
    admin = new PgClient({ connectionString: server.tcpUrl });
    await admin.connect();
    await admin.query(DDL);
    baseline = await fingerprint(admin);
    const root = mkdtempSync(join(tmpdir(), 'prisma-lens-safety-'));
    project = join(root, 'app');
    hostile = join(root, 'hostile');
    for (const [folder, schema] of [[project, SCHEMA], [hostile, HOSTILE_SCHEMA]] as const) {
      mkdirSync(join(folder, 'prisma'), { recursive: true });
      mkdirSync(join(folder, 'src'));
      writeFileSync(join(folder, 'package.json'), '{ "name": "safety", "private": true }\n');
      writeFileSync(join(folder, 'prisma', 'schema.prisma'), schema);
    }
    writeFileSync(join(project, 'src', 'probes.ts'), `${PROBES.join('\n')}\n`);
    writeFileSync(join(hostile, 'src', 'items.ts'), "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport const all = () => prisma.item.findMany();\nexport const victims = () => prisma.victim.findMany();\n");
  });

  after(async () => {
    await admin?.end();
    server?.stop();
    if (project) rmSync(join(project, '..'), { recursive: true, force: true });
  });

  const assertUnchanged = async (probe: string) => {
    assert.deepEqual(await fingerprint(admin), baseline, `${probe} changed the database`);
  };

  test('the CLI refuses every hostile raw statement, says why, and the database is unchanged', async () => {
    const expectations: [string, RegExp][] = [
      ['a', /3 statements/],
      ['b', /not TRUNCATE statements/],
      ['c', /not DROP statements/],
      ['d', /3 statements/],
      ['e', /not DO statements/],
      ['f', /advisory lock/],
      ['g', /set_config\(…, false\)/],
      ['h', /SELECT … INTO/],
      ['i', /not COPY statements/],
      ['m', /moves a sequence/],
      ['n', /pg_terminate_backend/],
      ['o', /lo_import/],
      ['p', /3 statements/],
    ];
    for (const [name, reason] of expectations) {
      const result = explain(project, `src/probes.ts:${lineOf(name)}`, '--database-url', server.tcpUrl, '--format', 'json');
      assert.equal(result.status, 0, `${name}: ${result.stderr}`);
      const report = JSON.parse(result.stdout) as { statements: { plan?: unknown }[] };
      assert.match(result.stderr + result.stdout, reason, `${name}: ${result.stderr}${result.stdout}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(!report.statements[0]?.plan, `${name} got no plan`);
      await assertUnchanged(name);
    }
  });

  test('hostile values and a write inside WITH are planned without running; the database is unchanged', async () => {
    for (const name of ['j', 'k', 'l', 'q']) {
      const result = explain(project, `src/probes.ts:${lineOf(name)}`, '--database-url', server.tcpUrl, '--format', 'json');
      assert.equal(result.status, 0, `${name}: ${result.stderr}`);
      const report = JSON.parse(result.stdout) as { statements: { plan: unknown }[] };
      assert.ok(report.statements[0]?.plan, `${name}: a plan (${result.stderr})`);
      await assertUnchanged(name);
    }
  });

  test('a schema whose @map and @@map names break out of quoted identifiers is refused before any SQL is sent', async () => {
    for (const line of [3, 4]) {
      const result = explain(hostile, `src/items.ts:${line}`, '--database-url', server.tcpUrl);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /to a name with a double quote, which Prisma's SQL does not escape/);
      await assertUnchanged(`hostile map, line ${line}`);
    }
  });

  test('the password never appears in what the CLI prints, even when the login fails', () => {
    const wrong = server.tcpUrl.replace(TEST_PASSWORD, 'hunter2-secret');
    const result = explain(project, `src/probes.ts:${lineOf('k')}`, '--database-url', wrong, '--rows', '10');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr + result.stdout, /password for postgres@127\.0\.0\.1:\d+\/postgres was rejected/);
    assert.doesNotMatch(result.stderr + result.stdout, /hunter2-secret|lens-secret/);
  });

  test('a malformed URL from the flag or from .env is named with where it came from, and the embedded database answers', () => {
    const flagged = explain(project, `src/probes.ts:${lineOf('k')}`, '--database-url', 'postgres://pg%ZZ:pw@127.0.0.1:1/db', '--rows', '10');
    assert.equal(flagged.status, 0, flagged.stderr);
    assert.match(flagged.stderr + flagged.stdout, /Could not use your database \(the --database-url flag\): the database URL's user name holds a malformed %-escape/);
    assert.match(flagged.stderr + flagged.stdout, /embedded PostgreSQL/);
    assert.doesNotMatch(flagged.stderr + flagged.stdout, /URIError|\n\s+at |pw@/);
    writeFileSync(join(project, '.env'), '# local settings\nDATABASE_URL="postgres://user:secret@127.0.0.1:1/d%ZZ"\n');
    try {
      const fromFile = explain(project, `src/probes.ts:${lineOf('k')}`, '--rows', '10');
      assert.equal(fromFile.status, 0, fromFile.stderr);
      assert.match(fromFile.stderr + fromFile.stdout, /Could not use your database \(DATABASE_URL in \.env, line 2\): the database URL's database name holds a malformed %-escape/);
      assert.doesNotMatch(fromFile.stderr + fromFile.stdout, /secret/);
    } finally {
      rmSync(join(project, '.env'));
    }
  });

  test('the language server refuses the same probes from the panel, for calls and for selected SQL', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize(project, { pull: true });
      const uri = pathToFileURL(join(project, 'src', 'probes.ts')).toString();
      await client.open(uri, `${PROBES.join('\n')}\n`, 'typescript');
      const settings = { databaseUrl: server.tcpUrl };
      for (const name of ['a', 'b', 'd', 'e', 'f', 'p']) {
        const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri, position: { line: lineOf(name) - 1, character: 30 }, settings, analyze: true, writeConfirmed: true });
        assert.equal(result.database?.kind, 'postgres', `${name}: ${result.error ?? ''}`);
        assert.equal(result.statements[0]?.status, 'not-explainable', `${name}: ${JSON.stringify(result.statements[0] ?? result.error)}`);
        await assertUnchanged(`panel ${name}`);
      }
      for (const sql of ['SELECT 1; COMMIT; DELETE FROM "Comment"', 'TRUNCATE "Comment"', 'DO $$ BEGIN DELETE FROM "Comment"; END $$', 'SELECT pg_advisory_lock(72707369)']) {
        const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri, position: { line: 0, character: 0 }, sql, settings, analyze: true, writeConfirmed: true });
        assert.ok(result.error, `${sql} is refused`);
        await assertUnchanged(`selected ${sql}`);
      }
    } finally {
      await client.close();
    }
  });

  describe('on a connection kept open, as the language server keeps it', () => {
    let databases: ExplainDatabases;
    const request = () => ({ url: { url: server.tcpUrl, source: 'test' }, rowsPerTable: 10, ddl: async () => ({ error: 'no embedded database in this test' }) });
    const run = <T>(work: Parameters<ExplainDatabases['run']>[2]) => databases.run(request(), [], work) as Promise<T>;

    before(async () => {
      await loadStatementGuard();
      databases = new ExplainDatabases();
    });
    after(async () => {
      await databases?.dispose();
    });

    const sessionState = () =>
      run<Record<string, unknown>>(async (session) => {
        const [settings] = await session.query<Record<string, string>>(
          `select current_setting('statement_timeout') as statement_timeout, current_setting('default_transaction_read_only') as read_only,
                  current_setting('search_path') as search_path, current_setting('lock_timeout') as lock_timeout,
                  (select count(*) from pg_prepared_statements)::text as prepared, (select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid())::text as locks,
                  txid_current_if_assigned() is null as no_transaction`,
        );
        return settings!;
      });

    test('a request with a malformed URL does not spoil the next one with a good URL', async () => {
      const broken = { url: { url: 'postgres://pg%ZZ:pw@127.0.0.1:1/db', source: 'the prismaLens.explain.databaseUrl setting' }, rowsPerTable: 10, ddl: async () => ({ error: 'no embedded database in this test' }) };
      await assert.rejects(databases.run(broken, [], async () => 'unreachable'), /the embedded database cannot be set up/);
      const state = await sessionState();
      assert.equal(state.statement_timeout, '0');
    });

    test('ANALYZE of confirmed writes runs them and rolls them back; session settings and locks are as before', async () => {
      const before = await sessionState();
      const statements = [
        { sql: 'DELETE FROM "Comment" WHERE id > $1', params: [0] },
        { sql: 'UPDATE "Victim" SET note = $1', params: ["'; DROP TABLE \"Item\"; --"] },
        { sql: 'INSERT INTO "Token"(id, value) VALUES (gen_random_uuid(), $1)', params: ['new'] },
        { sql: 'WITH gone AS (DELETE FROM "Victim" RETURNING id) SELECT count(*) FROM gone', params: [] },
      ];
      for (const statement of statements) {
        const outcome = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, statement, { analyze: true, writeConfirmed: true }));
        assert.equal(outcome.kind, 'plan', `${statement.sql}: ${JSON.stringify(outcome)}`);
        assert.ok(outcome.kind === 'plan' && outcome.analyzed);
        await assertUnchanged(statement.sql);
      }
      assert.deepEqual(await sessionState(), before);
    });

    test('ANALYZE of a write that would advance a sequence or fire a trigger is refused on the user database', async () => {
      const insert = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, { sql: 'INSERT INTO "Victim"(note) VALUES ($1)', params: ['x'] }, { analyze: true, writeConfirmed: true }));
      assert.equal(insert.kind, 'not-explainable');
      assert.match(insert.kind === 'not-explainable' ? insert.reason : '', /advance the sequence of "Victim\.id"/);
      const triggered = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, { sql: 'DELETE FROM "Audited"', params: [] }, { analyze: true, writeConfirmed: true }));
      assert.equal(triggered.kind, 'not-explainable');
      assert.match(triggered.kind === 'not-explainable' ? triggered.reason : '', /fire the trigger "audited"/);
      // Without ANALYZE nothing runs, so both are planned.
      const planned = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, { sql: 'INSERT INTO "Victim"(note) VALUES ($1)', params: ['x'] }));
      assert.equal(planned.kind, 'plan');
      await assertUnchanged('refused writes');
    });

    test('an analysed read runs READ ONLY: a function that writes fails, and the table is unchanged', async () => {
      const outcome = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, { sql: 'SELECT lens_test_write()', params: [] }, { analyze: true }));
      assert.equal(outcome.kind, 'error');
      assert.match(outcome.kind === 'error' ? outcome.message : '', /read-only transaction/);
      await assertUnchanged('lens_test_write');
    });

    test('hostile values under ANALYZE stay values: quotes and backslashes never end the literal', async () => {
      for (const value of ["x'); COMMIT; DELETE FROM \"Victim\"; --", "\\'; COMMIT; DELETE FROM \"Victim\"; --", 'a\\', "'", '$$; COMMIT; $$']) {
        const outcome = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, { sql: 'SELECT * FROM "Item" WHERE name = $1', params: [value] }, { analyze: true }));
        assert.equal(outcome.kind, 'plan', `${value}: ${JSON.stringify(outcome)}`);
        await assertUnchanged(value);
      }
      const arrays = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, { sql: 'SELECT * FROM "Item" WHERE name = ANY($1)', params: [["a\"'}; DELETE FROM \"Victim\"", 'b\\']] }, { analyze: true }));
      assert.equal(arrays.kind, 'plan', JSON.stringify(arrays));
      await assertUnchanged('array values');
    });

    test('advisory locks, session settings and functions reaching outside the transaction are refused, and the connection stays clean', async () => {
      const before = await sessionState();
      for (const sql of [
        'SELECT pg_advisory_lock(72707369)',
        'SELECT pg_try_advisory_lock(1, 2)',
        "SELECT set_config('statement_timeout', '1', false)",
        "SELECT pg_catalog.set_config('search_path', 'evil', $1)",
        "SELECT dblink_exec('dbname=postgres', 'DROP TABLE \"Victim\"')",
        "SELECT query_to_xml('DELETE FROM \"Victim\"', true, true, '')",
        'SELECT pg_reload_conf()',
      ]) {
        const outcome = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, { sql, params: [] }, { analyze: true, writeConfirmed: true }));
        assert.equal(outcome.kind, 'not-explainable', `${sql}: ${JSON.stringify(outcome)}`);
      }
      // set_config(…, true) stays inside the rolled-back transaction: allowed, and gone afterwards.
      const local = await run<Awaited<ReturnType<typeof explainStatement>>>((session) => explainStatement(session, { sql: "SELECT set_config('statement_timeout', '1234', true)", params: [] }, { analyze: true }));
      assert.equal(local.kind, 'plan', JSON.stringify(local));
      assert.deepEqual(await sessionState(), before);
      await assertUnchanged('refused functions');
    });
  });

  test('the guard reads statements as PostgreSQL does', async () => {
    await loadStatementGuard();
    const ok = (sql: string) => checkStatement(sql).ok;
    assert.equal(ok('SELECT \'a; DROP TABLE x\' AS "b; DELETE"'), true, 'semicolons inside literals and identifiers');
    assert.equal(ok('SELECT 1 -- ; DROP TABLE x'), true, 'a comment');
    assert.equal(ok('SELECT 1;'), true, 'one trailing semicolon');
    assert.equal(ok('SELECT 1; ;'), true, 'empty statements are not statements');
    assert.equal(ok('SELECT 1 /* */; DROP TABLE x'), false);
    assert.equal(ok('SELECT $tag$ ; $tag$; DROP TABLE x'), false);
    assert.equal(ok('BEGIN; SELECT 1'), false);
    assert.equal(ok('EXPLAIN ANALYZE DELETE FROM x'), false);
    assert.equal(ok('CREATE TABLE x (id int)'), false);
    assert.equal(ok('PREPARE TRANSACTION \'x\''), false);
    assert.equal(ok('SELECT pg_advisory_xact_lock(1)'), true, 'a transaction-level lock ends with the rollback');
    const write = checkStatement('SELECT * FROM "Item" FOR UPDATE');
    assert.ok(write.ok && write.isWrite, 'FOR UPDATE locks rows: it needs the confirmation a write needs');
  });
});
