/**
 * The exact SQL Prisma runs for a call: the call's argument object becomes Prisma's JSON protocol
 * request, Prisma's own query compiler turns it into a query plan, and the plan's query templates
 * become SQL statements with `$n` parameters. Raw `$queryRaw`/`$executeRaw` templates become their
 * SQL with `${}` as parameters. The shape of the result is described in sql-types.ts.
 */
import { findWholeFileQuerySites } from '../analysis/code/context';
import { modelsByDelegate } from '../analysis/code/operations';
import type { QuerySite } from '../analysis/code/query-sites';
import { buildSchema } from '../analysis/schema/build';
import type { PrismaSchema } from '../analysis/schema/model';
import { LineIndex } from '../analysis/text';
import { toEngineSchema, type EngineSchemaFile } from '../engines/engine-schema';
import { compilerFor } from '../engines/query-compiler';
import { describeCompileError } from './sql-errors';
import { rawStatement } from './sql-raw';
import { statementsOfPlan } from './sql-render';
import { isSupportedOperation } from './sql-arguments';
import { buildRequest } from './sql-request';
import type { CompiledSql } from './sql-types';
import { ExplainInputError, readArgument } from './sql-values';

export type { CompiledSql, CompiledStatements, CompileFailure, SqlParameter, SqlStatement } from './sql-types';
export { isCompileFailure } from './sql-types';

interface PreparedSchema {
  schema: PrismaSchema;
  datamodel: string;
}

let lastPrepared: { key: string; prepared: PreparedSchema } | undefined;

/** The schema model and the engine's view of the files, remembered for the last schema text seen. */
function prepareSchema(files: readonly EngineSchemaFile[]): PreparedSchema {
  const key = files.map((file) => `${file.path}\u0000${file.text}`).join('\u0001');
  if (lastPrepared?.key === key) return lastPrepared.prepared;
  const schema = buildSchema(files.map((file) => ({ uri: file.path, text: file.text })));
  // The compiler takes one datamodel; the files of a multi-file schema are read as one, as Prisma Client does.
  const datamodel = toEngineSchema(files).map((file) => file.text).join('\n');
  const prepared = { schema, datamodel };
  lastPrepared = { key, prepared };
  return prepared;
}

/** Compiles one call into the SQL statements Prisma runs for it. Never throws. */
export async function compileCall(site: QuerySite, schemaFiles: readonly EngineSchemaFile[]): Promise<CompiledSql> {
  const callee = site.callee;
  try {
    if (site.kind === 'raw') return { ...rawStatement(site), callee, operation: site.operation };
    if (schemaFiles.length === 0) return { error: 'no Prisma schema was found for this file, so its SQL cannot be shown', callee };
    const prepared = prepareSchema(schemaFiles);
    const unquotable = unquotableName(prepared.schema, schemaFiles);
    if (unquotable) return { error: `the schema maps ${unquotable} to a name with a double quote, which Prisma's SQL does not escape; Prisma Lens does not send such SQL to a database`, callee };
    const provider = prepared.schema.datasource?.provider;
    if (provider && provider !== 'postgresql') return { error: `the schema's provider is ${provider}; Prisma Lens shows SQL for PostgreSQL`, callee };
    const model = site.delegate ? findModel(prepared.schema, site.delegate) : undefined;
    if (!model) return { error: `the schema has no model \`${site.delegate ?? ''}\` for \`${callee}\``, callee };
    if (!isSupportedOperation(site.operation)) return { error: `\`${site.operation}\` does not run SQL that Prisma's query compiler can show`, callee };
    const args = readArgument(site.args, site.node.getSourceFile());
    const built = buildRequest(prepared.schema, model, site.operation, args);
    let compiler;
    try {
      compiler = await compilerFor(prepared.datamodel);
    } catch (error) {
      return { error: `Prisma's query compiler cannot read the schema: ${firstLine(messageOf(error))}`, callee };
    }
    let plan: unknown;
    try {
      plan = compiler.compile(built.request);
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError) return { error: `Prisma's query compiler failed on this call (${firstLine(error.message)}); it starts afresh for the next one`, callee };
      return { error: `Prisma rejects this call: ${describeCompileError(messageOf(error), model.name)}`, callee };
    }
    if (built.enumLiteralRequest) {
      try {
        return { statements: statementsOfPlan(compiler.compile(built.enumLiteralRequest), built.parameters, plan), callee, model: model.name, operation: site.operation };
      } catch {
        // The typed plan is still right, only without the casts the client's literal enums get.
      }
    }
    return { statements: statementsOfPlan(plan, built.parameters), callee, model: model.name, operation: site.operation };
  } catch (error) {
    if (error instanceof ExplainInputError) return { error: `The SQL of \`${callee}\` cannot be shown: ${error.message}`, callee };
    return { error: `The SQL of \`${callee}\` cannot be shown: ${firstLine(messageOf(error))}`, callee };
  }
}

/** Loads the compiler for a schema ahead of the first request, so that the first hover is warm. Never throws. */
export async function prepareCompiler(schemaFiles: readonly EngineSchemaFile[]): Promise<void> {
  if (schemaFiles.length === 0) return;
  const prepared = prepareSchema(schemaFiles);
  if (prepared.schema.datasource?.provider && prepared.schema.datasource.provider !== 'postgresql') return;
  await compilerFor(prepared.datamodel).catch(() => undefined);
}

