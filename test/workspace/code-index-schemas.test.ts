/**
 * The background index parses a file before its schema is known and applies the schema afterwards:
 * the sites it keeps are still exactly those the full analysis finds against each file's schema
 * (one that declares only some of the models, or none), and a later pass applies a changed schema.
 * Also the discovery snapshot a pass uses, beside the per-file lookup.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import { CodeIndex, callsPrismaOperation, type CodeSchema } from '../../server/src/workspace/code-index';
import { startWorkerEarly } from '../../server/src/workspace/code-index-thread';
import { codeFileSchemaSnapshot, schemaSetForCodeFile } from '../../server/src/workspace/code-file-schema';
import { CORPUS, corpusFiles, expectedSites } from './corpus';
import { POSTGRES, removeTempProjects, tempProject, USER_AND_POST, writeFiles } from './tempProject';

after(removeTempProjects);

/** Calls whose delegate is or is not one the analysis takes, with and without a schema. */
const ODD_DELEGATES = `import { prisma } from './db';

export async function odd(ids: number[]) {
  await prisma.User.findMany();
  await prisma['post'].findMany({ where: { id: { in: ids } } });
  await prisma.user_2.count();
  await prisma.ghost.findFirst();
  const { post: posts } = prisma;
  await posts.findMany({ take: 1 });
  return prisma.$queryRaw\`SELECT 1\`;
}
`;

function schemaOf(key: string, text: string): CodeSchema {
  return { key, schema: analyzeSchema([{ uri: 'file:///schema.prisma', text, version: 1 }]).schema };
}

/** Eight copies of the labelled corpus (enough for the indexing thread), each with the odd delegates. */
async function largeWorkspace(): Promise<{ root: string; texts: [string, string][] }> {
  const corpus = await corpusFiles();
  const files: Record<string, string> = {};
  for (let copy = 0; copy < 8; copy++) {
    for (const [relative, text] of Object.entries(corpus)) files[`copy${copy}/${relative}`] = text;
    files[`copy${copy}/odd.ts`] = ODD_DELEGATES;
  }
  const root = await tempProject(files);
  return { root, texts: Object.entries(files) };
}

function assertSitesAsAnalysed(index: CodeIndex, root: string, texts: readonly [string, string][], schemaFor: (relative: string) => CodeSchema | undefined): number {
  let sites = 0;
  for (const [relative, text] of texts) {
    const uri = pathToFileURL(path.join(root, ...relative.split('/'))).toString();
    const entry = index.files.get(uri);
    assert.ok(entry, relative);
    const schema = schemaFor(relative);
    assert.equal(entry.schemaKey, callsPrismaOperation(text) ? schema?.key : undefined, relative);
    assert.deepEqual(entry.querySites, expectedSites(uri, text, schema), relative);
    sites += entry.querySites.length;
  }
  return sites;
}

