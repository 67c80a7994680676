/**
 * `prisma-lens explain <file>:<line>`: the SQL statements Prisma runs for the call on that line,
 * and PostgreSQL's plan for each: on the user's database (`--database-url`, else the project's
 * `DATABASE_URL` found the way Prisma finds it), or, when there is none or it does not answer, on
 * the embedded database with the schema's tables and generated rows.
 */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { indexFile } from '../analysis/code/file-index';
import { findQuerySites, type QuerySite } from '../analysis/code/query-sites';
import { parseSource } from '../analysis/code/syntax';
import { buildSchema } from '../analysis/schema/build';
import { LineIndex } from '../analysis/text';
import { ddlFromEmpty } from '../engines/schema-engine';
import { resolveDatabaseUrl } from '../explain/database';
import { ExplainDatabases, type DatabaseInfo } from '../explain/database-choice';
import { DEFAULT_ROWS_PER_TABLE } from '../explain/embedded';
import { explainStatement, type RawPlan } from '../explain/plan';
import { compileCall } from '../explain/sql';
import { schemaForCodeFile } from '../explain/sql-schema';
import type { SqlStatement } from '../explain/sql-types';

export type ExplainFormat = 'text' | 'json';

export interface ExplainCommand {
  kind: 'explain';
  file: string;
  line: number;
  databaseUrl: string | undefined;
  format: ExplainFormat;
  /** Rows generated per queried table in the embedded database. */
  rows: number;
}

export interface ExplainIo {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const MAX_CODE_FILE_BYTES = 5 * 1024 * 1024;

/** Parses the arguments after `explain`; a string is a usage error. */
export function parseExplainArgs(rest: readonly string[]): ExplainCommand | string {
  let target: string | undefined;
  let databaseUrl: string | undefined;
  let format: ExplainFormat = 'text';
  let rows = DEFAULT_ROWS_PER_TABLE;
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index]!;
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
  return { kind: 'explain', file: match[1]!, line: Number(match[2]), databaseUrl, format, rows };
}

interface ExplainedStatement extends SqlStatement {
  plan: RawPlan | null;
}

/** Runs the command; returns the exit status (0 done, 2 usage or input error). */
export async function runExplain(command: ExplainCommand, io: ExplainIo): Promise<number> {
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
  const uri = pathToFileURL(absolute).toString();
  const schema = schemaFiles.length > 0 ? buildSchema(schemaFiles.map((file) => ({ uri: file.path, text: file.text }))) : undefined;
  const sites = findQuerySites(indexFile(parseSource(uri, text)), uri, schema);
  const site = siteOnLine(sites, lines, command.line - 1);
  if (!site) return fail(`no Prisma call on ${command.file}:${command.line}`);
  const compiled = await compileCall(site, schemaFiles);
  if ('error' in compiled) return fail(`${command.file}:${command.line}: ${compiled.error}`);

  const statements: ExplainedStatement[] = compiled.statements.map((statement) => ({ ...statement, plan: null }));
  const url = await resolveDatabaseUrl({ setting: command.databaseUrl, schemaDir, projectRoot, schemaText: schemaFiles.map((file) => file.text).join('\n'), env: io.env });
  const databases = new ExplainDatabases();
  let database: DatabaseInfo | undefined;
  try {
    const request = { url, rowsPerTable: command.rows, ddl: () => schemaDdl(schemaFiles) };
    await databases.run(request, statements.map((statement) => statement.sql), async (session, info) => {
      database = info;
      for (const statement of statements) {
        const outcome = await explainStatement(session, { sql: statement.sql, params: statement.params.map((param) => ('value' in param ? param.value : undefined)) });
        if (outcome.kind === 'plan') statement.plan = outcome.plan;
        else io.stderr.write(`prisma-lens: no plan for statement ${statements.indexOf(statement) + 1}: ${'reason' in outcome ? outcome.reason : outcome.message}\n`);
      }
    });
  } catch (error) {
    io.stderr.write(`prisma-lens: no plans: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    await databases.dispose();
  }
  if (database) {
    if (database.fallbackReason) io.stderr.write(`prisma-lens: ${database.fallbackReason}\n`);
    io.stderr.write(`prisma-lens: plans from ${database.label}, ${database.detail}\n`);
  }

  const databaseJson = database ? { kind: database.kind, label: database.label, detail: database.detail } : null;
  io.stdout.write(command.format === 'json' ? `${JSON.stringify({ statements, database: databaseJson }, null, 2)}\n` : formatText(compiled.callee, statements));
  return 0;
}

/** Prisma's DDL for the schema, for the embedded database. */
async function schemaDdl(files: Parameters<typeof ddlFromEmpty>[0]): Promise<string | { error: string }> {
  try {
    return await ddlFromEmpty(files);
  } catch (error) {
    return { error: `Prisma's schema engine rejected the schema: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

/** The call whose callee is on the line; else the innermost call spanning it. */
function siteOnLine(sites: readonly QuerySite[], lines: LineIndex, line: number): QuerySite | undefined {
  const lineOf = (offset: number): number => lines.positionAt(offset).line;
  const onLine = sites.find((site) => lineOf(site.span.start) === line);
  if (onLine) return onLine;
  const spanning = sites.filter((site) => lineOf(site.callSpan.start) <= line && line <= lineOf(site.callSpan.end));
  return spanning.sort((a, b) => a.callSpan.end - a.callSpan.start - (b.callSpan.end - b.callSpan.start))[0];
}

function formatText(callee: string, statements: readonly ExplainedStatement[]): string {
  const parts = [`${callee}: ${statements.length === 1 ? '1 statement' : `${statements.length} statements`}`];
  statements.forEach((statement, index) => {
    parts.push(`\n-- ${index + 1}${statement.when ? ` (${statement.when})` : ''}\n${statement.sql}`);
    statement.params.forEach((param, position) => {
      parts.push(`   $${position + 1} ${'value' in param ? `= ${JSON.stringify(param.value)}` : `${param.name}`} (${param.type})`);
    });
    if (statement.plan) parts.push(planLines(statement.plan.Plan, 0).join('\n'));
  });
  return `${parts.join('\n')}\n`;
}

function planLines(node: RawPlan['Plan'], depth: number): string[] {
  const relation = typeof node['Relation Name'] === 'string' ? ` on ${node['Relation Name']}` : '';
  const index = typeof node['Index Name'] === 'string' ? ` using ${node['Index Name']}` : '';
  const cost = typeof node['Total Cost'] === 'number' ? `  (cost ${node['Total Cost']}, rows ${String(node['Plan Rows'])})` : '';
  const own = `${'  '.repeat(depth)}${depth === 0 ? 'plan: ' : '-> '}${node['Node Type']}${relation}${index}${cost}`;
  return [own, ...(node.Plans ?? []).flatMap((child) => planLines(child, depth + 1))];
}
