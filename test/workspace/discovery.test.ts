/** Schema discovery on real folders: Prisma's lookup order, multi-file schemas, monorepos, skipped and loose files. */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import {
  discoverSchemas,
  findSchemaSets,
  forgetSchemaSets,
  readSchemaFiles,
  schemaSetForFile,
  type SchemaSet,
} from '../../server/src/workspace/discovery';
import { CLIENT, POSTGRES, removeTempProjects, SCHEMA_WITH_ONE_FINDING, tempProject, USER_AND_POST, writeFiles } from './tempProject';
import { firstInvalidUtf8Byte } from '../../server/src/workspace/schema-files';

after(removeTempProjects);

/** The sets with paths relative to `root` (forward slashes), for readable assertions. */
function relativeSets(root: string, sets: readonly SchemaSet[]) {
  const rel = (file: string) => path.relative(root, file).split(path.sep).join('/') || '.';
  return sets.map((set) => ({ projectRoot: rel(set.projectRoot), schemaPath: rel(set.schemaPath), source: set.source, files: set.files.map(rel) }));
}

async function discover(files: Record<string, string | Uint8Array>) {
  const root = await tempProject(files);
  return { root, sets: relativeSets(root, await findSchemaSets(root)) };
}

const PACKAGE = JSON.stringify({ name: 'app', private: true });

