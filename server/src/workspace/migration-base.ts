/**
 * Which migrations are history: the commit a change started from (the merge base of HEAD and the
 * branch it goes into), for the CLI and the editor alike. A migration folder in that commit was
 * applied long ago and cannot be edited (Prisma checks its checksum); one that is not there (added
 * on the branch, or not committed yet) is the change under review.
 */
import * as path from 'node:path';
import { mergeBase, resolveCommit, runGit } from './git';
import { migrationFileContext, migrationsInCommit, type MigrationFileContext, type MigrationFolder } from './migrations';

export type MigrationBase =
  /** Migrations in `commit` are history; `label` says what it is, for messages ("origin/main"). */
  | { kind: 'commit'; commit: string; label: string; source: string; repository: string }
  /** No split: every migration is reviewed; `reason` says why, for one line of output. */
  | { kind: 'all'; reason: string; repository?: string }
  /** A base the user asked for that does not exist here: an input error. */
  | { kind: 'error'; message: string; repository?: string };

export interface MigrationBaseRequest {
  /** A ref the user named (`--since`): its merge base with HEAD; an error when it does not resolve. */
  since?: string;
  /** Where `since` came from, for messages (`--since`, `PRISMA_LENS_MIGRATIONS_BASE`). */
  sinceSource?: string;
  /** Environment whose pull-request variables name the target branch (CI); none in the editor. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * On the default branch itself: `review-all` (every migration: nothing to compare with) or
   * `merge-base` (the editor and the CLI: what HEAD and the default branch share, so committed and pushed
   * migrations are history and the ones being written are not).
   */
  onDefaultBranch: 'review-all' | 'merge-base';
  /**
   * When no default branch is found (no origin/HEAD, main or master): compare with HEAD's last commit
   * (`last-commit`, the editor's default) or review every migration (`review-all`, the CLI's: a CI
   * build whose target cannot be told must not skip what its change adds).
   */
  withoutDefaultBranch?: 'last-commit' | 'review-all';
}

/** A pull-request target named by a CI system's variables, in the order they are tried. */
interface CiTarget {
  variable: string;
  refs: string[];
}

