/**
 * The second core for the CLI's code pass: a worker thread (`code-pass-worker.ts`) analyses each
 * round's files, starting on the first ones while the main thread is still finding the others'
 * schemas. The main thread analyses none of them itself: that would compile the analysis a second
 * time (V8 optimises the code of each thread on its own) and grow the main thread's heap, whose
 * limit, unlike a worker's, is not ours to set. Should the worker fail to start, run out of memory
 * or crash, the files it did not answer are analysed on the main thread: the outcome is the same,
 * only later.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ruleById } from '../analysis/rules/index';
import type { Rule, Severity } from '../analysis/rules/types';
import type { PrismaSchema, SchemaFile } from '../analysis/schema/model';
import type { RoundOutcome, RoundTask, RoundThread, SharedRound } from './code-pass';

/** A round's file as the worker gets it: its schema and its rules by key, each sent once. */
export interface WorkerTask {
  index: number;
  uri: string;
  text: string;
  schema: number | undefined;
  rules: number;
  summarize: boolean;
}

export type ToWorker =
  | { type: 'schema'; key: number; files: SchemaFile[] }
  | { type: 'rules'; key: number; rules: { id: string; severity: Severity }[] }
  | { type: 'round'; round: number; withQueries: boolean }
  | { type: 'tasks'; round: number; tasks: WorkerTask[] }
  | { type: 'end'; round: number };

export type FromWorker =
  | { type: 'outcomes'; round: number; outcomes: [index: number, outcome: RoundOutcome][] }
  | { type: 'ended'; round: number }
  | { type: 'failed'; message: string };

/** Files posted at once: few, so that the worker starts while the main thread plans the others. */
const BATCH = 8;

