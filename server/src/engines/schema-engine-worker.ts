/**
 * The worker thread that runs Prisma's schema engine and its PGlite databases, so that their
 * WebAssembly work (seconds on a cold start or a long migration history) never blocks the language
 * server. It answers {@link SchemaEngineRequest}s; a Rust panic inside the engine ends the thread,
 * after telling the main thread what happened.
 */
import { parentPort } from 'node:worker_threads';
import { ddlFromEmpty, diff, panicMessage, schemaFromMigrations } from './schema-engine';
import type { SchemaEngineReply, SchemaEngineRequest } from './schema-engine-thread';

const port = parentPort;
if (port) {
  port.on('message', (request: SchemaEngineRequest) => {
    void answer(request).then((reply) => port.postMessage(reply));
  });
  process.on('uncaughtException', (error) => {
    port.postMessage({ crashed: panicMessage() || error.message } satisfies SchemaEngineReply);
    process.exit(1);
  });
}

async function answer(request: SchemaEngineRequest): Promise<SchemaEngineReply> {
  try {
    switch (request.method) {
      case 'ddlFromEmpty':
        return { id: request.id, result: await ddlFromEmpty(request.schemaFiles) };
      case 'diff':
        return { id: request.id, result: await diff(request.from, request.schemaFiles) };
      case 'schemaFromMigrations':
        return { id: request.id, result: await schemaFromMigrations(request.migrations) };
    }
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}
