/**
 * Prisma's schema validation behind a worker thread: validating a 1,000-model schema takes 100 ms
 * and more, which the language server's event loop must not wait for. The thread starts on the first
 * call and ends after a quiet spell; a call never rejects (a thread that fails or ends answers the
 * calls in flight with a failure, and the next call starts a new thread).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PrismaValidation, ValidatedFile } from './schema-validation';

export interface ValidationRequest {
  id: number;
  files: ValidatedFile[];
}

export interface ValidationReply {
  id: number;
  result: PrismaValidation;
}

/** The worker: `schema-validation-worker.js` beside the bundle, or, run from source (tests), the TypeScript file through tsx. */
function createWorker(): Worker {
  const bundled = path.join(__dirname, 'schema-validation-worker.js');
  if (existsSync(bundled)) return new Worker(bundled);
  const source = path.join(__dirname, 'schema-validation-worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true });
}

export class SchemaValidationThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (result: PrismaValidation) => void>();
  private idleTimer: NodeJS.Timeout | undefined;

  /** @param idleMs ends the thread (and frees the engine's memory) after this long without a call. */
  constructor(private readonly idleMs = 5 * 60_000) {}

  validate(files: readonly ValidatedFile[]): Promise<PrismaValidation> {
    let worker: Worker;
    try {
      worker = this.start();
    } catch (error) {
      return Promise.resolve({ failure: `the schema validation thread did not start: ${error instanceof Error ? error.message : String(error)}` });
    }
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    // Only a thread with calls in flight keeps the process alive.
    worker.ref();
    return new Promise<PrismaValidation>((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, files: files.map((file) => ({ uri: file.uri, text: file.text })) } satisfies ValidationRequest);
    }).finally(() => this.scheduleIdle());
  }

  /** Ends the thread; calls in flight are answered with a failure. */
  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll('the schema validation thread was stopped');
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = createWorker();
    worker.unref();
    // Events of a thread that was replaced must not answer the calls of its successor.
    const current = () => this.worker === worker;
    worker.on('message', (reply: ValidationReply) => {
      const resolve = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      resolve?.(reply.result);
    });
    worker.on('error', (error) => {
      if (current()) this.failAll(`the schema validation thread failed: ${error.message}`);
    });
    worker.on('exit', () => {
      if (!current()) return;
      this.worker = undefined;
      this.failAll('the schema validation thread ended');
    });
    this.worker = worker;
    return worker;
  }

  private failAll(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of pending) resolve({ failure: message });
  }

  private scheduleIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.pending.size > 0) return;
    this.worker?.unref();
    this.idleTimer = setTimeout(() => void this.dispose(), this.idleMs);
    this.idleTimer.unref();
  }
}
