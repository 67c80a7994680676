/**
 * Which functions of the workspace run a Prisma query on every call, across files: each file's
 * summary (`summarizeModule`) says what its exported functions and class methods query and which
 * other files' functions they call; this resolves those calls (imports by path or by name, injected
 * services by their class name) and follows them a few files deep, so that a call in a loop can be
 * reported with the chain of calls down to the query.
 */
import { builtinModules } from 'node:module';
import type { CallTarget } from '../code/module-calls';

/** A place in a file, by line and character (0-based), for related information. */
export interface Place {
  line: number;
  character: number;
  endCharacter: number;
}

export interface SummaryQuery {
  /** `prisma.user.findUnique`, as written. */
  callee: string;
  operation: string;
  at: Place;
}

export interface SummaryCall {
  /** `loadUser(…)`, `this.userService.findById(…)`. */
  text: string;
  target: CallTarget;
  at: Place;
}

export interface FunctionSummary {
  /** Queries every call runs, directly or through the file's own helpers (none in a loop or a `catch`). */
  queries: SummaryQuery[];
  /** Calls of other files' functions every call makes. */
  calls: SummaryCall[];
  /**
   * A call outside the database (HTTP, object storage, a queue, mail) every call makes on every
   * path, itself or through the file's own helpers, as written (`s3.putObject(…)`).
   */
  outside?: string;
}

/**
 * What one call of another file's function passes, as far as hashing or encryption goes, per
 * argument: 1 when the whole value is hashed or encrypted, the keys of an object literal whose
 * values are, else 0 (nothing known); no entries when nothing is known of any.
 */
export interface PassedProtection {
  target: CallTarget;
  args: (0 | 1 | string[])[];
}

export interface ModuleSummary {
  uri: string;
  /** By key: an exported function's name, `default`, `Class.method`, `object.method`; only functions that query, call other files' functions, or call outside the database. */
  functions: Record<string, FunctionSummary>;
  /** The keys of the other functions other files can call: they do none of that, and a call that names one is no N+1. */
  quiet: string[];
  /** Exported instances of classes imported from other files (`export const users = new UserService()`), by name. */
  instances?: Record<string, { type: string; from: string }>;
  /** Every call of another file's function with arguments, anywhere in the file, with what is known of their protection. */
  passes?: PassedProtection[];
}

/** One step of a chain from a call in a loop down to a query. */
export interface ChainLink {
  uri: string;
  at: Place;
  /** What happens there: `loadUser(…)` calls …, or the query itself. */
  text: string;
}

export interface CallChain {
  /** The query at the end of the chain. */
  query: SummaryQuery & { uri: string };
  /** The calls after the first one (in other files) and the query, in order. */
  links: ChainLink[];
  /** The function the call in the loop runs, by name: `findById`. */
  name: string;
}

/** Files followed from a call in a loop: the issue asks for three; one more covers a repository behind a service behind a helper. */
const MAX_DEPTH = 4;

export class WorkspaceCalls {
  private readonly modules = new Map<string, ModuleSummary>();
  private readonly byKey = new Map<string, string[]>();
  private readonly instancesByName = new Map<string, string[]>();
  private readonly chains = new Map<string, CallChain | null>();
  private readonly querying = new Map<string, boolean>();
  /** The calls the summaries record, by the name of the function they call. */
  private readonly passesByName = new Map<string, { uri: string; pass: PassedProtection }[]>();

  constructor(modules: Iterable<ModuleSummary>) {
    for (const module of modules) {
      this.modules.set(module.uri, module);
      for (const key of [...Object.keys(module.functions), ...module.quiet]) {
        const list = this.byKey.get(key);
        if (list) list.push(module.uri);
        else this.byKey.set(key, [module.uri]);
      }
      for (const name of Object.keys(module.instances ?? {})) this.instancesByName.set(name, [...(this.instancesByName.get(name) ?? []), module.uri]);
      for (const pass of module.passes ?? []) {
        const name = lastPart(targetKey(pass.target));
        const list = this.passesByName.get(name);
        if (list) list.push({ uri: module.uri, pass });
        else this.passesByName.set(name, [{ uri: module.uri, pass }]);
      }
    }
  }

  get size(): number {
    return this.modules.size;
  }

