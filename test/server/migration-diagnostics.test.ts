/** Drives the built server over stdio on migration.sql files: findings, undeployed migrations (git), fixes, bad input. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

const INIT = `-- CreateTable
CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
-- CreateTable
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
-- CreateIndex
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`;

function write(root: string, relative: string, text: string): string {
  const file = join(root, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return pathToFileURL(file).toString();
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Prisma Lens', '-c', 'user.email=lens@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

describe('migration SQL diagnostics over stdio', () => {
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-migrations-'));
    write(root, 'prisma/schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n');
    write(root, 'prisma/migrations/migration_lock.toml', 'provider = "postgresql"\n');
    write(root, 'prisma/migrations/20260101000000_init/migration.sql', INIT);
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'init');
    client = new LspTestClient();
    await client.initialize(root, { pull: true });
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("reports nothing on Prisma's initial migration", async () => {
    const uri = pathToFileURL(join(root, 'prisma/migrations/20260101000000_init/migration.sql')).toString();
    await client.open(uri, INIT, 'sql');
    const report = await client.pull(uri);
    assert.deepEqual(report.items, []);
  });

  it('treats tables created by uncommitted earlier migrations as empty, and committed ones as holding rows', async () => {
    write(root, 'prisma/migrations/20260102000000_tags/migration.sql', 'CREATE TABLE "Tag" ("id" SERIAL NOT NULL);\n');
    const text = 'ALTER TABLE "Tag" ADD COLUMN "name" TEXT NOT NULL;\nALTER TABLE "Post" ADD COLUMN "title" TEXT NOT NULL;\n';
    const uri = write(root, 'prisma/migrations/20260103000000_names/migration.sql', text);
    await client.open(uri, text, 'sql');
    const report = await client.pull(uri);
    assert.deepEqual(report.items.map((item) => `${item.code}@${item.range.start.line}`), ['adding-required-field@1']);
    assert.match(report.items[0]!.message, /"Post" has any rows/);
    const again = await client.pull(uri, report.resultId);
    assert.equal(again.kind, 'unchanged');

    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'tags');
    await client.change(uri, 2, text); // A new version re-reads the folder's git state.
    const committed = await client.pull(uri);
    assert.deepEqual(committed.items.map((item) => `${item.code}@${item.range.start.line}`), ['adding-required-field@0', 'adding-required-field@1']);
  });

  it('carries the CONCURRENTLY fix in the diagnostic and offers it as a quick fix', async () => {
    const text = 'CREATE INDEX "Post_title_idx" ON "Post"("title");\n';
    const uri = write(root, 'prisma/migrations/20260104000000_index/migration.sql', text);
    await client.open(uri, text, 'sql');
    const report = await client.pull(uri);
    assert.equal(report.items.length, 1);
    const actions = await client.connection.sendRequest<{ title: string; isPreferred?: boolean; edit?: { changes?: Record<string, { newText: string }[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: report.items[0]!.range,
      context: { diagnostics: report.items },
    });
    const fix = actions.find((action) => action.title === 'Build the index CONCURRENTLY');
    assert.ok(fix, `actions: ${actions.map((action) => action.title).join(', ')}`);
    assert.equal(fix.isPreferred, false, 'adding CONCURRENTLY changes behaviour: never preferred');
    assert.equal(fix.edit?.changes?.[uri]?.[0]?.newText, ' CONCURRENTLY');
  });

  it('reports a statement that does not parse, keeps the other findings, and survives binary input', async () => {
    const text = 'DROP TABLE "User";\nALTER TABLE "Post" ADD COLUMN\n';
    const uri = write(root, 'prisma/migrations/20260105000000_typing/migration.sql', text);
    await client.open(uri, text, 'sql');
    const report = await client.pull(uri);
    assert.deepEqual(report.items.map((item) => item.code ?? 'parse'), ['ban-drop-table', 'parse']);
    assert.match(report.items[1]!.message, /PostgreSQL cannot parse this statement \(syntax error at end of input\)/);
    await client.change(uri, 2, '\u0000\u0001binary\u0000');
    const binary = await client.pull(uri);
    assert.match(binary.items[0]!.message, /NUL characters/);
  });

  it('says so for a MySQL project instead of guessing', async () => {
    const mysql = mkdtempSync(join(tmpdir(), 'prisma-lens-mysql-'));
    try {
      write(mysql, 'prisma/migrations/migration_lock.toml', 'provider = "mysql"\n');
      const text = 'ALTER TABLE `Post` ADD COLUMN `title` VARCHAR(191) NOT NULL;\n';
      const uri = write(mysql, 'prisma/migrations/20260101000000_init/migration.sql', text);
      await client.open(uri, text, 'sql');
      const report = await client.pull(uri);
      assert.equal(report.items.length, 1);
      assert.match(report.items[0]!.message, /its migrations are for mysql/);
    } finally {
      rmSync(mysql, { recursive: true, force: true });
    }
  });
});

describe('migration SQL diagnostics over stdio (push)', () => {
  it('publishes findings for an open migration file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'prisma-lens-migrations-push-'));
    const client = new LspTestClient();
    try {
      const text = 'ALTER TABLE "Post" DROP COLUMN "body";\n';
      const uri = write(root, 'prisma/migrations/20260101000000_drop/migration.sql', text);
      await client.initialize(root, { pull: false });
      await client.open(uri, text, 'sql');
      const published = await client.waitForPublish((entry) => entry.uri === uri && entry.diagnostics.length > 0);
      assert.deepEqual(published.diagnostics.map((diagnostic) => diagnostic.code), ['ban-drop-column']);
    } finally {
      await client.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
