/**
 * The workspace's TypeScript/JavaScript files as Prisma Lens knows them: the query sites of every
 * code file (parsed once, kept as plain data, re-read only when its content changes) and the
 * latest analysis of each open document, cached by content and schema.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { analyzeCode } from '../analysis/analyze';
import { createCodeContext } from '../analysis/code/context';
import { MODEL_OPERATIONS, RAW_OPERATIONS } from '../analysis/code/operations';
import type { QuerySite } from '../analysis/code/query-sites';
import type { Finding } from '../analysis/rules/types';
import type { PrismaSchema } from '../analysis/schema/model';
import { LineIndex, type Position, type Span } from '../analysis/text';
import { isCodeFile, listCodeFiles } from './code-files';

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

/** The schema a code file's queries run against, with a key that changes whenever the schema does. */
export interface CodeSchema {
  key: string;
  schema: PrismaSchema;
}

export interface CodeDocument {
  uri: string;
  text: string;
  version: number;
}

/** The analysis of one open document; `resultId` changes exactly when its diagnostics may. */
export interface AnalysedCode {
  uri: string;
  resultId: string;
  findings: Finding[];
  lines: LineIndex;
  /** Rules that threw; the others still reported. */
  errors: string[];
  /** Why the file is not analysed (too large, binary), shown to the user on the file. */
  skipped: string | undefined;
}

export interface IndexProgress {
  done: number;
  total: number;
}

export interface IndexSummary {
  files: number;
  /** Files parsed in this pass (the others were unchanged or had no Prisma call). */
  parsed: number;
  querySites: number;
  cancelled: boolean;
  durationMs: number;
}

interface Pass {
  files: readonly string[];
  summary: IndexSummary;
  schemaOf: (file: string) => Promise<CodeSchema | undefined>;
  isCancelled: () => boolean;
  onProgress: ((progress: IndexProgress) => void) | undefined;
}

export interface CodeIndexOptions {
  /** Resolves the schema of a code file (by file URI); undefined when the file belongs to no schema. */
  schemaFor(uri: string): Promise<CodeSchema | undefined>;
  /** Open documents are analysed on demand by pulls; the background pass leaves them alone. */
  isOpen(uri: string): boolean;
}

/** Text that names no Prisma operation cannot hold a query site: such files are not even parsed. */
const OPERATION_NAME = new RegExp(`(?:${[...MODEL_OPERATIONS, ...RAW_OPERATIONS].map((name) => name.replace(/\$/g, '\\$')).join('|')})\\b`);
/** Analyses of open documents kept by content, so undo and redo cost nothing. */
const MAX_CACHED_ANALYSES = 64;
/** The background pass gives the event loop back after this much work, so pulls are answered in between. */
const SLICE_MS = 8;
/** Files read ahead of the parser. */
const READ_AHEAD = 16;

export class CodeIndex {
  private readonly entries = new Map<string, IndexedFile>();
  private readonly analyses = new Map<string, AnalysedCode>();
  private generation = 0;

  constructor(private readonly options: CodeIndexOptions) {}

  /** The indexed files by URI: open documents as last analysed, closed files as on disk. */
  get files(): ReadonlyMap<string, IndexedFile> {
    return this.entries;
  }

  /** Every query site of the workspace, with the file it is in. */
  *querySites(): Iterable<{ uri: string; site: IndexedQuerySite }> {
    for (const file of this.entries.values()) for (const site of file.querySites) yield { uri: file.uri, site };
  }