/**
 * The worker holds its schemas and the syntax tree of the file it analyses; the trees' garbage is
 * what grows its heap. A young generation that holds several files' trees lets most of them die
 * there rather than be copied to the old one (on trigger.dev, 16 MB made the run 10 % slower than
 * 48 MB); the old generation's limit keeps V8 from letting garbage pile up there (below 256 MB, it
 * grows the heap by a smaller factor). A worker that runs out of memory ends, and the main thread
 * takes over its files.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: 256 };

export class CodePassThread implements RoundThread {
  private readonly worker: Worker;
  private failure: Error | undefined;
  private readonly schemaKeys = new Map<PrismaSchema, number>();
  private readonly ruleKeys = new Map<string, number>();
  private readonly rounds = new Map<number, WorkerRound>();
  /** Files the worker analysed. */
  analysed = 0;

  /** The worker: `code-pass-worker.js` beside the bundle, or, run from source (tests), the TypeScript file through tsx. */
  private constructor() {
    const bundled = path.join(__dirname, 'code-pass-worker.js');
    this.worker = existsSync(bundled)
      ? new Worker(bundled, { resourceLimits: RESOURCE_LIMITS })
      : new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(__dirname, 'code-pass-worker.ts'))});`, { eval: true, resourceLimits: RESOURCE_LIMITS });
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'failed') this.fail(new Error(message.message));
      else this.rounds.get(message.round)?.receive(message);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the code pass thread exited (code ${code})`)));
  }

  /** Starts the worker, or returns undefined when it cannot be started. */
  static start(): CodePassThread | undefined {
    try {
      return new CodePassThread();
    } catch {
      return undefined;
    }
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  startRound(round: number, withQueries: boolean): SharedRound {
    const shared = new WorkerRound(this, round);
    this.rounds.set(round, shared);
    this.post({ type: 'round', round, withQueries });
    return shared;
  }

  /** Ends the worker; a round in progress is finished on the main thread. */
  async stop(): Promise<void> {
    this.fail(new Error('the code pass thread was stopped'));
    await this.worker.terminate().catch(() => undefined);
  }

  /** The task as the worker gets it, its schema and rules sent first when new; undefined when the worker cannot run its rules. */
  workerTask(index: number, task: RoundTask): WorkerTask | undefined {
    const rules = this.rulesKey(task.rules);
    if (rules === undefined) return undefined;
    return { index, uri: task.uri, text: task.text, schema: task.schema && this.schemaKey(task.schema), rules, summarize: task.summarize };
  }

  post(message: ToWorker): void {
    if (this.failure) return;
    try {
      this.worker.postMessage(message);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }

  roundEnded(round: number, analysed: number): void {
    this.rounds.delete(round);
    this.analysed += analysed;
  }

  private schemaKey(schema: PrismaSchema): number {
    let key = this.schemaKeys.get(schema);
    if (key === undefined) {
      // The worker builds its own model from the same files: a model does not cross threads whole.
      this.schemaKeys.set(schema, (key = this.schemaKeys.size));
      this.post({ type: 'schema', key, files: schema.files.map(({ uri, text, version }) => ({ uri, text, version })) });
    }
    return key;
  }

  /** The key of a list of rules the worker finds in its own registry (at their levels); undefined for another rule (a test's). */
  private rulesKey(rules: readonly Rule[]): number | undefined {
    if (!rules.every(isRegistered)) return undefined;
    const signature = rules.map((rule) => `${rule.id}:${rule.severity}`).join(',');
    let key = this.ruleKeys.get(signature);
    if (key === undefined) {
      this.ruleKeys.set(signature, (key = this.ruleKeys.size));
      this.post({ type: 'rules', key, rules: rules.map((rule) => ({ id: rule.id, severity: rule.severity })) });
    }
    return key;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    // A worker that failed takes no more files.
    void this.worker.terminate().catch(() => undefined);
    for (const round of this.rounds.values()) round.workerEnded();
  }
}

/** Whether a rule is the registry's, at its level or another one (`configuredRules` copies it with that level). */
function isRegistered(rule: Rule): boolean {
  const registered = ruleById(rule.id) as unknown as Record<string, unknown> | undefined;
  if (!registered) return false;
  const keys = Object.keys(rule);
  return keys.length === Object.keys(registered).length && keys.every((key) => key === 'severity' || (rule as unknown as Record<string, unknown>)[key] === registered[key]);
}

/** One round on the worker. */
class WorkerRound implements SharedRound {
  private buffer: WorkerTask[] = [];
  /** The files only the main thread can analyse (their rules are not the registry's). */
  private readonly here = new Set<number>();
  private readonly answered = new Map<number, RoundOutcome>();
  private ended = false;
  private resolveEnded: (() => void) | undefined;

  constructor(
    private readonly thread: CodePassThread,
    private readonly round: number,
  ) {}

  offer(index: number, task: RoundTask): void {
    const forWorker = this.thread.failed ? undefined : this.thread.workerTask(index, task);
    if (!forWorker) {
      this.here.add(index);
      return;
    }
    this.buffer.push(forWorker);
    if (this.buffer.length >= BATCH) this.flush();
  }

  async finish(tasks: readonly RoundTask[], here: (task: RoundTask) => RoundOutcome): Promise<RoundOutcome[]> {
    this.flush();
    this.thread.post({ type: 'end', round: this.round });
    const outcomes = new Map<number, RoundOutcome>();
    for (const index of this.here) outcomes.set(index, here(tasks[index]!));
    if (!this.ended && !this.thread.failed) await new Promise<void>((resolve) => (this.resolveEnded = resolve));
    this.thread.roundEnded(this.round, this.answered.size);
    // A file the worker did not answer (it failed) is analysed here.
    return tasks.map((task, index) => outcomes.get(index) ?? this.answered.get(index) ?? here(task));
  }

  receive(message: Exclude<FromWorker, { type: 'failed' }>): void {
    if (message.type === 'outcomes') for (const [index, outcome] of message.outcomes) this.answered.set(index, outcome);
    else this.workerEnded();
  }

  workerEnded(): void {
    this.ended = true;
    this.resolveEnded?.();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    this.thread.post({ type: 'tasks', round: this.round, tasks: this.buffer });
    this.buffer = [];
  }
}
