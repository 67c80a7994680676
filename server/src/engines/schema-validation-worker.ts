/**
 * The thread that runs Prisma's schema validation for the language server (bundled as
 * dist/schema-validation-worker.js), so that validating a large schema never blocks it. After a
 * panic the engine is unusable: the thread answers, then ends, and the next call starts a new one.
 */
import { parentPort } from 'node:worker_threads';
import { validateSchema, validationEngineUnusable } from './schema-validation';
import type { ValidationReply, ValidationRequest } from './schema-validation-thread';

const port = parentPort;
port?.on('message', (request: ValidationRequest) => {
  port.postMessage({ id: request.id, result: validateSchema(request.files) } satisfies ValidationReply);
  if (validationEngineUnusable()) process.exit(1);
});
