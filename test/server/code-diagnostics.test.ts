/** Drives the built language server over stdio on TypeScript files: N+1 diagnostics, the quick fix, edits, indexing progress, bad input. */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient } from './lspClient';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'blog');
const INCLUDE_FIX = 'Load author with include on the query that loads posts';

interface Diagnostic {
  code?: string | number;
  severity?: number;
  source?: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  data?: unknown;
}

interface CodeActionLike {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  edit?: { changes?: Record<string, { range: never; newText: string }[]>; documentChanges?: { edits: unknown[] }[] };
}

/** The n-plus-one diagnostics of a report; other rules (index advice on the same queries) are not this test's business. */
function nPlusOne(report: { items: unknown[] }): Diagnostic[] {
  return (report.items as Diagnostic[]).filter((item) => item.code === 'n-plus-one');
}

/** Zero-based position of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} occurs in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

const NEW_LOOP = `
export async function commentCounts(postIds: number[]) {
  return Promise.all(postIds.map(async (postId) => prisma.comment.count({ where: { postId } })));
}
`;

describe('language server over stdio: TypeScript files (pull diagnostics)', () => {
  let root: string;
  let client: LspTestClient;
  let feedUri: string;
  let document: TextDocument;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-code-'));
    cpSync(EXAMPLE, root, { recursive: true });
    // Files the index must leave out: dependencies, build output, and what .gitignore names.
    const loop = 'for (const id of ids) await prisma.user.findFirst({ where: { id } });\n';
    for (const file of ['node_modules/lib/index.ts', 'dist/feed.js', 'tmp/scratch.ts']) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), loop);
    }
    writeFileSync(join(root, '.gitignore'), 'tmp/\n');
    feedUri = `file://${join(root, 'src', 'feed.ts')}`;
    client = new LspTestClient();
    await client.initialize(root, { pull: true, workDoneProgress: true });
    document = TextDocument.create(feedUri, 'typescript', 1, readFileSync(join(root, 'src', 'feed.ts'), 'utf8'));
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('reports the first indexing with $/progress begin … end and counts only the project\'s own code files', async () => {
    await client.progressEnded();
    const kinds = client.progress.map((entry) => entry.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    assert.equal(client.progress[0]!.value.title, 'Prisma Lens');
    assert.equal(new Set(client.progress.map((entry) => entry.token)).size, 1, 'one progress token');
    const indexed = client.logs.find((line) => line.startsWith('indexed '));
    assert.match(indexed ?? '', /^indexed 3 code files \(3 parsed, 5 Prisma queries\)/, client.logs.join('\n'));
  });

  it('warns about the query in the loop, on the query call, and reuses an unchanged result', async () => {
    const refreshesBefore = client.refreshRequests;
    await client.open(feedUri, document.getText(), 'typescript');
    let report = await client.pull(feedUri);
    assert.equal(report.kind, 'full');
    const items = nPlusOne(report);
    assert.equal(items.length, 1, JSON.stringify(report.items));
    const [diagnostic] = items;
    assert.equal(diagnostic!.code, 'n-plus-one');
    assert.equal(diagnostic!.source, 'prisma-lens');
    assert.equal(diagnostic!.severity, 2);
    assert.match(diagnostic!.message, /^1 \+ N queries: "prisma\.user\.findFirst" runs once per "post" of "posts"/);
    const start = positionOf(document.getText(), 'prisma.user.findFirst');
    assert.deepEqual(diagnostic!.range, { start, end: { line: start.line, character: start.character + 'prisma.user.findFirst'.length } });
    let again = await client.pull(feedUri, report.resultId);
    if (again.kind === 'full' && client.refreshRequests > refreshesBefore) {
      // The workspace's call summaries, rebuilt in the background after the indexing, arrived between
      // the two pulls, and the server asked for new diagnostics: the next pull of the same text is the one to compare.
      report = again;
      again = await client.pull(feedUri, report.resultId);
    }
    assert.equal(again.kind, 'unchanged');
  });

  it('offers the unsafe quick fix, keeps it out of fix-all, and the fixed file has no warning', async () => {
    const [diagnostic] = nPlusOne(await client.pull(feedUri));
    const actions = await client.connection.sendRequest<CodeActionLike[]>('textDocument/codeAction', {
      textDocument: { uri: feedUri },
      range: diagnostic!.range,
      context: { diagnostics: [diagnostic] },
    });
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes(INCLUDE_FIX), titles.join(', '));
    assert.ok(titles.includes('Show documentation for n-plus-one'), titles.join(', '));
    assert.ok(!titles.some((title) => /fix all/i.test(title)), 'no fix-all action for unsafe fixes');
    const fix = actions.find((action) => action.title === INCLUDE_FIX)!;
    assert.notEqual(fix.isPreferred, true, 'an unsafe fix is never the preferred one');

    const fixAll = await client.connection.sendRequest<CodeActionLike[]>('textDocument/codeAction', {
      textDocument: { uri: feedUri },
      range: diagnostic!.range,
      context: { diagnostics: [diagnostic], only: ['source.fixAll.prismaLens'] },
    });
    assert.deepEqual(fixAll, [], 'fix-all applies no unsafe fix');

    const edits = fix.edit!.changes![feedUri]!;
    document = TextDocument.create(feedUri, 'typescript', document.version + 1, TextDocument.applyEdits(document, edits));
    assert.match(document.getText(), /take, include: \{ author: \{ select: \{ name: true \} \} \} \}\);/);
    assert.match(document.getText(), /const author = post\.author;/);
    await client.change(feedUri, document.version, document.getText());
    assert.deepEqual(nPlusOne(await client.pull(feedUri)), []);
  });

  it('re-analyses the edited file: a new loop is reported, its removal clears it', async () => {
    document = TextDocument.create(feedUri, 'typescript', document.version + 1, document.getText() + NEW_LOOP);
    await client.change(feedUri, document.version, document.getText());
    const items = nPlusOne(await client.pull(feedUri));
    assert.deepEqual(items.map((item) => item.message.split('\n')[0]), ['N queries where one would do: "prisma.comment.count" runs once per "postId" of "postIds" (map).']);
    assert.equal(items[0]!.range.start.line, positionOf(document.getText(), 'prisma.comment.count').line);
    document = TextDocument.create(feedUri, 'typescript', document.version + 1, document.getText().replace(NEW_LOOP, ''));
    await client.change(feedUri, document.version, document.getText());
    assert.deepEqual(nPlusOne(await client.pull(feedUri)), []);
  });

  it('survives half-typed code, binary junk and a huge file, and keeps answering', async () => {
    const text = document.getText();
    let version = document.version;
    const halfTyped = `${text}\nexport async function broken(ids: number[]) {\n  for (const id of ids) {\n    await prisma.user.findFirst({ where: { id `;
    await client.change(feedUri, ++version, halfTyped);
    const partial = nPlusOne(await client.pull(feedUri));
    assert.deepEqual(partial.map((item) => item.code), ['n-plus-one'], 'the half-typed loop is still analysed');

    await client.change(feedUri, ++version, '\u0000\u0001\u0002 for (;;) {{{ \u00ff'.repeat(1000));
    const junk = (await client.pull(feedUri)).items as Diagnostic[];
    assert.equal(junk.length, 1);
    assert.match(junk[0]!.message, /binary data/);

    await client.change(feedUri, ++version, `// ${'x'.repeat(3 * 1024 * 1024)}\n`);
    const huge = (await client.pull(feedUri)).items as Diagnostic[];
    assert.match(huge[0]!.message, /over the 2 MB/);

    await client.change(feedUri, ++version, text);
    assert.deepEqual(nPlusOne(await client.pull(feedUri)), []);
    assert.equal(client.process.exitCode, null, 'the server is still running');
    assert.ok(!client.logs.some((line) => /unexpected (error|rejection)/.test(line)), client.logs.join('\n'));
  });

  it('re-resolves open code files when the schema changes: a renamed model is no longer a Prisma query', async () => {
    const schemaUri = `file://${join(root, 'prisma', 'schema.prisma')}`;
    const schemaText = readFileSync(join(root, 'prisma', 'schema.prisma'), 'utf8');
    const loop = `\nexport async function tagNames(ids: number[]) {\n  for (const id of ids) await prisma.tag.findFirst({ where: { id } });\n}\n`;
    await client.change(feedUri, document.version + 10, document.getText() + loop);
    assert.equal(nPlusOne(await client.pull(feedUri)).length, 1);
    await client.open(schemaUri, schemaText.replace('model Tag {', 'model Label {'));
    assert.deepEqual(nPlusOne(await client.pull(feedUri)), [], '`prisma.tag` is not a delegate of the edited schema');
    // A schema edit asks the client to pull the code files again (this test waits for that request).
    const refreshed = client.nextRefresh();
    await client.change(schemaUri, 2, schemaText);
    await refreshed;
    assert.equal(nPlusOne(await client.pull(feedUri)).length, 1);
  });
});

describe('language server over stdio: TypeScript files (first indexing of a larger workspace)', () => {
  it('answers the open file before the indexing of the other files ends', async () => {
    const root = mkdtempSync(join(tmpdir(), 'prisma-lens-code-many-'));
    const client = new LspTestClient();
    try {
      cpSync(EXAMPLE, root, { recursive: true });
      const feed = readFileSync(join(root, 'src', 'feed.ts'), 'utf8');
      // Enough files that the pass outlasts the pull by a wide margin, also on a busy machine.
      const copies = 1600;
      for (let index = 0; index < copies; index++) {
        const folder = join(root, 'src', 'features', `area${index % 40}`);
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, `feed${index}.ts`), feed.replace('latestPosts', `latestPosts${index}`));
      }
      const uri = `file://${join(root, 'src', 'feed.ts')}`;
      await client.initialize(root, { pull: true, workDoneProgress: true });
      await client.open(uri, feed, 'typescript');
      const report = await client.pull(uri);
      assert.equal(nPlusOne(report).length, 1);
      assert.ok(!client.progress.some((entry) => entry.value.kind === 'end'), 'the pull was answered while the workspace was still being indexed');
      await client.progressEnded();
      assert.ok(client.progress.some((entry) => entry.value.kind === 'report' && /^\d+\/1603 files$/.test(entry.value.message ?? '')), 'progress counts the files');
      const indexed = client.logs.find((line) => line.startsWith('indexed '));
      // The open file's two queries count when its pull finished before the pass did, which the
      // pass does not wait for: what matters is that the pass parsed the 1,602 other files only (the copies, src/account.ts and src/tags.ts).
      assert.match(indexed ?? '', /^indexed 1603 code files \(1602 parsed, 320[35] Prisma queries\)/, 'the open file is parsed by its pull, not by the pass');
    } finally {
      await client.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('language server over stdio: TypeScript files (push diagnostics)', () => {
  it('publishes the N+1 warning of an open file, tagged with its version', async () => {
    const root = mkdtempSync(join(tmpdir(), 'prisma-lens-code-push-'));
    const client = new LspTestClient();
    try {
      cpSync(EXAMPLE, root, { recursive: true });
      await client.initialize(root, { pull: false });
      const uri = `file://${join(root, 'src', 'feed.ts')}`;
      const text = readFileSync(join(root, 'src', 'feed.ts'), 'utf8');
      await client.open(uri, text, 'typescript');
      await client.change(uri, 2, text.replace('prisma.user.findFirst', 'prisma.user.findFirstOrThrow'));
      const published = await client.waitForPublish((p) => p.uri === uri);
      assert.equal(published.version, 2, 'only the latest version is published');
      const found = published.diagnostics.filter((item) => item.code === 'n-plus-one');
      assert.equal(found.length, 1);
      assert.match(found[0]!.message, /^1 \+ N queries: "prisma\.user\.findFirstOrThrow" runs once per/);
    } finally {
      await client.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
