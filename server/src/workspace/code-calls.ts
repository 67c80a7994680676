/**
 * The workspace's call summaries (`WorkspaceCalls`), built the same way for the CLI and the editor:
 * first the files that name a Prisma operation, then, a few rounds, the files that name a function
 * or class a summarised file exports and that queries (a service calling a repository), so that a
 * call in a loop is followed through other files without parsing files that cannot matter. The
 * CLI's pass (`code-pass.ts`) analyses the files in the same rounds, with the helpers below.
 */
import type { ModuleSummary } from '../analysis/facts/workspace-calls';
import { WorkspaceCalls } from '../analysis/facts/workspace-calls';
import { summarizeCode } from '../analysis/analyze';
import type { PrismaSchema } from '../analysis/schema/model';
import { fileURLToPath } from 'node:url';
import { callsPrismaOperation, readCodeFileSync } from './code-index-core';

export interface CallSourceFile {
  uri: string;
  text: string;
  schema: PrismaSchema | undefined;
}

/**
 * Rounds after the first: a call three files above the query needs two, and one more for each
 * function that only calls out, whose name waits until its callee is found querying (`queryingNames`).
 */
export const ROUNDS = 5;

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
  const used = new Set<string>();
  // A file no other file imports (a route, a page, a script) exports nothing anyone calls: it is
  // analysed, not summarised.
  const imported = importedStems(files);
  let { mentioning: pending, others: rest } = splitFiles(files, (text) => callsPrismaOperation(text));
  for (let round = 0; round <= ROUNDS && pending.length > 0; round++) {
    for (const file of pending) {
      summarized.add(file.uri);
      if (!imported.has(stemOf(file.uri))) continue;
      if (yieldNow && !(await yieldNow())) return undefined;
      const summary = summarizeCode(file, file.schema);
      if (summary) summaries.push(summary);
    }
    const names = queryingNames(summaries, used);
    if (names.size === 0 || round === ROUNDS) break;
    ({ mentioning: pending, others: rest } = mentioningAny(rest, names));
  }
  return { calls: new WorkspaceCalls(summaries), summarized, summaries };
}

/**
 * The names the next round looks for: each summarised function's (or its class's) that runs a query
 * on every call, directly or through the calls the summaries so far can follow, each name once
 * (`used` keeps the names earlier rounds looked for). A function that only calls out to functions
 * not known to query gives no name yet: most do (a component calling a hook), and the files naming
 * them would be parsed for nothing; once a later round finds its callee querying, it gives its name then.
 */
export function queryingNames(summaries: readonly ModuleSummary[], used: Set<string>): Set<string> {
  const calls = new WorkspaceCalls(summaries);
  const names = new Set<string>();
  for (const summary of summaries) {
    for (const key of Object.keys(summary.functions)) {
      const name = callerName(key, summary.uri);
      if (used.has(name) || !calls.runsQuery(summary.uri, key)) continue;
      used.add(name);
      names.add(name);
    }
  }
  return names;
}

/** The files that name one of `names` (read in the next round) and the others, in their order. */
export function mentioningAny<T extends { text: string }>(files: readonly T[], names: ReadonlySet<string>): { mentioning: T[]; others: T[] } {
  const mentions = mentionPattern(names);
  return splitFiles(files, (text) => mentions.test(text));
}

/** The files whose text passes `test` (read in the next round) and the others, in their order. */
export function splitFiles<T extends { text: string }>(files: readonly T[], test: (text: string) => boolean): { mentioning: T[]; others: T[] } {
  const mentioning: T[] = [];
  const others: T[] = [];
  for (const file of files) (test(file.text) ? mentioning : others).push(file);
  return { mentioning, others };
}

const IMPORT_SPECIFIER = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"]([^'"\n]+)['"]/g;

/** The last part of every path the workspace's files import, export from or require (`./users` → `users`). */
export function importedStems(files: readonly { text: string }[]): Set<string> {
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
export function stemOf(uri: string): string {
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

/** The background pass gives the event loop back after this much work, so requests are answered in between. */
const SLICE_MS = 8;

/**
 * The editor's call summaries, rebuilt after each pass over the workspace off the request path:
 * files are read and summarised a slice at a time, and a newer rebuild supersedes an older one.
 * Until the first rebuild ends, calls into other files are not followed.
 */
export class BackgroundCallSummaries {
  private current: WorkspaceCallSummaries | undefined;
  private generation = 0;
  /** Changes whenever the summaries do: part of an analysis's result id. */
  version = 0;

  get calls(): WorkspaceCalls | undefined {
    return this.current?.calls;
  }

  /** Reads and summarises the files at `uris`; true when this rebuild finished (a newer one did not start meanwhile). */
  async rebuild(uris: readonly string[], schemaFor: (uri: string) => Promise<PrismaSchema | undefined>): Promise<boolean> {
    const generation = ++this.generation;
    let sliceStart = performance.now();
    const yieldNow = async (): Promise<boolean> => {
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      return this.generation === generation;
    };
    const schemaByFolder = new Map<string, Promise<PrismaSchema | undefined>>();
    const files: CallSourceFile[] = [];
    for (const uri of uris) {
      if (!uri.startsWith('file:') || !(await yieldNow())) {
        if (this.generation !== generation) return false;
        continue;
      }
      const text = readCodeFileSync(fileURLToPath(uri));
      if (text === undefined) continue;
      // Files of one folder belong to the same project, so they share a schema.
      const folder = uri.slice(0, uri.lastIndexOf('/'));
      let schema = schemaByFolder.get(folder);
      if (!schema) schemaByFolder.set(folder, (schema = schemaFor(uri).catch(() => undefined)));
      files.push({ uri, text, schema: await schema });
    }
    const summaries = await summarizeWorkspace(files, yieldNow);
    if (!summaries || this.generation !== generation) return false;
    this.current = summaries;
    this.version++;
    return true;
  }
}
