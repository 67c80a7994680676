/**
 * PendingChanges on projects on disk: a multi-file schema, tables created by a migration that is
 * not committed yet (so not deployed: still empty), a migration that does not apply, another
 * provider, and a project whose baseline is its last commit.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { SchemaEngineThread } from '../../server/src/engines/schema-engine-thread';
import { PendingChanges } from '../../server/src/workspace/pending-changes';
import { writeFiles } from '../workspace/tempProject';
import { FIXTURE_MIGRATIONS, FIXTURE_SCHEMA } from './support';

const engine = new SchemaEngineThread();
const pending = new PendingChanges(engine);
const roots: string[] = [];

after(async () => {
  await engine.dispose();
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function project(): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'prisma-lens-pending-changes-')));
  roots.push(root);
  return root;
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Prisma Lens', '-c', 'user.email=lens@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n';
/** The fixture schema without its datasource, split where the tests put a file boundary. */
const USER = `${FIXTURE_SCHEMA.slice(FIXTURE_SCHEMA.indexOf('model User'), FIXTURE_SCHEMA.indexOf('model Post')).trimEnd()}\n`;
const REST = FIXTURE_SCHEMA.slice(FIXTURE_SCHEMA.indexOf('model Post'));

function files(root: string, texts: Record<string, string>) {
  return Object.entries(texts).map(([relative, text]) => ({ uri: pathToFileURL(join(root, relative)).toString(), text }));
}

describe('PendingChanges on projects', () => {
  it('reads a multi-file schema and reports in the file that holds the field', async () => {
    const root = project();
    cpSync(FIXTURE_MIGRATIONS, join(root, 'prisma', 'migrations'), { recursive: true });
    const texts = { 'prisma/schema/schema.prisma': DATASOURCE, 'prisma/schema/user.prisma': USER.replace('  bio   String?\n', '  bio   String?\n  role  String\n'), 'prisma/schema/rest.prisma': REST };
    await writeFiles(root, texts);
    const report = await pending.compute({ projectRoot: root, schemaPath: join(root, 'prisma', 'schema'), files: files(root, texts) });
    assert.equal(report?.baseline.kind, 'migrations');
    assert.deepEqual(report!.findings.map((finding) => [finding.ruleId, finding.uri.split('/').pop()]), [['adding-required-field', 'user.prisma']]);
  });

  it('does not flag tables that a migration not committed yet creates: they hold no rows', async () => {
    const root = project();
    cpSync(FIXTURE_MIGRATIONS, join(root, 'prisma', 'migrations'), { recursive: true });
    await writeFiles(root, { 'prisma/schema.prisma': DATASOURCE + USER + REST });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'deployed history');
    // A new migration, not committed: it creates Audit, which is empty when the next migration runs.
    await writeFiles(root, { 'prisma/migrations/20240301000000_audit/migration.sql': 'CREATE TABLE "Audit" (\n    "id" SERIAL NOT NULL,\n\n    CONSTRAINT "Audit_pkey" PRIMARY KEY ("id")\n);\n' });
    const schema = DATASOURCE + USER.replace('  bio   String?\n', '  bio   String?\n  role  String\n') + REST + 'model Audit {\n  id    Int    @id @default(autoincrement())\n  actor String\n}\n';
    const report = await pending.compute({ projectRoot: root, schemaPath: join(root, 'prisma', 'schema.prisma'), files: files(root, { 'prisma/schema.prisma': schema }) });
    assert.match(report!.sql, /ALTER TABLE "Audit" ADD COLUMN\s+"actor" TEXT NOT NULL/);
    assert.deepEqual(report!.findings.map((finding) => `${finding.ruleId} ${schema.slice(finding.span.start, finding.span.end)}`), ['adding-required-field role']);
  });

  it('says which migration does not apply, and builds nothing from it', async () => {
    const root = project();
    cpSync(FIXTURE_MIGRATIONS, join(root, 'prisma', 'migrations'), { recursive: true });
    await writeFiles(root, { 'prisma/migrations/20240301000000_typo/migration.sql': 'ALTER TABLE "Usr" ADD COLUMN "x" INTEGER;\n' });
    const texts = { 'prisma/schema.prisma': DATASOURCE + USER + REST };
    const report = await pending.compute({ projectRoot: root, schemaPath: join(root, 'prisma', 'schema.prisma'), files: files(root, texts) });
    assert.match(report!.problem ?? '', /Migration `20240301000000_typo` failed to apply.*"Usr"/s);
    assert.deepEqual(report!.findings, []);
  });

  it('leaves other providers alone', async () => {
    const root = project();
    const texts = { 'prisma/schema.prisma': 'datasource db {\n  provider = "mysql"\n}\nmodel User {\n  id   Int    @id\n  name String\n}\n' };
    await writeFiles(root, texts);
    const report = await pending.compute({ projectRoot: root, schemaPath: join(root, 'prisma', 'schema.prisma'), files: files(root, texts) });
    assert.deepEqual(report?.baseline, { kind: 'none', reason: 'the schema does not use PostgreSQL' });
  });

  it('compares with the last commit without a migrations folder, and with nothing outside git', async () => {
    const root = project();
    const committed = DATASOURCE + USER + REST;
    await writeFiles(root, { 'prisma/schema.prisma': committed });
    const edited = { 'prisma/schema.prisma': committed.replace('  bio   String?\n', '') };
    const outsideGit = await pending.compute({ projectRoot: root, schemaPath: join(root, 'prisma', 'schema.prisma'), files: files(root, edited) });
    assert.equal(outsideGit?.baseline.kind, 'none');
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'schema');
    const report = await pending.compute({ projectRoot: root, schemaPath: join(root, 'prisma', 'schema.prisma'), files: files(root, edited) });
    assert.deepEqual(report?.baseline, { kind: 'git', ref: 'HEAD' });
    assert.match(report!.sql, /DROP COLUMN "bio"/);
    assert.deepEqual(report!.findings.map((finding) => finding.ruleId), ['ban-drop-column']);
  });
});
