/**
 * How a plan reads in words and numbers (each node's title and metrics, the facts about the whole
 * plan, the number formats), the same in the EXPLAIN panel and the CLI's text report.
 */
// Pure, with no Node or browser API, so that the webview bundle and the CLI both import it; the plan's
// types come from the shared protocol, as types only.
import type { PlanNode, PlanTree } from './explain-protocol';

export function formatRows(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatCost(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

export function formatMs(value: number): string {
  return value >= 100 ? `${Math.round(value).toLocaleString('en-US')} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`;
}

/** The parts of a node's title: `Nested Loop` ` Left`, ` on ` `posts` ` t0`, ` using ` `posts_pkey`. */
export interface NodeTitle {
  nodeType: string;
  joinType?: string;
  relation?: string;
  /** Shown when it differs from the relation. */
  alias?: string;
  index?: string;
}

export function nodeTitle(node: PlanNode): NodeTitle {
  return {
    nodeType: node.nodeType,
    ...(node.joinType && (node.nodeType === 'Nested Loop' || node.nodeType.endsWith('Join')) ? { joinType: node.joinType } : {}),
    ...(node.relation ? { relation: node.relation } : {}),
    ...(node.alias && node.alias !== node.relation ? { alias: node.alias } : {}),
    ...(node.index ? { index: node.index } : {}),
  };
}

/** `Seq Scan on posts t0 using …`, for plain text. */
export function nodeTitleText(node: PlanNode): string {
  const title = nodeTitle(node);
  return `${title.nodeType}${title.joinType ? ` ${title.joinType}` : ''}${title.relation ? ` on ${title.relation}` : ''}${title.alias ? ` ${title.alias}` : ''}${title.index ? ` using ${title.index}` : ''}`;
}

/** `est. 20 rows`, `actual 18 × 3 loops`, the node's own time, its cost, rows a filter removed, how it sorted. */
export function nodeMetrics(node: PlanNode): string[] {
  const metrics: string[] = [`est. ${formatRows(node.estimatedRows)} rows`];
  if (node.actualRows !== undefined) metrics.push(`actual ${formatRows(node.actualRows)}${node.loops && node.loops > 1 ? ` × ${formatRows(node.loops)} loops` : ''}`);
  if (node.selfTimeMs !== undefined) metrics.push(formatMs(node.selfTimeMs));
  metrics.push(`cost ${formatCost(node.totalCost)}`);
  if (node.rowsRemovedByFilter) metrics.push(`${formatRows(node.rowsRemovedByFilter)} removed by filter`);
  if (node.sortMethod) metrics.push(`${node.sortMethod}${node.sortSpaceKb !== undefined ? `, ${node.sortSpaceKb} kB ${node.sortSpaceType ?? ''}` : ''}`);
  return metrics;
}

/** `Total cost 4,512`, planning and execution times, and which kind of plan it is. */
export function planFacts(tree: PlanTree, statement: { analyzed?: boolean; generic?: boolean }): string[] {
  const facts = [`Total cost ${formatCost(tree.totalCost)}`];
  if (tree.planningMs !== undefined) facts.push(`planning ${formatMs(tree.planningMs)}`);
  if (tree.executionMs !== undefined) facts.push(`execution ${formatMs(tree.executionMs)}`);
  facts.push(statement.analyzed ? 'EXPLAIN ANALYZE, rolled back' : statement.generic ? 'generic plan: the parameters are not known until run time' : 'estimated plan');
  return facts;
}

/** The sentence under an index suggestion: `An index on posts (published, published_at) avoids this scan: `. */
export function suggestionLead(suggestion: { table: string; columns: readonly { name: string; descending: boolean }[] }): string {
  return `An index on ${suggestion.table} (${suggestion.columns.map((column) => column.name + (column.descending ? ' DESC' : '')).join(', ')}) avoids this scan: `;
}
