/**
 * "Explain Query at Cursor" on the built server finds the call the user means as
 * `prisma-lens explain <file>:<line>` does (the cursor at column 0 of the line of
 * `prisma.post.findMany`, or on `const posts = await` before it), and advises the index the
 * unindexed-query diagnostic proposes for the same call.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { ExplainResult } from '../../server/src/lsp/explain';
import { LspTestClient } from '../server/lspClient';
import { freePort } from './plan-postgres-server';

const repoRoot = join(__dirname, '..', '..');

describe('Explain Query at Cursor: the call on the cursor\'s line', () => {
  let root: string;
  let client: LspTestClient;
  let feedUri: string;
  let feedText: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-explain-cursor-'));
    cpSync(join(repoRoot, 'examples', 'blog'), root, { recursive: true });
    // Nothing listens on the port: the plans come from the embedded database.
    writeFileSync(join(root, '.env'), `DATABASE_URL="postgresql://blog:blog@127.0.0.1:${await freePort()}/blog?schema=public"\n`);
    client = new LspTestClient();
    await client.initialize(root, { pull: true });
    feedUri = pathToFileURL(join(root, 'src', 'feed.ts')).toString();
    feedText = readFileSync(join(root, 'src', 'feed.ts'), 'utf8');
    await client.open(feedUri, feedText, 'typescript');
  });

  after(async () => {
    await client?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const lineOf = (needle: string): number => {
    const offset = feedText.indexOf(needle);
    assert.ok(offset >= 0, needle);
    return feedText.slice(0, offset).split('\n').length - 1;
  };
  // Rows enough for the scan to count as one of a large table, few enough to generate quickly.
  const settings = { rowsPerTable: 20_000 };

  test('the cursor at column 0 of the findMany line explains prisma.post.findMany, with the index the diagnostic proposes', async () => {
    const line = lineOf('prisma.post.findMany');
    const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line, character: 0 }, settings });
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.callee, 'prisma.post.findMany');
    assert.equal(result.range?.start.line, line);
    const [statement] = result.statements;
    assert.equal(statement?.status, 'plan', statement?.message);
    assert.deepEqual(statement!.suggestions.map((suggestion) => suggestion.indexText), ['@@index([published, publishedAt])']);

    const diagnostics = (await client.pull(feedUri)).items.filter((diagnostic) => diagnostic.code === 'unindexed-query' && diagnostic.range.start.line === line);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.match(diagnostics[0]!.message, /\nAdd "@@index\(\[published, publishedAt\]\)" to model "Post"\.$/);
  });

  test('the cursor on `const posts = await`, before the call, explains the same call', async () => {
    const line = lineOf('prisma.post.findMany');
    const character = feedText.split('\n')[line]!.indexOf('posts');
    const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line, character }, settings });
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.callee, 'prisma.post.findMany');
  });

  test('a line with no call: a plain sentence and no statements', async () => {
    const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line: 0, character: 0 }, settings });
    assert.equal(result.error, 'there is no Prisma call on line 1: place the cursor on a call such as prisma.post.findMany(…)');
    assert.deepEqual(result.statements, []);
  });
});
