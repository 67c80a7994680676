/**
 * Drives the built server through successive edits of one schema: the incrementally updated
 * analysis must report what a fresh analysis of the same text reports, pull responses stay lean
 * (fixes are found again on request), and an edit that changes no diagnostic keeps the result id.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/text';
import { LspTestClient, rangedChange } from './lspClient';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'blog');

interface PulledDiagnostic {
  code?: string | number;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  data?: { ruleId: string; fixes: unknown[] };
}

interface CodeActionLike {
  title: string;
  edit?: { changes?: Record<string, { range: PulledDiagnostic['range']; newText: string }[]> };
}

let freshUris = 0;

/** What a fresh analysis (no earlier build of the file to reuse) reports for `text`, as the server should. */
function expectedDiagnostics(text: string): string[] {
  const uri = `file:///fresh/${freshUris++}/schema.prisma`;
  const lines = new LineIndex(text);
  return analyzeSchema([{ uri, text }]).findings.map((finding) => {
    const start = lines.positionAt(finding.span.start);
    const end = lines.positionAt(finding.span.end);
    return `${start.line}:${start.character}-${end.line}:${end.character} ${finding.ruleId} ${finding.message}\n${finding.help}`;
  });
}

function describeDiagnostics(items: readonly PulledDiagnostic[]): string[] {
  return items.map((item) => `${item.range.start.line}:${item.range.start.character}-${item.range.end.line}:${item.range.end.character} ${item.code} ${item.message}`);
}

