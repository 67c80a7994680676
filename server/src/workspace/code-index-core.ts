/**
 * What indexing one code file takes, shared by the language server's main thread and the indexing
 * worker (`code-index-worker.ts`): reading the file, its hash, and its query sites as plain data.
 * Nothing here needs the rules, so the worker's bundle stays small.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { findFileQuerySites } from '../analysis/code/context';
import { OPERATION_NAME } from '../analysis/code/operations';
import { isDelegateShaped, type QuerySite } from '../analysis/code/query-sites';
import type { Model } from '../analysis/schema/model';
import { LineIndex, type Position, type Span } from '../analysis/text';

/** Code files larger than this are not analysed: hand-written code is far smaller, bundles are not worth it. */
export const MAX_CODE_FILE_BYTES = 2 * 1024 * 1024;

/** One Prisma Client call, without the syntax tree: what later features need once the file is closed. */
export interface IndexedQuerySite {
  kind: 'model' | 'raw';
  /** `prisma.post.findMany`, as messages name it. */
  callee: string;
  client: string;
  delegate: string | undefined;
  /** The schema model's name, when the schema declares the delegate. */
  model: string | undefined;
  operation: string;
  /** The callee, where findings point. */
  span: Span;
  range: { start: Position; end: Position };
  /** The whole call, arguments included. */
  callSpan: Span;
  /** The first argument (`{ where, select, … }`, or the template of a raw query), as written. */
  args: { span: Span; text: string } | undefined;
}

export interface IndexedFile {
  uri: string;
  /** Hash of the text the sites come from. */
  contentHash: string;
  /** The schema the sites were resolved against (undefined: none found). */
  schemaKey: string | undefined;
  querySites: IndexedQuerySite[];
}

/** What the index needs of a schema: its key and its models by delegate name (`modelsByDelegate`). */
export interface IndexSchema {
  key: string;
  delegates: ReadonlyMap<string, Model>;
}

/** Whether a text can hold a Prisma Client call at all: it calls one of Prisma's operations as a method (`OPERATION_NAME`). */
export function callsPrismaOperation(text: string): boolean {
  return OPERATION_NAME.test(text);
}

export function compactSite(site: QuerySite, text: string, lines: LineIndex): IndexedQuerySite {
  const args = site.args ? { start: site.args.getStart(), end: site.args.getEnd() } : undefined;
  return {
    kind: site.kind,
    callee: site.callee,
    client: site.client,
    delegate: site.delegate,
    model: site.model?.name,
    operation: site.operation,
    span: site.span,
    range: { start: lines.positionAt(site.span.start), end: lines.positionAt(site.span.end) },
    callSpan: site.callSpan,
    args: args ? { span: args, text: text.slice(args.start, args.end) } : undefined,
  };
}

/**
 * The query sites of one file's text, as plain data; no syntax tree outlives the call. Never
 * throws: the parser recovers from any text, and should a resolver still throw, the file has none.
 */
export function indexText(uri: string, text: string, delegates: ReadonlyMap<string, Model> | undefined): IndexedQuerySite[] {
  if (!OPERATION_NAME.test(text)) return [];
  try {
    const querySites = findFileQuerySites({ uri, text }, delegates);
    if (querySites.length === 0) return [];
    const lines = new LineIndex(text);
    return querySites.map((site) => compactSite(site, text, lines));
  } catch {
    return [];
  }
}

/**
 * Every name counts as a delegate while a file is parsed for the index, so that the parse does not
 * depend on the schema: `resolveSites` then keeps the sites whose delegate the schema declares.
 * The first pass parses while the schema is still being discovered, and no pass waits for it.
 */
class AnyDelegate extends Map<string, Model> {
  override has(): boolean {
    return true;
  }
  override get(): undefined {
    return undefined;
  }
}
const ANY_DELEGATE: ReadonlyMap<string, Model> = new AnyDelegate();


/** The query sites of a text before any schema is applied (every delegate kept, no model): see `resolveSites`. */
export function parseSites(uri: string, text: string): IndexedQuerySite[] {
  return indexText(uri, text, ANY_DELEGATE);
}

