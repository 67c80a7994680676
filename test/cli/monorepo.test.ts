/**
 * The CLI on monorepos: `check` of the root and of an app folder gives the app's code findings
 * against the schema of the package each file imports (the app folder reports no schema or
 * migration of the packages, and says which schemas it read); `explain` on a file of the app, run
 * from an unrelated folder, compiles the call against the right schema.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { main, type CliIo } from '../../server/src/cli/main';
import { acmeMonorepo, APP_QUERIES, twoProjects } from '../workspace/monorepos';
import { removeTempProjects } from '../workspace/tempProject';

after(removeTempProjects);

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  severity: string;
  message: string;
}

async function checkJson(cwd: string, args: string[]): Promise<{ status: number; findings: JsonFinding[]; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, env: {}, stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } };
  const status = await main(['check', ...args, '--format', 'json'], io);
  return { status, findings: (JSON.parse(out.join('')) as { findings: JsonFinding[] }).findings, stderr: err.join('') };
}

const summary = (findings: readonly JsonFinding[]): string[] => findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`).sort();

/** The unindexed-query finding each app file gets when its schema is the one it imports. */
function appFindings(prefix: string): string[] {
  return Object.entries(APP_QUERIES)
    .map(([file, { line }]) => `${path.posix.relative(prefix, file)}:${line} unindexed-query`)
    .sort();
}

for (const kind of ['npm', 'pnpm'] as const) {
  describe(`prisma-lens check on a ${kind} monorepo`, () => {
    it('at the root: the app\'s code findings against each imported schema, the migrations of both packages, no empty-index finding', async () => {
      const root = await acmeMonorepo(kind);
      const result = await checkJson(root, ['.']);
      assert.equal(result.status, 1, result.stderr);
      assert.deepEqual(summary(result.findings), [
        ...appFindings(''),
        'packages/billing/sql-migrations/20240101000000_init/migration.sql:1 require-concurrent-index-creation',
        'packages/db/migrations/20240101000000_init/migration.sql:1 adding-required-field',
      ].sort());
      for (const finding of result.findings.filter((finding) => finding.rule === 'unindexed-query')) {
        const expected = APP_QUERIES[finding.file as keyof typeof APP_QUERIES];
        assert.match(finding.message, new RegExp(`"${expected.model}"`), finding.file);
      }
    });

    it('in the app folder: the same code findings, the packages\' schemas read but not reported', async () => {
      const root = await acmeMonorepo(kind);
      const app = path.join(root, 'apps', 'web');
      const result = await checkJson(app, ['.']);
      assert.equal(result.status, 1, result.stderr);
      assert.deepEqual(summary(result.findings), appFindings('apps/web'));
      assert.match(result.stderr, /code in \. checked against \.\.\/\.\.\/packages\/billing\/prisma\/schema, \.\.\/\.\.\/packages\/db\/schema\.prisma \(outside the paths given; their own findings are not reported\)/);
      assert.doesNotMatch(result.stderr, /no Prisma/i);
      // The same folder named from the root (paths are relative to the folder checked).
      assert.deepEqual(summary((await checkJson(root, ['apps/web'])).findings), appFindings('apps/web'));
    });
  });
}

describe('prisma-lens check: two projects in one repository', () => {
  it('the app importing the second project\'s package is checked against that schema', async () => {
    const root = await twoProjects();
    for (const [target, prefix] of [['.', 'apps/books/'], ['apps/books', '']]) {
      const result = await checkJson(root, [target]);
      const code = result.findings.filter((finding) => finding.file.endsWith('.ts'));
      assert.deepEqual(summary(code), [`${prefix}src/entries.ts:4 unindexed-query`, `${prefix}src/products.ts:4 unindexed-query`], target);
      assert.match(code.find((finding) => finding.file.endsWith('entries.ts'))!.message, /"Entry"/);
      assert.match(code.find((finding) => finding.file.endsWith('products.ts'))!.message, /"Product"/);
    }
  });
});

describe('prisma-lens explain from any folder', () => {
  it('compiles a call of the app against the schema of the package it imports', async () => {
    const root = await acmeMonorepo('npm');
    const explain = (file: string) =>
      spawnSync(process.execPath, [CLI, 'explain', `${path.join(root, ...file.split('/'))}:${APP_QUERIES[file as keyof typeof APP_QUERIES].line}`, '--rows', '50', '--format', 'json'], {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: '' },
      });
    for (const [file, table] of [['apps/web/src/users.ts', 'User'], ['apps/web/src/invoices.ts', 'Invoice'], ['apps/web/src/teams.ts', 'User']] as const) {
      const result = explain(file);
      assert.equal(result.status, 0, result.stderr);
      const report = JSON.parse(result.stdout) as { statements: { sql: string }[] };
      assert.match(report.statements[0]!.sql, new RegExp(`FROM "public"\\."${table}"`), file);
    }
  });
});
