/**
 * The built CLI skips the code rules in tests, seeds and one-off scripts by default, and runs them
 * there when `.prismalens.json` says so (an override naming the rule, or `codeRulesIn`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { POSTGRES, removeTempProjects, tempProject } from '../workspace/tempProject';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

after(removeTempProjects);

const SCHEMA = `${POSTGRES}
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

/** Two dependent writes outside a transaction: one `missing-transaction` finding, on line 5. */
const PLACE_ORDER = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function placeOrder(userId: number) {
  const order = await prisma.order.create({ data: { userId } });
  await prisma.orderItem.create({ data: { orderId: order.id } });
}
`;

const FILES = {
  'package.json': '{"name":"shop"}',
  'prisma/schema.prisma': SCHEMA,
  'src/services/orders.ts': PLACE_ORDER,
  'prisma/seed.ts': PLACE_ORDER,
  'src/foo.test.ts': PLACE_ORDER,
  'src/helpers/order-factory.ts': `import { vi } from 'vitest';\n${PLACE_ORDER}`,
};

function check(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...args], { cwd, encoding: 'utf8' });
  assert.ok(result.stdout, result.stderr);
  const findings = (JSON.parse(result.stdout) as { findings: { rule: string; file: string; line: number; severity: string }[] }).findings;
  return { status: result.status, stderr: result.stderr, findings };
}

/** `file:line:severity` of each missing-transaction finding, in file order. */
function missingTransactions(findings: readonly { rule: string; file: string; line: number; severity: string }[]): string[] {
  return findings.filter((finding) => finding.rule === 'missing-transaction').map((finding) => `${finding.file}:${finding.line}:${finding.severity}`).sort();
}

describe('prisma-lens check: tests, seeds and scripts', () => {
  it('reports missing-transaction in application code only by default', async () => {
    const root = await tempProject(FILES);
    const result = check(root);
    assert.deepEqual(missingTransactions(result.findings), ['src/services/orders.ts:5:warning']);
    assert.equal(result.status, 1);
  });

  it('reports it in the seed, the test and the file importing vitest when an override names the rule', async () => {
    const root = await tempProject({
      ...FILES,
      '.prismalens.json': JSON.stringify({ overrides: [{ files: ['prisma/seed.ts', '**/*.test.ts', 'src/helpers/**'], rules: { 'missing-transaction': 'error' } }] }),
    });
    assert.deepEqual(missingTransactions(check(root).findings), [
      'prisma/seed.ts:5:error',
      'src/foo.test.ts:5:error',
      'src/helpers/order-factory.ts:6:error',
      'src/services/orders.ts:5:warning',
    ]);
  });

  it('runs every code rule on one kind of file with codeRulesIn, and not on the others', async () => {
    const loop = `${PLACE_ORDER}export async function orders(ids: number[]) {\n  for (const id of ids) await prisma.order.findUnique({ where: { id } });\n}\n`;
    const root = await tempProject({ ...FILES, 'src/foo.test.ts': loop, '.prismalens.json': JSON.stringify({ codeRulesIn: { tests: true } }) });
    const result = check(root);
    assert.equal(result.stderr, '');
    assert.deepEqual(missingTransactions(result.findings), ['src/foo.test.ts:5:warning', 'src/helpers/order-factory.ts:6:warning', 'src/services/orders.ts:5:warning']);
    assert.deepEqual(result.findings.filter((finding) => finding.rule === 'n-plus-one').map((finding) => `${finding.file}:${finding.line}`), ['src/foo.test.ts:8']);
  });

  it('does not let a top-level level reach the tests', async () => {
    const root = await tempProject({ ...FILES, '.prismalens.json': JSON.stringify({ rules: { 'missing-transaction': 'error' } }) });
    assert.deepEqual(missingTransactions(check(root).findings), ['src/services/orders.ts:5:error']);
  });

  it('judges paths below the project folder only, so a project inside a folder named test is application code', async () => {
    const root = await tempProject({
      'test/shop/package.json': '{"name":"shop"}',
      'test/shop/prisma/schema.prisma': SCHEMA,
      'test/shop/src/services/orders.ts': PLACE_ORDER,
      'test/shop/scripts/backfill.ts': PLACE_ORDER,
    });
    assert.deepEqual(missingTransactions(check(root, 'test/shop').findings), ['src/services/orders.ts:5:warning']);
  });

  it('does not report a suppression in a test as stale, since the rule did not run there', async () => {
    const suppressed = PLACE_ORDER.replace('  await prisma.orderItem', '  // prisma-lens-ignore missing-transaction: the test database is reset after each test\n  await prisma.orderItem');
    assert.notEqual(suppressed, PLACE_ORDER);
    const root = await tempProject({ ...FILES, 'src/foo.test.ts': suppressed });
    const result = check(root);
    assert.deepEqual(result.findings.filter((finding) => finding.file === 'src/foo.test.ts').map((finding) => finding.rule), []);
    assert.deepEqual(missingTransactions(result.findings), ['src/services/orders.ts:5:warning']);
  });

  it('reports a broken override on stderr and keeps the rest of the file', async () => {
    const root = await tempProject({
      ...FILES,
      '.prismalens.json': JSON.stringify({ overrides: [{ files: ['!src/**'], rules: { 'missing-transaction': 'error' } }, { files: ['prisma/seed.ts'], rules: { 'missing-transaction': 'warning' } }] }),
    });
    const result = check(root);
    assert.match(result.stderr, /overrides\[0\]\.files\[0\]: Negated patterns are not supported/);
    assert.deepEqual(missingTransactions(result.findings), ['prisma/seed.ts:5:warning', 'src/services/orders.ts:5:warning']);
  });
});
