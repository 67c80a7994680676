/**
 * `prisma-lens explain <file>:<line>`: the SQL statements Prisma runs for the call on that line,
 * and PostgreSQL's plan for each, read for highlights and index advice through the EXPLAIN panel's
 * own pipeline (explain-call.ts): on the user's database (`--database-url`, else the project's
 * `DATABASE_URL` found the way Prisma finds it), or, when there is none or it does not answer, on
 * the embedded database with the schema's tables and generated rows.
 */
import { DEFAULT_ROWS_PER_TABLE } from '../explain/embedded-rows';

export type ExplainFormat = 'text' | 'json';

export interface ExplainCommand {
  kind: 'explain';
  file: string;
  line: number;
  databaseUrl: string | undefined;
  format: ExplainFormat;
  /** Rows generated per queried table in the embedded database. */
  rows: number;
  /** EXPLAIN ANALYZE: run the statements inside a transaction that is rolled back. */
  analyze: boolean;
  /** Lets EXPLAIN ANALYZE run a write (still rolled back). */
  allowWrites: boolean;
  /** Prints the embedded database's stages to stderr even when stderr is not a terminal. */
  progress: boolean;
}

export interface ExplainIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** Parses the arguments after `explain`; a string is a usage error. */
export function parseExplainArgs(rest: readonly string[]): ExplainCommand | string {
  let target: string | undefined;
  let databaseUrl: string | undefined;
  let format: ExplainFormat = 'text';
  let rows = DEFAULT_ROWS_PER_TABLE;
  let analyze = false;
  let allowWrites = false;
  let progress = false;
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index]!;
    if (arg === '--analyze') {
      analyze = true;
      continue;
    }
    if (arg === '--allow-writes') {
      allowWrites = true;
      continue;
    }
    if (arg === '--progress') {
      progress = true;
      continue;
    }
    const option = /^(--database-url|--format|-f|--rows)(?:=(.*))?$/.exec(arg);
    if (option) {
      const value = option[2] ?? rest[++index];
      if (value === undefined || value === '') return `option '${option[1]}' needs a value`;
      if (option[1] === '--database-url') databaseUrl = value;
      else if (option[1] === '--rows') {
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10_000_000) return `--rows takes a number of rows from 1 to 10000000, not '${value}'`;
        rows = Number(value);
      } else if (value === 'text' || value === 'json') format = value;
      else return `unknown format '${value}' (expected text or json)`;
      continue;
    }
    if (arg.startsWith('-')) return `unknown option '${arg}'`;
    if (target !== undefined) return `explain takes one <file>:<line>, got '${target}' and '${arg}'`;
    target = arg;
  }
  if (target === undefined) return 'missing <file>:<line>: try `prisma-lens explain src/posts.ts:12`';
  const match = /^(.+):(\d+)$/.exec(target);
  if (!match || Number(match[2]) < 1) return `'${target}' is not <file>:<line> (lines start at 1)`;
  // Plain EXPLAIN never runs a statement, so there would be nothing for the flag to allow.
  if (allowWrites && !analyze) return '--allow-writes only applies with --analyze';
  return { kind: 'explain', file: match[1]!, line: Number(match[2]), databaseUrl, format, rows, analyze, allowWrites, progress };
}

/**
 * Runs the command; returns the exit status (0 done; 2 on a usage or input error, or when ANALYZE of
 * a write was refused). The EXPLAIN pipeline (PGlite, Prisma's engines) is loaded only here: the
 * other commands never pay for it (in dist/ it is a bundle of its own, cli-explain.js).
 */
export async function runExplain(command: ExplainCommand, io: ExplainIo): Promise<number> {
  const { explainCall } = require('./explain-run') as typeof import('./explain-run');
  return explainCall(command, io);
}