/** The innermost Prisma call whose range holds `offset`, compiled; undefined when there is no call there. */
export async function compileAt(file: { uri: string; text: string }, offset: number, schemaFiles: readonly EngineSchemaFile[]): Promise<CompiledSql | undefined> {
  const site = querySiteAt(file, offset, schemaFiles);
  return site ? compileCall(site, schemaFiles) : undefined;
}

let lastSites: { uri: string; text: string; schema: PrismaSchema | undefined; sites: QuerySite[] } | undefined;

/** The query sites of a file, remembered for the last file text: hovers over one file reuse its parse. */
function querySitesOf(file: { uri: string; text: string }, schema: PrismaSchema | undefined): QuerySite[] {
  if (lastSites && lastSites.uri === file.uri && lastSites.schema === schema && lastSites.text === file.text) return lastSites.sites;
  const sites = findWholeFileQuerySites(file, schema && modelsByDelegate(schema));
  lastSites = { uri: file.uri, text: file.text, schema, sites };
  return sites;
}

/** The innermost query site whose call holds `offset` (hover: only a call under the pointer answers). */
export function querySiteAt(file: { uri: string; text: string }, offset: number, schemaFiles: readonly EngineSchemaFile[]): QuerySite | undefined {
  const schema = schemaFiles.length > 0 ? prepareSchema(schemaFiles).schema : undefined;
  return innermostHolding(querySitesOf(file, schema), offset);
}

/** Where the user points at a call: the editor's cursor (an offset), or the CLI's `<file>:<line>` (a 0-based line). */
export type CallTarget = { offset: number } | { line: number };

/**
 * The call the user means, the same for "Explain Query at Cursor" and `prisma-lens explain`: the
 * innermost call whose text holds the cursor; else (the cursor in the line's indentation, on
 * `const posts = await` before the call or after it, or only a line given) the first call that
 * starts on the line; else the innermost call that spans the line. Undefined when there is none.
 */
export function querySiteMeant(file: { uri: string; text: string }, target: CallTarget, schemaFiles: readonly EngineSchemaFile[]): QuerySite | undefined {
  const schema = schemaFiles.length > 0 ? prepareSchema(schemaFiles).schema : undefined;
  return siteMeant(querySitesOf(file, schema), file.text, target);
}

/** `querySiteMeant` over sites already found. */
export function siteMeant(sites: readonly QuerySite[], text: string, target: CallTarget): QuerySite | undefined {
  const lines = new LineIndex(text);
  if ('offset' in target) {
    const offset = Math.max(0, Math.min(target.offset, text.length));
    const lineStart = lines.lineStartOf(offset);
    // A cursor in the indentation points at the line, not at a call that started on an earlier one.
    const inIndentation = text.slice(lineStart, offset).trim() === '';
    const held = inIndentation ? undefined : innermostHolding(sites, offset);
    if (held) return held;
    return siteOnLine(sites, lines, lines.positionAt(offset).line);
  }
  return siteOnLine(sites, lines, target.line);
}

function innermostHolding(sites: readonly QuerySite[], offset: number): QuerySite | undefined {
  let best: QuerySite | undefined;
  for (const site of sites) {
    if (offset < site.callSpan.start || offset > site.callSpan.end) continue;
    if (!best || length(site) < length(best)) best = site;
  }
  return best;
}

/** The first call that starts on the line (by its callee or its whole text); else the innermost call spanning it. */
function siteOnLine(sites: readonly QuerySite[], lines: LineIndex, line: number): QuerySite | undefined {
  const lineOf = (offset: number): number => lines.positionAt(offset).line;
  let first: QuerySite | undefined;
  for (const site of sites) {
    if (lineOf(site.span.start) !== line && lineOf(site.callSpan.start) !== line) continue;
    if (!first || site.callSpan.start < first.callSpan.start) first = site;
  }
  if (first) return first;
  let spanning: QuerySite | undefined;
  for (const site of sites) {
    if (lineOf(site.callSpan.start) > line || lineOf(site.callSpan.end) < line) continue;
    if (!spanning || length(site) < length(spanning)) spanning = site;
  }
  return spanning;
}

function length(site: QuerySite): number {
  return site.callSpan.end - site.callSpan.start;
}

/**
 * A model, field or enum value whose database name holds a double quote (or NUL). Prisma's query
 * compiler writes names between double quotes without doubling the ones inside, so such a name
 * (a hostile `@map`) ends the identifier early and the rest of it is read as SQL.
 */
function unquotableName(schema: PrismaSchema, files: readonly EngineSchemaFile[]): string | undefined {
  const bad = (name: string | undefined): boolean => name !== undefined && /["\u0000]/.test(name);
  for (const model of schema.models) {
    if (bad(model.dbName) || bad(model.dbSchema)) return `the model \`${model.name}\``;
    for (const field of model.fields) if (bad(field.dbName)) return `the field \`${model.name}.${field.name}\``;
  }
  // Enum values and anything the model does not keep: an escaped quote or NUL in a map or schema name.
  for (const file of files) {
    if (/@@?(?:map|schema)\(\s*(?:name\s*:\s*)?"(?:[^"\\\n]|\\.)*\\(?:"|0|u0000)/.test(file.text)) return 'a name';
  }
  return undefined;
}

function findModel(schema: PrismaSchema, delegate: string) {
  return schema.models.find((model) => model.kind !== 'type' && model.name.charAt(0).toLowerCase() + model.name.slice(1) === delegate);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