describe('CodeIndex: the schema applied after the parse', () => {
  it('keeps exactly the sites the full analysis finds, against a schema with some of the models and against none', async () => {
    const { root, texts } = await largeWorkspace();
    const fullText = await readFile(path.join(CORPUS, 'prisma', 'schema.prisma'), 'utf8');
    // Without `model Post` and `model Comment`: their calls are no Prisma queries for the analysis.
    const partial = schemaOf('partial', fullText.replace(/^model (Post|Comment) \{[^}]*\}/gm, ''));
    assert.equal(partial.schema.models.some((model) => model.name === 'Post'), false);
    // Copies 0 to 3 belong to the partial schema, copies 4 to 7 to no schema.
    const schemaFor = (relative: string): CodeSchema | undefined => (Number(/copy(\d)/.exec(relative)![1]) < 4 ? partial : undefined);
    const index = new CodeIndex({ schemaFor: async (uri) => schemaFor(uri.slice(pathToFileURL(root).toString().length + 1)), isOpen: () => false });
    const summary = await index.indexWorkspace([root]);
    assert.ok(summary.threadFiles > 0 && summary.threadFiles < summary.files, 'both threads took part');
    const sites = assertSitesAsAnalysed(index, root, texts, schemaFor);
    assert.equal(summary.querySites, sites);

    const odd = (copy: number) => index.files.get(pathToFileURL(path.join(root, `copy${copy}`, 'odd.ts')).toString())!.querySites.map((site) => `${site.callee}:${site.model ?? '-'}`);
    // Against the partial schema only the raw call is a query (no `post`, no `user_2`, no `ghost`, no `User` delegate).
    assert.deepEqual(odd(0), ['prisma.$queryRaw:-']);
    // Without a schema every lower-case delegate is taken, with no model.
    assert.deepEqual(odd(4), ['prisma.post.findMany:-', 'prisma.user_2.count:-', 'prisma.ghost.findFirst:-', 'posts.findMany:-', 'prisma.$queryRaw:-']);
  });

  it('applies a changed schema to unchanged files in the next pass, and parses nothing when neither changed', async () => {
    const { root, texts } = await largeWorkspace();
    const fullText = await readFile(path.join(CORPUS, 'prisma', 'schema.prisma'), 'utf8');
    let current = schemaOf('partial', fullText.replace(/^model (Post|Comment) \{[^}]*\}/gm, ''));
    const index = new CodeIndex({ schemaFor: async () => current, isOpen: () => false });
    await index.indexWorkspace([root]);

    current = schemaOf('full', fullText);
    const second = await index.indexWorkspace([root]);
    assert.ok(second.threadFiles > 0, 'the indexing thread took part');
    assert.ok(second.parsed > 0);
    const sites = assertSitesAsAnalysed(index, root, texts, () => current);
    assert.equal(second.querySites, sites);
    const odd = index.files.get(pathToFileURL(path.join(root, 'copy5', 'odd.ts')).toString())!.querySites.map((site) => `${site.callee}:${site.model ?? '-'}`);
    assert.deepEqual(odd, ['prisma.post.findMany:Post', 'posts.findMany:Post', 'prisma.$queryRaw:-']);

    const third = await index.indexWorkspace([root]);
    assert.equal(third.parsed, 0);
    assert.equal(third.querySites, sites);
  });

  it('parses a file that changed on disk since the last pass, on either thread, and only that one', async () => {
    const { root, texts } = await largeWorkspace();
    const schema = schemaOf('full', await readFile(path.join(CORPUS, 'prisma', 'schema.prisma'), 'utf8'));
    const index = new CodeIndex({ schemaFor: async () => schema, isOpen: () => false });
    await index.indexWorkspace([root]);
    // One file early in the listing, one late: whichever thread takes them.
    const changed = [texts[0]![0], texts[texts.length - 1]![0]];
    for (const relative of changed) await writeFile(path.join(root, ...relative.split('/')), `${ODD_DELEGATES}\nexport const again = () => prisma.post.count();\n`);
    const second = await index.indexWorkspace([root]);
    assert.equal(second.parsed, 2);
    for (const relative of changed) {
      const entry = index.files.get(pathToFileURL(path.join(root, ...relative.split('/'))).toString())!;
      assert.deepEqual(
        entry.querySites.map((site) => site.callee),
        ['prisma.post.findMany', 'posts.findMany', 'prisma.$queryRaw', 'prisma.post.count'],
        relative,
      );
    }
  });
});

describe('CodeIndex: a thread started ahead of the first pass', () => {
  it('is used by a first pass over a large workspace, and stopped by one over a small workspace', async () => {
    const { root, texts } = await largeWorkspace();
    const schema = schemaOf('full', await readFile(path.join(CORPUS, 'prisma', 'schema.prisma'), 'utf8'));
    const large = new CodeIndex({ schemaFor: async () => schema, isOpen: () => false });
    large.startThreadEarly();
    const summary = await large.indexWorkspace([root]);
    assert.ok(summary.threadFiles > 0 && summary.threadFiles < summary.files, 'both threads took part');
    assert.equal(summary.querySites, assertSitesAsAnalysed(large, root, texts, () => schema));

    const small = new CodeIndex({ schemaFor: async () => schema, isOpen: () => false });
    small.startThreadEarly();
    const smallRoot = await tempProject({ 'src/odd.ts': ODD_DELEGATES });
    const smallSummary = await small.indexWorkspace([smallRoot]);
    assert.equal(smallSummary.threadFiles, 0);
    assert.deepEqual(
      small.files.get(pathToFileURL(path.join(smallRoot, 'src', 'odd.ts')).toString())!.querySites.map((site) => site.callee),
      ['prisma.post.findMany', 'posts.findMany', 'prisma.$queryRaw'],
    );
  });
});

