/**
 * Prisma's own schema errors in the built language server: reported with `prismaLens.schemaErrors`
 * "always", never with "never", and with "auto" only while the official Prisma extension is absent;
 * computed after a pause and announced with a diagnostics refresh, which the tests wait for.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

/** `Post.rating` has an unknown type (line 12, 0-based 11); `Post.authorId` has no index; the Prisma 6 `url` is fine. */
const BROKEN = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int   @id
  rating   Floot
  authorId Int
  author   User  @relation(fields: [authorId], references: [id], onDelete: Cascade)
}
`;

type Item = { code?: string | number; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };

const described = (items: readonly Item[]) => items.map((item) => `${String(item.code)} ${item.range.start.line}:${item.range.start.character}-${item.range.end.character}`).sort();

const roots: string[] = [];
const clients: LspTestClient[] = [];

after(async () => {
  await Promise.all(clients.map((client) => client.close()));
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

async function start(initializationOptions: unknown): Promise<{ client: LspTestClient; uri: string }> {
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-schema-errors-'));
  roots.push(root);
  mkdirSync(join(root, 'prisma'));
  writeFileSync(join(root, 'package.json'), '{}');
  writeFileSync(join(root, 'prisma', 'schema.prisma'), BROKEN);
  const client = new LspTestClient();
  clients.push(client);
  await client.initialize(root, { pull: true, initializationOptions });
  const uri = `file://${join(root, 'prisma', 'schema.prisma')}`;
  await client.open(uri, BROKEN);
  return { client, uri };
}

/** Pulls after each refresh the server asks for, until a pull has a schema-error (the test's timeout bounds the wait). */
async function pullUntilSchemaError(client: LspTestClient, uri: string): Promise<Item[]> {
  for (;;) {
    const refreshed = client.nextRefresh();
    const items = (await client.pull(uri)).items as Item[];
    if (items.some((item) => item.code === 'schema-error')) return items;
    await refreshed;
  }
}

const WITH_ERROR = ['missing-fk-index 13:2-10', 'schema-error 12:11-16'];
const WITHOUT_ERROR = ['missing-fk-index 13:2-10'];

describe('schema-error in the language server', { timeout: 60_000 }, () => {
  let timeToReport = 0;

  /**
   * Pulls after three times what "always" needed to report (at least 2 s): a validation that should
   * not run would have arrived by then. The only wait on time in these tests, since nothing arrives.
   */
  async function pullAfterAWhile(client: LspTestClient, uri: string): Promise<Item[]> {
    await new Promise((resolve) => setTimeout(resolve, Math.max(2000, 3 * timeToReport)));
    return (await client.pull(uri)).items as Item[];
  }

  it('reports Prisma\'s errors with "always", even beside the official extension, and drops them on "never"', async () => {
    const { client, uri } = await start({ settings: { schemaErrors: 'always' }, officialPrismaExtension: true });
    const started = Date.now();
    const items = await pullUntilSchemaError(client, uri);
    timeToReport = Date.now() - started;
    assert.deepEqual(described(items), WITH_ERROR);
    assert.match(items.find((item) => item.code === 'schema-error')!.message, /^Prisma rejects the schema: Type "Floot" is neither a built-in type/);

    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: { schemaErrors: 'never' } } });
    assert.deepEqual(described((await client.pull(uri)).items as Item[]), WITHOUT_ERROR);
  });

  it('reports none with "never", however long it waits, until the setting changes', async () => {
    const { client, uri } = await start({ settings: { schemaErrors: 'never' } });
    assert.deepEqual(described((await client.pull(uri)).items as Item[]), WITHOUT_ERROR);
    assert.deepEqual(described(await pullAfterAWhile(client, uri)), WITHOUT_ERROR);

    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: { schemaErrors: 'always' } } });
    assert.deepEqual(described(await pullUntilSchemaError(client, uri)), WITH_ERROR);
  });

  it('with "auto", leaves the errors to the official extension while it is there, and reports them once it is gone', async () => {
    const { client, uri } = await start({ settings: {}, officialPrismaExtension: true });
    assert.deepEqual(described((await client.pull(uri)).items as Item[]), WITHOUT_ERROR);
    assert.deepEqual(described(await pullAfterAWhile(client, uri)), WITHOUT_ERROR);
    await client.connection.sendNotification('prismaLens/officialPrismaExtension', { present: false });
    assert.deepEqual(described(await pullUntilSchemaError(client, uri)), WITH_ERROR);
  });

  it('moves the errors with an edit before them at once, and validates the new text after a pause', async () => {
    const { client, uri } = await start({ settings: { schemaErrors: 'always' } });
    await pullUntilSchemaError(client, uri);
    const edited = BROKEN.replace('model User {', '/// Someone who writes.\nmodel User {');
    await client.change(uri, 2, edited);
    // The last validation, carried over the edit: one line further down, before the new one arrives.
    assert.deepEqual(described((await client.pull(uri)).items as Item[]), ['missing-fk-index 14:2-10', 'schema-error 13:11-16']);
    const fixed = edited.replace('Floot', 'Float');
    await client.change(uri, 3, fixed);
    for (;;) {
      const refreshed = client.nextRefresh();
      const items = (await client.pull(uri)).items as Item[];
      if (!items.some((item) => item.code === 'schema-error')) break;
      await refreshed;
    }
    assert.deepEqual(described((await client.pull(uri)).items as Item[]), ['missing-fk-index 14:2-10']);
  });
});
