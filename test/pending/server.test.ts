/**
 * Drives the built server (dist/server.js) over stdio: an edit that adds a required field shows the
 * hazard on that line once the background computation is done (announced by a diagnostics
 * refresh), with its quick fixes; the preview and the safe migration requests; and a project
 * without migrations, compared with its last commit.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from '../server/lspClient';
import { FIXTURE_MIGRATIONS, FIXTURE_SCHEMA } from './support';


const WITH_ROLE = FIXTURE_SCHEMA.replace('  bio   String?\n', '  bio   String?\n  role  String\n');

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Prisma Lens', '-c', 'user.email=lens@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

function write(root: string, relative: string, text: string): string {
  const file = join(root, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return pathToFileURL(file).toString();
}

type Diagnostic = { code?: string | number; message: string; severity?: number; range: { start: { line: number; character: number } }; data?: { fixes?: { title: string }[] } };

/** Counts `workspace/diagnostic/refresh` requests and lets a test wait for the next one. */
function refreshes(client: LspTestClient) {
  let count = 0;
  let waiters: (() => void)[] = [];
  client.connection.onRequest('workspace/diagnostic/refresh', () => {
    count++;
    for (const resolve of waiters.splice(0)) resolve();
    return null;
  });
  return {
    /** Resolves at the first refresh after `seen` refreshes. */
    after(seen: number): Promise<void> {
      return count > seen ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    get count() {
      return count;
    },
  };
}

/** Pulls until `predicate` holds, waiting for a refresh between pulls (the computation runs in the background). */
async function pullUntil(client: LspTestClient, refresh: ReturnType<typeof refreshes>, uri: string, predicate: (items: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  for (;;) {
    const seen = refresh.count;
    const items = (await client.pull(uri)).items as Diagnostic[];
    if (predicate(items)) return items;
    await refresh.after(seen);
  }
}

describe('pending migrations over stdio', () => {
  let root: string;
  let client: LspTestClient;
  let refresh: ReturnType<typeof refreshes>;
  let schemaUri: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-pending-'));
    cpSync(FIXTURE_MIGRATIONS, join(root, 'prisma', 'migrations'), { recursive: true });
    schemaUri = write(root, 'prisma/schema.prisma', FIXTURE_SCHEMA);
    write(root, 'package.json', '{ "name": "pending-fixture", "private": true }\n');
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'init');
    client = new LspTestClient();
    refresh = refreshes(client);
    await client.initialize(root, { pull: true });
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('shows a new required field as a hazard on its line, with quick fixes, after the background computation', async () => {
    await client.open(schemaUri, WITH_ROLE);
    // The pull never waits for the engine: the first answer comes from the schema rules alone.
    const first = (await client.pull(schemaUri)).items as Diagnostic[];
    assert.ok(!first.some((item) => item.code === 'adding-required-field'));
    const items = await pullUntil(client, refresh, schemaUri, (list) => list.some((item) => item.code === 'adding-required-field'));
    const role = items.find((item) => item.code === 'adding-required-field')!;
    const roleLine = WITH_ROLE.split('\n').findIndex((line) => line.startsWith('  role'));
    assert.deepEqual(role.range.start, { line: roleLine, character: 2 });
    assert.match(role.message, /Next migration: Migration fails if "User" has any rows: required column "role"/);
    assert.deepEqual(role.data?.fixes?.map((fix) => fix.title).sort(), ['Add @default("") to User.role', 'Make User.role optional (String?)']);
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: schemaUri },
      range: role.range,
      context: { diagnostics: [role] },
    })) as { title: string }[];
    assert.ok(actions.some((action) => action.title === 'Make User.role optional (String?)'));
  });

  it('clears the hazard once the edit is undone', async () => {
    await client.change(schemaUri, 2, FIXTURE_SCHEMA);
    const items = await pullUntil(client, refresh, schemaUri, (list) => !list.some((item) => item.code === 'adding-required-field'));
    assert.deepEqual(items.filter((item) => String(item.message).startsWith('Next migration')), []);
    await client.change(schemaUri, 3, WITH_ROLE);
    await pullUntil(client, refresh, schemaUri, (list) => list.some((item) => item.code === 'adding-required-field'));
  });

  it('previews the next migration with the findings as comments, writing nothing', async () => {
    const before = readdirSync(join(root, 'prisma', 'migrations')).sort();
    const { text } = (await client.connection.sendRequest('prismaLens/previewNextMigration', { uri: schemaUri })) as { text: string };
    assert.match(text, /from the state the 2 migrations in prisma\/migrations build/);
    assert.match(text, /ALTER TABLE "User" ADD COLUMN\s+"role" TEXT NOT NULL;\n--\s+\^ error adding-required-field: Migration fails if "User" has any rows: required column "role"/);
    assert.deepEqual(readdirSync(join(root, 'prisma', 'migrations')).sort(), before);
  });

  it('writes the expand/contract migrations, after which the field is no longer pending', async () => {
    const { fields } = (await client.connection.sendRequest('prismaLens/safeMigrationCandidates', { uri: schemaUri })) as { fields: { model: string; field: string }[] };
    assert.deepEqual(fields.map((candidate) => `${candidate.model}.${candidate.field}`), ['User.role']);
    const answer = (await client.connection.sendRequest('prismaLens/createSafeMigration', { uri: schemaUri, model: 'User', field: 'role' })) as { folders?: string[]; error?: string };
    assert.equal(answer.error, undefined);
    assert.equal(answer.folders?.length, 4);
    for (const folder of answer.folders!) assert.ok(existsSync(join(folder, 'migration.sql')));
    assert.match(readFileSync(join(answer.folders![1]!, 'migration.sql'), 'utf8'), /TODO/);
    await pullUntil(client, refresh, schemaUri, (list) => !list.some((item) => item.code === 'adding-required-field'));
    const again = (await client.connection.sendRequest('prismaLens/createSafeMigration', { uri: schemaUri, model: 'User', field: 'role' })) as { error?: string };
    assert.match(again.error ?? '', /does not add `User.role`/);
  });

  it('compares with the last commit when there is no migrations folder, and says so', async () => {
    const project = join(root, 'packages', 'no-migrations');
    const uri = write(project, 'prisma/schema.prisma', FIXTURE_SCHEMA);
    write(project, 'package.json', '{ "name": "no-migrations", "private": true }\n');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'second project');
    await client.open(uri, FIXTURE_SCHEMA.replace('  subtitle String?', '  subtitle String'));
    const items = await pullUntil(client, refresh, uri, (list) => list.some((item) => item.code === 'adding-not-nullable-field'));
    const notice = items.find((item) => /no migrations folder/.test(item.message));
    assert.equal(notice?.severity, 3, 'an information');
    assert.match(notice!.message, /last committed version \(git HEAD\)/);
  });
});
