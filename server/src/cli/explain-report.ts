/**
 * The report of `prisma-lens explain`, with what the EXPLAIN panel shows: per statement its SQL
 * (laid out one clause per line in text, as the compiler wrote it in JSON), parameters, plan tree,
 * highlights and index advice, and the database the plans come from with why, on a fallback.
 */
import type { DatabaseInfo } from '../explain/database-choice';
import type { StatementReport } from '../explain/plan-report';
import type { PlanNode, PlanTree } from '../explain/plan-tree';
import type { SqlStatement } from '../explain/sql-types';
import { nodeMetrics, nodeTitleText, planFacts, suggestionLead } from '../../../shared/plan-text';
import { layoutSql } from '../../../shared/sql-layout';

/** One statement: what the compiler produced, and what the database said about it (absent when no database could be used). */
export interface ExplainedStatement {
  statement: SqlStatement;
  report: StatementReport | undefined;
}

export interface ExplainReport {
  callee: string;
  /** `src/feed.ts:7`, as the user gave it. */
  location: string;
  statements: ExplainedStatement[];
  database: DatabaseInfo | undefined;
  /** Why there are no plans at all (neither database could be used). */
  noPlans?: string;
}

/** The message for a write whose EXPLAIN ANALYZE was refused, in the CLI's terms. */
export const WRITE_REFUSED = 'not analysed: this statement writes, and EXPLAIN ANALYZE runs it; pass --allow-writes to run it inside a transaction that is rolled back';

export function formatExplainText(report: ExplainReport): string {
  const count = report.statements.length;
  const lines = [`${report.callee} (${report.location}): ${count === 1 ? '1 statement' : `${count} statements`}`];
  if (report.database) {
    lines.push(`Database: ${report.database.label}, ${report.database.detail}`);
    if (report.database.fallbackReason) lines.push(`${report.database.fallbackReason} The plans below come from the embedded database.`);
    for (const problem of report.database.problems) lines.push(`  ${problem}`);
  }
  if (report.noPlans) lines.push(`No plans: ${report.noPlans}`);
  report.statements.forEach(({ statement, report: explained }, index) => {
    lines.push('', `-- Statement ${index + 1} of ${count}${statement.when ? ` (${statement.when})` : ''}`, layoutSql(statement.sql));
    statement.params.forEach((param, position) => {
      lines.push(`   $${position + 1} ${'value' in param ? `= ${JSON.stringify(param.value)} (${param.type})` : `${param.name} (${param.type}), known at run time`}`);
    });
    if (!explained) return;
    if (explained.status !== 'plan' || !explained.tree) {
      lines.push(explained.status === 'needs-confirmation' ? WRITE_REFUSED : `No plan: ${explained.message ?? 'PostgreSQL returned none'}`);
      return;
    }
    lines.push(`plan: ${planFacts(explained.tree, explained).join(' · ')}`, ...treeLines(explained.tree));
    if (explained.highlights.length > 0) {
      lines.push('highlights:');
      for (const highlight of explained.highlights) lines.push(`  ${highlight.severity === 'warning' ? '!' : '-'} ${highlight.message}`);
    }
    if (explained.suggestions.length > 0) {
      lines.push('index advice:');
      for (const suggestion of explained.suggestions) lines.push(`  ${suggestionLead(suggestion)}${suggestion.indexText} on model ${suggestion.model}`);
    }
  });
  return `${lines.join('\n')}\n`;
}

/** The plan as an indented tree: each node's title and metrics, its conditions beneath it. */
function treeLines(tree: PlanTree): string[] {
  const byId = new Map(tree.nodes.map((node) => [node.id, node]));
  const lines: string[] = [];
  const visit = (node: PlanNode, depth: number): void => {
    const indent = '  '.repeat(depth + 1);
    lines.push(`${indent}${depth === 0 ? '' : '-> '}${nodeTitleText(node)}  (${nodeMetrics(node).join(' · ')})`);
    for (const condition of node.conditions) lines.push(`${indent}${depth === 0 ? '' : '   '}   ${condition.label}: ${condition.text}`);
    for (const id of node.childIds) visit(byId.get(id)!, depth + 1);
  };
  const root = tree.nodes.find((node) => node.parentId === undefined);
  if (root) visit(root, 0);
  return lines;
}

/**
 * `{"callee","statements":[{"sql","params","status","plan","highlights","suggestions",…}],"highlights","advice","database","fallbackReason"}`:
 * the SQL exactly as the compiler produced it; highlights and advice also gathered over all
 * statements, each naming its statement (1-based); `error` when no database could be used.
 */
export function formatExplainJson(report: ExplainReport): string {
  const statements = report.statements.map(({ statement, report: explained }) => ({
    sql: statement.sql,
    ...(statement.when ? { when: statement.when } : {}),
    params: statement.params,
    status: explained ? explained.status : 'no-database',
    ...(explained?.status === 'needs-confirmation' ? { message: WRITE_REFUSED } : explained?.message ? { message: explained.message } : {}),
    analyzed: explained?.analyzed ?? false,
    generic: explained?.generic ?? false,
    plan: explained?.plan ?? null,
    highlights: (explained?.highlights ?? []).map((highlight) => ({ kind: highlight.kind, severity: highlight.severity, message: highlight.message, node: nodeNamed(explained?.tree, highlight.nodeId) })),
    suggestions: (explained?.suggestions ?? []).map(({ model, indexText, table, schema, columns, createIndexSql }) => ({ model, indexText, table, schema, columns, createIndexSql })),
  }));
  const advice: ((typeof statements)[number]['suggestions'][number] & { statement: number })[] = [];
  statements.forEach((statement, index) => {
    for (const suggestion of statement.suggestions) {
      if (!advice.some((other) => other.model === suggestion.model && other.indexText === suggestion.indexText)) advice.push({ statement: index + 1, ...suggestion });
    }
  });
  const database = report.database;
  const json = {
    callee: report.callee,
    statements,
    highlights: statements.flatMap((statement, index) => statement.highlights.map((highlight) => ({ statement: index + 1, ...highlight }))),
    advice,
    database: database ? { kind: database.kind, label: database.label, detail: database.detail, ...(database.rowsPerTable !== undefined ? { rowsPerTable: database.rowsPerTable } : {}), problems: database.problems } : null,
    fallbackReason: database?.fallbackReason ?? null,
    ...(report.noPlans ? { error: `no plans: ${report.noPlans}` } : {}),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** `Seq Scan on posts`: the plan node a highlight is about. */
function nodeNamed(tree: PlanTree | undefined, nodeId: number): string | undefined {
  const node = tree?.nodes.find((candidate) => candidate.id === nodeId);
  return node ? nodeTitleText(node) : undefined;
}
