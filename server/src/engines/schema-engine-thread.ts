/**
 * Prisma's schema engine behind a worker thread: the same calls as `schema-engine.ts`, answered off
 * the language server's event loop. The thread starts on the first call, is restarted after a crash
 * (a panic in the engine fails the calls in flight with its message), and ends after a quiet spell.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineSchemaFile } from './engine-schema';
import type { DiffSource, MigrationScript } from './schema-engine';
import { SchemaEngineError } from './schema-engine';

export type SchemaEngineRequest =
  | { id: number; method: 'ddlFromEmpty'; schemaFiles: readonly EngineSchemaFile[] }
  | { id: number; method: 'diff'; from: DiffSource; schemaFiles: readonly EngineSchemaFile[] }
  | { id: number; method: 'schemaFromMigrations'; migrations: readonly MigrationScript[] };

export type SchemaEngineReply = { id: number; result: string } | { id: number; error: string } | { crashed: string };

type Pending = { resolve: (value: string) => void; reject: (error: Error) => void };

type RequestWithoutId = SchemaEngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The worker: `schema-engine-worker.js` beside the bundle, or, run from source (tests), the TypeScript file through tsx. */
function createWorker(): Worker {
  const bundled = path.join(__dirname, 'schema-engine-worker.js');
  if (existsSync(bundled)) return new Worker(bundled);
  const source = path.join(__dirname, 'schema-engine-worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true });
}

export class SchemaEngineThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;

  /** @param idleMs ends the thread (and frees its databases) after this long without a call. */
  constructor(private readonly idleMs = 10 * 60_000) {}

  ddlFromEmpty(schemaFiles: readonly EngineSchemaFile[]): Promise<string> {
    return this.call({ method: 'ddlFromEmpty', schemaFiles });
  }

  diff(from: DiffSource, schemaFiles: readonly EngineSchemaFile[]): Promise<string> {
    return this.call({ method: 'diff', from, schemaFiles });
  }

  schemaFromMigrations(migrations: readonly MigrationScript[]): Promise<string> {
    return this.call({ method: 'schemaFromMigrations', migrations });
  }

  /** Ends the thread; calls in flight fail. */
  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll('the schema engine was stopped');
    await worker?.terminate();
  }

  private call(request: RequestWithoutId): Promise<string> {
    const worker = this.start();
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    // Only a thread with calls in flight keeps the process alive.
    worker.ref();
    return new Promise<string>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    }).finally(() => this.scheduleIdle());
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = createWorker();
    worker.unref();
    // Events of a thread that was replaced (stopped or crashed) must not fail the calls of its successor.
    const current = () => this.worker === worker;
    worker.on('message', (reply: SchemaEngineReply) => {
      if ('crashed' in reply) {
        if (current()) this.failAll(`Prisma's schema engine crashed: ${reply.crashed}`);
        return;
      }
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!pending) return;
      if ('error' in reply) pending.reject(new SchemaEngineError(reply.error));
      else pending.resolve(reply.result);
    });
    worker.on('error', (error) => {
      if (current()) this.failAll(`the schema engine thread failed: ${error.message}`);
    });
    worker.on('exit', () => {
      if (!current()) return;
      this.worker = undefined;
      this.failAll('the schema engine thread ended');
    });
    this.worker = worker;
    return worker;
  }

  private failAll(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const call of pending) call.reject(new SchemaEngineError(message));
  }

  private scheduleIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.pending.size > 0) return;
    this.worker?.unref();
    this.idleTimer = setTimeout(() => void this.dispose(), this.idleMs);
    this.idleTimer.unref();
  }
}

let shared: SchemaEngineThread | undefined;

/** The process's one schema engine thread, shared by every feature of the language server (one engine, one PGlite). */
export function sharedSchemaEngineThread(): SchemaEngineThread {
  shared ??= new SchemaEngineThread();
  return shared;
}
