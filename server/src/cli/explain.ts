/**
 * `prisma-lens explain <file>:<line>`: the SQL statements Prisma runs for the call on that line,
 * and PostgreSQL's plan for each, read for highlights and index advice through the EXPLAIN panel's
 * own pipeline (explain-call.ts): on the user's database (`--database-url`, else the project's
 * `DATABASE_URL` found the way Prisma finds it), or, when there is none or it does not answer, on
 * the embedded database with the schema's tables and generated rows.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { PGlite } from '@electric-sql/pglite';
import { LineIndex } from '../analysis/text';
import type { EngineSchemaFile } from '../engines/engine-schema';
import { ddlFromEmpty, ddlFromEmptyOn, disposeSchemaEngine } from '../engines/schema-engine';
import { resolveDatabaseUrl } from '../explain/database';
import { ExplainDatabases } from '../explain/database-choice';
import { DEFAULT_ROWS_PER_TABLE } from '../explain/embedded';
import { EmbeddedCache } from '../explain/embedded-cache';
import { cachedSchemaDdl, readCachedSchemaDdl, schemaDdlKey } from '../explain/embedded-ddl';
import { describeProgress, type EmbeddedProgress } from '../explain/embedded-progress';
import { compileCallMeant, explainCallStatements, type CallExplanation } from '../explain/explain-call';
import { schemaForCodeFile } from '../explain/sql-schema';
import { formatExplainJson, formatExplainText } from './explain-report';

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

const MAX_CODE_FILE_BYTES = 5 * 1024 * 1024;

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

/** Runs the command; returns the exit status (0 done; 2 on a usage or input error, or when ANALYZE of a write was refused). */
export async function runExplain(command: ExplainCommand, io: ExplainIo): Promise<number> {
  // A process that explains once never recoups V8's optimising compiler for WebAssembly: it would
  // compile PGlite's hottest functions on the second core while the first waits, and freeing PGlite
  // waits for those compile jobs. Baseline (Liftoff) code alone made a run from the cache 3x faster.
  setFlagsFromString('--liftoff-only');
  const fail = (message: string): number => {
    io.stderr.write(`prisma-lens: ${message}\n`);
    return 2;
  };
  const absolute = path.resolve(io.cwd, command.file);
  let text: string;
  try {
    const info = await stat(absolute);
    if (info.size > MAX_CODE_FILE_BYTES) return fail(`${command.file} is over 5 MB; explain reads source files`);
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `file not found: ${command.file}` : `cannot read ${command.file} (${code ?? 'error'})`);
  }
  if (text.includes('\u0000')) return fail(`${command.file} is a binary file`);
  const lines = new LineIndex(text);
  if (command.line > lines.lineCount) return fail(`${command.file} has ${lines.lineCount} lines, not ${command.line}`);

  const { files: schemaFiles, projectRoot, schemaDir } = await schemaForCodeFile(absolute, [io.cwd]);
  const location = `${command.file}:${command.line}`;
  const call = await compileCallMeant({ uri: pathToFileURL(absolute).toString(), text }, { line: command.line - 1 }, schemaFiles);
  if (!call) return fail(`no Prisma call on ${location}`);
  if ('error' in call) return fail(`${location}: ${call.error}`);

  const url = await resolveDatabaseUrl({ setting: command.databaseUrl, settingName: 'the --database-url flag', schemaDir, projectRoot, schemaText: schemaFiles.map((file) => file.text).join('\n'), env: io.env });
  const cache = EmbeddedCache.fromEnvironment(io.env);
  const databases = new ExplainDatabases({ cache });
  // Stages go to a terminal, or anywhere with --progress, so that scripts reading stderr see only the report's lines.
  const onProgress = command.progress || io.stderr.isTTY ? (stage: EmbeddedProgress) => io.stderr.write(`prisma-lens: ${describeProgress(stage)}… ${(stage.elapsedMs / 1000).toFixed(1)} s\n`) : undefined;
  let explanation: CallExplanation | undefined;
  let noPlans: string | undefined;
  try {
    const request = {
      url,
      rowsPerTable: command.rows,
      ddl: () => schemaDdl(schemaFiles, cache),
      ddlOn: (database: PGlite) => schemaDdl(schemaFiles, cache, database),
      knownDdl: () => readCachedSchemaDdl(schemaFiles, cache),
      schemaKey: schemaDdlKey(schemaFiles),
      onProgress,
    };
    explanation = await explainCallStatements(databases, request, call.compiled.statements, { analyze: command.analyze, writeConfirmed: command.allowWrites }, call.schema);
  } catch (error) {
    noPlans = error instanceof Error ? error.message : String(error);
    io.stderr.write(`prisma-lens: no plans: ${noPlans}\n`);
  } finally {
    await databases.dispose();
  }

  const report = {
    callee: call.compiled.callee,
    location,
    statements: call.compiled.statements.map((statement, index) => ({ statement, report: explanation?.reports[index] })),
    database: explanation?.database,
    noPlans,
  };
  io.stdout.write(command.format === 'json' ? formatExplainJson(report) : formatExplainText(report));
  const refused = report.statements.flatMap((entry, index) => (entry.report?.status === 'needs-confirmation' ? [index + 1] : []));
  if (refused.length === 0) return 0;
  const which = refused.length === 1 ? `statement ${refused[0]} writes` : `statements ${refused.join(', ')} write`;
  return fail(`${which}, so EXPLAIN ANALYZE was refused: pass --allow-writes to run ${refused.length === 1 ? 'it' : 'them'} inside a transaction that is rolled back`);
}

/**
 * Prisma's DDL for the schema, for the embedded database: kept in the cache folder, else from Prisma's
 * schema engine, on the embedded database's PGlite when it lends it, else on one of the engine's own,
 * closed afterwards (an open PGlite keeps a one-shot process alive for PostgreSQL's idle timers).
 */
async function schemaDdl(files: readonly EngineSchemaFile[], cache: EmbeddedCache | undefined, database?: PGlite): Promise<string | { error: string }> {
  try {
    return await cachedSchemaDdl(files, cache, (schema) => (database ? ddlFromEmptyOn(database, schema) : ddlFromEmpty(schema).finally(disposeSchemaEngine)));
  } catch (error) {
    return { error: `Prisma's schema engine rejected the schema: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}