describe('findSchemaSets: Prisma lookup order', () => {
  it('finds prisma/schema.prisma', async () => {
    const { sets } = await discover({ 'package.json': PACKAGE, 'prisma/schema.prisma': POSTGRES });
    assert.deepEqual(sets, [{ projectRoot: '.', schemaPath: 'prisma/schema.prisma', source: 'default-file', files: ['prisma/schema.prisma'] }]);
  });

  it('prefers ./schema.prisma to ./prisma/schema.prisma, as Prisma does, and leaves the other loose', async () => {
    const { sets } = await discover({ 'package.json': PACKAGE, 'schema.prisma': POSTGRES, 'prisma/schema.prisma': POSTGRES });
    assert.deepEqual(sets, [
      { projectRoot: '.', schemaPath: 'prisma/schema.prisma', source: 'loose', files: ['prisma/schema.prisma'] },
      { projectRoot: '.', schemaPath: 'schema.prisma', source: 'default-file', files: ['schema.prisma'] },
    ]);
  });

  it('finds the default root schema even without a package.json', async () => {
    const { sets } = await discover({ 'prisma/schema.prisma': POSTGRES });
    assert.deepEqual(sets, [{ projectRoot: '.', schemaPath: 'prisma/schema.prisma', source: 'default-file', files: ['prisma/schema.prisma'] }]);
  });

  it('reads a multi-file schema from prisma/schema/, nested folders included, sorted', async () => {
    const { sets } = await discover({
      'package.json': PACKAGE,
      'prisma/schema/main.prisma': POSTGRES,
      'prisma/schema/user.prisma': 'model User { id Int @id }',
      'prisma/schema/blog/post.prisma': 'model Post { id Int @id }',
      'prisma/schema/blog/notes.txt': 'not a schema',
    });
    assert.deepEqual(sets, [
      {
        projectRoot: '.',
        schemaPath: 'prisma/schema',
        source: 'default-folder',
        files: ['prisma/schema/blog/post.prisma', 'prisma/schema/main.prisma', 'prisma/schema/user.prisma'],
      },
    ]);
  });

  it('follows package.json "prisma.schema" to a file', async () => {
    const { sets } = await discover({
      'package.json': JSON.stringify({ name: 'app', prisma: { schema: 'db/main.prisma' } }),
      'db/main.prisma': POSTGRES,
    });
    assert.deepEqual(sets, [{ projectRoot: '.', schemaPath: 'db/main.prisma', source: 'package.json', files: ['db/main.prisma'] }]);
  });

  it('follows package.json "prisma.schema" to a folder', async () => {
    const { sets } = await discover({
      'package.json': JSON.stringify({ name: 'app', prisma: { schema: './db' } }),
      'db/a.prisma': POSTGRES,
      'db/b.prisma': 'model B { id Int @id }',
    });
    assert.deepEqual(sets, [{ projectRoot: '.', schemaPath: 'db', source: 'package.json', files: ['db/a.prisma', 'db/b.prisma'] }]);
  });

  const configForms: [string, string][] = [
    ['a single-quoted path', `export default { schema: 'db/schema.prisma' }`],
    ['a double-quoted path', `import { defineConfig } from 'prisma/config'\nexport default defineConfig({\n  schema: "db/schema.prisma",\n})`],
    ['path.join of literals', `import path from 'node:path'\nexport default { schema: path.join('db', 'schema.prisma') } satisfies PrismaConfig`],
    ['path.join with __dirname', `import path from 'node:path'\nexport default defineConfig({ schema: path.join(__dirname, 'db', 'schema.prisma') })`],
    ['path.resolve with import.meta.dirname', `export default defineConfig({ schema: path.resolve(import.meta.dirname, "db/schema.prisma") })`],
    ['a const', `const schemaPath = path.join('db', 'schema.prisma')\nexport default defineConfig({ schema: schemaPath })`],
    ['a shorthand property', `const schema = 'db/schema.prisma'\nexport default defineConfig({ schema })`],
    ['a quoted key, after comments', `// schema: 'wrong.prisma'\n/* schema: "wrong" */\nexport default { 'schema': \`db/schema.prisma\` }`],
  ];
  for (const [form, config] of configForms) {
    it(`reads prisma.config.ts with ${form}`, async () => {
      const { sets } = await discover({
        'package.json': JSON.stringify({ name: 'app', prisma: { schema: 'wrong.prisma' } }),
        'prisma.config.ts': config,
        'db/schema.prisma': POSTGRES,
        'prisma/schema.prisma': CLIENT,
      });
      assert.deepEqual(sets, [
        { projectRoot: '.', schemaPath: 'db/schema.prisma', source: 'prisma.config', files: ['db/schema.prisma'] },
        { projectRoot: '.', schemaPath: 'prisma/schema.prisma', source: 'loose', files: ['prisma/schema.prisma'] },
      ]);
    });
  }

  it('reads prisma.config.mjs pointing at a schema folder', async () => {
    const { sets } = await discover({
      'prisma.config.mjs': `import path from 'node:path'\nexport default { schema: path.join('prisma', 'models') }`,
      'prisma/models/a.prisma': POSTGRES,
      'prisma/models/sub/b.prisma': 'model B { id Int @id }',
    });
    assert.deepEqual(sets, [
      { projectRoot: '.', schemaPath: 'prisma/models', source: 'prisma.config', files: ['prisma/models/a.prisma', 'prisma/models/sub/b.prisma'] },
    ]);
  });

  it('reports a configured schema that does not exist and falls back to the defaults', async () => {
    const root = await tempProject({ 'prisma.config.ts': `export default { schema: 'missing/schema.prisma' }`, 'prisma/schema.prisma': POSTGRES });
    const discovery = await discoverSchemas(root);
    assert.deepEqual(relativeSets(root, discovery.sets), [
      { projectRoot: '.', schemaPath: 'prisma/schema.prisma', source: 'default-file', files: ['prisma/schema.prisma'] },
    ]);
    assert.equal(discovery.problems.length, 1);
    assert.equal(discovery.problems[0]!.path, path.join(root, 'prisma.config.ts'));
    assert.match(discovery.problems[0]!.message, /missing\/schema\.prisma, does not exist/);
  });

  it('reports a config whose schema is computed, without running it', async () => {
    const root = await tempProject({ 'prisma.config.ts': `export default { schema: process.env.SCHEMA }`, 'prisma/schema.prisma': POSTGRES });
    const discovery = await discoverSchemas(root);
    assert.equal(discovery.sets[0]!.source, 'default-file');
    assert.match(discovery.problems[0]!.message, /process\.env\.SCHEMA.*not a literal path/);
  });
});

