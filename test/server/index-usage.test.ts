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

/** A project on disk with `files`, its language server started and the first indexing ended, and the schema open. */
async function openProject(prefix: string, files: Record<string, string>): Promise<{ root: string; client: LspTestClient; uri: string }> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  const uri = `file://${join(root, 'prisma', 'schema.prisma')}`;
  const client = new LspTestClient();
  await client.initialize(root, { pull: true, workDoneProgress: true });
  await client.progressEnded();
  await client.open(uri, files['prisma/schema.prisma']!);
  return { root, client, uri };
}

describe('index usage in the language server', () => {
  let root: string;
  let client: LspTestClient;
  let uri: string;

  before(async () => {
    ({ root, client, uri } = await openProject('prisma-lens-index-usage-', {
      'package.json': '{}',
      'prisma/schema.prisma': SCHEMA,
      'src/posts.ts': CODE,
      '.prismalens.json': JSON.stringify({ rules: { 'unused-index': 'info' } }),
    }));
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

describe('missing-fk-index in the language server, once the workspace is indexed', () => {
  const schema = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int       @id
  authorId Int
  author   User      @relation(fields: [authorId], references: [id])
  comments Comment[]
}

model Comment {
  id     Int  @id
  postId Int
  post   Post @relation(fields: [postId], references: [id])
}
`;
  const code = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const thread = (postId: number) => prisma.comment.findMany({ where: { postId } });
export const post = (id: number) => prisma.post.findUnique({ where: { id } });
export const profile = (id: number) => prisma.user.findUnique({ where: { id } });
`;
  let root: string;
  let client: LspTestClient;
  let uri: string;

  before(async () => {
    ({ root, client, uri } = await openProject('prisma-lens-fk-usage-', { 'package.json': '{}', 'prisma/schema.prisma': schema, 'src/comments.ts': code }));
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the warning for a key the code reads by, and reports as info one no query needs, as the CLI does', async () => {
    const report = await client.settledPull(uri);
    const lines = schema.split('\n');
    const items = report.items as { code?: string | number; severity?: number; range: { start: { line: number } } }[];
    const found = items.filter((item) => item.code === 'missing-fk-index').map((item) => `${lines[item.range.start.line]!.trim().split(/\s+/)[0]} ${item.severity}`);
    // Severity 2 is a warning, 3 information.
    assert.deepEqual(found, ['authorId 3', 'postId 2']);
  });
});

describe('missing-fk-index in the language server, with many code files', () => {
  const schema = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int    @id
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])

  @@index([title])
}
`;
  const files: Record<string, string> = { 'package.json': '{}', 'prisma/schema.prisma': schema };
  // Enough calls that reading them all again takes the server well over the few milliseconds it reads before answering.
  for (let n = 0; n < 400; n++) {
    files[`src/posts/p${n}.ts`] = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const titled${n} = (title: string) => prisma.post.findMany({ where: { title, id: { gt: ${n} } }, orderBy: { id: 'asc' }, take: 20 });
export const one${n} = (id: number) => prisma.post.findUnique({ where: { id }, select: { id: true, title: true } });
export const user${n} = (id: number) => prisma.user.findUnique({ where: { id } });
`;
  }
  let root: string;
  let client: LspTestClient;
  let uri: string;

  before(async () => {
    ({ root, client, uri } = await openProject('prisma-lens-fk-usage-many-', files));
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers the first pull and code lens request without waiting for the code\'s queries to be read, and asks for a new pull once they are', async () => {
    const refreshed = client.nextRefresh();
    const level = (report: Awaited<ReturnType<LspTestClient['pull']>>) =>
      (report.items as { code?: string | number; severity?: number }[]).filter((item) => item.code === 'missing-fk-index').map((item) => item.severity);
    const lensTitles = async () => (await client.connection.sendRequest<{ command?: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } })).map((lens) => lens.command?.title);
    // Until they are all read, the lenses are left out and no key is taken for one that no query needs: the warning (2) stays.
    assert.deepEqual(await lensTitles(), []);
    assert.deepEqual(level(await client.pull(uri)), [2]);
    await refreshed;
    // No query filters posts by author, loads them through the relation or deletes a user: information (3).
    assert.deepEqual(level(await client.pull(uri)), [3]);
    assert.deepEqual(await lensTitles(), ['400 queries in the workspace can use this index']);
  });
});