/**
 * `parseSites`'s sites as `indexText` finds them against `schema`: the model calls whose delegate
 * the schema declares, with their model (without a schema: the delegate-shaped ones), and every raw call.
 */
export function resolveSites(sites: readonly IndexedQuerySite[], schema: IndexSchema | undefined): IndexedQuerySite[] {
  const resolved: IndexedQuerySite[] = [];
  for (const site of sites) {
    if (site.kind !== 'model' || site.delegate === undefined) resolved.push(site);
    else if (!schema) {
      if (isDelegateShaped(site.delegate)) resolved.push(site);
    } else {
      const model = schema.delegates.get(site.delegate);
      if (model) resolved.push({ ...site, model: model.name });
    }
  }
  return resolved;
}

/**
 * What reading a file tells the index: its entry is unchanged, or final (the text names no Prisma
 * operation), or its sites were parsed and wait for the file's schema (`resolveSites`).
 */
export type IndexOutcome =
  | { kind: 'unchanged' }
  | { kind: 'indexed'; entry: IndexedFile }
  | { kind: 'parsed'; contentHash: string; sites: IndexedQuerySite[] };

/**
 * Indexes a file whose text was read. `previous` is the index's entry; `schema` is the key of the
 * schema the file resolves to, when already known: an entry of the same text resolved against the
 * same schema is unchanged. Without it, a file whose text did not change is parsed again.
 */
export function indexFileText(uri: string, text: string, previous: Pick<IndexedFile, 'contentHash' | 'schemaKey'> | undefined, schema: { key: string | undefined } | undefined): IndexOutcome {
  const contentHash = hashOf(text);
  const sameText = previous !== undefined && previous.contentHash === contentHash;
  if (!OPERATION_NAME.test(text)) {
    if (sameText && previous.schemaKey === undefined) return { kind: 'unchanged' };
    return { kind: 'indexed', entry: { uri, contentHash, schemaKey: undefined, querySites: [] } };
  }
  if (sameText && schema && previous.schemaKey === schema.key) return { kind: 'unchanged' };
  return { kind: 'parsed', contentHash, sites: parseSites(uri, text) };
}

/** The entry of a parsed file, its sites resolved against its schema. */
export function resolvedEntry(uri: string, contentHash: string, sites: readonly IndexedQuerySite[], schema: IndexSchema | undefined): IndexedFile {
  return { uri, contentHash, schemaKey: schema?.key, querySites: resolveSites(sites, schema) };
}

export function hashOf(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** The text of a code file on disk, or undefined when it is unreadable, too large or binary. */
export function readCodeFileSync(file: string): string | undefined {
  const read = readCodeText(file);
  return 'text' in read ? read.text : undefined;
}

/**
 * Reads a code file, or says why it is not analysed; a byte-order mark is dropped, as editors hide
 * it. Blocking: for a source file, one read costs less than the thread-pool round trips of an
 * asynchronous stat and read (3,900 files in the CLI: 0.2 s less of waiting).
 */
export function readCodeText(file: string): { text: string } | { problem: string } {
  let fd: number | undefined;
  try {
    // One open file for the size check and the read: a path lookup less than `stat` then `readFile`.
    fd = openSync(file, 'r');
    const info = fstatSync(fd);
    if (!info.isFile()) return { problem: 'not a file' };
    const early = info.size > MAX_CODE_FILE_BYTES ? unreadableReason('', info.size) : undefined;
    if (early) return { problem: early };
    const text = readFileSync(fd, 'utf8').replace(/^\uFEFF/, '');
    const reason = unreadableReason(text, text.length);
    return reason ? { problem: reason } : { text };
  } catch (error) {
    return { problem: `the file could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why a code file's text is not analysed, if it is not. */
export function unreadableReason(text: string, size: number): string | undefined {
  if (size > MAX_CODE_FILE_BYTES) return `the file is ${(size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_CODE_FILE_BYTES / 1024 / 1024} MB that Prisma Lens analyses in code files`;
  if (text.includes('\u0000')) return 'the file contains binary data (NUL bytes), so it is not analysed';
  return undefined;
}