/** The target of the pull request being built, from the variables of common CI systems. */
export function pullRequestTarget(env: Readonly<Record<string, string | undefined>>): CiTarget | undefined {
  const value = (name: string): string | undefined => env[name]?.trim() || undefined;
  const branch = (name: string): string | undefined => value(name)?.replace(/^refs\/heads\//, '');
  // GitHub Actions sets GITHUB_BASE_REF on pull_request events only.
  if (branch('GITHUB_BASE_REF')) return { variable: 'GITHUB_BASE_REF', refs: [`origin/${branch('GITHUB_BASE_REF')}`] };
  // GitLab gives the merge base itself, and the target branch (merge request pipelines only).
  const gitlabBase = value('CI_MERGE_REQUEST_DIFF_BASE_SHA');
  const gitlabTarget = branch('CI_MERGE_REQUEST_TARGET_BRANCH_NAME');
  if (gitlabBase || gitlabTarget) {
    return { variable: gitlabBase ? 'CI_MERGE_REQUEST_DIFF_BASE_SHA' : 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME', refs: [...(gitlabBase ? [gitlabBase] : []), ...(gitlabTarget ? [`origin/${gitlabTarget}`] : [])] };
  }
  if (branch('BITBUCKET_PR_DESTINATION_BRANCH')) return { variable: 'BITBUCKET_PR_DESTINATION_BRANCH', refs: [`origin/${branch('BITBUCKET_PR_DESTINATION_BRANCH')}`] };
  // Azure Pipelines writes `refs/heads/main`.
  if (branch('SYSTEM_PULLREQUEST_TARGETBRANCH')) return { variable: 'SYSTEM_PULLREQUEST_TARGETBRANCH', refs: [`origin/${branch('SYSTEM_PULLREQUEST_TARGETBRANCH')}`] };
  // Buildkite sets it to "" outside pull requests. CircleCI names no target branch: the default branch is used.
  if (branch('BUILDKITE_PULL_REQUEST_BASE_BRANCH')) return { variable: 'BUILDKITE_PULL_REQUEST_BASE_BRANCH', refs: [`origin/${branch('BUILDKITE_PULL_REQUEST_BASE_BRANCH')}`] };
  return undefined;
}

/** Advice for a clone that lacks the history a base needs. */
const FETCH_HINT = 'in CI, fetch the whole history (actions/checkout with fetch-depth: 0)';

/**
 * The base of the change in the repository holding `folder`: `since` when given, else the target
 * of the pull request a CI system is building, else the repository's default branch (origin/HEAD,
 * else main or master).
 */
export async function resolveMigrationBase(folder: string, request: MigrationBaseRequest): Promise<MigrationBase> {
  // Independent questions go to git at once: each answer costs a process.
  const [top, head] = await Promise.all([runGit(folder, ['rev-parse', '--show-toplevel']), resolveCommit(folder, 'HEAD')]);
  if (!top.ok) return { kind: 'all', reason: top.missing ? 'git is not installed' : 'not in a git repository' };
  const repository = path.resolve(top.stdout.trim());
  if (request.since !== undefined) {
    const source = request.sinceSource ?? '--since';
    const named = await resolveCommit(folder, request.since);
    if (!named) return { kind: 'error', repository, message: `${source} ${request.since}: no such commit in ${repository} (${FETCH_HINT})` };
    if (!head) return { kind: 'all', repository, reason: 'the repository has no commit yet' };
    const base = await mergeBase(folder, head, named);
    if (!base) return { kind: 'error', repository, message: `${source} ${request.since}: HEAD and ${request.since} have no common commit (a shallow clone? ${FETCH_HINT})` };
    return { kind: 'commit', commit: base, label: request.since, source, repository };
  }
  if (!head) return { kind: 'all', repository, reason: 'the repository has no commit yet' };
  const target = request.env ? pullRequestTarget(request.env) : undefined;
  if (target) {
    for (const ref of target.refs) {
      const named = await resolveCommit(folder, ref);
      const base = named && (await mergeBase(folder, head, named));
      if (base) return { kind: 'commit', commit: base, label: /^[0-9a-f]{40,64}$/.test(ref) ? ref.slice(0, 12) : ref, source: target.variable, repository };
    }
    return { kind: 'all', repository, reason: `${target.variable} names ${target.refs.join(' or ')}, which this clone lacks or shares no commit with (${FETCH_HINT})` };
  }
  const reviewAllOnDefault = request.onDefaultBranch === 'review-all';
  const [branch, checkedOut] = await Promise.all([defaultBranch(folder), reviewAllOnDefault ? checkedOutBranch(folder) : undefined]);
  if (!branch) {
    if ((request.withoutDefaultBranch ?? (reviewAllOnDefault ? 'review-all' : 'last-commit')) === 'last-commit') return { kind: 'commit', commit: head, label: 'HEAD', source: 'the last commit', repository };
    return { kind: 'all', repository, reason: 'no default branch (origin/HEAD, main or master) to compare with; --since <ref> names one' };
  }
  // On the default branch by name, or detached at its tip (a CI build of it).
  if (reviewAllOnDefault && (checkedOut === undefined ? head === branch.commit : checkedOut === branch.name)) {
    return { kind: 'all', repository, reason: `HEAD is the default branch ${branch.name}; --since <ref> reviews only the migrations added since <ref>` };
  }
  const base = await mergeBase(folder, head, branch.commit);
  if (!base) return { kind: 'all', repository, reason: `HEAD and ${branch.label} have no common commit (a shallow clone? ${FETCH_HINT})` };
  return { kind: 'commit', commit: base, label: branch.label, source: 'the default branch', repository };
}

interface DefaultBranch {
  /** As shown: `origin/main` or `main`. */
  label: string;
  /** The branch name: `main`. */
  name: string;
  commit: string;
}

/** origin/HEAD's branch (set by `git clone`), else main, master, origin/main or origin/master, whichever exists first. */
async function defaultBranch(folder: string): Promise<DefaultBranch | undefined> {
  const candidates = ['refs/remotes/origin/HEAD', 'refs/heads/main', 'refs/heads/master', 'refs/remotes/origin/main', 'refs/remotes/origin/master'];
  const listed = await runGit(folder, ['for-each-ref', '--format=%(refname)%00%(symref)%00%(objectname)', ...candidates]);
  if (!listed.ok) return undefined;
  const refs = new Map<string, { symref: string; commit: string }>();
  for (const line of listed.stdout.split('\n')) {
    const [name, symref, commit] = line.split('\u0000');
    if (name && commit && candidates.includes(name)) refs.set(name, { symref: symref ?? '', commit });
  }
  const originHead = refs.get('refs/remotes/origin/HEAD');
  if (originHead?.symref.startsWith('refs/remotes/origin/')) return branchFrom(originHead.symref, originHead.commit);
  for (const candidate of candidates.slice(1)) {
    const found = refs.get(candidate);
    if (found) return branchFrom(candidate, found.commit);
  }
  return undefined;
}

function branchFrom(ref: string, commit: string): DefaultBranch {
  const label = ref.replace(/^refs\/(?:heads|remotes)\//, '');
  return { label, name: ref.startsWith('refs/remotes/') ? label.replace(/^[^/]+\//, '') : label, commit };
}

/** The branch HEAD is on (`main`), or undefined when HEAD is detached (a CI build checks out a commit). */
async function checkedOutBranch(folder: string): Promise<string | undefined> {
  const symbolic = await runGit(folder, ['symbolic-ref', '--quiet', 'HEAD']);
  return symbolic.ok ? symbolic.stdout.trim().replace(/^refs\/heads\//, '') : undefined;
}

/** The migrations that are history under `base` in `folder`: undefined when there is no split. */
export async function historyOf(folder: string, base: MigrationBase): Promise<Set<string> | undefined> {
  return base.kind === 'commit' ? migrationsInCommit(folder, base.commit) : undefined;
}

/**
 * The context of one migration.sql split against the base `request` resolves to in its
 * repository: whether it is history, and the tables created by the new migrations before it.
 */
export async function migrationContextAgainstBase(file: string, request: MigrationBaseRequest, listing?: MigrationFolder): Promise<MigrationFileContext & { base: MigrationBase }> {
  const folder = path.dirname(path.dirname(file));
  const base = await resolveMigrationBase(folder, request);
  const history = await historyOf(folder, base);
  return { ...(await migrationFileContext(file, history, listing)), base };
}
