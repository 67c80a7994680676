/** Code file discovery: sources in, ignored, dependency, build and generated-client files out. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { isCodeFile, listCodeFiles } from '../../server/src/workspace/code-files';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-code-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('listCodeFiles', () => {
  it('keeps sources and leaves out ignored, dependency, build and generated files', async () => {
    const root = project({
      '.gitignore': 'tmp/\n*.generated.ts\n',
      'package.json': '{"name":"app"}',
      'src/app.ts': '',
      'src/page.tsx': '',
      'src/legacy.js': '',
      'src/server.mts': '',
      'src/types.d.ts': '',
      'src/vendor.min.js': '',
      'src/schema.generated.ts': '',
      'src/generated/prisma/schema.prisma': 'model A { id Int @id }',
      'src/generated/prisma/client.ts': '',
      'src/generated/prisma/models.ts': '',
      'tmp/scratch.ts': '',
      // A generated client known by its package name alone; a project with a schema beside its package.json is kept.
      'vendor/client/schema.prisma': 'model A { id Int @id }',
      'vendor/client/package.json': '{"name":"prisma-client-1a2b3c"}',
      'vendor/client/index.js': '',
      'services/billing/schema.prisma': 'model A { id Int @id }',
      'services/billing/package.json': '{"name":"billing"}',
      'services/billing/main.ts': '',
      'node_modules/pkg/index.js': '',
      'dist/app.js': '',
      '.next/server/page.js': '',
      'packages/api/.gitignore': 'local/\n',
      'packages/api/src/router.ts': '',
      'packages/api/local/notes.ts': '',
      'README.md': '',
    });
    try {
      const reported: string[][] = [];
      const listed = await listCodeFiles(root, (folderFiles) => reported.push([...folderFiles]));
      const files = listed.map((file) => relative(root, file).split('\\').join('/'));
      assert.deepEqual(files, ['packages/api/src/router.ts', 'services/billing/main.ts', 'src/app.ts', 'src/legacy.js', 'src/page.tsx', 'src/server.mts']);
      // Each folder's files are handed over as the folder is read, each file once.
      assert.deepEqual(reported.flat().sort(), listed);
      assert.equal(reported.length, 3, 'three folders hold code files');
      for (const folderFiles of reported) assert.equal(new Set(folderFiles.map((file) => dirname(file))).size, 1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('recognises code file names', () => {
    assert.ok(isCodeFile('a.ts') && isCodeFile('a.cts') && isCodeFile('a.jsx') && isCodeFile('a.mjs'));
    assert.ok(!isCodeFile('a.d.ts') && !isCodeFile('a.d.mts') && !isCodeFile('a.json') && !isCodeFile('a.min.js') && !isCodeFile('a.prisma'));
  });

  it('returns nothing for a folder that does not exist', async () => {
    assert.deepEqual(await listCodeFiles(join(tmpdir(), 'prisma-lens-does-not-exist')), []);
  });
});
