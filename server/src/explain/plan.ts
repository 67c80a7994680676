/**
 * Runs EXPLAIN for one statement without ever changing data: the generic plan of a prepared
 * statement for parameters only known at run time, EXPLAIN ANALYZE only on request, always inside
 * a transaction that is rolled back (READ ONLY for reads) and under a statement timeout.
 */
import { quoteLiteral, type SqlSession } from './database-session';

export interface StatementToExplain {
  sql: string;
  /** Values in `$n` order; `undefined` marks a value only known at run time. */
  params: readonly unknown[];
}

export interface ExplainOptions {
  /** Run the statement (EXPLAIN ANALYZE) inside a rolled-back transaction. */
  analyze?: boolean;
  /** The user confirmed that a write may be run (and rolled back) for EXPLAIN ANALYZE. */
  writeConfirmed?: boolean;
  /** Statement timeout, 10 seconds by default. */
  timeoutMs?: number;
  /** SQL run inside the transaction before the plan (the "what if" index). */
  setup?: string;
}

export type ExplainOutcome =
  | { kind: 'plan'; plan: RawPlan; analyzed: boolean; generic: boolean }
  | { kind: 'needs-confirmation'; reason: string }
  | { kind: 'not-explainable'; reason: string }
  | { kind: 'error'; message: string };

/** PostgreSQL's JSON plan: the first element of `EXPLAIN (FORMAT JSON)`. */
export interface RawPlan {
  Plan: RawPlanNode;
  'Planning Time'?: number;
  'Execution Time'?: number;
  [key: string]: unknown;
}

export interface RawPlanNode {
  'Node Type': string;
  Plans?: RawPlanNode[];
  [key: string]: unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;
let statementCounter = 0;

/** True for INSERT, UPDATE, DELETE and MERGE, including inside a WITH. */
export function isWriteStatement(sql: string): boolean {
  const code = stripLiteralsAndComments(sql);
  return /^\s*(insert|update|delete|merge)\b/i.test(code) || /\b(insert\s+into|update\s+(only\s+)?("[^"]+"|\w+)(\s*\.\s*("[^"]+"|\w+))?(\s+(as\s+)?\w+)?\s+set|delete\s+from|merge\s+into)\b/i.test(code);
}

/** Statements EXPLAIN accepts. */
export function isExplainable(sql: string): boolean {
  return /^\s*(\(\s*)*(select|with|insert|update|delete|merge|values|table)\b/i.test(stripLiteralsAndComments(sql));
}

/** Number of `$n` parameters a statement uses (the highest n). */
export function parameterCount(sql: string): number {
  let highest = 0;
  for (const match of stripLiteralsAndComments(sql).matchAll(/\$(\d+)/g)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

export async function explainStatement(session: SqlSession, statement: StatementToExplain, options: ExplainOptions = {}): Promise<ExplainOutcome> {
  if (!isExplainable(statement.sql)) return { kind: 'not-explainable', reason: 'only queries (SELECT, INSERT, UPDATE, DELETE) have a plan' };
  const write = isWriteStatement(statement.sql);
  const analyze = options.analyze === true;
  if (analyze && write && !options.writeConfirmed) {
    return { kind: 'needs-confirmation', reason: 'EXPLAIN ANALYZE runs the statement; this one writes, so it runs inside a transaction that is rolled back. Sequences it advances stay advanced.' };
  }
  const count = parameterCount(statement.sql);
  const values = Array.from({ length: count }, (_, index) => statement.params[index]);
  // Unknown values get the plan PostgreSQL would use for any value: the generic plan.
  const generic = !analyze || values.some((value) => value === undefined);
  const name = `prisma_lens_${process.pid}_${++statementCounter}`;
  const explainOptions = analyze ? 'FORMAT JSON, ANALYZE, BUFFERS' : 'FORMAT JSON';
  const args = count > 0 ? `(${values.map(sqlValue).join(', ')})` : '';
  let began = false;
  let prepared = false;
  try {
    // The "what if" index is created inside the transaction, so only that case and a confirmed write are not READ ONLY.
    await session.exec((analyze && write) || options.setup ? 'BEGIN' : 'BEGIN READ ONLY');
    began = true;
    await session.exec(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.timeoutMs ?? DEFAULT_TIMEOUT_MS))}`);
    await session.exec(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 2_000)))}`);
    if (generic) await session.exec('SET LOCAL plan_cache_mode = force_generic_plan');
    if (options.setup) await session.exec(options.setup);
    await session.exec(`PREPARE ${name} AS ${statement.sql}`);
    prepared = true;
    const rows = await session.query<Record<string, unknown>>(`EXPLAIN (${explainOptions}) EXECUTE ${name}${args}`);
    const plan = readPlan(rows);
    if (!plan) return { kind: 'error', message: 'PostgreSQL returned no plan' };
    return { kind: 'plan', plan, analyzed: analyze, generic };
  } catch (error) {
    return { kind: 'error', message: describeQueryError(error) };
  } finally {
    if (began) await session.exec('ROLLBACK').catch(() => undefined);
    // PREPARE outlives a rollback; the name is dropped so the session stays clean.
    if (prepared) await session.exec(`DEALLOCATE ${name}`).catch(() => undefined);
  }
}

/** `EXPLAIN (FORMAT JSON)` returns one row with one column holding a one-element array (as text or parsed). */
function readPlan(rows: Record<string, unknown>[]): RawPlan | undefined {
  const cell = rows[0] ? Object.values(rows[0])[0] : undefined;
  const value = typeof cell === 'string' ? (JSON.parse(cell) as unknown) : cell;
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  if (first && typeof first === 'object' && 'Plan' in first) return first as RawPlan;
  return undefined;
}

/** A parameter value as an SQL literal for `EXECUTE name(…)`; PostgreSQL casts it to the parameter's type. */
export function sqlValue(value: unknown): string {
  if (value === undefined || value === null) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return quoteLiteral(String(value));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return quoteLiteral(value.toISOString());
  if (Array.isArray(value)) return quoteLiteral(`{${value.map((item) => (item === null ? 'NULL' : `"${String(item).replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`);
  if (typeof value === 'object') return quoteLiteral(JSON.stringify(value));
  return quoteLiteral(String(value));
}

/** The database's message, with the hint PostgreSQL gives, for the panel. */
export function describeQueryError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = error as Error & { code?: string; hint?: string };
  if (details.code === '57014') return 'the statement ran longer than the statement timeout and was cancelled';
  if (details.code === '55P03') return 'the statement waited too long for a lock and was cancelled';
  return details.hint ? `${error.message} (${details.hint})` : error.message;
}

/** The SQL with string literals, quoted identifiers and comments blanked, so keywords inside them are not seen. */
function stripLiteralsAndComments(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''");
}
