/** Index usage from the workspace's queries: the code lens on each @@index and `unused-index`, through the built server. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from './lspClient';

const SCHEMA = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id        Int     @id
  title     String
  status    String
  authorId  Int
  author    User    @relation(fields: [authorId], references: [id], onDelete: Cascade)

  @@index([authorId])
  @@index([status])
  @@index([title])
}
`;

const CODE = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const drafts = () => prisma.post.findMany({ where: { status: 'DRAFT' }, take: 20 });
export const published = () => prisma.post.count({ where: { status: 'PUBLISHED' } });
`;

describe('index usage in the language server', () => {
  let root: string;
  let client: LspTestClient;
  let uri: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-index-usage-'));
    mkdirSync(join(root, 'prisma'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'prisma', 'schema.prisma'), SCHEMA);
    writeFileSync(join(root, 'src', 'posts.ts'), CODE);
    writeFileSync(join(root, '.prismalens.json'), JSON.stringify({ rules: { 'unused-index': 'info' } }));
    uri = `file://${join(root, 'prisma', 'schema.prisma')}`;
    client = new LspTestClient();
    await client.initialize(root, { pull: true, workDoneProgress: true });
    await client.progressEnded();
    await client.open(uri, SCHEMA);
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("shows on each @@index how many of the workspace's queries can use it", async () => {
    const lenses = await client.connection.sendRequest<{ range: { start: { line: number } }; command: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
    const lines = SCHEMA.split('\n');
    assert.deepEqual(
      lenses.map((lens) => `${lines[lens.range.start.line]!.trim()} → ${lens.command.title}`),
      ['@@index([authorId]) → no query in the workspace uses this index', '@@index([status]) → 2 queries in the workspace can use this index', '@@index([title]) → no query in the workspace uses this index'],
    );
  });

  it('reports an index no query uses when unused-index is on, except one that serves a foreign key', async () => {
    const report = await client.pull(uri);
    const unused = report.items.filter((item) => item.code === 'unused-index').map((item) => SCHEMA.split('\n')[item.range.start.line]!.trim());
    assert.deepEqual(unused, ['@@index([title])']);
  });
});