  /**
   * Analyses an open document (findings with fixes), reusing the result for the same text and
   * schema. Never throws; `isCancelled` is checked before the rules run.
   */
  async analyse(document: CodeDocument, isCancelled?: () => boolean): Promise<AnalysedCode | undefined> {
    const skipped = unreadableReason(document.text, document.text.length);
    const contentHash = hashOf(document.text);
    if (skipped) {
      return { uri: document.uri, resultId: `skipped:${contentHash}`, findings: [], lines: new LineIndex(''), errors: [], skipped };
    }
    const schema = await this.options.schemaFor(document.uri);
    if (isCancelled?.()) return undefined;
    const resultId = `${contentHash}|${schema?.key ?? ''}`;
    const cacheKey = `${document.uri}#${resultId}`;
    const cached = this.analyses.get(cacheKey);
    if (cached) {
      // Most recently used last.
      this.analyses.delete(cacheKey);
      this.analyses.set(cacheKey, cached);
      return cached;
    }
    const analysis = analyzeCode({ uri: document.uri, text: document.text, version: document.version }, schema?.schema, { isCancelled });
    if (isCancelled?.()) return undefined;
    const lines = new LineIndex(document.text);
    const result: AnalysedCode = { uri: document.uri, resultId, findings: analysis.findings, lines, errors: analysis.errors, skipped: undefined };
    this.analyses.set(cacheKey, result);
    while (this.analyses.size > MAX_CACHED_ANALYSES) this.analyses.delete(this.analyses.keys().next().value!);
    this.entries.set(document.uri, { uri: document.uri, contentHash, schemaKey: schema?.key, querySites: analysis.querySites.map((site) => compactSite(site, document.text, lines)) });
    return result;
  }

  /** Forgets cached analyses of a closed document; its index entry is refreshed from disk. */
  async documentClosed(uri: string): Promise<void> {
    for (const key of [...this.analyses.keys()]) if (key.startsWith(`${uri}#`)) this.analyses.delete(key);
    await this.reindexFile(uri);
  }

  /**
   * Indexes every code file under `folders` (`.gitignore`d, dependency, build and generated-client
   * folders left out), one file at a time between pulls. A newer call, or `cancel()`, stops it.
   */
  async indexWorkspace(folders: readonly string[], onProgress?: (progress: IndexProgress) => void): Promise<IndexSummary> {
    const generation = ++this.generation;
    const started = performance.now();
    const isCancelled = () => this.generation !== generation;
    const listed = await Promise.all(folders.map((folder) => listCodeFiles(folder).catch(() => [] as string[])));
    const files = [...new Set(listed.flat())];
    const summary: IndexSummary = { files: files.length, parsed: 0, querySites: 0, cancelled: false, durationMs: 0 };
    const schemaByFolder = new Map<string, Promise<CodeSchema | undefined>>();
    const schemaOf = (file: string): Promise<CodeSchema | undefined> => {
      // Files of one folder belong to the same project, so they share a schema.
      const folder = path.dirname(file);
      let pending = schemaByFolder.get(folder);
      if (!pending) schemaByFolder.set(folder, (pending = this.options.schemaFor(pathToFileURL(file).toString()).catch(() => undefined)));
      return pending;
    };
    const live = new Set(files.map((file) => pathToFileURL(file).toString()));
    for (const uri of [...this.entries.keys()]) if (!live.has(uri) && !this.options.isOpen(uri)) this.entries.delete(uri);

    onProgress?.({ done: 0, total: files.length });
    await this.indexFiles({ files, summary, schemaOf, isCancelled, onProgress });
    if (!summary.cancelled) onProgress?.({ done: files.length, total: files.length });
    summary.durationMs = performance.now() - started;
    return summary;
  }