  /** The chain from a call of `target` in `fromUri` down to a query, or undefined when the call runs none (or cannot be resolved). */
  chain(fromUri: string, target: CallTarget): CallChain | undefined {
    return this.chainFrom(fromUri, target, 0, new Set());
  }

  /**
   * Whether the function `key` of the summarised file `uri` runs a query on every call, itself or
   * through the calls this can resolve, however deep (which files are worth reading next; `chain`
   * bounds what is reported).
   */
  runsQuery(uri: string, key: string, visiting = new Set<string>()): boolean {
    const id = `${uri}#${key}`;
    const known = this.querying.get(id);
    if (known !== undefined) return known;
    const summary = this.modules.get(uri)?.functions[key];
    if (!summary || visiting.has(id)) return false;
    visiting.add(id);
    let found = summary.queries.length > 0;
    for (const call of summary.calls) {
      if (found) break;
      const next = this.resolve(uri, call.target);
      found = next !== undefined && this.runsQuery(next.uri, next.key, visiting);
    }
    visiting.delete(id);
    // As for chains, an answer cut short by a cycle is not kept.
    if (found || visiting.size === 0) this.querying.set(id, found);
    return found;
  }

  /**
   * The call outside the database that a call of `target` in `fromUri` makes on every call, in that
   * function or its own file's helpers (`"s3.putObject(…)"`), or undefined when it makes none or the
   * call cannot be resolved. Calls it makes to a third file are not followed: that they run on every
   * path is not recorded.
   */
  outsideCall(fromUri: string, target: CallTarget): string | undefined {
    return this.resolve(fromUri, target)?.summary.outside;
  }

  /**
   * For each call of the function `key` of `uri` that the summaries record (calls from other
   * summarised files), whether the argument at `index` (or, with a one-key `path`, that property of
   * an object literal passed there) is hashed or encrypted where it is passed; undefined when no
   * such call is recorded.
   */
  argumentProtection(uri: string, key: string, index: number, path: readonly string[]): boolean[] | undefined {
    const found: boolean[] = [];
    for (const { uri: from, pass } of this.passesByName.get(lastPart(key)) ?? []) {
      if (from === uri) continue;
      const resolved = this.resolve(from, pass.target);
      if (!resolved || resolved.uri !== uri || resolved.key !== key) continue;
      const argument = pass.args[index];
      found.push(path.length === 0 ? argument === 1 : argument === 1 || (path.length === 1 && Array.isArray(argument) && argument.includes(path[0]!)));
    }
    return found.length > 0 ? found : undefined;
  }

  private chainFrom(fromUri: string, target: CallTarget, depth: number, visiting: Set<string>): CallChain | undefined {
    const resolved = this.resolve(fromUri, target);
    if (!resolved) return undefined;
    const id = `${resolved.uri}#${resolved.key}`;
    const known = this.chains.get(id);
    if (known !== undefined) return known ?? undefined;
    if (visiting.has(id) || depth >= MAX_DEPTH) return undefined;
    visiting.add(id);
    const name = lastPart(resolved.key);
    let found: CallChain | undefined;
    const query = resolved.summary.queries[0];
    if (query) {
      found = { query: { ...query, uri: resolved.uri }, links: [{ uri: resolved.uri, at: query.at, text: `"${query.callee}" runs here` }], name };
    } else {
      for (const call of resolved.summary.calls) {
        const next = this.chainFrom(resolved.uri, call.target, depth + 1, visiting);
        if (!next) continue;
        found = { query: next.query, links: [{ uri: resolved.uri, at: call.at, text: `"${name}" calls "${call.text}"` }, ...next.links], name };
        break;
      }
    }
    visiting.delete(id);
    // Only complete answers are kept: one cut short by a cycle may differ from another start.
    if (found || visiting.size === 0) this.chains.set(id, found ?? null);
    return found;
  }

