/** The base a change started from (merge base with the default branch, a CI target, --since), what it makes history, and git that a hostile repository cannot turn into running its programs. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSqlParser } from '../../server/src/analysis/migrations/sql';
import { runGit } from '../../server/src/workspace/git';
import { migrationContextAgainstBase, pullRequestTarget, resolveMigrationBase, type MigrationBase } from '../../server/src/workspace/migration-base';
import { commitAll, git, gitEnv, initRepository, removeGitHome } from '../support/git-repo';
import { removeTempProjects, tempProject, writeFiles } from './tempProject';

const OLD = {
  'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Post" ("id" SERIAL NOT NULL);\n',
  'prisma/migrations/20240201000000_title/migration.sql': 'ALTER TABLE "Post" ADD COLUMN "title" TEXT;\n',
  'prisma/migrations/20240301000000_body/migration.sql': 'ALTER TABLE "Post" ADD COLUMN "body" TEXT;\n',
};

/** Three migrations on main, then branch `feature` with one more, committed. */
async function featureRepository(): Promise<string> {
  const root = await tempProject(OLD);
  initRepository(root);
  commitAll(root, 'history');
  git(root, 'checkout', '-q', '-b', 'feature');
  await writeFiles(root, { 'prisma/migrations/20260101000000_tags/migration.sql': 'CREATE TABLE "Tag" ("id" SERIAL NOT NULL);\n' });
  commitAll(root, 'tags');
  return root;
}

function commitOf(root: string, ref: string): string {
  return git(root, 'rev-parse', ref).trim();
}

/** Where the base resolved to, in a form a test compares whole. */
function shown(base: MigrationBase): string {
  if (base.kind === 'commit') return `commit ${base.commit} ${base.label} from ${base.source}`;
  return base.kind === 'all' ? `all: ${base.reason}` : `error: ${base.message}`;
}

// The code under test runs git in this process: keep the machine's git configuration out of it.
const saved = { ...process.env };
before(async () => {
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, gitEnv());
  await loadSqlParser();
});
after(async () => {
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, saved);
  await removeTempProjects();
  removeGitHome();
});

