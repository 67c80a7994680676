/**
 * The built language server skips the code rules in tests, seeds and scripts as the CLI does, and
 * follows `prismaLens.codeRulesIn`, `.prismalens.json` overrides and a test framework import typed
 * into an open file.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

const SCHEMA = `datasource db {
  provider = "postgresql"
}

model Order {
  id     Int         @id @default(autoincrement())
  userId Int
  items  OrderItem[]
}

model OrderItem {
  id      Int   @id @default(autoincrement())
  orderId Int
  order   Order @relation(fields: [orderId], references: [id], onDelete: Cascade)

  @@index([orderId])
}
`;

const PLACE_ORDER = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function placeOrder(userId: number) {
  const order = await prisma.order.create({ data: { userId } });
  await prisma.orderItem.create({ data: { orderId: order.id } });
}
`;
const WITH_VITEST = `import { vi } from 'vitest';\n${PLACE_ORDER}`;

const codes = (items: readonly { code?: string | number }[]) => items.map((item) => String(item.code)).sort();

describe('language server: tests, seeds and scripts', () => {
  let root: string;
  let client: LspTestClient;
  const uriOf = (relative: string) => `file://${join(root, relative)}`;
  const files: Record<string, string> = {
    'src/services/orders.ts': PLACE_ORDER,
    'src/foo.test.ts': PLACE_ORDER,
    'prisma/seed.ts': PLACE_ORDER,
    'src/helpers/order-factory.ts': WITH_VITEST,
  };

  before(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'prisma-lens-roles-')));
    writeFileSync(join(root, 'package.json'), '{"name":"shop"}');
    mkdirSync(join(root, 'prisma'));
    writeFileSync(join(root, 'prisma', 'schema.prisma'), SCHEMA);
    for (const [relative, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, relative)), { recursive: true });
      writeFileSync(join(root, relative), text);
    }
    client = new LspTestClient();
    await client.initialize(root, { pull: true });
    for (const [relative, text] of Object.entries(files)) await client.open(uriOf(relative), text, 'typescript');
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** The codes each open file reports. */
  async function report(): Promise<Record<string, string[]>> {
    const result: Record<string, string[]> = {};
    for (const relative of Object.keys(files)) result[relative] = codes((await client.pull(uriOf(relative))).items);
    return result;
  }

  it('reports no code diagnostics in a test, a seed or a file importing vitest by default, and reports application code', async () => {
    assert.deepEqual(await report(), {
      'src/services/orders.ts': ['missing-transaction'],
      'src/foo.test.ts': [],
      'prisma/seed.ts': [],
      'src/helpers/order-factory.ts': [],
    });
  });

  it('decides by the text as it is typed: removing the vitest import makes the file application code', async () => {
    const uri = uriOf('src/helpers/order-factory.ts');
    await client.change(uri, 2, PLACE_ORDER);
    assert.deepEqual(codes((await client.pull(uri)).items), ['missing-transaction']);
    await client.change(uri, 3, WITH_VITEST);
    assert.deepEqual(codes((await client.pull(uri)).items), []);
  });

  it('follows prismaLens.codeRulesIn in the editor settings', async () => {
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: { codeRulesIn: { tests: true } } } });
    assert.deepEqual(await report(), {
      'src/services/orders.ts': ['missing-transaction'],
      'src/foo.test.ts': ['missing-transaction'],
      'prisma/seed.ts': [],
      'src/helpers/order-factory.ts': ['missing-transaction'],
    });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: { codeRulesIn: { tests: false } } } });
    assert.deepEqual((await report())['src/foo.test.ts'], []);
  });

  it('follows an override of .prismalens.json that names the rule, and the setting does not undo it', async () => {
    const config = join(root, '.prismalens.json');
    writeFileSync(config, JSON.stringify({ overrides: [{ files: ['prisma/seed.ts'], rules: { 'missing-transaction': 'warning' } }], codeRulesIn: { tests: false } }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${config}`, type: 1 }] });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: { codeRulesIn: { tests: true } } } });
    assert.deepEqual(await report(), {
      'src/services/orders.ts': ['missing-transaction'],
      // The project file's `"tests": false` wins over the setting.
      'src/foo.test.ts': [],
      'prisma/seed.ts': ['missing-transaction'],
      'src/helpers/order-factory.ts': [],
    });
    rmSync(config);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${config}`, type: 3 }] });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: {} } });
    assert.deepEqual((await report())['prisma/seed.ts'], []);
  });
});
