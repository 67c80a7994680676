/**
 * The workspace's TypeScript/JavaScript files as Prisma Lens knows them: the query sites of every
 * code file (parsed once, kept as plain data, re-read only when its content changes) and the
 * latest analysis of each open document, cached by content and schema.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { analyzeCode } from '../analysis/analyze';
import { modelsByDelegate } from '../analysis/code/operations';
import type { Finding } from '../analysis/rules/types';
import type { PrismaSchema } from '../analysis/schema/model';
import { LineIndex } from '../analysis/text';
import { isCodeFile, listCodeFiles } from './code-files';
import type { ServerPolicy } from './policy';
import { compactSite, hashOf, indexFileText, namesPrismaOperation, readCodeFile, unreadableReason, type IndexedFile, type IndexedQuerySite, type IndexSchema } from './code-index-core';
import { IndexThread, type ThreadFile, type ThreadSchema } from './code-index-thread';

export {
  hashOf,
  indexText,
  MAX_CODE_FILE_BYTES,
  namesPrismaOperation,
  readCodeText,
  unreadableReason,
  type IndexedFile,
  type IndexedQuerySite,
} from './code-index-core';

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
  /** Files the indexing thread read and indexed (0 when the pass ran on the main thread alone). */
  threadFiles: number;
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
  /** Configuration and suppression comments; without it every default rule runs. */
  policy?: ServerPolicy;
}

/** Analyses of open documents kept by content, so undo and redo cost nothing. */
const MAX_CACHED_ANALYSES = 64;
/** The background pass gives the event loop back after this much work, so pulls are answered in between. */
const SLICE_MS = 8;
/** Files read ahead of the parser. */
const READ_AHEAD = 16;
/** A pass over fewer files than this runs on the main thread alone: starting a thread costs more than it saves. */
const THREAD_MIN_FILES = 200;
/** Files per batch sent to the indexing thread; two batches are in flight, so it never waits for the main thread. */
const THREAD_BATCH = 48;

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
    const ran = await this.options.policy?.forUri(document.uri);
    if (isCancelled?.()) return undefined;
    const resultId = `${contentHash}|${schema?.key ?? ''}|${ran?.key ?? ''}`;
    const cacheKey = `${document.uri}#${resultId}`;
    const cached = this.analyses.get(cacheKey);
    if (cached) {
      // Most recently used last.
      this.analyses.delete(cacheKey);
      this.analyses.set(cacheKey, cached);
      return cached;
    }
    const analysis = analyzeCode({ uri: document.uri, text: document.text, version: document.version }, schema?.schema, { isCancelled, rules: ran?.rules });
    if (isCancelled?.()) return undefined;
    const lines = new LineIndex(document.text);
    const findings = ran && this.options.policy ? this.options.policy.finish(analysis.findings, { uri: document.uri, text: document.text, language: 'typescript', lines }, ran) : analysis.findings;
    const result: AnalysedCode = { uri: document.uri, resultId, findings, lines, errors: analysis.errors, skipped: undefined };
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
    const summary: IndexSummary = { files: files.length, parsed: 0, querySites: 0, threadFiles: 0, cancelled: false, durationMs: 0 };
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

  /**
   * Reads and parses the files, a few read ahead, on the main thread (giving the event loop back
   * between slices) and, for a large workspace on more than one core, on an indexing thread too:
   * both take batches from the same queue. What a failed thread did not answer, the main thread does.
   */
  private async indexFiles({ files, summary, schemaOf, isCancelled, onProgress }: Pass): Promise<void> {
    let next = 0;
    let done = 0;
    const take = (size: number): string[] => files.slice(next, (next = Math.min(files.length, next + size)));
    const handedBack: string[] = [];
    const thread = files.length >= THREAD_MIN_FILES && availableParallelism() > 1 ? IndexThread.start() : undefined;

    const feedThread = async (worker: IndexThread): Promise<void> => {
      while (!worker.failed && !isCancelled()) {
        const batch = take(THREAD_BATCH);
        if (batch.length === 0) return;
        const request: ThreadFile[] = [];
        const schemas = new Map<string, ThreadSchema>();
        for (const file of batch) {
          const uri = pathToFileURL(file).toString();
          if (this.options.isOpen(uri)) continue;
          const schema = await schemaOf(file);
          if (schema && !schemas.has(schema.key)) schemas.set(schema.key, { key: schema.key, delegates: [...modelsByDelegate(schema.schema)].map(([delegate, model]) => [delegate, model.name]) });
          const previous = this.entries.get(uri);
          request.push({ file, uri, previous: previous && { contentHash: previous.contentHash, schemaKey: previous.schemaKey }, schemaKey: schema?.key });
        }
        let results;
        try {
          results = await worker.index(request, schemas);
        } catch {
          handedBack.push(...batch);
          return;
        }
        if (isCancelled()) return;
        for (const result of results) {
          if (this.options.isOpen(result.uri)) continue;
          if (result.kind === 'missing') this.entries.delete(result.uri);
          else if (result.kind === 'indexed') {
            this.entries.set(result.uri, result.entry);
            if (result.parsed) summary.parsed++;
          }
        }
        for (const file of batch) summary.querySites += this.entries.get(pathToFileURL(file).toString())?.querySites.length ?? 0;
        done += batch.length;
        summary.threadFiles += batch.length;
      }
    };

    let sliceStart = performance.now();
    const indexOnMain = async (batch: readonly string[]): Promise<boolean> => {
      const reads = batch.map((file) => readCodeFile(file));
      for (let index = 0; index < batch.length; index++) {
        const text = await reads[index];
        if (isCancelled()) return false;
        const file = batch[index]!;
        const uri = pathToFileURL(file).toString();
        if (!this.options.isOpen(uri)) {
          if (text === undefined) this.entries.delete(uri);
          else if (this.store(uri, text, namesPrismaOperation(text) ? await schemaOf(file) : undefined)) summary.parsed++;
        }
        summary.querySites += this.entries.get(uri)?.querySites.length ?? 0;
        done++;
        if (performance.now() - sliceStart >= SLICE_MS) {
          onProgress?.({ done, total: files.length });
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      return true;
    };

    const threadDone = thread ? Promise.all([feedThread(thread), feedThread(thread)]) : Promise.resolve();
    try {
      for (let batch = take(READ_AHEAD); batch.length > 0; batch = handedBack.length > 0 ? handedBack.splice(0, READ_AHEAD) : take(READ_AHEAD)) {
        if (!(await indexOnMain(batch))) break;
      }
      await threadDone;
      // Batches a failed thread handed back after the main thread ran out of work.
      while (handedBack.length > 0 && !isCancelled()) await indexOnMain(handedBack.splice(0, READ_AHEAD));
    } finally {
      await thread?.stop();
    }
    if (isCancelled()) summary.cancelled = true;
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
    const schema = namesPrismaOperation(text) ? await this.options.schemaFor(uri).catch(() => undefined) : undefined;
    this.store(uri, text, schema);
  }

  /** Parses `text` unless the entry is current; true when it was parsed. */
  private store(uri: string, text: string, schema: CodeSchema | undefined): boolean {
    const outcome = indexFileText(uri, text, this.entries.get(uri), indexSchemaOf(schema));
    if (outcome.kind === 'unchanged') return false;
    this.entries.set(uri, outcome.entry);
    return outcome.parsed;
  }
}

/** The index's view of a schema: its key and its models by delegate name. */
function indexSchemaOf(schema: CodeSchema | undefined): IndexSchema | undefined {
  return schema ? { key: schema.key, delegates: modelsByDelegate(schema.schema) } : undefined;
}
