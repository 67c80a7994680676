/**
 * Runs EXPLAIN for one statement without ever changing data: the generic plan of a prepared
 * statement for parameters only known at run time, EXPLAIN ANALYZE only on request, always inside
 * a transaction that is rolled back (READ ONLY for reads) and under a statement timeout.
 */
import { parseScript } from '../analysis/migrations/sql';
import { quoteIdent, quoteLiteral, type SqlSession } from './database-session';
import { checkStatement, checkWrapper, loadStatementGuard, type CheckedStatement } from './statement-guard';
import type { RawPlan, RawPlanNode } from '../../../shared/explain-protocol';

export type { RawPlan, RawPlanNode };

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
  /**
   * The database is Prisma Lens's own (embedded): a rolled-back write may advance its sequences and
   * fire its triggers. On the user's database, ANALYZE of such a write is refused.
   */
  ownDatabase?: boolean;
  /** SQL run inside the transaction before the plan (the "what if" index). */
  setup?: string;
}

export type ExplainOutcome =
  | { kind: 'plan'; plan: RawPlan; analyzed: boolean; generic: boolean }
  | { kind: 'needs-confirmation'; reason: string }
  | { kind: 'not-explainable'; reason: string }
  | { kind: 'error'; message: string };

const DEFAULT_TIMEOUT_MS = 10_000;
/** How long the server keeps a transaction this process left idle (it crashed, or the network went): then it rolls it back. */
const IDLE_IN_TRANSACTION_MS = 30_000;
let statementCounter = 0;

/** True for INSERT, UPDATE and DELETE (also inside a WITH) and `SELECT … FOR UPDATE`, as PostgreSQL's parser reads them; needs the guard loaded. */
export function isWriteStatement(sql: string): boolean {
  const checked = checkStatement(sql);
  return checked.ok ? checked.isWrite : /^\s*(insert|update|delete|merge)\b/i.test(sql);
}

/**
 * Explains one statement without ever changing data. The statement must pass the guard (one
 * SELECT/INSERT/UPDATE/DELETE, no function with effects beyond the transaction); every text goes
 * over the extended protocol, where PostgreSQL refuses a second statement; the plan is made inside
 * a transaction that is always rolled back (READ ONLY unless a confirmed write or the "what if"
 * index needs otherwise), under statement, lock and idle timeouts; after ANALYZE the session is reset.
 */
