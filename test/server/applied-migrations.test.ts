/** Drives the built server over stdio: a migration already in the default branch is shown as applied (information, no edits), a new one at full severity. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { commitAll, git, gitEnv, initRepository, removeGitHome } from '../support/git-repo';
import { removeTempProjects, tempProject, writeFiles } from '../workspace/tempProject';
import { LspTestClient } from './lspClient';

const INFORMATION = 3;
/** One statement alone, so the CONCURRENTLY quick fix is offered while the migration is new. */
const INDEX = 'CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\n';

interface Item {
  code?: string | number;
  severity?: number;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  data?: unknown;
}

describe('applied migrations in the editor', () => {
  let root: string;
  let client: LspTestClient;

  before(async () => {
    root = await tempProject({
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\n',
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL);\n',
      'prisma/migrations/20240201000000_author_index/migration.sql': INDEX,
    });
    initRepository(root);
    commitAll(root, 'history');
    git(root, 'checkout', '-q', '-b', 'feature');
    await writeFiles(root, { 'prisma/migrations/20260101000000_title_index/migration.sql': INDEX.replace(/authorId/g, 'id') });
    commitAll(root, 'feature');
    client = new LspTestClient({ env: gitEnv() });
    await client.initialize(root, { pull: true });
  });

  after(async () => {
    await client.close();
    await removeTempProjects();
    removeGitHome();
  });

  const open = async (relative: string): Promise<{ uri: string; items: Item[] }> => {
    const uri = pathToFileURL(join(root, relative)).toString();
    await client.open(uri, relative.includes('title') ? INDEX.replace(/authorId/g, 'id') : INDEX, 'sql');
    return { uri, items: (await client.pull(uri)).items as Item[] };
  };

  const actionTitles = async (uri: string, items: Item[]): Promise<string[]> => {
    const actions = await client.connection.sendRequest<{ title: string }[]>('textDocument/codeAction', { textDocument: { uri }, range: items[0]!.range, context: { diagnostics: items } });
    return actions.map((action) => action.title).sort();
  };

  it('shows the findings of a migration already in main as information, marked applied, with no edit to offer', async () => {
    const { uri, items } = await open('prisma/migrations/20240201000000_author_index/migration.sql');
    assert.deepEqual(items.map((item) => [item.code, item.severity]), [['require-concurrent-index-creation', INFORMATION]]);
    assert.match(items[0]!.message, /^Applied migration \(already in main\): /);
    assert.deepEqual(await actionTitles(uri, items), ['Show documentation for require-concurrent-index-creation']);
  });

  it('keeps full severity, and the fixes, on the migration the branch adds', async () => {
    const { uri, items } = await open('prisma/migrations/20260101000000_title_index/migration.sql');
    assert.deepEqual(items.map((item) => item.code), ['require-concurrent-index-creation']);
    assert.notEqual(items[0]!.severity, INFORMATION);
    assert.doesNotMatch(items[0]!.message, /Applied migration/);
    assert.deepEqual(await actionTitles(uri, items), ['Build the index CONCURRENTLY', 'Ignore require-concurrent-index-creation for this line', 'Show documentation for require-concurrent-index-creation']);
  });
});
