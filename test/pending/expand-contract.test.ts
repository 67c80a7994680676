/**
 * "Create Safe Migration for …": the expand/contract migrations for a new required field, their
 * exact text, their order after the existing history, and the proof that matters: applied in order
 * to a real PostgreSQL 15 holding rows, they keep every row and end with the column NOT NULL; and
 * afterwards Prisma's engine sees nothing left to migrate for that field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { addedColumnType, expandContractMigrations, migrationTimestamp } from '../../server/src/analysis/pending/expand-contract';
import { lintMigrationSql, loadSqlParser } from '../../server/src/analysis/migrations/lint';
import { diff, disposeSchemaEngine, schemaFromMigrations } from '../../server/src/engines/schema-engine';
import { postgres15Available, startPasswordPostgres, type PasswordPostgres } from '../explain/plan-postgres-server';
import { fixtureMigrations } from './support';

const ROLE = { table: 'User', column: 'role', sqlType: 'TEXT', label: 'User.role' };

describe('expand/contract migrations for a new required field', () => {
  it('writes the steps as migrations in Prisma folder format: add nullable, backfill with a TODO, then NOT NULL', () => {
    const plans = expandContractMigrations(ROLE, new Date(Date.UTC(2024, 4, 1, 12, 30, 5)), ['20240101000000_init']);
    assert.deepEqual(plans.map((plan) => plan.name), ['20240501123005_expand_user_role', '20240501123006_backfill_user_role', '20240501123007_check_user_role', '20240501123008_contract_user_role']);
    assert.match(plans[0]!.sql, /^ALTER TABLE "User" ADD COLUMN "role" TEXT;$/m);
    assert.doesNotMatch(plans[0]!.sql, /NOT NULL|DEFAULT/);
    assert.match(plans[1]!.sql, /-- TODO: replace '' with the value existing rows must have/);
    assert.match(plans[1]!.sql, /^UPDATE "User" SET "role" = '' WHERE "role" IS NULL;$/m);
    const statements = (sql: string) => sql.split('\n').filter((line) => !line.startsWith('--') && line);
    // NOT VALID and VALIDATE in separate migrations: in one, the first lock would last through the scan.
    assert.deepEqual(statements(plans[2]!.sql), ['ALTER TABLE "User" ADD CONSTRAINT "User_role_not_null" CHECK ("role" IS NOT NULL) NOT VALID;']);
    assert.deepEqual(statements(plans[3]!.sql), [
      'ALTER TABLE "User" VALIDATE CONSTRAINT "User_role_not_null";',
      'ALTER TABLE "User" ALTER COLUMN "role" SET NOT NULL;',
      'ALTER TABLE "User" DROP CONSTRAINT "User_role_not_null";',
    ]);
  });

  it('passes the migration rules: each step is safe on a table that holds rows', async () => {
    await loadSqlParser();
    const plans = expandContractMigrations(ROLE, new Date(Date.UTC(2024, 4, 1, 12, 30, 5)), ['20240101000000_init']);
    for (const plan of plans) {
      const { findings, parseErrors } = lintMigrationSql(plan.sql, { postgresVersion: 15 });
      assert.deepEqual(parseErrors, [], plan.name);
      assert.deepEqual(findings.map((finding) => `${finding.ruleId}: ${finding.message}`), [], plan.name);
    }
  });

  it('names the folders after the latest existing migration when the clock is behind it', () => {
    const plans = expandContractMigrations(ROLE, new Date(Date.UTC(2024, 0, 1)), ['20240101000000_init', '20250101000000_future']);
    assert.deepEqual(plans.map((plan) => plan.name.slice(0, 14)), ['20250101000001', '20250101000002', '20250101000003', '20250101000004']);
    assert.equal(migrationTimestamp(new Date(Date.UTC(2024, 11, 31, 23, 59, 59))), '20241231235959');
  });

  it('quotes schema-qualified tables, enum types and odd names; placeholders follow the type', () => {
    const [expand, backfill] = expandContractMigrations({ table: 'Order Items', schema: 'sales', column: 'kind', sqlType: '"sales"."Kind"', label: 'OrderItem.kind' }, new Date(0));
    assert.match(expand!.sql, /^ALTER TABLE "sales"\."Order Items" ADD COLUMN "kind" "sales"\."Kind";$/m);
    assert.match(backfill!.sql, /SET "kind" = 'TODO'::"sales"\."Kind" WHERE/);
    assert.match(expandContractMigrations({ ...ROLE, sqlType: 'TIMESTAMP(3)' }, new Date(0))[1]!.sql, /= CURRENT_TIMESTAMP WHERE/);
    assert.match(expandContractMigrations({ ...ROLE, sqlType: 'INTEGER' }, new Date(0))[1]!.sql, /= 0 WHERE/);
  });

  it('reads the column type from the clause Prisma generates', () => {
    assert.equal(addedColumnType('ADD COLUMN     "role" TEXT NOT NULL,', 'role'), 'TEXT');
    assert.equal(addedColumnType('ADD COLUMN     "at" TIMESTAMP(3) NOT NULL;', 'at'), 'TIMESTAMP(3)');
    assert.equal(addedColumnType('ADD COLUMN     "kind" "Kind" NOT NULL', 'kind'), '"Kind"');
    assert.equal(addedColumnType('ADD COLUMN     "tags" TEXT[]', 'tags'), 'TEXT[]');
    assert.equal(addedColumnType('ADD COLUMN     "other" TEXT NOT NULL', 'role'), undefined);
  });
});

describe('expand/contract applied to PostgreSQL 15 with rows', { skip: !postgres15Available() && 'PostgreSQL 15 binaries are not installed' }, () => {
  let server: PasswordPostgres;
  let client: pg.Client;

  before(async () => {
    server = await startPasswordPostgres();
    client = new pg.Client({ connectionString: server.tcpUrl });
    await client.connect();
  });

  after(async () => {
    await client?.end().catch(() => undefined);
    server?.stop();
    await disposeSchemaEngine();
  });

  it('keeps every row, fills the column, and ends NOT NULL; Prisma then sees nothing left to migrate for it', async () => {
    // Each migration runs as one script, as Prisma Migrate runs migration.sql files.
    for (const migration of fixtureMigrations()) await client.query(migration.sql);
    await client.query(`INSERT INTO "User" ("email", "name") SELECT 'user' || i || '@example.com', 'User ' || i FROM generate_series(1, 500) AS i`);
    await client.query(`INSERT INTO "Post" ("title", "authorId") SELECT 'Post ' || i, i FROM generate_series(1, 500) AS i`);
    const before = (await client.query('SELECT "id", "email", "name" FROM "User" ORDER BY "id"')).rows;

    const plans = expandContractMigrations(ROLE, new Date(Date.UTC(2024, 2, 1)), fixtureMigrations().map((migration) => migration.name));
    // The user fills in the TODO: existing users become members.
    const filled = plans.map((plan) => (plan.name.includes('_backfill_') ? { ...plan, sql: plan.sql.replace(`SET "role" = ''`, `SET "role" = 'member'`) } : plan));
    assert.notDeepEqual(filled, plans, 'the backfill placeholder is where the user fills it in');
    for (const plan of filled) await client.query(plan.sql);

    const afterRows = (await client.query('SELECT "id", "email", "name", "role" FROM "User" ORDER BY "id"')).rows;
    assert.deepEqual(afterRows.map(({ id, email, name }) => ({ id, email, name })), before);
    assert.ok(afterRows.every((row) => row.role === 'member'));
    assert.equal((await client.query('SELECT count(*)::int AS n FROM "Post"')).rows[0].n, 500);
    const column = await client.query(`SELECT is_nullable FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'role'`);
    assert.equal(column.rows[0].is_nullable, 'NO');
    const checks = await client.query(`SELECT conname FROM pg_constraint WHERE conname = 'User_role_not_null'`);
    assert.equal(checks.rowCount, 0, 'the helper CHECK constraint is dropped');
    await assert.rejects(client.query(`INSERT INTO "User" ("email", "name") VALUES ('x@example.com', 'X')`), /null value in column "role"/);

    // Prisma's engine agrees: with the three migrations in the history, the schema's `role String` is not pending any more.
    const history = [...fixtureMigrations(), ...filled];
    const baseline = await schemaFromMigrations(fixtureMigrations());
    const schema = baseline.replace(/(model User \{\n(?:.*\n)*?\s+name\s+String\n)/, '$1  role  String\n');
    assert.match(schema, /role\s+String/);
    assert.equal(await diff({ kind: 'migrations', migrations: history }, [{ path: 'schema.prisma', text: schema }]), '');
  });
});
