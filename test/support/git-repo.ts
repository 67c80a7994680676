/**
 * Throwaway git repositories for tests, isolated from the machine's git: no system config, a
 * temporary HOME (so no global config), no GIT_* variable inherited from the caller, and no
 * repository found above the temp folder. `gitEnv()` is the environment the code under test
 * (the CLI, the server) must run with too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

let home: string | undefined;

/** The variables a CI system sets for a pull request: a test must not inherit the CI's own. */
const CI_VARIABLES = ['GITHUB_BASE_REF', 'CI_MERGE_REQUEST_DIFF_BASE_SHA', 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME', 'BITBUCKET_PR_DESTINATION_BRANCH', 'SYSTEM_PULLREQUEST_TARGETBRANCH', 'BUILDKITE_PULL_REQUEST_BASE_BRANCH', 'PRISMA_LENS_MIGRATIONS_BASE'];

/** The process environment without git's or CI's variables, with git's configuration isolated. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  home ??= realpathSync(mkdtempSync(path.join(tmpdir(), 'prisma-lens-home-')));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('GIT_') && !CI_VARIABLES.includes(name)) env[name] = value;
  }
  return { ...env, HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CEILING_DIRECTORIES: realpathSync(tmpdir()), ...extra };
}

/** Runs git in `root` with a fixed identity; returns its standard output. */
export function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Prisma Lens', '-c', 'user.email=lens@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: root, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `git init` on branch main. */
export function initRepository(root: string): void {
  git(root, 'init', '-q', '-b', 'main');
}

/** Stages everything under `root` and commits it. */
export function commitAll(root: string, message: string): void {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', message);
}

/** Removes the temporary HOME. */
export function removeGitHome(): void {
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
}
