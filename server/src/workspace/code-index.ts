/**
 * The workspace's TypeScript/JavaScript files as Prisma Lens knows them: the query sites of every
 * code file (parsed once, kept as plain data, re-read only when its content changes) and the
 * latest analysis of each open document, cached by content and schema.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { analyzeCode } from '../analysis/analyze';
import { modelsByDelegate } from '../analysis/code/operations';
import type { Finding } from '../analysis/rules/types';
import type { PrismaSchema } from '../analysis/schema/model';
import { LineIndex } from '../analysis/text';
import { isCodeFile, listCodeFiles } from './code-files';
import type { ProjectHost } from './project-host';
import { compactSite, hashOf, indexFileText, callsPrismaOperation, readCodeFileSync, resolvedEntry, unreadableReason, type IndexedFile, type IndexedQuerySite, type IndexSchema } from './code-index-core';
import { IndexThread, type ThreadFile } from './code-index-thread';
import { FileQueue } from './file-queue';
import { BackgroundCallSummaries } from './code-calls';

export {
  hashOf,
  indexText,
  MAX_CODE_FILE_BYTES,
  callsPrismaOperation,
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
  queue: FileQueue;
  summary: IndexSummary;
  schemaOf: (file: string, text?: string) => Promise<CodeSchema | undefined>;
  isCancelled: () => boolean;
  onProgress: ((progress: IndexProgress) => void) | undefined;
}

export interface CodeIndexOptions {
  /**
   * Resolves the schema of a code file (by file URI; its imports decide, read from `text` when
   * given, else from disk); undefined when the file belongs to no schema.
   */
  schemaFor(uri: string, text?: string): Promise<CodeSchema | undefined>;
  /**
   * The schema lookup for one background pass, asked for at its start: it may take one look at the
   * disk for the whole pass instead of one per file. Without it the pass uses `schemaFor`.
   */
  schemasForPass?(): (uri: string, text?: string) => Promise<CodeSchema | undefined>;
  /** Open documents are analysed on demand by pulls; the background pass leaves them alone. */
  isOpen(uri: string): boolean;
  /** The rules in force and suppression comments; without it every default rule runs, and no comment is read. */
  host?: ProjectHost;
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
/** The smallest batch sent to the indexing thread, near the end of a pass. */
const THREAD_BATCH_MIN = 8;

