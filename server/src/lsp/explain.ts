/**
 * The EXPLAIN requests: `prismaLens/explainableCalls` (where the "Explain" code lenses go),
 * `prismaLens/explain` (the SQL of the call under the cursor and its plan on the chosen database)
 * and `prismaLens/explainWhatIf` (the plan with a suggested index, in the embedded database).
 * Database work happens here, on request only, never on the diagnostics path.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { WorkDoneProgress, type CancellationToken, type Connection, type Range, type TextDocuments, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { findWholeFileQuerySites } from '../analysis/code/context';
import { modelsByDelegate } from '../analysis/code/operations';
import { buildSchema } from '../analysis/schema/build';
import type { PrismaSchema } from '../analysis/schema/model';
import { LineIndex } from '../analysis/text';
import type { EngineSchemaFile } from '../engines/engine-schema';
import { sharedSchemaEngineThread } from '../engines/schema-engine-thread';
import { resolveDatabaseUrl } from '../explain/database';
import { ExplainDatabases } from '../explain/database-choice';
import { DEFAULT_ROWS_PER_TABLE } from '../explain/embedded';
import { EmbeddedCache } from '../explain/embedded-cache';
import { cachedSchemaDdl, readCachedSchemaDdl } from '../explain/embedded-ddl';
import { describeProgress, type EmbeddedProgress, type EmbeddedRequestOptions } from '../explain/embedded-progress';
import type { StatementToExplain } from '../explain/plan';
import { checkStatement, loadStatementGuard } from '../explain/statement-guard';
import { compileCallMeant, explainCallStatements, toExplainable, type CompiledCallMeant } from '../explain/explain-call';
import { explainStatements, explainWithIndex, type StatementReport } from '../explain/plan-report';
import { schemaFilesForCodeFile } from '../explain/sql-schema';
import { schemaSetForCodeFile } from '../workspace/code-file-schema';
import { toTextEdit } from './convert';
import type { ExplainSettings, ExplainableCallsParams, ExplainableCall, ExplainParams, ExplainSuggestionEdit, ExplainStatementResult, ExplainResult, WhatIfParams, WhatIfResult } from '../../../shared/explain-protocol';

export type { ExplainSettings, ExplainableCallsParams, ExplainableCall, ExplainParams, ExplainSuggestionEdit, ExplainStatementResult, ExplainResult, WhatIfParams, WhatIfResult };

import { EXPLAINABLE_CALLS_REQUEST, EXPLAIN_REQUEST, EXPLAIN_WHAT_IF_REQUEST } from '../../../shared/explain-protocol';

export { EXPLAINABLE_CALLS_REQUEST, EXPLAIN_REQUEST, EXPLAIN_WHAT_IF_REQUEST };

export interface ExplainDependencies {
  workspaceFolders: () => readonly string[];
  /** Prisma's DDL for a schema (CREATE TYPE/TABLE/INDEX, foreign keys), for the embedded database; Prisma's schema engine by default. */
  ddlFor?: (files: readonly EngineSchemaFile[]) => Promise<string | { error: string }>;
  log: (message: string) => void;
}

const CODE_FILE = /\.(?:[cm]?[jt]sx?)$/i;
const MAX_CODE_FILE_CHARS = 2 * 1024 * 1024;