describe('findSchemaSets: monorepos and skipped folders', () => {
  it('finds one schema per package, each with its own project root', async () => {
    const { sets } = await discover({
      'package.json': JSON.stringify({ name: 'monorepo', workspaces: ['apps/*'] }),
      'apps/api/package.json': PACKAGE,
      'apps/api/prisma/schema.prisma': POSTGRES,
      'apps/web/package.json': JSON.stringify({ name: 'web', prisma: { schema: 'db/schema.prisma' } }),
      'apps/web/db/schema.prisma': POSTGRES,
      'apps/docs/package.json': PACKAGE,
    });
    assert.deepEqual(sets, [
      { projectRoot: 'apps/api', schemaPath: 'apps/api/prisma/schema.prisma', source: 'default-file', files: ['apps/api/prisma/schema.prisma'] },
      { projectRoot: 'apps/web', schemaPath: 'apps/web/db/schema.prisma', source: 'package.json', files: ['apps/web/db/schema.prisma'] },
    ]);
  });

  it('keeps one set when a root config names a package schema the package also finds', async () => {
    const { sets } = await discover({
      'prisma.config.ts': `export default { schema: 'packages/db/prisma/schema.prisma' }`,
      'packages/db/package.json': PACKAGE,
      'packages/db/prisma/schema.prisma': POSTGRES,
    });
    assert.deepEqual(sets, [
      { projectRoot: '.', schemaPath: 'packages/db/prisma/schema.prisma', source: 'prisma.config', files: ['packages/db/prisma/schema.prisma'] },
    ]);
  });

  it('skips node_modules, build output, hidden folders and generated clients', async () => {
    const { sets } = await discover({
      'package.json': PACKAGE,
      'prisma/schema.prisma': `${CLIENT.replace('}', '  output   = "../src/db/client"\n}')}${POSTGRES}`,
      // The generator's output: a copy of the schema and nothing that marks it as a client.
      'src/db/client/schema.prisma': POSTGRES,
      // prisma-client-js's default output, and a dependency that ships a schema.
      'node_modules/.prisma/client/schema.prisma': POSTGRES,
      'node_modules/some-lib/prisma/schema.prisma': POSTGRES,
      'node_modules/some-lib/package.json': PACKAGE,
      // Clients recognised by what sits next to their schema copy.
      'lib/generated/schema.prisma': POSTGRES,
      'lib/generated/index.d.ts': 'export {}',
      'lib/engine/schema.prisma': POSTGRES,
      'lib/engine/libquery_engine-debian-openssl-3.0.x.so.node': 'binary',
      'lib/named/schema.prisma': POSTGRES,
      'lib/named/package.json': JSON.stringify({ name: 'prisma-client-0a1b2c3d' }),
      'dist/prisma/schema.prisma': POSTGRES,
      'build/schema.prisma': POSTGRES,
      '.next/server/schema.prisma': POSTGRES,
      '.git/schema.prisma': POSTGRES,
      'coverage/schema.prisma': POSTGRES,
    });
    assert.deepEqual(sets, [{ projectRoot: '.', schemaPath: 'prisma/schema.prisma', source: 'default-file', files: ['prisma/schema.prisma'] }]);
  });

  it('keeps a project schema that merely sits next to a client.ts of the user', async () => {
    const { sets } = await discover({ 'package.json': PACKAGE, 'prisma/schema.prisma': POSTGRES, 'prisma/client.ts': 'export const prisma = 1;' });
    assert.deepEqual(sets, [{ projectRoot: '.', schemaPath: 'prisma/schema.prisma', source: 'default-file', files: ['prisma/schema.prisma'] }]);
  });

  it('finds a workspace package that keeps its schema at its root beside a client.ts re-exporting PrismaClient', async () => {
    const { sets } = await discover({
      'package.json': JSON.stringify({ name: 'monorepo', private: true, workspaces: ['packages/*', 'apps/*'] }),
      'packages/prisma/package.json': JSON.stringify({ name: '@acme/prisma', main: 'index.ts' }),
      'packages/prisma/schema.prisma': POSTGRES,
      'packages/prisma/client.ts': "export { PrismaClient } from '@prisma/client';",
      'apps/web/package.json': PACKAGE,
    });
    assert.deepEqual(sets, [{ projectRoot: 'packages/prisma', schemaPath: 'packages/prisma/schema.prisma', source: 'default-file', files: ['packages/prisma/schema.prisma'] }]);
  });

  it('leaves a generator output inside a schema folder out of the schema', async () => {
    const { sets } = await discover({
      'prisma.config.ts': `export default { schema: 'prisma' }`,
      'prisma/main.prisma': `generator client {\n  provider = "prisma-client-js"\n  output   = "./generated" // next to the schema\n}\n${POSTGRES}`,
      'prisma/models.prisma': 'model A { id Int @id }',
      'prisma/generated/schema.prisma': POSTGRES,
    });
    assert.deepEqual(sets, [{ projectRoot: '.', schemaPath: 'prisma', source: 'prisma.config', files: ['prisma/main.prisma', 'prisma/models.prisma'] }]);
  });
});

