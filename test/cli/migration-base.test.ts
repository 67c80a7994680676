/** `prisma-lens check` reviews only the migrations new since the base: --since, a CI pull request's target, the default branch; --all-migrations and no git review all, and say so. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { commitAll, git, gitEnv, initRepository, removeGitHome } from '../support/git-repo';
import { CLEAN_SCHEMA, removeTempProjects, tempProject, writeFiles } from '../workspace/tempProject';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');

/** Three migrations on main, two of them with findings: history. */
const HISTORY = {
  'prisma/schema.prisma': CLEAN_SCHEMA,
  'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
  'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Post" ("id" SERIAL NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\nCREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\n',
  'prisma/migrations/20240201000000_title/migration.sql': 'ALTER TABLE "Post" ADD COLUMN "title" TEXT NOT NULL;\n',
  'prisma/migrations/20240301000000_drop_index/migration.sql': 'DROP INDEX "Post_authorId_idx";\n',
};
const OLD_FINDINGS = ['adding-required-field 20240201000000_title:1', 'require-concurrent-index-deletion 20240301000000_drop_index:1'];
/** The migration of the feature branch. */
const NEW = { 'prisma/migrations/20260101000000_title_index/migration.sql': 'CREATE INDEX "Post_title_idx" ON "Post"("title");\n' };
const NEW_FINDING = 'require-concurrent-index-creation 20260101000000_title_index:1';

/** Runs the built CLI in `cwd` with git isolated from the machine; findings as "rule migration:line". */
function check(cwd: string, args: readonly string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...args], { cwd, encoding: 'utf8', env: gitEnv(env) });
  const findings = (JSON.parse(result.stdout || '{"findings":[]}') as { findings: { rule: string; file: string; line: number }[] }).findings;
  return { status: result.status, stderr: result.stderr, findings: findings.filter((finding) => finding.file.endsWith('.sql')).map((finding) => `${finding.rule} ${path.basename(path.dirname(finding.file))}:${finding.line}`) };
}

/** main holds the history; `feature`, checked out, adds one migration in a commit. */
async function featureBranch(): Promise<string> {
  const root = await tempProject(HISTORY);
  initRepository(root);
  commitAll(root, 'history');
  git(root, 'checkout', '-q', '-b', 'feature');
  await writeFiles(root, NEW);
  commitAll(root, 'title index');
  return root;
}

before(() => {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
});
after(async () => {
  await removeTempProjects();
  removeGitHome();
});

