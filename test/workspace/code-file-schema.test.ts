/**
 * A code file is joined to the schema whose client it uses: imported directly, through a workspace
 * package (npm/yarn workspaces, pnpm-workspace.yaml, one or two hops), a custom generator `output`
 * or a tsconfig path alias, else the nearest project; the same answer for the CLI (no workspace
 * folder), the editor's lookup and the editor's background pass.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { codeFileSchemaSnapshot, schemaSetForCodeFile } from '../../server/src/workspace/code-file-schema';
import { discoveryRootFor, forgetSchemaSets } from '../../server/src/workspace/discovery';
import { importSpecifiers } from '../../server/src/workspace/import-specifiers';
import { monorepoRootAbove, packageJsonWorkspaces, pnpmWorkspacePackages, workspaceLayout } from '../../server/src/workspace/monorepo';
import { acmeFiles, acmeMonorepo, APP_QUERIES, twoProjects } from './monorepos';
import { POSTGRES, removeTempProjects, tempProject, USER_AND_POST, writeFiles } from './tempProject';

after(removeTempProjects);

const rel = (root: string, file: string | undefined): string | undefined => (file === undefined ? undefined : path.relative(root, file).split(path.sep).join('/'));
const at = (root: string, relative: string): string => path.join(root, ...relative.split('/'));

for (const kind of ['npm', 'pnpm'] as const) {
  describe(`the schema of a code file in a ${kind} monorepo`, () => {
    it('follows the imports to the client, the same for the CLI, the editor and the background pass', async () => {
      const root = await acmeMonorepo(kind);
      const pass = codeFileSchemaSnapshot([root]);
      const appOnly = codeFileSchemaSnapshot([at(root, 'apps/web')]);
      for (const [relative, expected] of Object.entries(APP_QUERIES)) {
        const file = at(root, relative);
        const cli = await schemaSetForCodeFile(file, []);
        assert.equal(rel(root, cli?.schemaPath), expected.schema, `${relative} (CLI)`);
        assert.deepEqual(await schemaSetForCodeFile(file, [root]), cli, `${relative} (editor)`);
        assert.deepEqual(await pass(file), cli, `${relative} (background pass)`);
        // The app opened alone: the package outside the folder is found through the monorepo.
        assert.equal(rel(root, (await appOnly(file))?.schemaPath), expected.schema, `${relative} (app folder open)`);
      }
    });

    it('joins a package\'s own files to its schema, and a file whose imports name no client to the nearest project', async () => {
      const root = await acmeMonorepo(kind);
      assert.equal(rel(root, (await schemaSetForCodeFile(at(root, 'packages/db/index.ts'), []))?.schemaPath), 'packages/db/schema.prisma');
      assert.equal(rel(root, (await schemaSetForCodeFile(at(root, 'packages/billing/src/index.ts'), []))?.schemaPath), 'packages/billing/prisma/schema');
      // Two schemas in the monorepo and neither above the app: a file with no client import has none.
      assert.equal(await schemaSetForCodeFile(at(root, 'apps/web/src/lib/format.ts'), [], 'export const f = 1;\n'), undefined);
    });

    it('reads the editor\'s unsaved text: an import typed a moment ago decides', async () => {
      const root = await acmeMonorepo(kind);
      const file = at(root, 'apps/web/src/users.ts');
      const edited = `import { billing } from '@acme/billing';\nexport const f = () => billing.invoice.findMany();\n`;
      assert.equal(rel(root, (await schemaSetForCodeFile(file, [root], edited))?.schemaPath), 'packages/billing/prisma/schema');
    });
  });
}

describe('the schema of a code file: two projects in one repository', () => {
  it('an app importing the second project\'s package gets its schema, not the one of the project around it', async () => {
    const root = await twoProjects();
    const entries = at(root, 'apps/books/src/entries.ts');
    for (const folders of [[], [root]]) {
      assert.equal(rel(root, (await schemaSetForCodeFile(entries, folders))?.schemaPath), 'packages/ledger/prisma/schema.prisma', `folders ${folders.length}`);
      // `@prisma/client` is the client of the nearest project above the file: the root's.
      assert.equal(rel(root, (await schemaSetForCodeFile(at(root, 'apps/books/src/products.ts'), folders))?.schemaPath), 'prisma/schema.prisma');
    }
  });
});

describe('the schema of a code file: other ways to name a client', () => {
  it('a client generated into node_modules under a name of its own, a package subpath, a baseUrl path, a jsconfig', async () => {
    const schema = (model: string, output: string) => `generator client {\n  provider = "prisma-client-js"\n  output   = "${output}"\n}\n\n${POSTGRES}\nmodel ${model} {\n  id Int @id\n}\n`;
    const root = await tempProject({
      'package.json': JSON.stringify({ name: 'repo', private: true, workspaces: ['services/*', 'packages/*'] }),
      'services/orders/package.json': JSON.stringify({ name: 'orders' }),
      'services/orders/prisma/schema.prisma': schema('Order', '../../../node_modules/@orders/client'),
      'services/audit/package.json': JSON.stringify({ name: 'audit' }),
      'services/audit/prisma/schema.prisma': schema('Event', '../../../node_modules/.prisma/audit-client'),
      'packages/store/package.json': JSON.stringify({ name: '@repo/store', exports: { './orders': './src/orders.ts', './events': { import: './src/events.ts' } } }),
      'packages/store/src/orders.ts': `import { PrismaClient } from '@orders/client';\nexport const ordersDb = new PrismaClient();\n`,
      'packages/store/src/events.ts': `const { PrismaClient } = require('.prisma/audit-client');\nexport const auditDb = new PrismaClient();\n`,
      'apps/admin/package.json': JSON.stringify({ name: 'admin' }),
      'apps/admin/jsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: 'src' } }),
      'apps/admin/src/db/events.js': `export { auditDb } from '@repo/store/events';\n`,
    });
    const cases: [string, string, string][] = [
      ['services/api/src/a.ts', `import { PrismaClient } from '@orders/client';\n`, 'services/orders/prisma/schema.prisma'],
      ['services/api/src/b.ts', `import { PrismaClient } from '.prisma/audit-client/edge';\n`, 'services/audit/prisma/schema.prisma'],
      ['apps/admin/src/c.ts', `import { ordersDb } from '@repo/store/orders';\n`, 'services/orders/prisma/schema.prisma'],
      ['apps/admin/src/d.ts', `import { auditDb } from 'db/events';\n`, 'services/audit/prisma/schema.prisma'],
    ];
    for (const [relative, text, expected] of cases) {
      assert.equal(rel(root, (await schemaSetForCodeFile(at(root, relative), [], text))?.schemaPath), expected, relative);
      assert.equal(rel(root, (await schemaSetForCodeFile(at(root, relative), [root], text))?.schemaPath), expected, `${relative} (editor)`);
    }
  });

  it('an import cycle ends, and an import of nothing known falls back to the nearest project', async () => {
    const root = await twoProjects();
    await writeFiles(root, { 'apps/books/src/a.ts': `import { b } from './b';\nexport const a = 1;\n`, 'apps/books/src/b.ts': `import { a } from './a';\nimport React from 'react';\nexport const b = 2;\n` });
    assert.equal(rel(root, (await schemaSetForCodeFile(at(root, 'apps/books/src/a.ts'), []))?.schemaPath), 'prisma/schema.prisma');
  });
});

describe('the schema of a code file and copies of a schema', () => {
  it('joins a data migration\'s script to the copy of the schema whose client it imports, the others to the live schema', async () => {
    const snapshot = `generator client {\n  provider = "prisma-client-js"\n  output   = "client"\n}\n${POSTGRES}${USER_AND_POST}`;
    const root = await tempProject({
      'package.json': JSON.stringify({ name: 'app', private: true }),
      'prisma/schema.prisma': `${POSTGRES}${USER_AND_POST}`,
      'prisma/migrations/20240201000000_backfill/schema.prisma': snapshot,
      'prisma/migrations/20240201000000_backfill/migration.ts': `import { PrismaClient } from './client';\nexport const prisma = new PrismaClient();\n`,
      'docs/schema.prisma': `${POSTGRES}${USER_AND_POST}`,
      'src/users.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
    });
    for (const folders of [[], [root]]) {
      assert.equal(rel(root, (await schemaSetForCodeFile(at(root, 'prisma/migrations/20240201000000_backfill/migration.ts'), folders))?.schemaPath), 'prisma/migrations/20240201000000_backfill/schema.prisma');
      assert.equal(rel(root, (await schemaSetForCodeFile(at(root, 'src/users.ts'), folders))?.schemaPath), 'prisma/schema.prisma');
    }
  });
});

describe('the discovery root of a file outside every workspace folder', () => {
  it('is its monorepo\'s root, never the current folder', async () => {
    const root = await acmeMonorepo('npm');
    assert.equal(await discoveryRootFor(at(root, 'apps/web/src/users.ts'), []), root);
    // A workspace folder holding the monorepo among other things (the CLI's current folder, a
    // folder of repositories) is narrowed to the monorepo.
    assert.equal(await discoveryRootFor(at(root, 'apps/web/src/users.ts'), [path.dirname(root)]), root);
    assert.equal(await discoveryRootFor(at(root, 'apps/web/src/users.ts'), [at(root, 'apps/web')]), at(root, 'apps/web'));
  });

  it("is the repository's root above an app with Turborepo's package configuration (a turbo.json that extends the root's)", async () => {
    const root = await tempProject({
      ...acmeFiles('pnpm'),
      'turbo.json': JSON.stringify({ tasks: { build: {} } }),
      'apps/web/turbo.json': JSON.stringify({ extends: ['//'], tasks: { build: { outputs: ['.next/**'] } } }),
    });
    assert.equal(await monorepoRootAbove(at(root, 'apps/web/src')), root);
    assert.equal(await discoveryRootFor(at(root, 'apps/web/src/users.ts'), []), root);
    assert.equal(rel(root, (await schemaSetForCodeFile(at(root, 'apps/web/src/users.ts'), []))?.schemaPath), 'packages/db/schema.prisma');
    // A turbo.json of its own that extends nothing is a root.
    const nested = await tempProject({ 'turbo.json': '{}', 'tools/app/turbo.json': JSON.stringify({ tasks: {} }), 'tools/app/src/a.ts': 'export {};\n' });
    assert.equal(await monorepoRootAbove(at(nested, 'tools/app/src')), at(nested, 'tools/app'));
  });

  it('stops at the repository root and below the home folder', async () => {
    const outer = await tempProject({ 'package.json': JSON.stringify({ workspaces: ['*'] }), 'repo/package.json': '{"name":"repo"}', 'repo/src/a.ts': 'export {};\n', 'home/me/app/src/b.ts': 'export {};\n' });
    await mkdir(at(outer, 'repo/.git'));
    assert.equal(await monorepoRootAbove(at(outer, 'repo/src')), at(outer, 'repo'));
    const home = process.env.HOME;
    process.env.HOME = at(outer, 'home/me');
    try {
      assert.equal(await monorepoRootAbove(at(outer, 'home/me/app/src')), undefined);
    } finally {
      process.env.HOME = home;
    }
    assert.equal(await monorepoRootAbove(at(outer, 'home/me/app/src')), outer);
  });

  it('without a monorepo, is the nearest project', async () => {
    const root = await tempProject({ 'shop/package.json': '{"name":"shop"}', 'shop/prisma/schema.prisma': `${POSTGRES}${USER_AND_POST}`, 'shop/src/a.ts': 'export {};\n' });
    forgetSchemaSets();
    assert.equal(await discoveryRootFor(at(root, 'shop/src/a.ts'), []), at(root, 'shop'));
    assert.equal(rel(root, (await schemaSetForCodeFile(at(root, 'shop/src/a.ts'), []))?.schemaPath), 'shop/prisma/schema.prisma');
  });
});

describe('workspace packages', () => {
  it('maps package names to folders from workspaces, pnpm-workspace.yaml and the usual folders', async () => {
    for (const kind of ['npm', 'pnpm'] as const) {
      const root = await acmeMonorepo(kind);
      const { packages } = await workspaceLayout(root);
      assert.deepEqual(
        [...packages].map(([name, folder]) => [name, rel(root, folder)]).sort(),
        [['@acme/api', 'packages/api'], ['@acme/billing', 'packages/billing'], ['@acme/db', 'packages/db'], ['acme', ''], ['web', 'apps/web']],
        kind,
      );
    }
  });

  it('reads the workspace lists', () => {
    assert.deepEqual(packageJsonWorkspaces('{"workspaces":{"packages":["libs/**"],"nohoist":["x"]}}'), ['libs/**']);
    assert.equal(packageJsonWorkspaces('{"name":"app"}'), undefined);
    assert.deepEqual(pnpmWorkspacePackages(`# comment\npackages:\n  - 'apps/*'\n  - "packages/**"  # all\n  - '!**/test/**'\ncatalog:\n  react: ^18\n`), ['apps/*', 'packages/**', '!**/test/**']);
    assert.deepEqual(pnpmWorkspacePackages(`packages: ['apps/*', "tools/cli"]\n`), ['apps/*', 'tools/cli']);
  });
});

describe('importSpecifiers', () => {
  it('finds imports, re-exports, requires and dynamic imports, value imports before type-only ones, and skips comments', () => {
    const text = `import type { User } from '@prisma/client';
import {
  db,
  type Db,
} from '@acme/db';
import * as billing from "../generated/billing";
export * from './models';
export { x as y } from '@/lib/x';
// import { old } from '@acme/old';
/* import { older } from '@acme/older'; */
const legacy = require('./legacy');
import cfg = require('./cfg');
const lazy = () => import('@acme/lazy');
import './side-effect';
`;
    assert.deepEqual(
      importSpecifiers(text).map(({ specifier, typeOnly }) => (typeOnly ? `type ${specifier}` : specifier)),
      ['@acme/db', '../generated/billing', './models', '@/lib/x', './legacy', './cfg', '@acme/lazy', 'type @prisma/client'],
    );
  });
});
