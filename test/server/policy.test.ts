/** Configuration and suppressions in the built language server: .prismalens.json, editor settings, comments, "Ignore for this line". */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient } from './lspClient';

const SCHEMA = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)
  price    Float
}
`;

interface Action {
  title: string;
  edit?: { changes?: Record<string, { range: never; newText: string }[]> };
}

const codes = (items: readonly { code?: string | number }[]) => items.map((item) => String(item.code)).sort();

describe('configuration and suppressions in the language server', () => {
  let root: string;
  let client: LspTestClient;
  let uri: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-policy-'));
    mkdirSync(join(root, 'prisma'));
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'prisma', 'schema.prisma'), SCHEMA);
    uri = `file://${join(root, 'prisma', 'schema.prisma')}`;
    client = new LspTestClient();
    await client.initialize(root, { pull: true });
    await client.open(uri, SCHEMA);
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('reports with the default levels, then follows the editor settings', async () => {
    assert.deepEqual(codes((await client.pull(uri)).items), ['float-money', 'missing-fk-index']);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: { rules: { 'float-money': 'off', 'missing-fk-index': 'error' } } } });
    const report = await client.pull(uri);
    assert.deepEqual(codes(report.items), ['missing-fk-index']);
    assert.equal((report.items[0] as { severity?: number }).severity, 1, 'error');
  });

  it('lets .prismalens.json win over the settings, and reads it again when it changes', async () => {
    const config = join(root, '.prismalens.json');
    writeFileSync(config, JSON.stringify({ rules: { 'missing-fk-index': 'off', 'float-money': 'info' } }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${config}`, type: 1 }] });
    const report = await client.pull(uri);
    assert.deepEqual(codes(report.items), ['float-money']);
    assert.equal((report.items[0] as { severity?: number }).severity, 3, 'information');
    rmSync(config);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${config}`, type: 3 }] });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: { rules: { 'float-money': 'default', 'missing-fk-index': 'default' } } } });
    assert.deepEqual(codes((await client.pull(uri)).items), ['float-money', 'missing-fk-index']);
  });

  it('offers "Ignore for this line", whose comment silences the finding; a stale one is reported', async () => {
    const report = await client.pull(uri);
    const diagnostic = report.items.find((item) => item.code === 'missing-fk-index')!;
    const actions = await client.connection.sendRequest<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: (diagnostic as unknown as { range: unknown }).range,
      context: { diagnostics: [diagnostic] },
    });
    const ignore = actions.find((action) => action.title === 'Ignore missing-fk-index for this line');
    assert.ok(ignore, actions.map((action) => action.title).join(', '));
    const document = TextDocument.create(uri, 'prisma', 1, SCHEMA);
    const ignored = TextDocument.applyEdits(document, ignore.edit!.changes![uri]!);
    assert.match(ignored, /\n  \/\/ prisma-lens-ignore missing-fk-index: <reason>\n  authorId Int\n/);
    await client.change(uri, 2, ignored);
    assert.deepEqual(codes((await client.pull(uri)).items), ['float-money']);
    // The field no longer needs it: the comment is now stale, and says so.
    const indexed = ignored.replace('  price    Float\n', '  price    Float\n\n  @@index([authorId])\n');
    await client.change(uri, 3, indexed);
    assert.deepEqual(codes((await client.pull(uri)).items), ['float-money', 'unused-suppression']);
  });

  it('applies settings and suppression comments to TypeScript files too', async () => {
    const codeUri = `file://${join(root, 'src', 'feed.ts')}`;
    const loop = 'import { PrismaClient } from "@prisma/client";\nconst prisma = new PrismaClient();\nexport async function feed(ids: number[]) {\n  for (const id of ids) {\n    await prisma.post.findFirst({ where: { id } });\n  }\n}\n';
    await client.open(codeUri, loop, 'typescript');
    assert.deepEqual(codes((await client.pull(codeUri)).items), ['n-plus-one']);
    await client.change(codeUri, 2, loop.replace('    await prisma', '    // prisma-lens-ignore n-plus-one: ids holds at most three entries\n    await prisma'));
    assert.deepEqual(codes((await client.pull(codeUri)).items), []);
    await client.change(codeUri, 3, loop);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { prismaLens: { rules: { 'n-plus-one': 'off' } } } });
    assert.deepEqual(codes((await client.pull(codeUri)).items), []);
  });
});
