/**
 * Generates the Prisma Client of examples/blog offline, with the `prisma generate` this repository
 * installs, so that the example type-checks in an editor (`import { PrismaClient } from
 * '@prisma/client'` resolves to the client of its schema, in node_modules/.prisma/client).
 *
 * The example keeps the Prisma 6 form of its schema (`url = env("DATABASE_URL")` in the datasource,
 * as its package.json pins Prisma 6); Prisma 7, installed here, takes connection URLs from
 * prisma.config.ts and rejects that line, which plays no part in the generated client. So the
 * schema is generated from a copy without it. `prisma generate` checks for a schema-engine binary
 * that it never runs and would download one; it is pointed at /bin/false instead, which fails
 * loudly should a future version run it after all.
 *
 * `--link <folder>`: also makes the client resolvable from a copy of the example elsewhere (the
 * end-to-end tests, `npm run demo:vscode`): <folder>/node_modules/@prisma/client links to this one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const schema = readFileSync(join(root, 'examples', 'blog', 'prisma', 'schema.prisma'), 'utf8');
const withoutUrl = schema.replace(/^\s*url\s*=\s*env\("DATABASE_URL"\)\s*\n/m, '');
// The copy sits in a folder of the repository, so that the generator finds @prisma/client in its node_modules.
const scratch = join(root, '.cache');
mkdirSync(scratch, { recursive: true });
const folder = mkdtempSync(join(scratch, 'example-client-'));
try {
  writeFileSync(join(folder, 'schema.prisma'), withoutUrl);
  const result = spawnSync(process.execPath, [require.resolve('prisma/build/index.js'), 'generate', '--schema', join(folder, 'schema.prisma')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    process.exit(result.status ?? 1);
  }
  console.log('Generated the Prisma Client of examples/blog (node_modules/.prisma/client).');
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const linkIndex = process.argv.indexOf('--link');
if (linkIndex > 0 && process.argv[linkIndex + 1]) {
  const link = join(process.argv[linkIndex + 1], 'node_modules', '@prisma', 'client');
  mkdirSync(dirname(link), { recursive: true });
  rmSync(link, { recursive: true, force: true });
  symlinkSync(dirname(require.resolve('@prisma/client/package.json')), link, 'dir');
}