describe('findSchemaSets: loose files', () => {
  it('groups a folder of files that together hold one datasource, subfolders included', async () => {
    const { sets } = await discover({
      'package.json': PACKAGE,
      'db/schema/datasource.prisma': POSTGRES,
      'db/schema/user.prisma': 'model User { id Int @id }',
      'db/schema/blog/post.prisma': 'model Post { id Int @id }',
    });
    assert.deepEqual(sets, [
      {
        projectRoot: '.',
        schemaPath: 'db/schema',
        source: 'loose',
        files: ['db/schema/blog/post.prisma', 'db/schema/datasource.prisma', 'db/schema/user.prisma'],
      },
    ]);
  });

  it('keeps files with a datasource each apart: they are separate schemas', async () => {
    const { sets } = await discover({
      'examples/a.prisma': POSTGRES,
      'examples/b.prisma': POSTGRES,
      'examples/nested/c.prisma': 'model C { id Int @id }',
    });
    assert.deepEqual(sets, [
      { projectRoot: '.', schemaPath: 'examples/a.prisma', source: 'loose', files: ['examples/a.prisma'] },
      { projectRoot: '.', schemaPath: 'examples/b.prisma', source: 'loose', files: ['examples/b.prisma'] },
      { projectRoot: '.', schemaPath: 'examples/nested/c.prisma', source: 'loose', files: ['examples/nested/c.prisma'] },
    ]);
  });

  it('does not group across a package boundary', async () => {
    const { sets } = await discover({
      'shared/datasource.prisma': POSTGRES,
      'shared/pkg/package.json': PACKAGE,
      'shared/pkg/models/user.prisma': 'model User { id Int @id }',
    });
    assert.deepEqual(sets.map((set) => [set.projectRoot, set.schemaPath]), [
      ['.', 'shared/datasource.prisma'],
      ['shared/pkg', 'shared/pkg/models/user.prisma'],
    ]);
  });

  it('returns nothing for a folder without schemas', async () => {
    const { sets } = await discover({ 'package.json': PACKAGE, 'src/index.ts': 'export {}' });
    assert.deepEqual(sets, []);
  });
});

