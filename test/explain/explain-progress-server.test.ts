/**
 * The EXPLAIN request reports its stages on the client's work-done token while the embedded
 * database gets ready (what the panel shows instead of a bare "Explaining…"), ends the progress
 * with the answer, and stops when the client cancels it.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { ExplainResult } from '../../server/src/lsp/explain';
import { LspTestClient } from '../server/lspClient';
import { freePort } from './plan-postgres-server';

const repoRoot = join(__dirname, '..', '..');

describe('EXPLAIN progress and cancellation on the built server', () => {
  let root: string;
  let cache: string;
  let client: LspTestClient;
  let feedUri: string;
  let line: number;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-explain-progress-'));
    cache = mkdtempSync(join(tmpdir(), 'prisma-lens-explain-progress-cache-'));
    cpSync(join(repoRoot, 'examples', 'blog'), root, { recursive: true });
    writeFileSync(join(root, '.env'), `DATABASE_URL="postgresql://blog:blog@127.0.0.1:${await freePort()}/blog"\n`);
    client = new LspTestClient({ env: { ...process.env, PRISMA_LENS_CACHE_DIR: cache } });
    await client.initialize(root, { pull: true });
    feedUri = pathToFileURL(join(root, 'src', 'feed.ts')).toString();
    const text = readFileSync(join(root, 'src', 'feed.ts'), 'utf8');
    line = text.split('\n').findIndex((candidate) => candidate.includes('prisma.post.findMany'));
    await client.open(feedUri, text, 'typescript');
  });

  after(async () => {
    await client?.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  /** Waits for a condition the server's notifications make true, checking as they arrive. */
  const until = async (condition: () => boolean): Promise<void> => {
    for (let waited = 0; !condition(); waited += 10) {
      if (waited > 60_000) throw new Error('the server reported nothing');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const reportsOf = (token: string) => client.progress.filter((entry) => entry.token === token).map((entry) => entry.value);

  test('a cancelled request answers at once with a sentence, and no plan', async () => {
    const source = new CancellationTokenSource();
    const answer = client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line, character: 0 }, workDoneToken: 'cancelled', settings: { rowsPerTable: 20_000 } }, source.token);
    // The user cancels once the panel shows that the request is under way.
    await until(() => reportsOf('cancelled').length > 0);
    source.cancel();
    const result = await answer.catch((error: unknown) => ({ error: String(error), statements: [], elapsedMs: 0 }) as ExplainResult);
    assert.equal(result.statements.length, 0);
    assert.match(result.error ?? '', /[Cc]ancel/);
  });

  test('stages are reported on the work-done token, from compiling to planning, then ended', async () => {
    const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line, character: 0 }, workDoneToken: 'first', settings: { rowsPerTable: 20_000 } });
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.statements[0]?.status, 'plan');
    const reports = reportsOf('first');
    assert.equal(reports[0]?.kind, 'begin');
    assert.equal(reports.at(-1)?.kind, 'end');
    const messages = reports.flatMap((report) => (report.message ? [report.message] : []));
    assert.match(messages[0]!, /^compiling the call's SQL… \d+\.\d s$/);
    assert.ok(messages.some((message) => /^planning/.test(message)), messages.join('\n'));
    assert.ok(messages.some((message) => /^(starting the database|generating rows)/.test(message)), messages.join('\n'));
  });

  test('without a token nothing is reported, and the answer is the same', async () => {
    const before = client.progress.length;
    const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line, character: 0 }, settings: { rowsPerTable: 20_000 } });
    assert.equal(result.statements[0]?.status, 'plan');
    assert.equal(client.progress.length, before);
  });
});
