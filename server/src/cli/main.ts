/** The CLI as a function of its arguments and streams, returning the exit status; `cli.ts` binds it to the process. */
import { stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Rule } from '../analysis/rules/types';
import { HELP, parseArgs, type FailOn, type OutputFormat } from './args';
import type { CheckOutcome, CheckTarget } from './outcome';
import { runExplain } from './explain';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import { VERSION } from './links';
import { displayPath } from './report';

export interface CliIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
}

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export async function main(argv: readonly string[], io: CliIo, options: { rules?: readonly Rule[] } = {}): Promise<number> {
  const command = parseArgs(argv);
  const fail = (message: string): number => {
    io.stderr.write(`prisma-lens: ${message}\n`);
    return EXIT_ERROR;
  };
  switch (command.kind) {
    case 'help':
      io.stdout.write(HELP);
      return EXIT_CLEAN;
    case 'version':
      io.stdout.write(`${VERSION}\n`);
      return EXIT_CLEAN;
    case 'usage-error':
      return fail(`${command.message} (see prisma-lens --help)`);
    case 'explain':
      return runExplain(command, io);
    case 'check':
      break;
  }

  const targets: CheckTarget[] = [];
  for (const input of command.paths) {
    const absolute = path.resolve(io.cwd, input);
    try {
      const info = await stat(absolute);
      targets.push({ input, absolute, isFile: !info.isDirectory() });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return fail(code === 'ENOENT' ? `path not found: ${input}` : `cannot read ${input} (${code ?? 'error'})`);
    }
  }

  // The analysis is loaded only now: the commands above answer without compiling it.
  const { checkTargets, disposePending, migrationSelection, registeredRules } = require('./check-entry') as typeof import('./check-entry');
  const rules = options.rules ?? registeredRules;
  // Rules that are off by default run only when named (by the caller, or later by configuration).
  const migrations = migrationSelection({ since: command.since, allMigrations: command.allMigrations }, io.env);
  const outcome = await checkTargets(targets, { rules: options.rules ?? registeredRules, pending: command.pending, migrations }).finally(() => (command.pending ? disposePending() : undefined));
  const color = command.output === undefined && io.stdout.isTTY === true && !io.env.NO_COLOR;
  const rendered = render(outcome, command.format, { rules, color, cwd: io.cwd });
  if (command.output === undefined) {
    io.stdout.write(rendered);
  } else {
    try {
      await writeFile(path.resolve(io.cwd, command.output), rendered);
    } catch (error) {
      return fail(`cannot write ${command.output} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  reportProblems(outcome, io);
  // A folder with no Prisma project is an input error: CI pointed at the wrong folder must not pass.
  if (outcome.unreadable.length > 0 || outcome.ruleErrors.length > 0 || outcome.emptyTargets.length > 0) return EXIT_ERROR;
  return outcome.report.findings.some((finding) => failsRun(finding.severity, command.failOn)) ? EXIT_FINDINGS : EXIT_CLEAN;
}

const SEVERITY_RANK: Readonly<Record<string, number>> = { error: 3, warning: 2, info: 1, hint: 0 };

/** Whether a finding of this severity fails a run whose threshold is `failOn`. */
function failsRun(severity: string, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  return (SEVERITY_RANK[severity] ?? 0) >= SEVERITY_RANK[failOn]!;
}

function render(outcome: CheckOutcome, format: OutputFormat, context: { rules: readonly Rule[]; color: boolean; cwd: string }): string {
  switch (format) {
    case 'json':
      return formatJson(outcome.report);
    case 'sarif':
      return formatSarif(outcome.report, { rules: context.rules, sourceRoot: context.cwd });
    case 'text':
      return formatText(outcome.report, { color: context.color });
  }
}

/** Everything that is not a finding goes to stderr, so the report on stdout stays machine-readable. */
function reportProblems(outcome: CheckOutcome, io: CliIo): void {
  const shown = (file: string): string => displayPath(file, io.cwd);
  for (const target of outcome.emptyTargets) io.stderr.write(`prisma-lens: ${noProjectMessage(target)}\n`);
  for (const note of outcome.notes) io.stderr.write(`prisma-lens: ${note}\n`);
  for (const warning of outcome.warnings) io.stderr.write(`prisma-lens: warning: ${shown(warning.path)}: ${warning.message}\n`);
  for (const problem of outcome.unreadable) io.stderr.write(`prisma-lens: ${shown(problem.path)}: ${problem.message}\n`);
  for (const error of outcome.ruleErrors) io.stderr.write(`prisma-lens: rule failed, the other rules still ran: ${error}\n`);
}

/** Where discovery looked (`discoverSchemas`, `resolveProjectSchema`, `migrationFolderKind`), so that a wrong path is easy to see. */
function noProjectMessage(target: CheckTarget): string {
  const where = target.input === target.absolute ? target.input : `${target.input} (${target.absolute})`;
  return (
    `no Prisma project in ${where}: looked there and in its subfolders for prisma.config.*, package.json "prisma.schema", ` +
    'schema.prisma, prisma/schema.prisma, prisma/schema/ and any other .prisma file (skipping node_modules, build output and hidden folders), ' +
    'and for migration folders (migration.sql, migration_lock.toml)'
  );
}