describe('language server over stdio (edits of one schema)', () => {
  let root: string;
  let client: LspTestClient;
  let uri: string;
  let original: string;
  let version = 1;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-edits-'));
    cpSync(EXAMPLE, root, { recursive: true });
    // The schema alone: the findings the example's code changes (missing-fk-index reads its queries) are tested in index-usage.test.ts.
    rmSync(join(root, 'src'), { recursive: true, force: true });
    const path = join(root, 'prisma', 'schema.prisma');
    uri = `file://${path}`;
    original = readFileSync(path, 'utf8');
    client = new LspTestClient();
    await client.initialize(root, { pull: true, workDoneProgress: true });
    // The workspace's first indexing ends before the edits: its end would change the result ids the tests compare.
    await client.progressEnded();
    await client.open(uri, original, 'prisma', version);
  });

  after(async () => {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  });

  let sent = '';
  /** Sends the new text (whole, or as the ranged change an editor sends) and pulls. */
  async function edit(text: string, ranged = false): Promise<{ kind: string; resultId?: string; items: PulledDiagnostic[] }> {
    if (ranged) await client.changeRanges(uri, ++version, [rangedChange(sent, text)]);
    else await client.change(uri, ++version, text);
    sent = text;
    return (await client.pull(uri)) as { kind: string; resultId?: string; items: PulledDiagnostic[] };
  }

  for (const ranged of [false, true]) {
    it(`reports after every edit exactly what a fresh analysis of the edited text reports (${ranged ? 'ranged changes, as VS Code sends keystrokes' : 'whole texts'})`, async () => {
      sent = original;
      const post = original.indexOf('model Post {');
      const comment = original.indexOf('model Comment {');
      const commentEnd = original.indexOf('\n}\n', comment) + 3;
      const copyOfPost = original.slice(post, original.indexOf('\n}\n', post) + 3).replace('model Post', 'model Copy');
      const steps: [string, (text: string) => string][] = [
        ['a model inserted before all others', (text) => text.replace('enum Role {', 'model Audit {\n  id     Int  @id\n  postId Int\n  post   Post @relation(fields: [postId], references: [id])\n}\n\nenum Role {')],
        ['a field renamed in the middle', (text) => text.replace('  authorId    Int        @map("author_id")', '  writerId    Int        @map("author_id")')],
        ['the rename undone', (text) => text.replace('  writerId    Int        @map("author_id")', '  authorId    Int        @map("author_id")')],
        ['a model deleted', (text) => text.replace(original.slice(comment, commentEnd), '')],
        ['a half-typed model', (text) => text.replace('model Post {', 'model Draft {\n  id Int @id\n  title Str\n\nmodel Post {')],
        ['the half-typed model closed', (text) => text.replace('  title Str\n\nmodel Post {', '  title String\n}\n\nmodel Post {')],
        ['a closing brace removed', (text) => text.replace('  @@map("users")\n}', '  @@map("users")\n')],
        ['a model pasted twice at the end', (text) => `${text}\n${copyOfPost}\n${copyOfPost}`],
        ['CRLF line breaks', (text) => text.replace(/\r?\n/g, '\r\n')],
        ['everything replaced by the original', () => original],
      ];
      let text = original;
      assert.deepEqual(describeDiagnostics((await client.pull(uri)).items as PulledDiagnostic[]), expectedDiagnostics(text));
      for (const [description, apply] of steps) {
        const next = apply(text);
        assert.notEqual(next, text, `the step "${description}" changes the text`);
        text = next;
        const report = await edit(text, ranged);
        assert.equal(report.kind, 'full', description);
        assert.deepEqual(describeDiagnostics(report.items), expectedDiagnostics(text), description);
      }
    });
  }

  it('leaves fixes out of pull responses and finds them again when a quick fix is asked for', async () => {
    const report = await edit(original);
    const diagnostic = report.items.find((item) => item.code === 'missing-fk-index' && item.message.includes('"Post.authorId" has no index'))!;
    assert.ok(diagnostic, 'the example reports Post.authorId');
    for (const item of report.items) assert.equal(item.data, undefined, `no serialized fix in ${item.code}`);

    const actionsFor = (item: PulledDiagnostic) =>
      client.connection.sendRequest<CodeActionLike[]>('textDocument/codeAction', { textDocument: { uri }, range: item.range, context: { diagnostics: [item] } });
    const fix = (await actionsFor(diagnostic)).find((action) => action.title === 'Add @@index([authorId]) to Post');
    assert.ok(fix?.edit?.changes?.[uri], 'the quick fix carries its edit');
    const lines = new LineIndex(original);
    const at = lines.offsetAt(fix.edit.changes[uri]![0]!.range.start);
    assert.ok(original.slice(0, at).endsWith('  @@index([categoryId])\n'), 'the edit goes after the model\'s last index');

    // The text changes under the diagnostic: the diagnostic the client still holds points at a line
    // that no finding starts on any more, so it gets no (stale) edit, only the documentation.
    const moved = await edit(`// A comment line.\n${original}`);
    const stale = await actionsFor(diagnostic);
    assert.deepEqual(stale.filter((action) => action.title.startsWith('Add @@index')), []);
    assert.ok(stale.some((action) => action.title === 'Show documentation for missing-fk-index'));
    const current = moved.items.find((item) => item.code === 'missing-fk-index' && item.message.includes('"Post.authorId" has no index'))!;
    assert.equal(current.range.start.line, diagnostic.range.start.line + 1);
    assert.ok((await actionsFor(current)).some((action) => action.title === 'Add @@index([authorId]) to Post'));
  });

  it('keeps the result id while an edit changes no diagnostic, so the next pull is answered unchanged', async () => {
    const first = await edit(original);
    assert.ok(first.resultId);
    // A comment at the end moves no finding.
    await client.change(uri, ++version, `${original}// The end.\n`);
    const unchanged = await client.pull(uri, first.resultId);
    assert.equal(unchanged.kind, 'unchanged');
    assert.equal(unchanged.resultId, first.resultId);
    // A comment at the start moves every finding down one line.
    await client.change(uri, ++version, `// The start.\n${original}// The end.\n`);
    const moved = await client.pull(uri, first.resultId);
    assert.equal(moved.kind, 'full');
    assert.notEqual(moved.resultId, first.resultId);
    assert.deepEqual(describeDiagnostics(moved.items as PulledDiagnostic[]), expectedDiagnostics(`// The start.\n${original}// The end.\n`));
  });
});
