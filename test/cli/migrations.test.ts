/** `prisma-lens check` on migration files: each schema's migrations folder, named files, other providers, and the deployed base. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkTargets } from '../../server/src/cli/check';
import { CLEAN_SCHEMA, removeTempProjects, tempProject, writeFiles } from '../workspace/tempProject';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');

const INIT = `-- CreateTable
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));

-- CreateIndex
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
`;
const ADD_TITLE = `/*
  Warnings:

  - Added the required column \`title\` to the \`Post\` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "title" TEXT NOT NULL;
`;

/** Runs the built CLI; `findings()` keeps those in migration files (schema rules report on the schema). */
function run(args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, findings: () => (JSON.parse(result.stdout) as { findings: { rule: string; file: string; line: number; column: number }[] }).findings.filter((finding) => finding.file.endsWith('.sql')) };
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Prisma Lens', '-c', 'user.email=lens@example.com', ...args], { cwd: root, stdio: 'ignore' });
}

before(() => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
});
after(removeTempProjects);

describe('prisma-lens check with migrations', () => {
  it("reports the migration findings of a project's schema, none for its initial migration", async () => {
    const root = await tempProject({
      'prisma/schema.prisma': CLEAN_SCHEMA,
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20260101000000_init/migration.sql': INIT,
      'prisma/migrations/20260102000000_title/migration.sql': ADD_TITLE,
    });
    const result = run(['check', root, '--format', 'json'], { PRISMA_LENS_MIGRATIONS_BASE: 'none' });
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.findings().map((finding) => [finding.rule, finding.file, finding.line, finding.column]), [
      ['adding-required-field', 'prisma/migrations/20260102000000_title/migration.sql', 8, 35],
    ]);
  });

  it('checks a migration.sql named as a path on its own, and the migrations path of prisma.config.ts', async () => {
    const root = await tempProject({
      'prisma.config.ts': "import { defineConfig } from 'prisma/config';\nexport default defineConfig({\n  schema: 'db/schema.prisma',\n  migrations: { path: 'db/history' },\n});\n",
      'db/schema.prisma': CLEAN_SCHEMA,
      'db/history/20260101000000_init/migration.sql': INIT,
      'db/history/20260102000000_title/migration.sql': ADD_TITLE,
    });
    const whole = run(['check', root, '--format', 'json'], { PRISMA_LENS_MIGRATIONS_BASE: 'none' });
    assert.deepEqual(whole.findings().map((finding) => finding.file), ['db/history/20260102000000_title/migration.sql']);
    const named = run(['check', path.join(root, 'db/history/20260102000000_title/migration.sql'), '--format', 'json'], { PRISMA_LENS_MIGRATIONS_BASE: 'none' });
    assert.equal(named.status, 1, named.stderr);
    assert.deepEqual(named.findings().map((finding) => finding.rule), ['adding-required-field']);
  });

  it('skips the migrations of another provider with a warning', async () => {
    const root = await tempProject({
      'prisma/schema.prisma': CLEAN_SCHEMA,
      'prisma/migrations/migration_lock.toml': 'provider = "mysql"\n',
      'prisma/migrations/20260101000000_init/migration.sql': 'ALTER TABLE `Post` ADD COLUMN `title` VARCHAR(191) NOT NULL;\n',
    });
    const result = run(['check', root, '--format', 'json']);
    assert.deepEqual(result.findings(), []);
    assert.match(result.stderr, /migrations not checked: its migrations are for mysql/);
  });

  it('reports the migrations\' problems before the code\'s, whether or not the migrations are linted while a worker thread analyses the code', async () => {
    const root = await tempProject({
      'prisma/schema.prisma': CLEAN_SCHEMA,
      'prisma/migrations/migration_lock.toml': 'provider = "mysql"\n',
      'prisma/migrations/20260101000000_init/migration.sql': 'ALTER TABLE `Post` ADD COLUMN `title` VARCHAR(191) NOT NULL;\n',
      'src/posts.ts': "import { prisma } from './db';\nexport const posts = () => prisma.post.findMany({ take: 10 });\n",
      'src/blob.ts': 'export const x = 1;\u0000\n',
    });
    const targets = [{ input: root, absolute: root, isFile: false }];
    for (const codeThreadFrom of [Number.POSITIVE_INFINITY, 1]) {
      const { warnings } = await checkTargets(targets, { codeThreadFrom });
      assert.deepEqual(
        warnings.map((warning) => `${path.relative(root, warning.path)}: ${warning.message.split(':')[0]}`),
        ['prisma/migrations: migrations not checked', 'src/blob.ts: the file contains binary data (NUL bytes), so it is not analysed'],
      );
    }
  });

  it('with PRISMA_LENS_MIGRATIONS_BASE, checks only the migrations missing from that commit, and their new tables are empty', async () => {
    const root = await tempProject({
      'prisma/schema.prisma': CLEAN_SCHEMA,
      'prisma/migrations/20260101000000_init/migration.sql': INIT,
      'prisma/migrations/20260102000000_title/migration.sql': ADD_TITLE,
    });
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'deployed');
    await writeFiles(root, {
      'prisma/migrations/20260103000000_tags/migration.sql': 'CREATE TABLE "Tag" ("id" SERIAL NOT NULL);\n',
      'prisma/migrations/20260104000000_tag_name/migration.sql': 'ALTER TABLE "Tag" ADD COLUMN "name" TEXT NOT NULL;\nCREATE INDEX "Post_title_idx" ON "Post"("title");\n',
    });
    const result = run(['check', root, '--format', 'json'], { PRISMA_LENS_MIGRATIONS_BASE: 'HEAD' });
    assert.deepEqual(result.findings().map((finding) => `${finding.rule} ${finding.file}:${finding.line}`), [
      'require-concurrent-index-creation prisma/migrations/20260104000000_tag_name/migration.sql:2',
    ]);
  });
});