export async function explainStatement(session: SqlSession, statement: StatementToExplain, options: ExplainOptions = {}): Promise<ExplainOutcome> {
  await loadStatementGuard();
  const checked = checkStatement(statement.sql);
  if (!checked.ok) return { kind: 'not-explainable', reason: checked.reason };
  const write = checked.isWrite;
  const analyze = options.analyze === true;
  if (analyze && write && !options.writeConfirmed) {
    return { kind: 'needs-confirmation', reason: 'EXPLAIN ANALYZE runs the statement; this one writes, so it runs inside a transaction that is rolled back.' };
  }
  const setupProblem = options.setup !== undefined ? checkSetup(options.setup) : undefined;
  if (setupProblem) return { kind: 'not-explainable', reason: setupProblem };
  const count = checked.parameterCount;
  const values = Array.from({ length: count }, (_, index) => statement.params[index]);
  // Unknown values get the plan PostgreSQL would use for any value: the generic plan.
  const generic = !analyze || values.some((value) => value === undefined);
  const name = `prisma_lens_${process.pid}_${++statementCounter}`;
  const explainOptions = analyze ? 'FORMAT JSON, ANALYZE, BUFFERS' : 'FORMAT JSON';
  // Without ANALYZE nothing runs and the generic plan does not depend on the values: none is sent.
  const args = count > 0 ? `(${values.map((value) => (analyze ? sqlValue(value) : 'NULL')).join(', ')})` : '';
  const prepare = `PREPARE ${name} AS ${checked.sql}`;
  const execute = `EXPLAIN (${explainOptions}) EXECUTE ${name}${args}`;
  const wrapperProblem = checkWrapper(prepare, 'PrepareStmt') ?? checkWrapper(execute, 'ExplainExecute');
  if (wrapperProblem) return { kind: 'not-explainable', reason: wrapperProblem };
  const timeoutMs = Math.max(1, Math.round(options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  let began = false;
  let prepared = false;
  try {
    // The "what if" index is created inside the transaction, so only that case and a confirmed write are not READ ONLY.
    await session.exec((analyze && write) || options.setup ? 'BEGIN' : 'BEGIN READ ONLY');
    began = true;
    await session.exec(
      [
        `SET LOCAL statement_timeout = ${timeoutMs}`,
        `SET LOCAL lock_timeout = ${Math.min(timeoutMs, 2_000)}`,
        `SET LOCAL idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_MS}`,
        // Values are written as literals; with standard strings a backslash in them is only a character.
        'SET LOCAL standard_conforming_strings = on',
        ...(generic ? ['SET LOCAL plan_cache_mode = force_generic_plan'] : []),
      ].join('; '),
    );
    if (analyze && write && !options.ownDatabase) {
      const problem = await writeEffectsBeyondTransaction(session, checked.writeTargets);
      if (problem) return { kind: 'not-explainable', reason: problem };
    }
    if (options.setup) await session.exec(options.setup);
    await session.query(prepare);
    prepared = true;
    const rows = await session.query<Record<string, unknown>>(execute);
    const plan = readPlan(rows);
    if (!plan) return { kind: 'error', message: 'PostgreSQL returned no plan' };
    return { kind: 'plan', plan, analyzed: analyze, generic };
  } catch (error) {
    return { kind: 'error', message: describeQueryError(error) };
  } finally {
    if (began) await session.exec('ROLLBACK').catch(() => undefined);
    // PREPARE outlives a rollback; the name is dropped so the session stays clean.
    if (prepared) await session.exec(`DEALLOCATE ${name}`).catch(() => undefined);
    // A statement that ran may have left session state behind (a setting, a lock, a temporary table).
    if (analyze) await session.reset().catch(() => undefined);
  }
}

/** The "what if" index: exactly one CREATE INDEX, written by Prisma Lens from the plan. */
function checkSetup(sql: string): string | undefined {
  const parsed = parseScript(sql);
  if (parsed.errors.length > 0 || parsed.statements.length !== 1 || parsed.statements[0]!.kind !== 'IndexStmt') return 'the "what if" index is not one CREATE INDEX';
  return undefined;
}

/**
 * On the user's database, what a rolled-back write would still leave behind: a sequence its INSERT
 * advances (a rollback does not undo `nextval`), or triggers, whose functions may do anything.
 * Checked inside the transaction, before the statement runs.
 */
async function writeEffectsBeyondTransaction(session: SqlSession, targets: CheckedStatement['writeTargets']): Promise<string | undefined> {
  for (const target of targets) {
    const qualified = target.schema ? `${quoteIdent(target.schema)}.${quoteIdent(target.table)}` : quoteIdent(target.table);
    const [facts] = await session.query<{ found: boolean; sequences: string[] | null; triggers: string[] | null }>(
      `select to_regclass($1) is not null as found,
              (select array_agg(a.attname::text order by a.attnum) from pg_attribute a
                 left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                where a.attrelid = to_regclass($1) and a.attnum > 0 and not a.attisdropped
                  and (a.attidentity <> '' or pg_get_expr(d.adbin, d.adrelid) ilike '%nextval(%')) as sequences,
              (select array_agg(t.tgname::text order by t.tgname) from pg_trigger t
                where t.tgrelid = to_regclass($1) and not t.tgisinternal) as triggers`,
      [qualified],
    );
    if (!facts?.found) continue;
    if (target.insert && facts.sequences && facts.sequences.length > 0) {
      return `EXPLAIN ANALYZE of this insert would advance the sequence of "${target.table}.${facts.sequences[0]}", which a rollback does not undo; explain it without ANALYZE, or on the embedded database`;
    }
    if (facts.triggers && facts.triggers.length > 0) {
      return `EXPLAIN ANALYZE of this write would fire the trigger "${facts.triggers[0]}" on "${target.table}", whose effects Prisma Lens cannot check; explain it without ANALYZE, or on the embedded database`;
    }
  }
  return undefined;
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