describe('findSchemaSets: copies of a schema', () => {
  /** The discovery of `root` (or a folder below it), sets and set-aside files relative to that folder. */
  async function discoverWithCopies(files: Record<string, string>, below = '') {
    const root = await tempProject(files);
    const searched = path.join(root, ...below.split('/').filter(Boolean));
    const discovery = await discoverSchemas(searched);
    const rel = (file: string) => path.relative(searched, file).split(path.sep).join('/');
    return {
      schemas: discovery.sets.map((set) => `${rel(set.schemaPath)} (${set.source})`),
      setAside: discovery.setAside.map((entry) => `${rel(entry.file)} (${entry.kind})`),
    };
  }

  it('sets aside a schema kept in a migration\'s folder, not a loose schema beside the migrations', async () => {
    const result = await discoverWithCopies({
      'package.json': PACKAGE,
      'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"',
      'prisma/migrations/20230301000000_split_names/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'prisma/migrations/20230301000000_split_names/migration.ts': 'export {}',
      'prisma/analytics.prisma': SCHEMA_WITH_ONE_FINDING,
    });
    assert.deepEqual(result, {
      schemas: ['prisma/analytics.prisma (loose)', 'prisma/schema.prisma (default-file)'],
      setAside: ['prisma/migrations/20230301000000_split_names/schema.prisma (history)'],
    });
  });

  it('sets aside the schemas of a migrations folder checked on its own, not those of a package named migrations', async () => {
    const files = {
      'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'prisma/migrations/20230301000000_split_names/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'packages/migrations/package.json': PACKAGE,
      'packages/migrations/db/main.prisma': SCHEMA_WITH_ONE_FINDING,
    };
    assert.deepEqual(await discoverWithCopies(files, 'prisma/migrations'), { schemas: [], setAside: ['20230301000000_split_names/schema.prisma (history)'] });
    assert.deepEqual(await discoverWithCopies(files, 'packages/migrations'), { schemas: ['db/main.prisma (loose)'], setAside: [] });
  });

  it('sets aside a copy in a docs folder of a package, not a docs package\'s own schema nor a configured one', async () => {
    const result = await discoverWithCopies({
      'apps/events/package.json': PACKAGE,
      'apps/events/docs/reference/schema-full.prisma': SCHEMA_WITH_ONE_FINDING,
      'docs/package.json': PACKAGE,
      'docs/db/main.prisma': SCHEMA_WITH_ONE_FINDING,
      'apps/api/package.json': JSON.stringify({ name: 'api', prisma: { schema: 'documentation/schema.prisma' } }),
      'apps/api/documentation/schema.prisma': SCHEMA_WITH_ONE_FINDING,
    });
    assert.deepEqual(result, {
      schemas: ['apps/api/documentation/schema.prisma (package.json)', 'docs/db/main.prisma (loose)'],
      setAside: ['apps/events/docs/reference/schema-full.prisma (documentation)'],
    });
  });

  it('reviews a copy when the folder that names it is the one searched', async () => {
    const result = await discoverWithCopies({ 'package.json': PACKAGE, 'docs/reference/schema.prisma': SCHEMA_WITH_ONE_FINDING }, 'docs');
    assert.deepEqual(result, { schemas: ['reference/schema.prisma (loose)'], setAside: [] });
  });

  it('sets aside fixtures and samples in source folders, not a schema with Prisma\'s names there', async () => {
    const result = await discoverWithCopies({
      'package.json': PACKAGE,
      'src/import/samples/shop/shop.prisma': SCHEMA_WITH_ONE_FINDING,
      'src/drift/__tests__/fixtures/drifted.prisma': SCHEMA_WITH_ONE_FINDING,
      'test/fixtures/blog.prisma': SCHEMA_WITH_ONE_FINDING,
      'src/database/prisma/main.prisma': SCHEMA_WITH_ONE_FINDING,
      'src/store/schema.prisma': SCHEMA_WITH_ONE_FINDING,
    });
    assert.deepEqual(result, {
      schemas: ['src/database/prisma/main.prisma (loose)', 'src/store/schema.prisma (loose)'],
      setAside: ['src/drift/__tests__/fixtures/drifted.prisma (fixture)', 'src/import/samples/shop/shop.prisma (fixture)', 'test/fixtures/blog.prisma (fixture)'],
    });
  });

  it('sets aside a template a build step fills in, not a schema whose comment shows a placeholder', async () => {
    const template = 'datasource db {\n  provider = "{{PRISMA_PROVIDER}}"\n  url      = env("DATABASE_URL")\n}\n\nmodel Space {\n  id String @id\n}\n';
    const commented = `// Set provider = "{{PRISMA_PROVIDER}}" in the template, not here.\n${SCHEMA_WITH_ONE_FINDING}`;
    const result = await discoverWithCopies({
      'package.json': PACKAGE,
      'db/template.prisma': template,
      'db/postgres/schema.prisma': commented,
    });
    assert.deepEqual(result, { schemas: ['db/postgres/schema.prisma (loose)'], setAside: ['db/template.prisma (template)'] });
  });

  it('joins no file to a copy, so the editor reviews an opened copy on its own', async () => {
    const root = await tempProject({ 'package.json': PACKAGE, 'prisma/schema.prisma': POSTGRES, 'docs/schema.prisma': POSTGRES });
    assert.equal(await schemaSetForFile(path.join(root, 'docs', 'schema.prisma'), [root]), undefined);
    assert.equal((await schemaSetForFile(path.join(root, 'prisma', 'schema.prisma'), [root]))?.source, 'default-file');
  });
});

