/** The `prisma-lens` command: the same analysis as the editor, for terminals and CI. */
import { setFlagsFromString } from 'node:v8';
import { main } from './cli/main';

// A CLI run is short: compiling the hot functions of the WebAssembly parsers and engines again with
// V8's optimising compiler (on the other core, and waited for at exit) costs more than it saves.
// Baseline code alone took a third to a half off the CPU time of a check of 61 or 821 migrations
// and of a 1,000-model schema. `explain` already ran this way.
setFlagsFromString('--liftoff-only');

main(process.argv.slice(2), { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (status) => {
    // exitCode rather than exit(): a large report piped to another process is flushed first.
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`prisma-lens: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
