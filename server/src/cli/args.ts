/** Parses the CLI's command line into a command, or a one-line usage error. */
import { parseExplainArgs, type ExplainCommand } from './explain';

export type OutputFormat = 'text' | 'json' | 'sarif';

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'check'; paths: string[]; format: OutputFormat; output: string | undefined; pending: boolean; since: string | undefined; allMigrations: boolean; failOn: FailOn }
  | ExplainCommand
  | { kind: 'usage-error'; message: string };

const FORMATS: readonly OutputFormat[] = ['text', 'json', 'sarif'];

/** The least severe finding that makes the exit status 1; `never` reports without failing. */
export type FailOn = 'error' | 'warning' | 'info' | 'never';
const FAIL_ON: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

export const HELP = `Usage: prisma-lens check [paths...] [options]

Reviews Prisma schemas like a senior database engineer would.

Each path is a folder, searched for Prisma projects the way Prisma's CLI finds their schema
(prisma.config.*, package.json "prisma.schema", prisma/schema.prisma, prisma/schema/), or a
schema file or schema folder. Without paths, the current folder is searched. Dependencies,
build output and generated Prisma clients are skipped. A folder with no Prisma project is an
input error. A migration.sql, a migration's folder or a migrations folder given as a path is
linted on its own, without a schema.

A folder's TypeScript and JavaScript files (those .gitignore does not exclude) are checked
against the schema of their project; a code file given as a path is checked on its own.

Options:
  -f, --format <format>  text (default), json or sarif
  -o, --output <file>    write the report to <file> instead of standard output
      --pending          also report, at the schema line that causes it, each hazard of the
                         migration Prisma Migrate would generate next (PostgreSQL; compared with
                         the migrations folder, or with the schema committed to git)
      --since <ref>      review only the migrations added since the merge base of HEAD and
                         <ref> (e.g. origin/main): those not in it, committed or not
      --all-migrations   review every migration, including those already applied
      --fail-on <level>  the least severe finding that fails the run (exit status 1): error,
                         warning (default), info, or never (report only)
  -h, --help             show this help
  -v, --version          print the version

Paths in the report are relative to the folder given (with several paths, to the deepest
folder that holds them all). SARIF paths are relative to the current folder, as GitHub code
scanning expects when the CLI runs at the repository root.

Migrations already on the base branch have been applied and cannot be changed, so only the new
ones are reviewed. Without --since, the base is the target of the pull request that CI builds
(GITHUB_BASE_REF, GitLab's CI_MERGE_REQUEST_DIFF_BASE_SHA or CI_MERGE_REQUEST_TARGET_BRANCH_NAME,
BITBUCKET_PR_DESTINATION_BRANCH, SYSTEM_PULLREQUEST_TARGETBRANCH,
BUILDKITE_PULL_REQUEST_BASE_BRANCH), else the default branch (origin/HEAD, else main or master).
On the default branch itself, its committed migrations are history and only the ones not committed
yet are reviewed; outside git, without a default branch, or with --all-migrations, every one is.
One line on stderr says which. A migration named by its file or folder is always reviewed. In
CI, fetch the history the base needs (GitHub Actions: actions/checkout with fetch-depth: 0).

Exit status: 0 when nothing at or above the --fail-on level is found (information alone does
not fail a run by default), 1 when such a problem is found, 2 on a usage or input error (also a
--since ref that does not exist).

Usage: prisma-lens explain <file>:<line> [options]

Prints what the EXPLAIN panel shows for the Prisma call on that line (the first call that starts
on it, else the call that spans it): each SQL statement Prisma runs for it, compiled by Prisma's
own query compiler and laid out one clause per line, its parameters, PostgreSQL's plan as a tree,
what a database engineer would flag in it (a sequential scan of a large table, a big sort, …) and
the @@index([…]) that avoids a scan (the one the unindexed-query rule proposes). Plans come from
the database of --database-url, else of the project's DATABASE_URL (.env files, prisma.config.ts,
the environment); when there is none or it does not answer, from an embedded PostgreSQL with the
schema's tables and generated rows, and the report says why.

Options:
      --database-url <url>  the PostgreSQL to explain on
  -f, --format <format>     text (default) or json
      --rows <n>            rows generated per queried table in the embedded database
                            (default 100000)
      --analyze             EXPLAIN ANALYZE: run the statements, inside a transaction that is
                            rolled back (READ ONLY for reads), and show actual rows and times
      --allow-writes        with --analyze, also run the statements that write, inside a
                            transaction that is rolled back; without it they are refused and the
                            exit status is 2

JSON: {"callee","statements":[{"sql","params","status","plan","highlights","suggestions",...}],
"highlights","advice","database","fallbackReason"}, with "sql" exactly as Prisma sends it.
Exit status: 0 when the report was printed, 2 on a usage or input error or a refused write.
`;

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) return usageError('missing command: try `prisma-lens check`');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { kind: 'help' };
  if (command === '-v' || command === '--version') return { kind: 'version' };
  if (command === 'explain') {
    const explain = parseExplainArgs(rest);
    return typeof explain === 'string' ? usageError(explain) : explain;
  }
  if (command !== 'check') return usageError(command!.startsWith('-') ? `unknown option '${command}'` : `unknown command '${command}'`);

  const paths: string[] = [];
  let format: OutputFormat = 'text';
  let output: string | undefined;
  let pending = false;
  let since: string | undefined;
  let allMigrations = false;
  let failOn: FailOn = 'warning';
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index]!;
    if (arg === '--') {
      paths.push(...rest.slice(index + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '-v' || arg === '--version') return { kind: 'version' };
    if (arg === '--pending') {
      pending = true;
      continue;
    }
    if (arg === '--all-migrations') {
      allMigrations = true;
      continue;
    }
    const option = /^(--format|-f|--output|-o|--since|--fail-on)(?:=(.*))?$/.exec(arg);
    if (option) {
      const value = option[2] ?? rest[++index];
      if (value === undefined || value === '') return usageError(`option '${option[1]}' needs a value`);
      if (option[1] === '--format' || option[1] === '-f') {
        if (!FORMATS.includes(value as OutputFormat)) return usageError(`unknown format '${value}' (expected text, json or sarif)`);
        format = value as OutputFormat;
      } else if (option[1] === '--fail-on') {
        if (!FAIL_ON.includes(value as FailOn)) return usageError(`unknown level '${value}' for --fail-on (expected error, warning, info or never)`);
        failOn = value as FailOn;
      } else if (option[1] === '--since') {
        if (value.startsWith('-')) return usageError(`option '--since' needs a git ref, not '${value}'`);
        since = value;
      } else {
        output = value;
      }
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') return usageError(`unknown option '${arg}'`);
    paths.push(arg);
  }
  if (since !== undefined && allMigrations) return usageError("'--since' and '--all-migrations' cannot be used together");
  return { kind: 'check', paths: paths.length > 0 ? paths : ['.'], format, output, pending, since, allMigrations, failOn };
}

function usageError(message: string): Command {
  return { kind: 'usage-error', message };
}
