/**
 * The code pass thread's entry point (bundled as dist/code-pass-worker.js): builds the schemas it
 * is sent and analyses each file it is offered, with the code the main thread would run
 * (`analyzeRoundTask`); the outcomes go back as plain data, a batch at a time.
 */
import { parentPort } from 'node:worker_threads';
import { ruleById } from '../analysis/rules/index';
import type { Rule } from '../analysis/rules/types';
import { buildSchema } from '../analysis/schema/build';
import type { PrismaSchema } from '../analysis/schema/model';
import { analyzeRoundTask, type RoundOutcome } from './code-pass';
import type { FromWorker, ToWorker, WorkerTask } from './code-pass-thread';

const schemas = new Map<number, PrismaSchema>();
const ruleLists = new Map<number, Rule[]>();
/** Whether each round in progress collects the files' queries. */
const rounds = new Map<number, boolean>();

function analyzeTasks(round: number, tasks: readonly WorkerTask[]): void {
  const withQueries = rounds.get(round);
  if (withQueries === undefined) return;
  const outcomes: [number, RoundOutcome][] = [];
  for (const task of tasks) {
    const schema = task.schema === undefined ? undefined : schemas.get(task.schema);
    outcomes.push([task.index, analyzeRoundTask({ uri: task.uri, text: task.text, schema, rules: ruleLists.get(task.rules)!, summarize: task.summarize }, withQueries)]);
  }
  post({ type: 'outcomes', round, outcomes });
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'schema':
      schemas.set(message.key, buildSchema(message.files));
      break;
    case 'rules':
      // The main thread sends only rules of the registry, each at its level (as `configuredRules` sets it).
      ruleLists.set(
        message.key,
        message.rules.map(({ id, severity }) => {
          const rule = ruleById(id)!;
          return rule.severity === severity ? rule : { ...rule, severity };
        }),
      );
      break;
    case 'round':
      rounds.set(message.round, message.withQueries);
      break;
    case 'tasks':
      analyzeTasks(message.round, message.tasks);
      break;
    case 'end':
      rounds.delete(message.round);
      post({ type: 'ended', round: message.round });
      break;
  }
}

function post(message: FromWorker): void {
  parentPort!.postMessage(message);
}

parentPort?.on('message', (message: ToWorker) => {
  try {
    handle(message);
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
