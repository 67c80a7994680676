/**
 * Read-only git for a workspace that may be hostile: no shell, refs validated and passed as
 * arguments, and nothing a repository's own config names (hooks, fsmonitor, pager, external diff)
 * is ever run.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Global options before every subcommand. A cloned repository can carry a `.git/config` that
 * names programs (`core.fsmonitor`, `core.hooksPath`, `core.pager`); these turn each off for this
 * process, whatever the config says.
 */
const SAFE_OPTIONS = ['--no-pager', '-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'core.pager=cat'];

/** Subcommands that may run a diff driver (`diff.external`, textconv): they get `--no-ext-diff` and `--no-textconv`. */
const DIFF_COMMANDS = new Set(['diff', 'show', 'log']);

const GIT_TIMEOUT_MS = 5000;

export type GitResult = { ok: true; stdout: string } | { ok: false; missing: boolean };

/** Runs `git <args>` in `cwd` with the safe options; `missing` is true when git is not installed. */
export function runGit(cwd: string, args: readonly string[]): Promise<GitResult> {
  const [command, ...rest] = args;
  const full = [...SAFE_OPTIONS, command!, ...(DIFF_COMMANDS.has(command!) ? ['--no-ext-diff', '--no-textconv'] : []), ...rest];
  const env = { ...process.env, GIT_PAGER: 'cat', PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  return new Promise((resolve) => {
    execFile('git', full, { cwd, env, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      // A working folder that does not exist fails with ENOENT too: git is missing only when it does.
      if (error) return resolve({ ok: false, missing: (error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync(cwd) });
      resolve({ ok: true, stdout });
    });
  });
}

/**
 * The commit a ref names (a branch, tag, `origin/main`, a SHA), or undefined when it names none.
 * The ref comes from the user or a CI variable: it is checked here and reaches git as one argument
 * after `--end-of-options`, so it can never be read as an option.
 */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  if (!isPlausibleRef(ref)) return undefined;
  const result = await runGit(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const commit = result.ok ? result.stdout.trim() : '';
  return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit) ? commit : undefined;
}

/** A ref as a user or CI system writes one: not empty, not an option, no control characters. */
export function isPlausibleRef(ref: string): boolean {
  return ref.length > 0 && ref.length <= 1024 && !ref.startsWith('-') && !/[\u0000-\u001f\u007f]/.test(ref);
}

/** The best common ancestor of two commits (both already resolved), or undefined (unrelated, or a shallow clone). */
export async function mergeBase(cwd: string, first: string, second: string): Promise<string | undefined> {
  const result = await runGit(cwd, ['merge-base', '--end-of-options', first, second]);
  const commit = result.ok ? result.stdout.trim() : '';
  return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit) ? commit : undefined;
}