describe('prisma-lens check: which migrations are new', () => {
  it('with --since main, reports only the migration the feature branch adds, and says which base it used', async () => {
    const root = await featureBranch();
    const result = check(root, ['--since', 'main']);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.findings, [NEW_FINDING]);
    assert.match(result.stderr, /^prisma-lens: reviewing 1 of 4 migrations, those not in main \(merge base [0-9a-f]{12}, from --since\); --all-migrations reviews every one\n$/);
  });

  it("via GITHUB_BASE_REF, compares with origin/<base>, before the default branch", async () => {
    const root = await featureBranch();
    git(root, 'update-ref', 'refs/remotes/origin/main', 'main');
    const github = check(root, [], { GITHUB_BASE_REF: 'main' });
    assert.deepEqual(github.findings, [NEW_FINDING]);
    assert.match(github.stderr, /^prisma-lens: reviewing 1 of 4 migrations, those not in origin\/main \(merge base [0-9a-f]{12}, from GITHUB_BASE_REF\);/);

    // The pull request targets `release`, which already has the title index: nothing is new.
    git(root, 'update-ref', 'refs/remotes/origin/release', 'feature');
    const release = check(root, [], { GITHUB_BASE_REF: 'release' });
    assert.deepEqual(release.findings, []);
    assert.equal(release.status, 0, release.stderr);
    assert.match(release.stderr, /reviewing 0 of 4 migrations, those not in origin\/release /);
  });

  it('without --since or CI variables, compares a branch with the default branch, and on the default branch itself reviews only what is not committed', async () => {
    const root = await featureBranch();
    const feature = check(root, []);
    assert.deepEqual(feature.findings, [NEW_FINDING]);
    assert.match(feature.stderr, /^prisma-lens: reviewing 1 of 4 migrations, those not in main \(merge base [0-9a-f]{12}, from the default branch\);/);
    git(root, 'checkout', '-q', 'main');
    const main = check(root, []);
    assert.deepEqual(main.findings, []);
    assert.match(main.stderr, /^prisma-lens: reviewing 0 of 3 migrations, those not in main \(merge base [0-9a-f]{12}, from the default branch\); --all-migrations reviews every one\n$/);
    // A migration being written on the default branch is reviewed.
    await writeFiles(root, { 'prisma/migrations/20260102000000_drop_title/migration.sql': 'ALTER TABLE "Post" DROP COLUMN "title";\n' });
    const writing = check(root, []);
    assert.deepEqual(writing.findings, ['ban-drop-column 20260102000000_drop_title:1']);
    assert.match(writing.stderr, /reviewing 1 of 4 migrations, those not in main/);
  });

  it('without a default branch, reviews every migration and says why', async () => {
    const root = await featureBranch();
    git(root, 'branch', '-m', 'main', 'trunk');
    git(root, 'checkout', '-q', 'trunk');
    const result = check(root, []);
    assert.deepEqual(result.findings, OLD_FINDINGS);
    assert.match(result.stderr, /^prisma-lens: reviewing all 3 migrations: no default branch \(origin\/HEAD, main or master\) to compare with/);
  });

  it('counts a migration that is not committed yet as new', async () => {
    const root = await featureBranch();
    await writeFiles(root, { 'prisma/migrations/20260102000000_drop_title/migration.sql': 'ALTER TABLE "Post" DROP COLUMN "title";\n' });
    const result = check(root, ['--since', 'main']);
    assert.deepEqual(result.findings, [NEW_FINDING, 'ban-drop-column 20260102000000_drop_title:1']);
    assert.match(result.stderr, /reviewing 2 of 5 migrations/);
  });

  it('with --all-migrations, or PRISMA_LENS_MIGRATIONS_BASE=none, reports every migration', async () => {
    const root = await featureBranch();
    for (const [args, env, why] of [[['--all-migrations'], {}, '--all-migrations'], [[], { PRISMA_LENS_MIGRATIONS_BASE: 'none' }, 'PRISMA_LENS_MIGRATIONS_BASE=none']] as const) {
      const result = check(root, args, env);
      assert.deepEqual(result.findings, [...OLD_FINDINGS, NEW_FINDING]);
      assert.equal(result.stderr, `prisma-lens: reviewing all 4 migrations: ${why}\n`);
    }
  });

  it('outside git, reports every migration and says why', async () => {
    const root = await tempProject({ ...HISTORY, ...NEW });
    const result = check(root, []);
    assert.deepEqual(result.findings, [...OLD_FINDINGS, NEW_FINDING]);
    assert.equal(result.stderr, 'prisma-lens: reviewing all 4 migrations: not in a git repository\n');
  });

  it('treats a table created by a new migration as empty in the later new migrations, committed or not, and a table of the history as holding rows', async () => {
    const root = await featureBranch();
    await writeFiles(root, { 'prisma/migrations/20260102000000_tags/migration.sql': 'CREATE TABLE "Tag" ("id" SERIAL NOT NULL);\n' });
    commitAll(root, 'tags');
    await writeFiles(root, { 'prisma/migrations/20260103000000_names/migration.sql': 'ALTER TABLE "Tag" ADD COLUMN "name" TEXT NOT NULL;\nALTER TABLE "Post" ADD COLUMN "slug" TEXT NOT NULL;\n' });
    commitAll(root, 'names');
    const result = check(root, ['--since', 'main']);
    assert.deepEqual(result.findings, [NEW_FINDING, 'adding-required-field 20260103000000_names:2']);
  });

  it('reviews a migration named as a path whatever its age', async () => {
    const root = await featureBranch();
    const result = check(root, ['--since', 'main', 'prisma/migrations/20240201000000_title/migration.sql', 'prisma/migrations/20240301000000_drop_index']);
    assert.deepEqual(result.findings, OLD_FINDINGS);
    assert.equal(result.stderr, '');
  });

  it('exits 2 when --since names no commit, with a hint to fetch the history', async () => {
    const root = await featureBranch();
    const result = check(root, ['--since', 'origin/main']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /prisma-lens: prisma\/migrations: --since origin\/main: no such commit in .* \(in CI, fetch the whole history \(actions\/checkout with fetch-depth: 0\)\)\n/);
    assert.deepEqual(result.findings, []);
  });

  it("runs none of the programs a repository's config names (core.fsmonitor, hooks, pager, external diff)", async () => {
    const root = await featureBranch();
    const marker = path.join(root, 'ran');
    const script = path.join(root, '.git', 'evil.sh');
    await writeFiles(root, { '.git/evil.sh': `#!/bin/sh\necho "$0 $*" >> '${marker}'\nexit 1\n` });
    chmodSync(script, 0o755);
    for (const key of ['core.fsmonitor', 'core.pager', 'diff.external', 'core.sshCommand']) git(root, 'config', key, script);
    execFileSync('cp', [script, path.join(root, '.git/hooks/post-checkout')]);
    await writeFiles(root, { 'prisma/migrations/20260102000000_drop_title/migration.sql': 'ALTER TABLE "Post" DROP COLUMN "title";\n' });
    // The trap is live: plain git runs the script.
    execFileSync('git', ['status', '--short'], { cwd: root, env: gitEnv(), stdio: 'ignore' });
    assert.ok(existsSync(marker), 'plain git status runs core.fsmonitor');
    rmSync(marker);
    for (const args of [[], ['--since', 'main'], ['--since', 'HEAD']]) {
      const result = check(root, args);
      assert.ok(result.findings.includes('ban-drop-column 20260102000000_drop_title:1'), result.stderr);
    }
    assert.equal(existsSync(marker), false, 'the CLI ran a program of the repository');
  });
});