describe('readSchemaFiles', () => {
  it('reads files as file URIs, without a byte-order mark', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': `\uFEFF${POSTGRES}` });
    const [set] = await findSchemaSets(root);
    const read = await readSchemaFiles(set!);
    assert.deepEqual(read, { files: [{ uri: pathToFileURL(path.join(root, 'prisma', 'schema.prisma')).toString(), text: POSTGRES }], problems: [], encodingErrors: [] });
  });

  it('reads a file that is not UTF-8 as Prisma does, and says where its first bad byte is', async () => {
    const bytes = Buffer.concat([Buffer.from(`\uFEFF${POSTGRES}// café 😀 `), Buffer.from([0xe9, 0x0a, 0xff])]);
    const root = await tempProject({ 'prisma/schema.prisma': new Uint8Array(bytes) });
    const [set] = await findSchemaSets(root);
    const read = await readSchemaFiles(set!);
    const text = read.files[0]!.text;
    assert.equal(text, `${POSTGRES}// café 😀 \uFFFD\n\uFFFD`);
    assert.deepEqual(read.encodingErrors, [{ uri: read.files[0]!.uri, start: text.indexOf('\uFFFD'), end: text.indexOf('\uFFFD') + 1, message: '0xE9', kind: 'encoding' }]);
  });

  it('finds the first byte that does not start well-formed UTF-8', () => {
    const cases: [number[], number][] = [
      [[0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80], -1],
      [[0x61, 0xc0, 0xaf], 1], // An overlong form of "/".
      [[0xe0, 0x80, 0xaf], 0], // Another one, of three bytes.
      [[0x61, 0xed, 0xa0, 0x80], 1], // A surrogate.
      [[0xf4, 0x90, 0x80, 0x80], 0], // Above U+10FFFF.
      [[0x61, 0x62, 0xe2, 0x82], 2], // Cut short at the end.
      [[0x80], 0], // A continuation byte alone.
    ];
    for (const [bytes, expected] of cases) assert.equal(firstInvalidUtf8Byte(new Uint8Array(bytes)), expected, JSON.stringify(bytes));
  });

  it('reports binary and huge files as problems and still reads the others', async () => {
    const root = await tempProject({
      'prisma/schema/main.prisma': POSTGRES,
      'prisma/schema/junk.prisma': new Uint8Array([0x6d, 0x6f, 0x00, 0xff, 0x00]),
      'prisma/schema/dump.prisma': `// ${'x'.repeat(5 * 1024 * 1024)}\n`,
    });
    const [set] = await findSchemaSets(root);
    assert.equal(set!.files.length, 3);
    const read = await readSchemaFiles(set!);
    assert.deepEqual(read.files.map((file) => path.basename(new URL(file.uri).pathname)), ['main.prisma']);
    assert.deepEqual(
      read.problems.map((problem) => [path.basename(problem.path), problem.message]),
      [
        ['dump.prisma', 'the file is 5.0 MB, over the 5 MB a schema file may have; it was not analysed'],
        ['junk.prisma', 'the file holds binary data (NUL bytes); it was not analysed'],
      ],
    );
  });

  it('reports a file that vanished between discovery and reading', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': POSTGRES });
    const [set] = await findSchemaSets(root);
    await rm(path.join(root, 'prisma', 'schema.prisma'));
    const read = await readSchemaFiles(set!);
    assert.deepEqual(read.files, []);
    assert.match(read.problems[0]!.message, /could not be read \(ENOENT\)/);
  });
});

describe('schemaSetForFile', () => {
  it('finds the multi-file schema a file belongs to, from the innermost workspace folder', async () => {
    const root = await tempProject({
      'apps/api/package.json': PACKAGE,
      'apps/api/prisma/schema/main.prisma': POSTGRES,
      'apps/api/prisma/schema/blog.prisma': USER_AND_POST,
    });
    const file = path.join(root, 'apps', 'api', 'prisma', 'schema', 'blog.prisma');
    const set = await schemaSetForFile(file, [path.join(root, 'elsewhere'), root]);
    assert.equal(set?.schemaPath, path.join(root, 'apps', 'api', 'prisma', 'schema'));
    assert.deepEqual(set?.files.map((member) => path.basename(member)), ['blog.prisma', 'main.prisma']);
  });

  it('finds the nearest project of a file outside every workspace folder', async () => {
    const root = await tempProject({ 'package.json': PACKAGE, 'prisma/schema.prisma': POSTGRES });
    const set = await schemaSetForFile(path.join(root, 'prisma', 'schema.prisma'), []);
    assert.equal(set?.source, 'default-file');
    assert.equal(set?.projectRoot, root);
  });

  it('is undefined for a file that belongs to no schema (a generated copy)', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': POSTGRES, 'node_modules/.prisma/client/schema.prisma': POSTGRES });
    assert.equal(await schemaSetForFile(path.join(root, 'node_modules', '.prisma', 'client', 'schema.prisma'), [root]), undefined);
  });

  it('notices files added to a schema folder since the last call', async () => {
    const root = await tempProject({ 'prisma/schema/main.prisma': POSTGRES });
    const main = path.join(root, 'prisma', 'schema', 'main.prisma');
    assert.equal((await schemaSetForFile(main, [root]))?.files.length, 1);
    await writeFiles(root, { 'prisma/schema/extra/post.prisma': USER_AND_POST });
    // Older than the freshness window, so the cache checks the folders' modification times.
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal((await schemaSetForFile(main, [root]))?.files.length, 2);
    await writeFile(path.join(root, 'prisma.config.ts'), `export default { schema: 'prisma/schema/main.prisma' }`);
    forgetSchemaSets();
    assert.deepEqual((await schemaSetForFile(main, [root]))?.files, [main]);
  });

  it('answers a repeated call from the cache', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': POSTGRES });
    const file = path.join(root, 'prisma', 'schema.prisma');
    const first = await schemaSetForFile(file, [root]);
    assert.equal(await schemaSetForFile(file, [root]), first);
  });
});
