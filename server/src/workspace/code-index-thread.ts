/**
 * The second core for the background index: a worker thread that reads and indexes batches of code
 * files (`code-index-worker.ts`) while the main thread indexes others and keeps answering requests.
 * Results come back as plain data. The thread lives for one pass; should it fail to start or crash,
 * the batches it had not answered go back to the main thread.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { IndexedFile, IndexOutcome } from './code-index-core';

export interface ThreadFile {
  file: string;
  uri: string;
  /** The entry the index holds, so that an unchanged file is not parsed again. */
  previous: Pick<IndexedFile, 'contentHash' | 'schemaKey'> | undefined;
  /** The key of the schema of the file's project, when the main thread knows it already. */
  schema: { key: string | undefined } | undefined;
}

export interface ThreadRequest {
  id: number;
  files: ThreadFile[];
}

/** A file's outcome; parsed sites come back before any schema is applied (`resolveSites`). */
export type ThreadResult = { uri: string; kind: 'missing' } | ({ uri: string } & IndexOutcome);

export type ThreadReply = { id: number; results: ThreadResult[] } | { id: number; error: string };

/**
 * The worker: `code-index-worker.js` beside the bundle, or, run from source (tests), the TypeScript
 * file through tsx. V8 reads `--concurrent-recompilation` once, when an isolate is created: the
 * worker's isolate is created without it, so the thread optimises the parser's functions itself
 * instead of handing them to V8's background threads, which on a machine with few cores take CPU
 * time from the two threads that index (in paired benchmark runs, a pass took some 7 % less). The server's own isolate
 * keeps compiling in the background, so requests never wait for the optimiser.
 */
function createWorker(): Worker {
  setFlagsFromString('--no-concurrent-recompilation');
  try {
    const bundled = path.join(__dirname, 'code-index-worker.js');
    const worker = existsSync(bundled)
      ? new Worker(bundled, { resourceLimits: RESOURCE_LIMITS })
      : new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'code-index-worker.ts'))});`, { eval: true, resourceLimits: RESOURCE_LIMITS });
    // The isolate exists once the thread runs; later isolates (the schema engine's thread) get V8's default again.
    worker.once('online', restoreConcurrentRecompilation);
    worker.once('exit', restoreConcurrentRecompilation);
    return worker;
  } catch (error) {
    restoreConcurrentRecompilation();
    throw error;
  }
}

function restoreConcurrentRecompilation(): void {
  setFlagsFromString('--concurrent-recompilation');
}

/** A worker started before the server's code was loaded, with how it ended if it ended before the server took it. */
interface EarlyWorker {
  worker: Worker;
  failure: Error | undefined;
}

/**
 * Where `startWorkerEarly` leaves its worker: the entry point and the server are separate bundles,
 * each with its own copy of this module, so the hand-over goes through a process-wide symbol.
 */
const EARLY_WORKER = Symbol.for('prisma-lens.code-index.early-worker');

/**
 * Starts the indexing thread's worker ahead of the server (from the entry point, `main.ts`), so
 * that it loads its code on a second core while the server's bundle is being loaded; the first
 * `IndexThread.start()` takes it over. It does not keep the process alive meanwhile.
 */
export function startWorkerEarly(): void {
  try {
    const early: EarlyWorker = { worker: createWorker(), failure: undefined };
    early.worker.unref();
    // Until the server takes it over, an error or exit is remembered (and an error is not thrown).
    early.worker.once('error', (error) => (early.failure ??= error));
    early.worker.once('exit', (code) => (early.failure ??= exited(code)));
    (globalThis as Record<symbol, unknown>)[EARLY_WORKER] = early;
  } catch {
    // The server starts a thread of its own when it needs one.
  }
}

function exited(code: number): Error {
  return new Error(`the indexing thread exited (code ${code})`);
}

function takeEarlyWorker(): EarlyWorker | undefined {
  const holder = globalThis as Record<symbol, EarlyWorker | undefined>;
  const early = holder[EARLY_WORKER];
  delete holder[EARLY_WORKER];
  return early;
}

/**
 * The thread's heap holds two batches of syntax trees at most: a small young generation keeps its
 * memory (beside the language server's own) low; a thread that runs out ends, and the main thread
 * takes over its files.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

export class IndexThread {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (results: ThreadResult[]) => void; reject: (error: Error) => void }>();
  private failure: Error | undefined;

  private constructor(worker: Worker, failure: Error | undefined) {
    this.worker = worker;
    if (failure) this.fail(failure);
    this.worker.on('message', (reply: ThreadReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if ('error' in reply) pending.reject(new Error(reply.error));
      else pending.resolve(reply.results);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(exited(code)));
  }

  /** Starts a thread (or takes over the one the entry point started), or returns undefined when none can be started. */
  static start(): IndexThread | undefined {
    try {
      const early = takeEarlyWorker();
      return early ? new IndexThread(early.worker, early.failure) : new IndexThread(createWorker(), undefined);
    } catch {
      return undefined;
    }
  }

  /** Whether the thread alone keeps the process alive: not while it waits for a first pass, as it does once it has work. */
  keepsProcessAlive(keep: boolean): void {
    if (keep) this.worker.ref();
    else this.worker.unref();
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Reads and indexes `files`. */
  index(files: ThreadFile[]): Promise<ThreadResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.worker.postMessage({ id, files } satisfies ThreadRequest);
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Ends the thread; batches in flight fail. */
  async stop(): Promise<void> {
    this.fail(new Error('the indexing thread was stopped'));
    await this.worker.terminate().catch(() => undefined);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
  }
}