describe('migration base', () => {
  it('is the merge base with the default branch on a feature branch, and none on the default branch in the CLI', async () => {
    const root = await featureRepository();
    const folder = path.join(root, 'prisma/migrations');
    const main = commitOf(root, 'main');
    assert.equal(shown(await resolveMigrationBase(folder, { onDefaultBranch: 'review-all' })), `commit ${main} main from the default branch`);
    git(root, 'checkout', '-q', 'main');
    assert.equal(shown(await resolveMigrationBase(folder, { onDefaultBranch: 'review-all' })), 'all: HEAD is the default branch main; --since <ref> reviews only the migrations added since <ref>');
    // The editor compares with what HEAD shares with the default branch: its last commit here.
    assert.equal(shown(await resolveMigrationBase(folder, { onDefaultBranch: 'merge-base' })), `commit ${main} main from the default branch`);
    // Detached at the default branch's tip, as a CI build of main checks it out.
    git(root, 'checkout', '-q', '--detach', 'main');
    assert.match(shown(await resolveMigrationBase(folder, { onDefaultBranch: 'review-all' })), /^all: HEAD is the default branch main;/);
  });

  it("prefers origin/HEAD's branch, then main or master", async () => {
    const root = await featureRepository();
    const folder = path.join(root, 'prisma/migrations');
    const first = commitOf(root, 'main~0');
    git(root, 'branch', '-m', 'main', 'master');
    assert.equal(shown(await resolveMigrationBase(folder, { onDefaultBranch: 'review-all' })), `commit ${first} master from the default branch`);
    git(root, 'update-ref', 'refs/remotes/origin/develop', 'feature~1');
    git(root, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/develop');
    assert.equal(shown(await resolveMigrationBase(folder, { onDefaultBranch: 'review-all' })), `commit ${first} origin/develop from the default branch`);
  });

  it("takes a pull request's target from the CI variables before the default branch", async () => {
    const root = await featureRepository();
    const folder = path.join(root, 'prisma/migrations');
    // The pull request targets `release`, which is main plus the feature's first commit.
    git(root, 'update-ref', 'refs/remotes/origin/release', 'feature');
    const feature = commitOf(root, 'feature');
    assert.equal(shown(await resolveMigrationBase(folder, { env: { GITHUB_BASE_REF: 'release' }, onDefaultBranch: 'review-all' })), `commit ${feature} origin/release from GITHUB_BASE_REF`);
    assert.equal(shown(await resolveMigrationBase(folder, { env: { SYSTEM_PULLREQUEST_TARGETBRANCH: 'refs/heads/release' }, onDefaultBranch: 'review-all' })), `commit ${feature} origin/release from SYSTEM_PULLREQUEST_TARGETBRANCH`);
    assert.equal(shown(await resolveMigrationBase(folder, { env: { CI_MERGE_REQUEST_DIFF_BASE_SHA: feature, CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' }, onDefaultBranch: 'review-all' })), `commit ${feature} ${feature.slice(0, 12)} from CI_MERGE_REQUEST_DIFF_BASE_SHA`);
    // A target this clone lacks: everything is reviewed, and the reason says how to fetch it.
    assert.equal(
      shown(await resolveMigrationBase(folder, { env: { BITBUCKET_PR_DESTINATION_BRANCH: 'gone' }, onDefaultBranch: 'review-all' })),
      'all: BITBUCKET_PR_DESTINATION_BRANCH names origin/gone, which this clone lacks or shares no commit with (in CI, fetch the whole history (actions/checkout with fetch-depth: 0))',
    );
    // Buildkite sets its variable to "" outside pull requests: the default branch decides.
    assert.equal(shown(await resolveMigrationBase(folder, { env: { BUILDKITE_PULL_REQUEST_BASE_BRANCH: '' }, onDefaultBranch: 'review-all' })), `commit ${commitOf(root, 'main')} main from the default branch`);
  });

  it('reads each CI system’s variables', () => {
    assert.deepEqual(pullRequestTarget({ GITHUB_BASE_REF: 'main' }), { variable: 'GITHUB_BASE_REF', refs: ['origin/main'] });
    assert.deepEqual(pullRequestTarget({ CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'develop' }), { variable: 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME', refs: ['origin/develop'] });
    assert.deepEqual(pullRequestTarget({ BUILDKITE_PULL_REQUEST_BASE_BRANCH: 'main', BUILDKITE_PULL_REQUEST: '12' }), { variable: 'BUILDKITE_PULL_REQUEST_BASE_BRANCH', refs: ['origin/main'] });
    assert.equal(pullRequestTarget({ GITHUB_BASE_REF: '', CIRCLE_PULL_REQUEST: 'https://github.com/o/r/pull/1' }), undefined);
  });

  it('is --since when named; a ref that does not exist, or is an option, is an error', async () => {
    const root = await featureRepository();
    const folder = path.join(root, 'prisma/migrations');
    assert.equal(shown(await resolveMigrationBase(folder, { since: 'main', onDefaultBranch: 'review-all' })), `commit ${commitOf(root, 'main')} main from --since`);
    assert.equal(shown(await resolveMigrationBase(folder, { since: 'HEAD', onDefaultBranch: 'review-all' })), `commit ${commitOf(root, 'HEAD')} HEAD from --since`);
    for (const since of ['origin/main', '--output=/tmp/x', 'main\nHEAD']) {
      const base = await resolveMigrationBase(folder, { since, onDefaultBranch: 'review-all' });
      assert.equal(base.kind, 'error', since);
    }
    const outside = await tempProject({ 'migrations/20240101000000_init/migration.sql': 'SELECT 1;\n' });
    assert.equal(shown(await resolveMigrationBase(path.join(outside, 'migrations'), { since: 'main', onDefaultBranch: 'review-all' })), 'all: not in a git repository');
  });

  it('makes the migrations in the base history, and the tables of the new ones before a migration empty', async () => {
    const root = await featureRepository();
    const folder = path.join(root, 'prisma/migrations');
    await writeFiles(root, { 'prisma/migrations/20260102000000_tag_name/migration.sql': 'ALTER TABLE "Tag" ADD COLUMN "name" TEXT NOT NULL;\n' });
    commitAll(root, 'tag name');
    const request = { onDefaultBranch: 'merge-base' as const };
    const old = await migrationContextAgainstBase(path.join(folder, '20240301000000_body/migration.sql'), request);
    assert.deepEqual([old.applied, old.newTables], [true, []]);
    // Committed on the branch, so HEAD alone would call Tag deployed; the merge base does not.
    const latest = await migrationContextAgainstBase(path.join(folder, '20260102000000_tag_name/migration.sql'), request);
    assert.deepEqual([latest.applied, latest.newTables], [false, ['"Tag"']]);
  });
});

describe('git on a hostile repository', () => {
  let root: string;
  let marker: string;

  before(async () => {
    root = await tempProject({ 'a.txt': 'a\n', 'evil.sh': '' });
    marker = path.join(root, 'ran');
    await writeFiles(root, { 'evil.sh': `#!/bin/sh\necho "$0 $*" >> '${marker}'\nexit 1\n` });
    chmodSync(path.join(root, 'evil.sh'), 0o755);
    initRepository(root);
    commitAll(root, 'init');
    // What a cloned repository may carry in .git/config and .git/hooks.
    for (const [key, value] of [['core.fsmonitor', path.join(root, 'evil.sh')], ['diff.external', path.join(root, 'evil.sh')], ['core.pager', path.join(root, 'evil.sh')], ['user.name', 'x'], ['user.email', 'x@example.com']]) git(root, 'config', key!, value!);
    execFileSync('cp', [path.join(root, 'evil.sh'), path.join(root, '.git/hooks/pre-commit')]);
    await writeFiles(root, { 'a.txt': 'changed\n' });
  });

  it('runs the programs it names for plain git (the trap is live)', () => {
    rmSync(marker, { force: true });
    execFileSync('git', ['status', '--short'], { cwd: root, env: gitEnv(), stdio: 'ignore' });
    assert.ok(existsSync(marker), 'plain git status runs core.fsmonitor');
  });

  it('runs none of them through runGit: status (fsmonitor), diff and show (external diff), commit (hooks)', async () => {
    rmSync(marker, { force: true });
    const status = await runGit(root, ['status', '--short']);
    assert.ok(status.ok && status.stdout.includes('a.txt'), 'status worked');
    const diff = await runGit(root, ['diff']);
    assert.ok(diff.ok && diff.stdout.includes('+changed'), 'diff worked, with the internal diff');
    assert.ok((await runGit(root, ['show', 'HEAD'])).ok);
    assert.ok((await runGit(root, ['commit', '-q', '-a', '-m', 'through runGit'])).ok);
    assert.equal(existsSync(marker), false, 'a program of the repository ran');
  });

  it('resolves the base without running them either', async () => {
    rmSync(marker, { force: true });
    git(root, '-c', 'core.fsmonitor=false', 'checkout', '-q', '-b', 'feature');
    const base = await resolveMigrationBase(root, { onDefaultBranch: 'review-all' });
    assert.equal(base.kind, 'commit');
    assert.equal(existsSync(marker), false);
  });
});
