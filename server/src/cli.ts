/** The `prisma-lens` command: the same analysis as the editor, for terminals and CI. */
import { main } from './cli/main';

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
