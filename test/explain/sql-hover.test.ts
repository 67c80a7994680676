/** Hover over a Prisma call, through the built language server over stdio: the SQL Prisma runs, and nothing elsewhere. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { LspTestClient } from '../server/lspClient';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'blog');

interface HoverResult {
  contents: { kind: string; value: string };
  range?: { start: { line: number; character: number }; end: { line: number; character: number } };
}

function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `${needle} occurs in the text`);
  const before = text.slice(0, offset + delta).split('\n');
  return { line: before.length - 1, character: before.at(-1)!.length };
}

const SOURCE = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function drafts(authorId: number) {
  const posts = await prisma.post.findMany({ where: { authorId, published: false }, include: { author: true } });
  const broken = await prisma.post.findMany({ where: { titel: 'x' } });
  const local = [1, 2].find((n) => n > 1);
  return { posts, broken, local };
}
`;

describe('hover over Prisma calls (language server over stdio)', () => {
  let root: string;
  let client: LspTestClient;
  let uri: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-hover-'));
    cpSync(EXAMPLE, root, { recursive: true });
    client = new LspTestClient();
    const result = await client.initialize(root, { pull: true });
    assert.equal(result.capabilities.hoverProvider, true);
    uri = pathToFileURL(join(root, 'src', 'drafts.ts')).toString();
    await client.open(uri, SOURCE, 'typescript');
  });

  after(async () => {
    await client?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const hover = (position: { line: number; character: number }): Promise<HoverResult | null> =>
    client.connection.sendRequest<HoverResult | null>('textDocument/hover', { textDocument: { uri }, position });

  it('shows every statement of the call, with its parameters', async () => {
    const result = await hover(positionOf(SOURCE, 'findMany', 2));
    assert.ok(result, 'a hover');
    assert.equal(result.contents.kind, 'markdown');
    const value = result.contents.value;
    assert.match(value, /^\*\*SQL of `prisma\.post\.findMany`\*\* \(2 statements, in the order Prisma runs them\)/);
    // The example maps Post to "posts" and User to "users": the SQL names the tables Prisma uses.
    assert.match(value, /```sql\nSELECT .* FROM "public"\."posts" WHERE \("public"\."posts"\."author_id" = \$1 AND "public"\."posts"\."published" = \$2\)/);
    assert.match(value, /```sql\nSELECT .* FROM "public"\."users" WHERE "public"\."users"\."id" IN \(\$1\)/);
    assert.match(value, /`\$1` authorId: Int/);
    assert.match(value, /`\$2` = `false` \(Boolean\)/);
    assert.deepEqual(result.range?.start, positionOf(SOURCE, 'prisma.post.findMany({ where: { authorId'));
  });

  it('says why a call has no SQL, naming the mistake', async () => {
    const result = await hover(positionOf(SOURCE, 'findMany({ where: { titel', 1));
    assert.ok(result);
    assert.match(result.contents.value, /`titel` is not a field there/);
  });

  it('stays quiet inside the arguments, on other calls and outside calls', async () => {
    assert.equal(await hover(positionOf(SOURCE, 'published: false', 2)), null);
    assert.equal(await hover(positionOf(SOURCE, 'find((n)', 1)), null);
    assert.equal(await hover(positionOf(SOURCE, 'export async', 3)), null);
  });

  it('answers for a half-typed call without crashing the server', async () => {
    const halfTyped = `${SOURCE}\nconst more = await prisma.post.findMany({ where: { title: { contains: `;
    await client.change(uri, 2, halfTyped);
    const result = await hover(positionOf(halfTyped, 'findMany({ where: { title', 1));
    assert.ok(result === null || typeof result.contents.value === 'string');
    // The server still answers afterwards.
    assert.ok(await hover(positionOf(halfTyped, 'findMany', 2)));
  });
});
