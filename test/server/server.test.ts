/** Drives the built language server over stdio: diagnostics, quick fixes, fix-all, edits, and bad input. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient } from './lspClient';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'blog');

interface CodeActionLike {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  edit?: { changes?: Record<string, { range: never; newText: string }[]>; documentChanges?: { textDocument: { uri: string }; edits: { range: never; newText: string }[] }[] };
  command?: { command: string; arguments?: unknown[] };
}

/** The `missing-fk-index` diagnostics: what these tests are about, whatever other rules report on the same schema. */
function fkIndex<T extends { code?: string | number }>(items: readonly T[]): T[] {
  return items.filter((item) => item.code === 'missing-fk-index');
}

function applyActionEdit(document: TextDocument, action: CodeActionLike): TextDocument {
  const edits = action.edit?.changes?.[document.uri] ?? action.edit?.documentChanges?.find((change) => change.textDocument.uri === document.uri)?.edits ?? [];
  assert.ok(edits.length > 0, `action "${action.title}" edits ${document.uri}`);
  return TextDocument.create(document.uri, 'prisma', document.version + 1, TextDocument.applyEdits(document, edits));
}

describe('language server over stdio (pull diagnostics)', () => {
  let root: string;
  let client: LspTestClient;
  let schemaUri: string;
  let document: TextDocument;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-server-'));
    cpSync(EXAMPLE, root, { recursive: true });
    schemaUri = `file://${join(root, 'prisma', 'schema.prisma')}`;
    client = new LspTestClient();
    const init = await client.initialize(root, { pull: true, workDoneProgress: true });
    assert.ok(init.capabilities.diagnosticProvider, 'announces pull diagnostics');
    // The example's code is indexed first: what it queries decides some findings' levels (missing-fk-index), which would change between pulls otherwise.
    await client.progressEnded();
    document = TextDocument.create(schemaUri, 'prisma', 1, readFileSync(join(root, 'prisma', 'schema.prisma'), 'utf8'));
    await client.open(schemaUri, document.getText());
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('reports the example\'s unindexed foreign keys', async () => {
    const report = await client.settledPull(schemaUri);
    assert.equal(report.kind, 'full');
    const found = fkIndex(report.items).map((item) => `${item.code}:${item.message.match(/: ("[^"]+") has no index\./)?.[1]}`).sort();
    assert.deepEqual(found, [
      'missing-fk-index:"Comment.authorId"',
      'missing-fk-index:"Post.authorId"',
      'missing-fk-index:"PostTag.tagId"',
      'missing-fk-index:"Subscription.authorId"',
      'missing-fk-index:"User.invitedById"',
    ]);
    const again = await client.pull(schemaUri, report.resultId);
    assert.equal(again.kind, 'unchanged', 'an unchanged schema is not re-sent');
  });

  it('offers the quick fix, and the edited schema loses that diagnostic', async () => {
    const report = await client.pull(schemaUri);
    const diagnostic = report.items.find((item) => item.message.includes('"Post.authorId" has no index'))!;
    const actions = await client.connection.sendRequest<CodeActionLike[]>('textDocument/codeAction', {
      textDocument: { uri: schemaUri },
      range: (diagnostic as unknown as { range: unknown }).range,
      context: { diagnostics: [diagnostic] },
    });
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Add @@index([authorId]) to Post'), titles.join(', '));
    assert.ok(titles.includes('Show documentation for missing-fk-index'), titles.join(', '));
    const fix = actions.find((action) => action.title === 'Add @@index([authorId]) to Post')!;
    assert.equal(fix.isPreferred, true);
    document = applyActionEdit(document, fix);
    assert.ok(document.getText().includes('  @@index([categoryId])\n  @@index([authorId])\n  @@map("posts")\n}'), 'the index follows the model\'s indexes, before @@map');
    await client.change(schemaUri, document.version, document.getText());
    const after = await client.pull(schemaUri);
    assert.equal(fkIndex(after.items).length, 4);
    assert.ok(!after.items.some((item) => item.message.includes('"Post.authorId" has no index')));
  });

  it('fixes all safe problems in the file through workspace/applyEdit', async () => {
    client.applyEdit = (edit) => {
      const change = (edit as CodeActionLike['edit'])!.documentChanges![0]!;
      document = TextDocument.create(schemaUri, 'prisma', document.version + 1, TextDocument.applyEdits(document, change.edits));
      return true;
    };
    await client.connection.sendRequest('workspace/executeCommand', { command: 'prismaLens.server.fixAllInFile', arguments: [schemaUri] });
    // The example's own two indexes, the one the quick fix added, and the four fix-all adds.
    assert.equal((document.getText().match(/@@index\(\[/g) ?? []).length, 2 + 1 + 4);
    await client.change(schemaUri, document.version, document.getText());
    assert.deepEqual(fkIndex((await client.pull(schemaUri)).items), []);
  });

  it('survives a half-typed schema, binary junk and a huge file, and keeps answering', async () => {
    const broken = document.getText().replace('model Tag {', 'model Tag {\n  oops @@@ (\n').replace(/@@index\(\[authorId\]\)/g, '');
    await client.change(schemaUri, document.version + 1, broken);
    const partial = await client.pull(schemaUri);
    assert.ok(partial.items.some((item) => item.message.includes('"Post.authorId" has no index')), 'the other models are still analysed');

    await client.change(schemaUri, document.version + 2, '\u0000\u0001\u0002 model {{{ \u00ff'.repeat(1000));
    const junk = await client.pull(schemaUri);
    assert.equal(junk.items.length, 1);
    assert.match(junk.items[0]!.message, /binary data/);

    await client.change(schemaUri, document.version + 3, `// ${'x'.repeat(6 * 1024 * 1024)}\n`);
    const huge = await client.pull(schemaUri);
    assert.match(huge.items[0]!.message, /over the 5 MB/);

    await client.change(schemaUri, document.version + 4, document.getText());
    assert.deepEqual(fkIndex((await client.pull(schemaUri)).items), []);
    assert.equal(client.process.exitCode, null, 'the server is still running');
  });

  it('answers TypeScript documents without findings', async () => {
    const tsUri = `file://${join(root, 'src', 'index.ts')}`;
    await client.open(tsUri, 'const prisma = {} as any;\n', 'typescript');
    assert.deepEqual((await client.pull(tsUri)).items, []);
  });
});

describe('language server over stdio (multi-file schema)', () => {
  it('analyses the whole prisma/schema folder and asks for a refresh when one file changes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'prisma-lens-multi-'));
    const client = new LspTestClient();
    try {
      mkdirSync(join(root, 'prisma', 'schema'), { recursive: true });
      writeFileSync(join(root, 'package.json'), '{"name":"multi"}');
      writeFileSync(join(root, 'prisma', 'schema', 'main.prisma'), 'datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n');
      writeFileSync(join(root, 'prisma', 'schema', 'user.prisma'), 'model User {\n  id    Int    @id\n  posts Post[]\n}\n');
      const postText = 'model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n';
      writeFileSync(join(root, 'prisma', 'schema', 'post.prisma'), postText);
      await client.initialize(root, { pull: true });
      const postUri = `file://${join(root, 'prisma', 'schema', 'post.prisma')}`;
      const mainUri = `file://${join(root, 'prisma', 'schema', 'main.prisma')}`;
      await client.open(postUri, postText);
      assert.deepEqual(fkIndex((await client.pull(postUri)).items), [], 'MySQL (from another file) indexes foreign keys itself');
      const mainText = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n';
      await client.open(mainUri, mainText.replace('postgresql', 'mysql'));
      await client.change(mainUri, 2, mainText);
      const report = await client.pull(postUri);
      assert.equal(fkIndex(report.items).length, 1, 'the provider change in main.prisma applies to post.prisma');
      assert.ok(client.refreshRequests > 0, 'the server asked the client to pull again');
    } finally {
      await client.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('language server over stdio (push diagnostics)', () => {
  it('publishes debounced diagnostics tagged with the document version', async () => {
    const root = mkdtempSync(join(tmpdir(), 'prisma-lens-push-'));
    const client = new LspTestClient();
    try {
      const init = await client.initialize(root, { pull: false });
      assert.equal(init.capabilities.diagnosticProvider, undefined);
      const uri = `file://${join(root, 'schema.prisma')}`;
      const text = 'model User {\n  id    Int    @id\n  posts Post[]\n}\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n';
      await client.open(uri, text);
      await client.change(uri, 2, text.replace('authorId Int', 'authorId Int '));
      await client.change(uri, 3, text);
      const published = await client.waitForPublish((p) => p.uri === uri);
      assert.equal(published.version, 3, 'only the latest version is published');
      assert.equal(fkIndex(published.diagnostics).length, 1);
    } finally {
      await client.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
