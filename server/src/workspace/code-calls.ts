/**
 * The workspace's call summaries (`WorkspaceCalls`), built the same way for the CLI and the editor:
 * first the files that name a Prisma operation, then, a few rounds, the files that name a function
 * or class a summarised file exports and that queries (a service calling a repository), so that a
 * call in a loop is followed through other files without parsing files that cannot matter.
 */
import type { ModuleSummary } from '../analysis/facts/workspace-calls';
import { WorkspaceCalls } from '../analysis/facts/workspace-calls';
import { summarizeCode } from '../analysis/analyze';
import type { PrismaSchema } from '../analysis/schema/model';
import { namesPrismaOperation } from './code-index-core';

export interface CallSourceFile {
  uri: string;
  text: string;
  schema: PrismaSchema | undefined;
}

/** Rounds after the first: a call three files above the query needs two. */
const ROUNDS = 3;

export interface WorkspaceCallSummaries {
  calls: WorkspaceCalls;
  /** The files worth analysing for calls: those that name an operation, and those that name a summarised function that queries. */
  summarized: Set<string>;
  summaries: ModuleSummary[];
}

/**
 * Summarises `files` in rounds. `yieldNow` (the editor's) gives the event loop back between files
 * when it resolves; the CLI passes none.
 */
export async function summarizeWorkspace(files: readonly CallSourceFile[], yieldNow?: () => Promise<boolean>): Promise<WorkspaceCallSummaries | undefined> {
  const summaries: ModuleSummary[] = [];
  const summarized = new Set<string>();
  // A file no other file imports (a route, a page, a script) exports nothing anyone calls: it is
  // analysed, not summarised.
  const imported = importedStems(files);
  let pending = files.filter((file) => namesPrismaOperation(file.text));
  let rest = files.filter((file) => !namesPrismaOperation(file.text));
  for (let round = 0; round <= ROUNDS && pending.length > 0; round++) {
    const names = new Set<string>();
    for (const file of pending) {
      summarized.add(file.uri);
      if (!imported.has(stemOf(file.uri))) continue;
      if (yieldNow && !(await yieldNow())) return undefined;
      const summary = summarizeCode(file, file.schema);
      if (!summary) continue;
      summaries.push(summary);
      for (const key of Object.keys(summary.functions)) names.add(callerName(key, file.uri));
    }
    if (names.size === 0 || round === ROUNDS) break;
    const mentions = mentionPattern(names);
    pending = [];
    const next: CallSourceFile[] = [];
    for (const file of rest) (mentions.test(file.text) ? pending : next).push(file);
    rest = next;
  }
  return { calls: new WorkspaceCalls(summaries), summarized, summaries };
}

const IMPORT_SPECIFIER = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"]([^'"\n]+)['"]/g;

/** The last part of every path the workspace's files import, export from or require (`./users` → `users`). */
function importedStems(files: readonly CallSourceFile[]): Set<string> {
  const stems = new Set<string>();
  for (const file of files) {
    for (const match of file.text.matchAll(IMPORT_SPECIFIER)) {
      const parts = match[1]!.replace(/\.[cm]?[jt]sx?$/, '').split('/');
      const last = parts.pop() ?? '';
      stems.add(last === 'index' ? (parts.pop() ?? last) : last);
    }
  }
  return stems;
}

/** A file's name as imports spell it: `user.service` for `user.service.ts`, the folder's name for an `index.ts`. */
function stemOf(uri: string): string {
  const parts = uri.replace(/\.[cm]?[jt]sx?$/, '').split('/');
  const last = parts.pop() ?? '';
  return decodeURIComponent(last === 'index' ? (parts.pop() ?? last) : last);
}

/** The word a calling file must hold: the function's or the class's name, or for a default export, the file's name. */
function callerName(key: string, uri: string): string {
  if (key === 'default') {
    const parts = uri.replace(/\.[cm]?[jt]sx?$/, '').split('/');
    const last = parts.pop() ?? '';
    return last === 'index' ? (parts.pop() ?? last) : last;
  }
  return key.split('.')[0]!;
}

function mentionPattern(names: ReadonlySet<string>): RegExp {
  const escaped = [...names].map((name) => name.replace(/[$.*+?^()[\]{}|\\-]/g, '\\$&'));
  return new RegExp(`(?<![\\w$])(?:${escaped.join('|')})(?![\\w$])`);
}
