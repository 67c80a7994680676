/** The pure readers behind discovery: config `schema` values, generator outputs, generated-client evidence, loose grouping. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { groupLooseFiles } from '../../server/src/workspace/loose-schemas';
import {
  declaresDatasource,
  generatedClientEvidence,
  generatorOutputs,
  isGeneratedClientPackage,
  schemaFromPackageJson,
  schemaFromPrismaConfig,
} from '../../server/src/workspace/prisma-project';

describe('schemaFromPrismaConfig', () => {
  const cases: [string, string | 'unreadable' | undefined][] = [
    [`export default { schema: 'prisma/schema.prisma' }`, 'prisma/schema.prisma'],
    [`export default defineConfig({ schema: "./db" })`, './db'],
    [`export default { schema: path.join("prisma", "schema") }`, 'prisma/schema'],
    [`export default { schema: join(__dirname, '..', 'shared', 'schema.prisma') }`, '../shared/schema.prisma'],
    [`export default { schema: path.join(__dirname) }`, '.'],
    [`export default { schema: path.resolve(process.cwd(), 'prisma') }`, 'prisma'],
    [`export default { schema: nodePath.posix.join('a', 'b') }`, 'a/b'],
    [`const base = 'prisma'\nconst schema = path.join(base, 'schema')\nexport default { schema }`, 'prisma/schema'],
    [`export default { schema: \`\${root}/schema.prisma\` }`, 'unreadable'],
    [`export default { schema: getSchemaPath() }`, 'unreadable'],
    [`export default { migrations: { path: 'prisma/migrations' } }`, undefined],
    [`export default { datasource: { url: 'postgres://u@h/db?schema=public' }, schema: 'x.prisma' }`, 'x.prisma'],
    [`// export default { schema: 'old.prisma' }\nexport default {}`, undefined],
    [`export default { description: 'the schema, mostly', schema: 'real.prisma' }`, 'real.prisma'],
  ];
  for (const [config, expected] of cases) {
    it(`reads ${JSON.stringify(config)}`, () => {
      const result = schemaFromPrismaConfig(config);
      if (expected === 'unreadable') assert.equal(result?.kind, 'unreadable');
      else assert.deepEqual(result, expected === undefined ? undefined : { kind: 'path', path: expected });
    });
  }
});

describe('schemaFromPackageJson', () => {
  it('reads prisma.schema and ignores packages without it', () => {
    assert.deepEqual(schemaFromPackageJson('{"prisma":{"schema":"db/schema.prisma"}}'), { kind: 'path', path: 'db/schema.prisma' });
    assert.equal(schemaFromPackageJson('{"prisma":{"seed":"tsx seed.ts"}}'), undefined);
    assert.equal(schemaFromPackageJson('{"name":"x"}'), undefined);
    assert.equal(schemaFromPackageJson('{"prisma":{"schema":42}}')?.kind, 'unreadable');
    assert.equal(schemaFromPackageJson('{ not json')?.kind, 'unreadable');
  });
});

describe('generatorOutputs and declaresDatasource', () => {
  it('reads output paths, ignoring comments but not `//` inside strings', () => {
    const schema = `
generator client {
  provider = "prisma-client-js"
  // output = "../wrong"
  output   = "../src/generated/client" // trailing comment
}
generator docs {
  provider = "prisma-docs-generator"
}
datasource db {
  provider = "postgresql"
  url      = "postgres://localhost/db" // not a comment start inside the string
}`;
    assert.deepEqual(generatorOutputs(schema), ['../src/generated/client']);
    assert.equal(declaresDatasource(schema), true);
    assert.equal(declaresDatasource('// datasource db {\nmodel A { id Int @id }'), false);
  });
});

describe('generated client evidence', () => {
  it('recognises prisma-client-js output by what sits next to schema.prisma', () => {
    assert.equal(generatedClientEvidence(['schema.prisma', 'index.d.ts', 'index.js']), 'generated');
    assert.equal(generatedClientEvidence(['schema.prisma', 'libquery_engine-darwin-arm64.dylib.node']), 'generated');
    assert.equal(generatedClientEvidence(['schema.prisma', 'query_engine-windows.dll.node']), 'generated');
    assert.equal(generatedClientEvidence(['schema.prisma', 'package.json']), 'package-json');
    assert.equal(generatedClientEvidence(['schema.prisma', 'migrations']), 'none');
    assert.equal(generatedClientEvidence(['index.d.ts', 'models.prisma']), 'none');
    // A workspace package keeping the schema beside a client.ts that re-exports PrismaClient is a project.
    assert.equal(generatedClientEvidence(['schema.prisma', 'client.ts', 'package.json', 'index.ts']), 'package-json');
    assert.equal(generatedClientEvidence(['schema.prisma', 'client.ts']), 'none');
    assert.equal(generatedClientEvidence(['schema.prisma', 'client.ts', 'models.ts', 'enums.ts']), 'generated');
    assert.equal(generatedClientEvidence(['schema.prisma', 'index.d.ts', 'index.js', 'package.json']), 'package-json');
    assert.equal(isGeneratedClientPackage('{"name":".prisma/client"}'), true);
    assert.equal(isGeneratedClientPackage('{"name":"prisma-client-5a1f"}'), true);
    assert.equal(isGeneratedClientPackage('{"name":"@acme/db"}'), false);
  });
});

describe('groupLooseFiles', () => {
  const root = path.resolve('/repo');
  const at = (relative: string, hasDatasource = false, projectRoot = root) => ({ file: path.join(root, relative), hasDatasource, projectRoot });
  const shape = (groups: ReturnType<typeof groupLooseFiles>) =>
    groups.map((group) => [path.relative(root, group.schemaPath), group.files.map((file) => path.relative(root, file))]);

  it('groups the widest folder whose files hold exactly one datasource', () => {
    assert.deepEqual(shape(groupLooseFiles([at('a/ds.prisma', true), at('a/b/m.prisma'), at('a/b/n.prisma')])), [
      ['a', [path.join('a', 'b', 'm.prisma'), path.join('a', 'b', 'n.prisma'), path.join('a', 'ds.prisma')]],
    ]);
  });

  it('keeps a folder with two datasources apart, and groups a subfolder that has one', () => {
    assert.deepEqual(shape(groupLooseFiles([at('x/one.prisma', true), at('x/two.prisma', true), at('x/sub/ds.prisma', true), at('x/sub/m.prisma')])), [
      [path.join('x', 'one.prisma'), [path.join('x', 'one.prisma')]],
      [path.join('x', 'two.prisma'), [path.join('x', 'two.prisma')]],
      [path.join('x', 'sub'), [path.join('x', 'sub', 'ds.prisma'), path.join('x', 'sub', 'm.prisma')]],
    ]);
  });

  it('leaves files without any datasource on their own', () => {
    assert.deepEqual(shape(groupLooseFiles([at('p/a.prisma'), at('p/b.prisma')])), [
      [path.join('p', 'a.prisma'), [path.join('p', 'a.prisma')]],
      [path.join('p', 'b.prisma'), [path.join('p', 'b.prisma')]],
    ]);
  });
});
