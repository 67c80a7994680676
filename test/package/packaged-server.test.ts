/**
 * The language server as the .vsix installs it (PGlite's files only as their compressed copies, no
 * CLI, TypeScript's parser in a bundle of its own) checks code and explains a query on the
 * embedded database.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { ExplainResult } from '../../server/src/lsp/explain';
import { extensionPackage } from '../e2e/extensionPackage';
import { freePort } from '../explain/plan-postgres-server';
import { LspTestClient } from '../server/lspClient';
import { packagedFiles } from './vsix-contents';

const repoRoot = join(__dirname, '..', '..');

describe('the packaged language server', () => {
  let installed: string;
  let project: string;
  let client: LspTestClient;
  let feedUri: string;
  let feedText: string;

  before(async () => {
    installed = mkdtempSync(join(tmpdir(), 'prisma-lens-installed-'));
    for (const file of packagedFiles(extensionPackage())) {
      mkdirSync(dirname(join(installed, file.path)), { recursive: true });
      writeFileSync(join(installed, file.path), file.read());
    }
    project = mkdtempSync(join(tmpdir(), 'prisma-lens-packaged-project-'));
    cpSync(join(repoRoot, 'examples', 'blog'), project, { recursive: true });
    // The project's database is not running, so the embedded one answers.
    writeFileSync(join(project, '.env'), `DATABASE_URL="postgresql://blog:blog@127.0.0.1:${await freePort()}/blog?schema=public"\n`);
    client = new LspTestClient({ serverPath: join(installed, 'dist', 'server.js') });
    await client.initialize(project, { pull: true });
    feedUri = pathToFileURL(join(project, 'src', 'feed.ts')).toString();
    feedText = readFileSync(join(project, 'src', 'feed.ts'), 'utf8');
    await client.open(feedUri, feedText, 'typescript');
  });

  after(async () => {
    await client?.close();
    rmSync(installed, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  test('explains a Prisma call on the embedded database', async () => {
    const offset = feedText.indexOf('post.findMany');
    const lines = feedText.slice(0, offset).split('\n');
    const position = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
    const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri: feedUri, position });
    assert.equal(result.error, undefined, `${result.error}\n${client.logs.join('')}`);
    assert.match(JSON.stringify(result), /Scan|Index/);
  });
});