export class CodeIndex {
  private readonly entries = new Map<string, IndexedFile>();
  private readonly analyses = new Map<string, AnalysedCode>();
  private generation = 0;
  /** The number of code files the last pass listed; undefined before the first pass. */
  private lastFileCount: number | undefined;
  /** An indexing thread started ahead of the first pass (`startThreadEarly`). */
  private earlyThread: IndexThread | undefined;
  /** What the workspace's functions query per call, for following calls into other files; rebuilt after each pass. */
  private readonly calls = new BackgroundCallSummaries();

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
    const schema = await this.options.schemaFor(document.uri, document.text);
    if (isCancelled?.()) return undefined;
    const ran = await this.options.host?.rulesFor(document.uri, { language: 'typescript', text: document.text });
    if (isCancelled?.()) return undefined;
    const resultId = `${contentHash}|${schema?.key ?? ''}|${ran?.key ?? ''}|${this.calls.version}`;
    const cacheKey = `${document.uri}#${resultId}`;
    const cached = this.analyses.get(cacheKey);
    if (cached) {
      // Most recently used last.
      this.analyses.delete(cacheKey);
      this.analyses.set(cacheKey, cached);
      return cached;
    }
    const lines = new LineIndex(document.text);
    const file = { uri: document.uri, text: document.text, version: document.version, lines };
    const analysis = ran ? this.options.host!.codeFindings(file, schema?.schema, ran, { isCancelled, workspaceCalls: this.calls.calls }) : analyzeCode(file, schema?.schema, { isCancelled, workspaceCalls: this.calls.calls });
    if (!analysis || isCancelled?.()) return undefined;
    const findings = analysis.findings;
    const result: AnalysedCode = { uri: document.uri, resultId, findings, lines, errors: analysis.errors, skipped: undefined };
    this.analyses.set(cacheKey, result);
    while (this.analyses.size > MAX_CACHED_ANALYSES) this.analyses.delete(this.analyses.keys().next().value!);
    this.entries.set(document.uri, { uri: document.uri, contentHash, schemaKey: schema?.key, querySites: analysis.querySites.map((site) => compactSite(site, document.text, lines)) });
    return result;
  }

  /**
   * Rebuilds what the workspace's functions query per call (for calls into other files) from the
   * indexed files, in the background a slice at a time; true when it finished, and open documents
   * should then be analysed again.
   */
  rebuildCallSummaries(): Promise<boolean> {
    return this.calls.rebuild([...this.entries.keys()], async (uri) => (await this.options.schemaFor(uri).catch(() => undefined))?.schema);
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
    const lookUp = this.options.schemasForPass?.() ?? ((uri: string, text?: string) => this.options.schemaFor(uri, text));
    // The indexing thread loads its code (the TypeScript parser) while the files are listed, when
    // the pass is likely to use it: the first pass, or after a pass over a large workspace.
    const likelyLarge = this.lastFileCount === undefined || this.lastFileCount >= THREAD_MIN_FILES;
    let thread = this.earlyThread;
    this.earlyThread = undefined;
    thread?.keepsProcessAlive(true);
    const threadForLargePass = (): IndexThread | undefined => {
      if (!thread && availableParallelism() > 1) {
        thread = IndexThread.start();
        thread?.keepsProcessAlive(true);
      }
      return thread;
    };
    if (likelyLarge) threadForLargePass();
    try {
      const queue = new FileQueue();
      const summary: IndexSummary = { files: 0, parsed: 0, querySites: 0, threadFiles: 0, cancelled: false, durationMs: 0 };
      // Files are indexed as the listing finds them; once it is over, the index forgets files that are gone.
      const listing = Promise.all(folders.map((folder) => listCodeFiles(folder, (files) => queue.add(files)).catch(() => undefined))).then(() => {
        queue.finish();
        this.lastFileCount = queue.files.length;
        if (isCancelled()) return;
        if (queue.files.length < THREAD_MIN_FILES && thread) {
          // Starting a thread costs more than it saves on a few files; it was given none.
          void thread.stop();
          thread = undefined;
        }
        const live = new Set(queue.files.map((file) => queue.uriOf(file)));
        for (const uri of [...this.entries.keys()]) if (!live.has(uri) && !this.options.isOpen(uri)) this.entries.delete(uri);
      });
      // A file's schema follows from its place and its imports, so each file is looked up; the
      // lookup reads a file's imports only when the workspace holds more than one schema.
      const schemaByFile = new Map<string, Promise<CodeSchema | undefined>>();
      const schemaOf = (file: string, text?: string): Promise<CodeSchema | undefined> => {
        let pending = schemaByFile.get(file);
        if (!pending) schemaByFile.set(file, (pending = lookUp(pathToFileURL(file).toString(), text).catch(() => undefined)));
        return pending;
      };

      await this.indexFiles({ queue, summary, schemaOf, isCancelled, onProgress }, threadForLargePass);
      await listing;
      summary.files = queue.files.length;
      if (!summary.cancelled) onProgress?.({ done: queue.files.length, total: queue.files.length });
      summary.durationMs = performance.now() - started;
      return summary;
    } finally {
      await thread?.stop();
    }
  }

  /**
   * Reads and parses the files, a few read ahead, on the main thread (giving the event loop back
   * between slices) and, once the listing found enough files for one to pay off, on an indexing
   * thread too: both take batches from the same queue. What a failed thread did not answer, the
   * main thread does.
   */
  private async indexFiles({ queue, summary, schemaOf, isCancelled, onProgress }: Pass, threadForLargePass: () => IndexThread | undefined): Promise<void> {
    let done = 0;
    const handedBack: string[] = [];
    /** Parsed files whose schema is being looked up; the pass ends when they are stored. */
    const resolving: Promise<void>[] = [];
    const reportProgress = (): void => {
      // The total is known once the listing is over (it takes a small part of a pass).
      if (queue.complete) onProgress?.({ done, total: queue.files.length });
    };

    const feedThread = async (worker: IndexThread): Promise<void> => {
      while (!worker.failed && !isCancelled()) {
        // Smaller batches towards the end, so that neither thread is left waiting for the other's last batch.
        const size = queue.complete ? Math.min(THREAD_BATCH, Math.max(THREAD_BATCH_MIN, Math.ceil(queue.remaining / 4))) : THREAD_BATCH;
        const batch = queue.take(size);
        if (batch.length === 0) {
          if (queue.complete) return;
          await queue.changed();
          continue;
        }
        const request: ThreadFile[] = [];
        for (const file of batch) {
          const uri = queue.uriOf(file);
          if (this.options.isOpen(uri)) continue;
          const previous = this.entries.get(uri);
          // Only a file indexed before needs its schema up front (to tell that it is unchanged);
          // the others are parsed without waiting for the schema, which is applied to the results.
          const schema = previous ? { key: (await schemaOf(file))?.key } : undefined;
          request.push({ file, uri, previous: previous && { contentHash: previous.contentHash, schemaKey: previous.schemaKey }, schema });
        }
        let results;
        try {
          results = await worker.index(request);
        } catch {
          handedBack.push(...batch);
          return;
        }
        if (isCancelled()) return;
        const byUri = new Map(request.map((entry) => [entry.uri, entry.file]));
        for (const result of results) {
          if (this.options.isOpen(result.uri)) continue;
          if (result.kind === 'missing') this.entries.delete(result.uri);
          else if (result.kind === 'indexed') this.entries.set(result.uri, result.entry);
          else if (result.kind === 'parsed') {
            const previous = this.entries.get(result.uri);
            // The thread goes on with its next batch while the schema is looked up (the first one is still being discovered).
            resolving.push(
              schemaOf(byUri.get(result.uri)!).then((schema) => {
                if (this.options.isOpen(result.uri) || this.entries.get(result.uri) !== previous) return;
                this.entries.set(result.uri, resolvedEntry(result.uri, result.contentHash, result.sites, indexSchemaOf(schema)));
                summary.parsed++;
              }),
            );
          }
        }
        done += batch.length;
        summary.threadFiles += batch.length;
      }
    };

    let sliceStart = performance.now();
    const indexOnMain = async (batch: readonly string[]): Promise<boolean> => {
      for (let index = 0; index < batch.length; index++) {
        if (isCancelled()) return false;
        const file = batch[index]!;
        // A blocking read (open, fstat, read, close: some 15 µs for a source file) costs the main
        // thread a fifth of the CPU time of an asynchronous one, whose callbacks it runs anyway.
        const text = readCodeFileSync(file);
        const uri = queue.uriOf(file);
        if (!this.options.isOpen(uri)) {
          if (text === undefined) this.entries.delete(uri);
          // Not awaited: the next file is parsed while this one's schema is looked up.
          else resolving.push(this.store(uri, text, () => schemaOf(file, text)).then((parsed) => void (parsed && summary.parsed++)));
        }
        done++;
        if (performance.now() - sliceStart >= SLICE_MS) {
          reportProgress();
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      return true;
    };

    // The thread joins once the listing found enough files for it to pay off (see THREAD_MIN_FILES).
    let threadDone: Promise<unknown> | undefined;
    const joinThread = (): void => {
      if (threadDone || queue.files.length < THREAD_MIN_FILES) return;
      const thread = threadForLargePass();
      threadDone = thread ? Promise.all([feedThread(thread), feedThread(thread)]) : Promise.resolve();
    };
    let reportedListing = false;
    // Files are indexed after the caller's turn, as they were when the listing came first: a pass cancelled at once indexes none.
    await new Promise((resolve) => setImmediate(resolve));
    while (!isCancelled()) {
      joinThread();
      if (queue.complete && !reportedListing) {
        reportedListing = true;
        reportProgress();
      }
      const batch = handedBack.length > 0 ? handedBack.splice(0, READ_AHEAD) : queue.take(READ_AHEAD);
      if (batch.length > 0) {
        if (!(await indexOnMain(batch))) break;
      } else if (queue.complete) {
        break;
      } else {
        await queue.changed();
      }
    }
    await threadDone;
    // Batches a failed thread handed back after the main thread ran out of work.
    while (handedBack.length > 0 && !isCancelled()) await indexOnMain(handedBack.splice(0, READ_AHEAD));
    await Promise.all(resolving);
    if (isCancelled()) summary.cancelled = true;
    for (const file of queue.files) summary.querySites += this.entries.get(queue.uriOf(file))?.querySites.length ?? 0;
  }

  /**
   * Starts the indexing thread now, for the first pass to use (on a machine with more than one
   * core): it loads its code while the server finishes starting. A first pass over a small
   * workspace stops it.
   */
  startThreadEarly(): void {
    if (this.lastFileCount !== undefined || this.earlyThread || availableParallelism() < 2) return;
    this.earlyThread = IndexThread.start();
    this.earlyThread?.keepsProcessAlive(false);
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
    const text = readCodeFileSync(file);
    if (text === undefined) {
      this.entries.delete(uri);
      return;
    }
    await this.store(uri, text, () => this.options.schemaFor(uri, text).catch(() => undefined));
  }

  /**
   * Parses `text` unless the entry is current; true when it was parsed. The schema is looked up
   * before the parse only for a file indexed before (to tell whether it is unchanged), otherwise after.
   */
  private async store(uri: string, text: string, schemaOf: () => Promise<CodeSchema | undefined>): Promise<boolean> {
    const previous = this.entries.get(uri);
    const known = previous && callsPrismaOperation(text) ? await schemaOf() : undefined;
    const outcome = indexFileText(uri, text, previous, previous && { key: known?.key });
    if (outcome.kind === 'unchanged') return false;
    if (outcome.kind === 'indexed') {
      this.entries.set(uri, outcome.entry);
      return false;
    }
    const schema = known ?? (await schemaOf());
    // The file may have been opened, or indexed by a newer call, while its schema was looked up.
    if (this.options.isOpen(uri) || this.entries.get(uri) !== previous) return true;
    this.entries.set(uri, resolvedEntry(uri, outcome.contentHash, outcome.sites, indexSchemaOf(schema)));
    return true;
  }
}

/** The index's view of a schema: its key and its models by delegate name. */
function indexSchemaOf(schema: CodeSchema | undefined): IndexSchema | undefined {
  return schema ? { key: schema.key, delegates: modelsByDelegate(schema.schema) } : undefined;
}
