/**
 * The indexing thread's entry point (bundled as dist/code-index-worker.js): reads each file of a
 * batch (blocking: the thread does nothing else), and parses the ones that changed into query
 * sites, with the same code as the main thread; the main thread applies the schema.
 */
import { parentPort } from 'node:worker_threads';
import { indexFileText, readCodeFileSync } from './code-index-core';
import type { ThreadReply, ThreadRequest, ThreadResult } from './code-index-thread';

function indexBatch(request: ThreadRequest): ThreadResult[] {
  const results: ThreadResult[] = [];
  for (const { file, uri, previous, schema } of request.files) {
    const text = readCodeFileSync(file);
    results.push(text === undefined ? { uri, kind: 'missing' } : { uri, ...indexFileText(uri, text, previous, schema) });
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
