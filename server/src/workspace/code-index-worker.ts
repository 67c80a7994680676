/**
 * The indexing thread's entry point (bundled as dist/code-index-worker.js): reads each file of a
 * batch (blocking: the thread does nothing else), and parses the ones that changed into query
 * sites, with the same code as the main thread.
 */
import { parentPort } from 'node:worker_threads';
import type { Model } from '../analysis/schema/model';
import { indexFileText, readCodeFileSync, type IndexSchema } from './code-index-core';
import type { ThreadReply, ThreadRequest, ThreadResult } from './code-index-thread';

const schemas = new Map<string, IndexSchema>();

function indexBatch(request: ThreadRequest): ThreadResult[] {
  for (const schema of request.schemas) {
    // Query sites only keep the model's name, so that is all the thread receives of a model.
    const delegates = new Map(schema.delegates.map(([delegate, model]) => [delegate, { name: model } as Model]));
    schemas.set(schema.key, { key: schema.key, delegates });
  }
  const results: ThreadResult[] = [];
  for (const { file, uri, previous, schemaKey } of request.files) {
    const text = readCodeFileSync(file);
    if (text === undefined) {
      results.push({ uri, kind: 'missing' });
      continue;
    }
    const outcome = indexFileText(uri, text, previous, schemaKey === undefined ? undefined : schemas.get(schemaKey));
    results.push(outcome.kind === 'unchanged' ? { uri, kind: 'unchanged' } : { uri, kind: 'indexed', entry: outcome.entry, parsed: outcome.parsed });
  }
  return results;
}

parentPort?.on('message', (request: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    reply = { id: request.id, results: indexBatch(request) };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
