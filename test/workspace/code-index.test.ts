/** The workspace code index: which files it reads, what it keeps of each query, and when it reads a file again. */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import { CodeIndex, type CodeSchema } from '../../server/src/workspace/code-index';
import { removeTempProjects, tempProject } from './tempProject';

after(removeTempProjects);

const SCHEMA_TEXT = 'model User {\n  id    Int    @id\n  posts Post[]\n}\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n';
const SCHEMA: CodeSchema = { key: 'schema-1', schema: analyzeSchema([{ uri: 'file:///schema.prisma', text: SCHEMA_TEXT, version: 1 }]).schema };

const LOADER = `import { prisma } from './db';

export async function postsOf(ids: number[]) {
  for (const id of ids) {
    await prisma.post.findMany({ where: { authorId: id } });
  }
  return prisma.$queryRaw\`SELECT 1\`;
}
`;

function indexFor(options: { open?: Set<string>; schemaCalls?: string[] } = {}): CodeIndex {
  return new CodeIndex({
    schemaFor: async (uri) => {
      options.schemaCalls?.push(uri);
      return SCHEMA;
    },
    isOpen: (uri) => options.open?.has(uri) ?? false,
  });
}

const uriOf = (root: string, relative: string): string => pathToFileURL(path.join(root, ...relative.split('/'))).toString();

describe('CodeIndex', () => {
  it('indexes the project\'s code files and keeps each query as plain data', async () => {
    const root = await tempProject({
      '.gitignore': 'scratch/\n',
      'src/load.ts': LOADER,
      'src/db.ts': 'export const prisma = new PrismaClient();\n',
      'src/items.ts': 'export const items = [1, 2].map((n) => n * 2);\n',
      'scratch/try.ts': LOADER,
      'node_modules/lib/index.ts': LOADER,
      'dist/load.js': LOADER,
      'src/bundle.js': `${LOADER}\u0000`,
    });
    const index = indexFor();
    const summary = await index.indexWorkspace([root]);
    assert.deepEqual([...index.files.keys()].sort(), ['src/db.ts', 'src/items.ts', 'src/load.ts'].map((file) => uriOf(root, file)));
    assert.equal(summary.files, 4, 'the binary bundle is listed but not read');
    assert.equal(summary.parsed, 1, 'only the file that names a Prisma operation is parsed');
    assert.equal(summary.querySites, 2);
    assert.equal(summary.cancelled, false);

    const sites = index.files.get(uriOf(root, 'src/load.ts'))!.querySites;
    assert.deepEqual(
      sites.map((site) => ({ kind: site.kind, callee: site.callee, model: site.model, operation: site.operation, range: site.range, args: site.args?.text })),
      [
        {
          kind: 'model',
          callee: 'prisma.post.findMany',
          model: 'Post',
          operation: 'findMany',
          range: { start: { line: 4, character: 10 }, end: { line: 4, character: 30 } },
          args: '{ where: { authorId: id } }',
        },
        { kind: 'raw', callee: 'prisma.$queryRaw', model: undefined, operation: '$queryRaw', range: { start: { line: 6, character: 9 }, end: { line: 6, character: 25 } }, args: '`SELECT 1`' },
      ],
    );
    const [first] = sites;
    assert.equal(LOADER.slice(first!.args!.span.start, first!.args!.span.end), '{ where: { authorId: id } }');
    assert.equal(LOADER.slice(first!.callSpan.start, first!.callSpan.end), 'prisma.post.findMany({ where: { authorId: id } })');
    assert.ok(!('node' in first!), 'no syntax tree is kept for a closed file');
  });

  it('parses a file again only when its content changed, and drops deleted files', async () => {
    const root = await tempProject({ 'src/load.ts': LOADER, 'src/other.ts': LOADER });
    const index = indexFor();
    await index.indexWorkspace([root]);
    const again = await index.indexWorkspace([root]);
    assert.equal(again.parsed, 0, 'unchanged files are not parsed twice');

    const load = path.join(root, 'src', 'load.ts');
    await writeFile(load, LOADER.replace('prisma.post.findMany', 'prisma.user.findFirst'));
    await index.reindexFile(pathToFileURL(load).toString());
    assert.deepEqual(index.files.get(pathToFileURL(load).toString())!.querySites.map((site) => site.callee), ['prisma.user.findFirst', 'prisma.$queryRaw']);

    await rm(load);
    await index.reindexFile(pathToFileURL(load).toString());
    assert.equal(index.files.has(pathToFileURL(load).toString()), false);
    assert.equal([...index.querySites()].length, 2, 'the other file keeps its two queries');
  });

  it('leaves open documents to their analysis and indexes them from it', async () => {
    const root = await tempProject({ 'src/load.ts': LOADER });
    const uri = uriOf(root, 'src/load.ts');
    const index = indexFor({ open: new Set([uri]) });
    const summary = await index.indexWorkspace([root]);
    assert.equal(summary.parsed, 0);
    assert.equal(index.files.has(uri), false);
    const analysed = await index.analyse({ uri, text: LOADER.replace('$queryRaw`SELECT 1`', 'null'), version: 3 });
    assert.deepEqual(analysed!.findings.map((finding) => finding.ruleId).filter((id) => id === 'n-plus-one'), ['n-plus-one']);
    assert.deepEqual(index.files.get(uri)!.querySites.map((site) => site.callee), ['prisma.post.findMany']);
    const cached = await index.analyse({ uri, text: LOADER.replace('$queryRaw`SELECT 1`', 'null'), version: 4 });
    assert.equal(cached, analysed, 'the same text is not analysed twice');
  });

  it('resolves the schema once per file and stops when cancelled', async () => {
    const root = await tempProject({ 'src/a.ts': LOADER, 'src/b.ts': LOADER, 'jobs/c.ts': LOADER });
    const schemaCalls: string[] = [];
    const index = indexFor({ schemaCalls });
    await index.indexWorkspace([root]);
    // Files of one folder may import different clients, so each file is looked up once.
    assert.deepEqual(schemaCalls.map((uri) => uri.slice(uri.lastIndexOf('/', uri.lastIndexOf('/') - 1) + 1)).sort(), ['jobs/c.ts', 'src/a.ts', 'src/b.ts']);

    const fresh = indexFor();
    const pass = fresh.indexWorkspace([root]);
    fresh.cancel();
    const summary = await pass;
    assert.equal(summary.cancelled, true);
    assert.equal(fresh.files.size, 0);
  });
});