  /** Reads and parses one file at a time (reading a few ahead), giving the event loop back between slices. */
  private async indexFiles({ files, summary, schemaOf, isCancelled, onProgress }: Pass): Promise<void> {
    const reads: Promise<string | undefined>[] = [];
    const readAt = (index: number): Promise<string | undefined> => (reads[index] ??= readCodeFile(files[index]!));
    let sliceStart = performance.now();
    for (let index = 0; index < files.length; index++) {
      for (let ahead = index; ahead < Math.min(files.length, index + READ_AHEAD); ahead++) void readAt(ahead);
      const text = await readAt(index);
      delete reads[index];
      if (isCancelled()) {
        summary.cancelled = true;
        return;
      }
      const file = files[index]!;
      const uri = pathToFileURL(file).toString();
      if (!this.options.isOpen(uri)) {
        if (text === undefined) this.entries.delete(uri);
        else if (this.store(uri, text, OPERATION_NAME.test(text) ? await schemaOf(file) : undefined)) summary.parsed++;
      }
      summary.querySites += this.entries.get(uri)?.querySites.length ?? 0;
      if (performance.now() - sliceStart >= SLICE_MS) {
        onProgress?.({ done: index + 1, total: files.length });
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
  }

  /** Stops a running background pass. */
  cancel(): void {
    this.generation++;
  }

  /** Re-reads one file after the disk changed (created, changed or deleted); open documents are left to pulls. */
  async reindexFile(uri: string): Promise<void> {
    if (!uri.startsWith('file:') || this.options.isOpen(uri)) return;
    const file = fileURLToPath(uri);
    if (!isCodeFile(file)) return;
    const text = await readCodeFile(file);
    if (text === undefined) {
      this.entries.delete(uri);
      return;
    }
    const schema = OPERATION_NAME.test(text) ? await this.options.schemaFor(uri).catch(() => undefined) : undefined;
    this.store(uri, text, schema);
  }

  /** Parses `text` unless the entry is current; true when it was parsed. */
  private store(uri: string, text: string, schema: CodeSchema | undefined): boolean {
    const contentHash = hashOf(text);
    const previous = this.entries.get(uri);
    if (previous && previous.contentHash === contentHash && previous.schemaKey === schema?.key) return false;
    if (!OPERATION_NAME.test(text)) {
      this.entries.set(uri, { uri, contentHash, schemaKey: undefined, querySites: [] });
      return false;
    }
    const querySites = indexText(uri, text, schema?.schema);
    this.entries.set(uri, { uri, contentHash, schemaKey: schema?.key, querySites });
    return true;
  }
}

function compactSite(site: QuerySite, text: string, lines: LineIndex): IndexedQuerySite {
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
export function indexText(uri: string, text: string, schema: PrismaSchema | undefined): IndexedQuerySite[] {
  if (!OPERATION_NAME.test(text)) return [];
  try {
    const context = createCodeContext({ uri, text }, schema);
    if (context.querySites.length === 0) return [];
    const lines = new LineIndex(text);
    return context.querySites.map((site) => compactSite(site, text, lines));
  } catch {
    return [];
  }
}

export function hashOf(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** The text of a code file on disk, or undefined when it is unreadable, too large or binary. */
async function readCodeFile(file: string): Promise<string | undefined> {
  const read = await readCodeText(file);
  return 'text' in read ? read.text : undefined;
}

/** Reads a code file, or says why it is not analysed. A byte-order mark is dropped, as editors hide it. */
export async function readCodeText(file: string): Promise<{ text: string } | { problem: string }> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return { problem: 'not a file' };
    const early = info.size > MAX_CODE_FILE_BYTES ? unreadableReason('', info.size) : undefined;
    if (early) return { problem: early };
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    const reason = unreadableReason(text, text.length);
    return reason ? { problem: reason } : { text };
  } catch (error) {
    return { problem: `the file could not be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** Whether a text can hold a Prisma Client call at all: it names one of Prisma's operations. */
export function namesPrismaOperation(text: string): boolean {
  return OPERATION_NAME.test(text);
}

/** Why a code file's text is not analysed, if it is not. */
export function unreadableReason(text: string, size: number): string | undefined {
  if (size > MAX_CODE_FILE_BYTES) return `the file is ${(size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_CODE_FILE_BYTES / 1024 / 1024} MB that Prisma Lens analyses in code files`;
  if (text.includes('\u0000')) return 'the file contains binary data (NUL bytes), so it is not analysed';
  return undefined;
}
