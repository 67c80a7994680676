/**
 * The language server's entry point (dist/server.js). The server itself (dist/server-main.js) is a
 * large bundle that takes a few hundred milliseconds to compile and load; on a machine with more
 * than one core, the thread that indexes code files is started first, so that it loads the
 * TypeScript parser on another core meanwhile and is ready when the first indexing pass begins.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { startWorkerEarly } from './workspace/code-index-thread';

if (availableParallelism() > 1) startWorkerEarly();
// A path computed at run time: the server is a bundle of its own, not part of this one.
require(path.join(__dirname, 'server-main.js'));
