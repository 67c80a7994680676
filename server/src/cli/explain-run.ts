/** Runs `prisma-lens explain`: compiles the call on the line, explains its statements on a database, prints the report. */
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
import { EmbeddedCache } from '../explain/embedded-cache';
import { cachedSchemaDdl, readCachedSchemaDdl, schemaDdlKey } from '../explain/embedded-ddl';
import { describeProgress, type EmbeddedProgress } from '../explain/embedded-progress';
import { compileCallMeant, explainCallStatements, type CallExplanation } from '../explain/explain-call';
import { schemaForCodeFile } from '../explain/sql-schema';
import type { ExplainCommand, ExplainIo } from './explain';
import { formatExplainJson, formatExplainText } from './explain-report';

const MAX_CODE_FILE_BYTES = 5 * 1024 * 1024;

/** Runs the command; returns the exit status (0 done; 2 on a usage or input error, or when ANALYZE of a write was refused). */
export async function explainCall(command: ExplainCommand, io: ExplainIo): Promise<number> {
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

  // No workspace folder: the file's own monorepo or project decides, from whatever folder this runs in.
  const { files: schemaFiles, projectRoot, schemaDir } = await schemaForCodeFile(absolute, []);
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