export function registerExplain(connection: Connection, documents: TextDocuments<TextDocument>, dependencies: ExplainDependencies): { dispose(): Promise<void> } {
  // The embedded database and the DDL are kept in the user's cache folder, as the CLI keeps them, so a new window starts warm.
  const diskCache = dependencies.ddlFor ? undefined : EmbeddedCache.fromEnvironment(process.env);
  const databases = new ExplainDatabases({ cache: diskCache });
  const openText = (uri: string): string | undefined => documents.get(uri)?.getText();
  // The schema engine takes a while; the DDL of the last few schema texts is kept.
  const ddlCache = new Map<string, Promise<string | { error: string }>>();
  const cachedDdl = (files: readonly EngineSchemaFile[]): Promise<string | { error: string }> => {
    const key = schemaKeyOf(files);
    let ddl = ddlCache.get(key);
    if (!ddl) {
      ddl = dependencies.ddlFor ? dependencies.ddlFor(files) : cachedSchemaDdl(files, diskCache, schemaEngineDdlOrThrow).catch((error: unknown) => ({ error: `Prisma's schema engine rejected the schema: ${firstLine(error)}` }));
      ddlCache.set(key, ddl);
      if (ddlCache.size > 4) ddlCache.delete(ddlCache.keys().next().value!);
    }
    return ddl;
  };

  connection.onRequest(EXPLAINABLE_CALLS_REQUEST, async (params: ExplainableCallsParams): Promise<ExplainableCall[]> => {
    const document = documents.get(params.uri);
    if (!document || !params.uri.startsWith('file:') || !CODE_FILE.test(params.uri)) return [];
    const text = document.getText();
    if (text.length > MAX_CODE_FILE_CHARS) return [];
    try {
      const schemaFiles = await schemaFilesForCodeFile(fileURLToPath(params.uri), dependencies.workspaceFolders(), openText);
      const schema = schemaFiles.length > 0 ? buildSchema(schemaFiles.map((file) => ({ uri: file.path, text: file.text }))) : undefined;
      const sites = findWholeFileQuerySites({ uri: params.uri, text }, schema && modelsByDelegate(schema));
      return sites
        .filter((site) => site.kind === 'raw' || site.model !== undefined || !schema)
        .map((site) => ({ callee: site.callee, range: { start: document.positionAt(site.span.start), end: document.positionAt(site.span.end) } }));
    } catch (error) {
      dependencies.log(`explainable calls failed: ${describe(error)}`);
      return [];
    }
  });

  connection.onRequest(EXPLAIN_REQUEST, async (params: ExplainParams, token?: CancellationToken): Promise<ExplainResult> => {
    const started = performance.now();
    const progress = explainProgress(connection, params.workDoneToken, started);
    const aborted = new AbortController();
    const cancellation = token?.onCancellationRequested(() => aborted.abort(new Error('cancelled')));
    const finish = (result: Omit<ExplainResult, 'elapsedMs'>): ExplainResult => ({ ...result, elapsedMs: performance.now() - started });
    try {
      if (params.sql !== undefined) return finish(await explainSelectedSql(params, { onProgress: progress.report, signal: aborted.signal }));
      progress.say("compiling the call's SQL");
      const call = await compileAtPosition(params.uri, params.position);
      if ('error' in call) return finish({ error: call.error, statements: [], callee: call.callee });
      const { compiled, context } = call;
      const request = { ...(await databaseRequest(context, params.settings)), onProgress: progress.report, signal: aborted.signal };
      const { reports, database } = await explainCallStatements(databases, request, compiled.statements, { analyze: params.analyze, writeConfirmed: params.writeConfirmed }, context.schema);
      return finish({
        callee: compiled.callee,
        model: compiled.model,
        operation: compiled.operation,
        range: call.range,
        statements: reports.map((report) => withWorkspaceEdits(report, context.schemaFiles)),
        database,
      });
    } catch (error) {
      if (aborted.signal.aborted) return finish({ error: 'Cancelled: no plan was made.', statements: [] });
      dependencies.log(`explain failed: ${describe(error)}`);
      return finish({ error: `No plan: ${error instanceof Error ? error.message : String(error)}`, statements: [] });
    } finally {
      cancellation?.dispose();
      progress.end();
    }
  });

  connection.onRequest(EXPLAIN_WHAT_IF_REQUEST, async (params: WhatIfParams): Promise<WhatIfResult> => {
    try {
      const call = await compileAtPosition(params.uri, params.position);
      if ('error' in call) return { error: call.error };
      const statement = call.compiled.statements[params.statementIndex];
      if (!statement) return { error: 'the statement is no longer there; explain the call again' };
      const explainable = toExplainable(statement);
      const request = await databaseRequest(call.context, params.settings);
      // The index is only ever created in the embedded database, inside a transaction that is rolled back.
      const embedded = await databases.embeddedFor(request);
      return await embedded.use([explainable.sql], async (session, timing) => {
        const [before] = await explainStatements(session, [explainable], {}, call.context.schema);
        // Only an index the server itself suggests for this plan is created; the client names it, never writes its SQL.
        const suggestion = before?.suggestions.find((candidate) => candidate.indexText === params.suggestion.indexText);
        if (!suggestion) return { error: `${params.suggestion.indexText} is not suggested for this plan any more; explain the call again` };
        const report = await explainWithIndex(session, explainable, suggestion, before?.tree);
        return {
          ...report,
          database: { kind: 'embedded', label: 'embedded PostgreSQL (PGlite)', detail: `generated data, ${embedded.rowsPerTable.toLocaleString('en-US')} rows per queried table`, problems: [...embedded.problems], timing },
        };
      });
    } catch (error) {
      dependencies.log(`what-if failed: ${describe(error)}`);
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });

  interface CallContext {
    schemaFiles: EngineSchemaFile[];
    schema: PrismaSchema | undefined;
    file: string;
  }

  type CompiledCall = { error: string; callee?: string } | { compiled: CompiledCallMeant['compiled']; context: CallContext; range: Range };

  /** The call the user means at the cursor (`querySiteMeant`, as the CLI finds it on a line), compiled. */
  async function compileAtPosition(uri: string, position: { line: number; character: number }): Promise<CompiledCall> {
    const document = documents.get(uri);
    if (!document || !uri.startsWith('file:')) return { error: 'open the file in an editor to explain its queries' };
    const text = document.getText();
    if (text.length > MAX_CODE_FILE_CHARS) return { error: 'the file is too large to analyse' };
    const file = fileURLToPath(uri);
    const schemaFiles = await schemaFilesForCodeFile(file, dependencies.workspaceFolders(), openText);
    const call = await compileCallMeant({ uri, text }, { offset: document.offsetAt(position) }, schemaFiles);
    if (!call) return { error: `there is no Prisma call on line ${position.line + 1}: place the cursor on a call such as prisma.post.findMany(…)` };
    if ('error' in call) return call;
    const range = { start: document.positionAt(call.site.span.start), end: document.positionAt(call.site.span.end) };
    return { compiled: call.compiled, context: { schemaFiles, schema: call.schema, file }, range };
  }

  /** Explains one statement the user selected (any editor): on the project's database, or the embedded one with the project's tables. */
  async function explainSelectedSql(params: ExplainParams, options: EmbeddedRequestOptions): Promise<Omit<ExplainResult, 'elapsedMs'>> {
    const selected = await singleExplainableStatement(params.sql ?? '');
    if ('error' in selected) return { error: selected.error, statements: [], callee: 'selected SQL' };
    const folder = dependencies.workspaceFolders()[0] ?? process.cwd();
    const file = params.uri.startsWith('file:') ? fileURLToPath(params.uri) : path.join(folder, 'untitled.sql');
    const schemaFiles = await schemaFilesForCodeFile(file, dependencies.workspaceFolders(), openText);
    const schema = schemaFiles.length > 0 ? buildSchema(schemaFiles.map((schemaFile) => ({ uri: schemaFile.path, text: schemaFile.text }))) : undefined;
    const context: CallContext = { schemaFiles, schema, file };
    const statements: StatementToExplain[] = [{ sql: selected.sql, params: Array.from({ length: selected.parameterCount }, () => undefined) }];
    const request = { ...(await databaseRequest(context, params.settings)), ...options };
    return databases.run(request, [selected.sql], async (session, database) => {
      const reports = await explainStatements(session, statements, { analyze: params.analyze, writeConfirmed: params.writeConfirmed, ownDatabase: database.kind === 'embedded' }, context.schema);
      return { callee: 'selected SQL', statements: reports.map((report) => withWorkspaceEdits(report, context.schemaFiles)), database };
    });
  }

  async function databaseRequest(context: CallContext, settings: ExplainSettings | undefined) {
    const set = await schemaSetForCodeFile(context.file, dependencies.workspaceFolders(), openText(pathToFileURL(context.file).toString()));
    const schemaPath = set?.schemaPath ?? path.dirname(context.file);
    const schemaDir = set && set.files.length === 1 && set.files[0] === schemaPath ? path.dirname(schemaPath) : schemaPath;
    const url = await resolveDatabaseUrl({
      setting: settings?.databaseUrl,
      schemaDir,
      projectRoot: set?.projectRoot ?? path.dirname(context.file),
      schemaText: context.schemaFiles.map((file) => file.text).join('\n'),
    });
    const rowsPerTable = settings?.rowsPerTable && settings.rowsPerTable > 0 ? Math.min(Math.round(settings.rowsPerTable), 10_000_000) : DEFAULT_ROWS_PER_TABLE;
    return {
      url,
      rowsPerTable,
      ddl: () => cachedDdl(context.schemaFiles),
      knownDdl: () => readCachedSchemaDdl(context.schemaFiles, diskCache),
      schemaKey: schemaKeyOf(context.schemaFiles),
    };
  }

  return { dispose: () => databases.dispose() };
}

function schemaKeyOf(files: readonly EngineSchemaFile[]): string {
  return files.map((file) => `${file.path}\u0000${file.text}`).join('\u0001');
}

function withWorkspaceEdits(report: StatementReport, schemaFiles: readonly EngineSchemaFile[]): ExplainStatementResult {
  return {
    ...report,
    suggestions: report.suggestions.map((suggestion) => {
      const file = suggestion.edit ? schemaFiles.find((candidate) => candidate.path === suggestion.edit!.uri) : undefined;
      if (!file || !suggestion.edit) return suggestion;
      return { ...suggestion, workspaceEdit: { uri: suggestion.edit.uri, edit: toTextEdit(suggestion.edit, new LineIndex(file.text)) } };
    }),
  };
}

/**
 * The selection as exactly one SELECT, INSERT, UPDATE or DELETE, read by PostgreSQL's own parser,
 * with the number of `$n` parameters it uses. Anything else is refused before it reaches a
 * database: a second statement would run outside EXPLAIN.
 */
export async function singleExplainableStatement(text: string): Promise<{ sql: string; parameterCount: number } | { error: string }> {
  if (text.trim() === '') return { error: 'select the SQL statement to explain' };
  await loadStatementGuard();
  const checked = checkStatement(text);
  if (!checked.ok) return { error: checked.reason };
  return { sql: checked.sql, parameterCount: checked.parameterCount };
}

/**
 * Reports the stages of one explain request on the client's work-done token (`$/progress`): begun
 * at the first stage, one report per stage with the time so far, ended when the answer is sent.
 */
function explainProgress(connection: Connection, token: string | number | undefined, started: number): { say: (text: string) => void; report: (progress: EmbeddedProgress) => void; end: () => void } {
  let begun = false;
  const send = (value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd): void => {
    if (token === undefined) return;
    void connection.sendProgress(WorkDoneProgress.type, token, value).catch(() => undefined);
  };
  const say = (text: string): void => {
    const message = `${text}… ${((performance.now() - started) / 1000).toFixed(1)} s`;
    send(begun ? { kind: 'report', message } : { kind: 'begin', title: 'Explaining', message, cancellable: true });
    begun = true;
  };
  return {
    say,
    report: (progress) => say(describeProgress(progress)),
    end() {
      if (begun) send({ kind: 'end' });
    },
  };
}

async function schemaEngineDdlOrThrow(files: readonly EngineSchemaFile[]): Promise<string> {
  return sharedSchemaEngineThread().ddlFromEmpty(files);
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