  /** The function a call names: by the import's path when it leads to a summarised file, else by the name the workspace exports. */
  private resolve(fromUri: string, target: CallTarget): { uri: string; key: string; summary: FunctionSummary } | undefined {
    const key = targetKey(target);
    const from = target.from ?? '';
    // Node.js's own modules are never a workspace file (`resolve` from node:path is not some file's `export const resolve`).
    if (isNodeBuiltin(from)) return undefined;
    let candidates = this.byKey.get(key) ?? [];
    if (target.kind === 'import' && target.name === 'default') {
      if (target.member) return undefined;
      // A default export is found by the file it is in: the last part of the path names it.
      const stem = from.replace(/\/index(?:\.[cm]?[jt]sx?)?$|\.[cm]?[jt]sx?$/, '').split('/').pop() ?? '';
      candidates = candidates.filter((uri) => fileStem(uri) === stem);
    }
    // The same class name in this file first (`this.helper.run()` with `helper: Helper` declared below).
    if (target.kind === 'class' && !target.from && candidates.includes(fromUri)) candidates = [fromUri];
    const uri = pickCandidate(candidates, fromUri, from);
    if (!uri) return target.kind === 'import' && target.member && target.name !== 'default' ? this.resolveInstance(fromUri, target.name, target.member, from) : undefined;
    const summary = this.modules.get(uri)!.functions[key];
    return summary && { uri, key, summary };
  }

  /** `monitorManager.setActive(…)`, where the imported file exports `monitorManager = new MonitorManager()` of a class it imports. */
  private resolveInstance(fromUri: string, name: string, method: string, from: string): { uri: string; key: string; summary: FunctionSummary } | undefined {
    const uri = pickCandidate(this.instancesByName.get(name) ?? [], fromUri, from);
    const instance = uri ? this.modules.get(uri)?.instances?.[name] : undefined;
    return instance && this.resolve(uri!, { kind: 'class', type: instance.type, from: instance.from, method });
  }
}

/** The key a call's target is summarised under: `Class.method`, `object.member`, or a function's name. */
function targetKey(target: CallTarget): string {
  return target.kind === 'class' ? `${target.type}.${target.method}` : target.member ? `${target.name}.${target.member}` : target.name;
}

/** The function's own name in a key: `findById` of `UserService.findById`. */
function lastPart(key: string): string {
  return key.replace(/^.*\./, '');
}

/** `node:path`, `fs`, `fs/promises`, `child_process`, …: modules of Node.js itself. */
function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return NODE_BUILTINS.has(specifier.split('/')[0]!);
}

const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** The candidate the import's path points at; else the one whose path ends most like it; else the nearest. */
function pickCandidate(candidates: readonly string[], fromUri: string, specifier: string): string | undefined {
  if (candidates.length <= 1) return candidates[0];
  if (specifier.startsWith('.')) {
    const base = withoutExtension(joinPath(directoryOf(fromUri), specifier));
    const exact = candidates.find((uri) => withoutExtension(uri) === base || withoutExtension(uri) === `${base}/index`);
    if (exact) return exact;
  }
  const wanted = specifier
    .replace(/^(?:\.\.?\/)+/, '')
    .replace(/^[@~#]\//, '')
    .split('/')
    .filter((part) => part && part !== '.' && part !== '..');
  let best: string | undefined;
  let bestScore = -1;
  for (const uri of candidates) {
    const parts = withoutExtension(uri).replace(/\/index$/, '').split('/');
    let common = 0;
    while (common < wanted.length && common < parts.length && wanted[wanted.length - 1 - common] === parts[parts.length - 1 - common]) common++;
    const score = common * 1000 + sharedPrefix(uri, fromUri);
    if (score > bestScore) {
      best = uri;
      bestScore = score;
    }
  }
  return best;
}

function sharedPrefix(a: string, b: string): number {
  let length = 0;
  while (length < a.length && length < b.length && a.charCodeAt(length) === b.charCodeAt(length)) length++;
  return Math.min(length, 999);
}

function fileStem(uri: string): string {
  const path = withoutExtension(uri);
  const parts = path.split('/');
  const last = parts.pop() ?? '';
  return last === 'index' ? (parts.pop() ?? '') : last;
}

function withoutExtension(path: string): string {
  return path.replace(/\.(?:d\.)?[cm]?[jt]sx?$/, '');
}

function directoryOf(uri: string): string {
  return uri.slice(0, uri.lastIndexOf('/'));
}

function joinPath(directory: string, relative: string): string {
  const parts = directory.split('/');
  for (const part of relative.split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}
