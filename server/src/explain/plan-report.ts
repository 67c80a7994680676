/** Explains every statement of a call on one database session and reads each plan: tree, highlights, index advice, "what if". */
import type { PrismaSchema } from '../analysis/schema/model';
import { advise, type IndexSuggestion } from './advice';
import type { SqlSession } from './database-session';
import { explainStatement, isWriteStatement, type ExplainOptions, type StatementToExplain } from './plan';
import { toPlanTree, type PlanTree } from './plan-tree';
import type { StatementReport, WhatIfReport } from '../../../shared/explain-protocol';

export type { StatementReport, WhatIfReport };

export async function explainStatements(
  session: SqlSession,
  statements: readonly StatementToExplain[],
  options: ExplainOptions,
  schema: PrismaSchema | undefined,
): Promise<StatementReport[]> {
  const reports: StatementReport[] = [];
  for (const statement of statements) {
    const outcome = await explainStatement(session, statement, options);
    const base = {
      sql: statement.sql,
      params: statement.params.map((value) => (value === undefined ? null : value)),
      unknownParams: statement.params.flatMap((value, index) => (value === undefined ? [index + 1] : [])),
      isWrite: isWriteStatement(statement.sql),
      highlights: [],
      suggestions: [],
    };
    if (outcome.kind !== 'plan') {
      reports.push({ ...base, status: outcome.kind, message: outcome.kind === 'error' ? outcome.message : outcome.reason });
      continue;
    }
    const tree = toPlanTree(outcome.plan);
    const tableRows = await tableRowsFor(session, tree);
    const advice = advise(tree, { tableRows, schema });
    reports.push({ ...base, status: 'plan', plan: outcome.plan, tree, analyzed: outcome.analyzed, generic: outcome.generic, ...advice });
  }
  return reports;
}

/** The plan with an index added, inside the same rolled-back transaction; for the embedded database only. */
export async function explainWithIndex(session: SqlSession, statement: StatementToExplain, suggestion: Pick<IndexSuggestion, 'indexText' | 'createIndexSql'>, before: PlanTree | undefined): Promise<WhatIfReport> {
  const outcome = await explainStatement(session, statement, { setup: suggestion.createIndexSql, timeoutMs: 60_000 });
  const beforeCost = before?.totalCost ?? 0;
  if (outcome.kind !== 'plan') {
    return { indexText: suggestion.indexText, createIndexSql: suggestion.createIndexSql, before: { totalCost: beforeCost, tree: before }, after: { error: outcome.kind === 'error' ? outcome.message : outcome.reason } };
  }
  const tree = toPlanTree(outcome.plan);
  return { indexText: suggestion.indexText, createIndexSql: suggestion.createIndexSql, before: { totalCost: beforeCost, tree: before }, after: { totalCost: tree.totalCost, tree } };
}

/** Row counts the planner believes for the tables a plan reads (pg_class.reltuples; -1 before any ANALYZE). */
async function tableRowsFor(session: SqlSession, tree: PlanTree): Promise<Map<string, number>> {
  const rows = new Map<string, number>();
  const names = [...new Set(tree.nodes.flatMap((node) => (node.relation ? [node.relation] : [])))];
  if (names.length === 0) return rows;
  try {
    const result = await session.query<{ schema: string; name: string; tuples: number | string }>(
      `select n.nspname as schema, c.relname as name, c.reltuples::float8 as tuples
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind in ('r', 'p', 'm') and c.relname = any($1::text[])`,
      [names],
    );
    for (const row of result) {
      const tuples = Number(row.tuples);
      if (tuples < 0) continue;
      rows.set(`${row.schema}.${row.name}`, tuples);
      if (!rows.has(row.name)) rows.set(row.name, tuples);
    }
  } catch {
    // Without row counts the advice falls back to the planner's own estimates.
  }
  return rows;
}
