/**
 * The built language server (dist/server.js) over stdio answers the EXPLAIN requests for the example
 * project: code lens positions, the SQL and plan of a call on the embedded database when the
 * project's DATABASE_URL does not answer, the index advice with its schema edit, and "what if".
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { ExplainableCall, ExplainResult, WhatIfResult } from '../../server/src/lsp/explain';
import { LspTestClient } from '../server/lspClient';
import { freePort } from './plan-postgres-server';

const repoRoot = join(__dirname, '..', '..');

describe('EXPLAIN requests on the built server', () => {
  let root: string;
  let client: LspTestClient;
  let feedUri: string;
  let feedText: string;
  let port: number;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'prisma-lens-explain-server-'));
    cpSync(join(repoRoot, 'examples', 'blog'), root, { recursive: true });
    port = await freePort();
    // The project's database is not running: the server must say so and use the embedded one.
    writeFileSync(join(root, '.env'), `DATABASE_URL="postgresql://blog:blog@127.0.0.1:${port}/blog?schema=public"\n`);
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

  const positionOf = (needle: string): { line: number; character: number } => {
    const offset = feedText.indexOf(needle);
    assert.ok(offset >= 0, needle);
    const before = feedText.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before[before.length - 1]!.length };
  };

  test('every Prisma call of the file gets a code lens position', async () => {
    const calls = await client.connection.sendRequest<ExplainableCall[]>('prismaLens/explainableCalls', { uri: feedUri });
    assert.deepEqual(calls.map((call) => [call.callee, call.range.start]), [
      ['prisma.post.findMany', positionOf('prisma.post.findMany')],
      ['prisma.user.findFirst', positionOf('prisma.user.findFirst')],
    ]);
  });

  test('the plan of prisma.post.findMany on the embedded database, with the reason and the index advice', async () => {
    const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: positionOf('post.findMany') });
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.callee, 'prisma.post.findMany');
    assert.equal(result.database?.kind, 'embedded');
    assert.equal(result.database?.fallbackReason, `Could not use your database (DATABASE_URL in .env, line 1): nothing accepts connections at blog@127.0.0.1:${port}/blog (connection refused): is the database running?`);
    const [statement] = result.statements;
    assert.equal(statement?.status, 'plan');
    assert.match(statement!.sql, /FROM "public"\."posts"/);
    assert.ok(statement!.tree!.nodes.some((node) => /Seq Scan/.test(node.nodeType) && node.relation === 'posts'));
    assert.ok(statement!.highlights.some((highlight) => highlight.kind === 'seq-scan'));
    const suggestion = statement!.suggestions[0]!;
    assert.equal(suggestion.model, 'Post');
    assert.equal(suggestion.indexText, '@@index([published, publishedAt])', 'the index the unindexed-query rule proposes');
    assert.equal(suggestion.workspaceEdit?.uri, pathToFileURL(join(root, 'prisma', 'schema.prisma')).toString());
    assert.equal(suggestion.workspaceEdit?.edit.newText, `  ${suggestion.indexText}\n`);

    const whatIf = await client.connection.sendRequest<WhatIfResult>('prismaLens/explainWhatIf', {
      uri: feedUri,
      position: positionOf('post.findMany'),
      statementIndex: 0,
      suggestion: { indexText: suggestion.indexText },
    });
    assert.ok(!('error' in whatIf), 'error' in whatIf ? whatIf.error : '');
    assert.ok(!('error' in whatIf.after) && whatIf.after.totalCost < whatIf.before.totalCost);

    const madeUp = await client.connection.sendRequest<WhatIfResult>('prismaLens/explainWhatIf', {
      uri: feedUri,
      position: positionOf('post.findMany'),
      statementIndex: 0,
      suggestion: { indexText: '@@index([title])', createIndexSql: 'DROP TABLE posts' },
    });
    assert.deepEqual(madeUp, { error: '@@index([title]) is not suggested for this plan any more; explain the call again' });
  });

  test('no call at the cursor, or a file that is not open: a sentence, not a failure', async () => {
    const nothing = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line: 0, character: 0 } });
    assert.equal(nothing.error, 'there is no Prisma call on line 1: place the cursor on a call such as prisma.post.findMany(…)');
    const closed = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: `${feedUri}.missing.ts`, position: { line: 0, character: 0 } });
    assert.equal(closed.error, 'open the file in an editor to explain its queries');
  });

  test('selected SQL: one statement is explained on the same database; anything else is refused before it reaches one', async () => {
    const selected = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', {
      uri: feedUri,
      position: { line: 0, character: 0 },
      sql: 'SELECT id, title FROM "public"."posts" WHERE "author_id" = $1 ORDER BY id LIMIT 20',
    });
    assert.equal(selected.error, undefined, selected.error);
    assert.equal(selected.callee, 'selected SQL');
    assert.equal(selected.database?.kind, 'embedded');
    assert.equal(selected.statements[0]?.status, 'plan', JSON.stringify(selected.statements[0]).slice(0, 600));
    assert.ok(selected.statements[0]!.tree!.nodes.some((node) => node.relation === 'posts'));
    const refused = async (sql: string) => (await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line: 0, character: 0 }, sql })).error;
    assert.equal(await refused('SELECT 1; DROP TABLE "public"."posts"'), 'the SQL holds 2 statements; only one statement is explained, and a second one would run outside EXPLAIN\'s rolled-back transaction');
    assert.equal(await refused('DROP TABLE "public"."posts"'), 'only a SELECT, INSERT, UPDATE or DELETE can be explained, not DROP statements');
    assert.match((await refused('SELEC id FROM posts'))!, /^PostgreSQL's parser cannot read the SQL/);
    const still = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position: { line: 0, character: 0 }, sql: 'SELECT count(*) FROM "public"."posts"' });
    assert.equal(still.statements[0]?.status, 'plan', 'the table is still there');
  });
});
