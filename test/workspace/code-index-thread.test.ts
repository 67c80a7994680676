/**
 * The background index on two threads: what the indexing thread reports for a large workspace is
 * exactly what the full analysis of each file finds (every query site, its model, range and
 * arguments), and the main thread takes over whatever a failed thread leaves.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import { CodeIndex, type CodeSchema } from '../../server/src/workspace/code-index';
import { CORPUS, corpusFiles, expectedSites } from './corpus';
import { removeTempProjects, tempProject } from './tempProject';

after(removeTempProjects);

describe('CodeIndex on two threads', () => {
  it('finds in a large workspace exactly the query sites the full analysis finds, file by file', async () => {
    const corpus = await corpusFiles();
    const schemaText = await readFile(path.join(CORPUS, 'prisma', 'schema.prisma'), 'utf8');
    const schema: CodeSchema = { key: 'corpus', schema: analyzeSchema([{ uri: 'file:///schema.prisma', text: schemaText, version: 1 }]).schema };
    const files: Record<string, string | Uint8Array> = {};
    // Enough copies of the labelled corpus for the pass to use the indexing thread.
    for (let copy = 0; copy < 8; copy++) for (const [relative, text] of Object.entries(corpus)) files[`copy${copy}/${relative}`] = text;
    files['copy0/plain.ts'] = 'export const double = (n: number) => n * 2;\n';
    files['copy1/half-typed.ts'] = 'export async function f() {\n  for (const id of ids) {\n    await prisma.user.findMany({ where: { id';
    files['copy2/findMany-in-a-string.ts'] = "export const help = 'call findMany() with take';\n";
    files['copy3/bundle.js'] = Buffer.from('prisma.user.findMany()\u0000');
    const root = await tempProject(files);
    const texts = Object.entries(files).filter(([, text]) => typeof text === 'string') as [string, string][];
    assert.ok(texts.length >= 200, `${texts.length} files`);

    const index = new CodeIndex({ schemaFor: async () => schema, isOpen: () => false });
    const summary = await index.indexWorkspace([root]);
    assert.equal(summary.cancelled, false);
    assert.ok(summary.threadFiles > 0, 'the indexing thread took part');
    assert.ok(summary.threadFiles < summary.files, 'the main thread took part');

    let sites = 0;
    for (const [relative, text] of texts) {
      const uri = pathToFileURL(path.join(root, ...relative.split('/'))).toString();
      const entry = index.files.get(uri);
      assert.ok(entry, relative);
      const expected = expectedSites(uri, text, schema);
      assert.deepEqual(entry.querySites, expected, relative);
      sites += expected.length;
    }
    assert.ok(sites > 400, `${sites} sites`);
    assert.equal(summary.querySites, sites);
    assert.equal(index.files.has(pathToFileURL(path.join(root, 'copy3', 'bundle.js')).toString()), false, 'a binary file is not indexed');
    assert.deepEqual(index.files.get(pathToFileURL(path.join(root, 'copy1', 'half-typed.ts')).toString())?.querySites.map((site) => site.callee), ['prisma.user.findMany']);
    assert.deepEqual(index.files.get(pathToFileURL(path.join(root, 'copy2', 'findMany-in-a-string.ts')).toString())?.querySites, []);
    // Neither the plain file, nor the one that names findMany in a string without calling it, nor the binary one is parsed.
    assert.equal(summary.parsed, texts.length - 2);

    // A second pass over unchanged files parses nothing, on either thread.
    const again = await index.indexWorkspace([root]);
    assert.equal(again.parsed, 0);
    assert.equal(again.querySites, sites);
  });
});