describe('CodeIndex: a thread the entry point started before the server loaded', () => {
  const slot = Symbol.for('prisma-lens.code-index.early-worker');
  const early = () => (globalThis as Record<symbol, { worker: Worker } | undefined>)[slot];

  it('is taken over by the first pass, which indexes on both threads', async () => {
    const { root, texts } = await largeWorkspace();
    const schema = schemaOf('full', await readFile(path.join(CORPUS, 'prisma', 'schema.prisma'), 'utf8'));
    startWorkerEarly();
    const started = early();
    assert.ok(started, 'a worker waits to be taken over');
    const index = new CodeIndex({ schemaFor: async () => schema, isOpen: () => false });
    index.startThreadEarly();
    assert.equal(early(), undefined, 'the server took the worker over');
    const summary = await index.indexWorkspace([root]);
    assert.ok(summary.threadFiles > 0 && summary.threadFiles < summary.files, 'both threads took part');
    assert.equal(summary.querySites, assertSitesAsAnalysed(index, root, texts, () => schema));
  });

  it('leaves the whole pass to the main thread when it ended before the server took it over', async () => {
    const { root, texts } = await largeWorkspace();
    const schema = schemaOf('full', await readFile(path.join(CORPUS, 'prisma', 'schema.prisma'), 'utf8'));
    startWorkerEarly();
    await early()!.worker.terminate();
    const index = new CodeIndex({ schemaFor: async () => schema, isOpen: () => false });
    index.startThreadEarly();
    const summary = await index.indexWorkspace([root]);
    assert.equal(summary.threadFiles, 0);
    assert.equal(summary.cancelled, false);
    assert.equal(summary.querySites, assertSitesAsAnalysed(index, root, texts, () => schema));
  });
});

describe('codeFileSchemaSnapshot', () => {
  it('finds for each code file the set that schemaSetForCodeFile finds, in a monorepo', async () => {
    const root = await tempProject({
      'package.json': JSON.stringify({ name: 'monorepo', private: true, workspaces: ['apps/*'] }),
      'apps/api/package.json': JSON.stringify({ name: 'api' }),
      'apps/api/prisma/schema.prisma': `${POSTGRES}${USER_AND_POST}`,
      'apps/api/src/users.ts': 'export {};\n',
      'apps/web/package.json': JSON.stringify({ name: 'web' }),
      'apps/web/prisma/schema.prisma': `${POSTGRES}model Page {\n  id Int @id\n}\n`,
      'apps/web/src/pages.ts': 'export {};\n',
      'scripts/seed.ts': 'export {};\n',
    });
    const setOf = codeFileSchemaSnapshot([root]);
    for (const relative of ['apps/api/src/users.ts', 'apps/web/src/pages.ts', 'scripts/seed.ts']) {
      const file = path.join(root, ...relative.split('/'));
      assert.deepEqual(await setOf(file), await schemaSetForCodeFile(file, [root]), relative);
    }
    assert.equal((await setOf(path.join(root, 'apps', 'web', 'src', 'pages.ts')))?.schemaPath, path.join(root, 'apps', 'web', 'prisma', 'schema.prisma'));
    assert.equal(await setOf(path.join(root, 'scripts', 'seed.ts')), undefined, 'two schemas and no project of its own: none');
  });

  it('sees in a new snapshot a project created after the previous one', async () => {
    const root = await tempProject({ 'package.json': JSON.stringify({ name: 'app' }), 'prisma/schema.prisma': `${POSTGRES}${USER_AND_POST}`, 'tools/src/run.ts': 'export {};\n' });
    const file = path.join(root, 'tools', 'src', 'run.ts');
    assert.equal((await codeFileSchemaSnapshot([root])(file))?.schemaPath, path.join(root, 'prisma', 'schema.prisma'));
    await writeFiles(root, { 'tools/package.json': JSON.stringify({ name: 'tools' }), 'tools/prisma/schema.prisma': `${POSTGRES}model Run {\n  id Int @id\n}\n` });
    // The discovery cache counts as fresh for a moment; a pass begins later than that.
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal((await codeFileSchemaSnapshot([root])(file))?.schemaPath, path.join(root, 'tools', 'prisma', 'schema.prisma'));
  });

  it('answers undefined for a file in a folder without any schema, and for a folder that does not exist', async () => {
    const root = await tempProject({ 'src/a.ts': 'export {};\n' });
    const setOf = codeFileSchemaSnapshot([root, path.join(root, 'missing')]);
    assert.equal(await setOf(path.join(root, 'src', 'a.ts')), undefined);
    assert.equal(await setOf(path.join(root, 'missing', 'b.ts')), undefined);
  });
});
