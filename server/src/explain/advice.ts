/**
 * Reads a plan the way a database engineer would: which nodes cost (a sequential scan of a large
 * table under a filter, a big sort without an index, a nested loop that runs its inner side many
 * times, an estimate far off the actual rows), and which `@@index([…])` on which model avoids a scan.
 */
import { indexNeedOfColumns, proposeIndex, type ColumnRead } from '../analysis/facts/index-proposal';
import { addIndexEdit } from '../analysis/facts/schema-edits';
import type { Model, PrismaSchema } from '../analysis/schema/model';
import { qualifiedName, quoteIdent } from './database-session';
import type { PlanNode, PlanTree } from './plan-tree';
import type { HighlightKind, PlanHighlight, SchemaEdit, IndexSuggestion } from '../../../shared/explain-protocol';

export type { HighlightKind, PlanHighlight, SchemaEdit, IndexSuggestion };

export interface PlanAdvice {
  highlights: PlanHighlight[];
  suggestions: IndexSuggestion[];
}

export interface AdviceContext {
  /** Rows per table (`schema.table` or `table`), from pg_class.reltuples. */
  tableRows: ReadonlyMap<string, number>;
  schema: PrismaSchema | undefined;
}

export const LARGE_TABLE_ROWS = 10_000;
export const BIG_SORT_ROWS = 10_000;
export const MANY_LOOPS = 1_000;
export const ESTIMATE_FACTOR = 10;

export function advise(tree: PlanTree, context: AdviceContext): PlanAdvice {
  const highlights: PlanHighlight[] = [];
  const suggestions: IndexSuggestion[] = [];
  const suggest = (suggestion: IndexSuggestion | undefined): void => {
    if (suggestion && !suggestions.some((other) => other.indexText === suggestion.indexText && other.model === suggestion.model)) suggestions.push(suggestion);
  };
  const byId = new Map(tree.nodes.map((node) => [node.id, node]));
  for (const node of tree.nodes) {
    const rows = node.relation ? tableRowsOf(context.tableRows, node) : undefined;
    const filter = node.conditions.find((condition) => condition.label === 'Filter');
    const parent = node.parentId === undefined ? undefined : byId.get(node.parentId);
    const innerOfLoop = parent?.nodeType === 'Nested Loop' && node.parentRelationship === 'inner';
    if (isSeqScan(node) && filter && ((rows ?? 0) >= LARGE_TABLE_ROWS || (innerOfLoop && (node.loops ?? 0) >= MANY_LOOPS))) {
      highlights.push({
        nodeId: node.id,
        kind: 'seq-scan',
        severity: 'warning',
        message: `Sequential scan of ${node.relation} (${formatRows(rows ?? node.estimatedRows)} rows) to find the rows matching ${filter.text}: every row is read${node.loops && node.loops > 1 ? `, ${formatRows(node.loops)} times` : ''}.`,
      });
      // Rows sorted to take the first few are read in order from an index that also holds the sort key, as the rule proposes.
      const sortKey = limitedSortKeyAbove(node, byId);
      suggest(indexSuggestion(node, context.schema, columnsOf(filter.text, node, context.schema), sortKey ? sortColumnsOf(sortKey, node, context.schema) : []));
    }
    if (node.nodeType === 'Sort' || node.nodeType === 'Incremental Sort') {
      const sorted = node.actualRows ?? node.estimatedRows;
      const onDisk = node.sortSpaceType === 'Disk';
      if (sorted >= BIG_SORT_ROWS || onDisk) {
        const key = node.conditions.find((condition) => condition.label === 'Sort Key')?.text ?? '';
        highlights.push({
          nodeId: node.id,
          kind: 'big-sort',
          severity: 'warning',
          message: `Sorts ${formatRows(sorted)} rows by ${key}${onDisk ? ', spilling to disk' : ''}: no index delivers them in this order.`,
        });
        const scan = scanUnder(node, byId);
        if (scan) {
          const scanFilter = scan.conditions.find((condition) => condition.label === 'Filter');
          // The whole filter is passed: with a sort, the proposal keeps its equalities and flags and leaves its ranges out.
          const filtered = scanFilter ? columnsOf(scanFilter.text, scan, context.schema) : [];
          suggest(indexSuggestion(scan, context.schema, filtered, sortColumnsOf(key, scan, context.schema), node.id));
        }
      }
    }
    if (node.nodeType === 'Nested Loop') {
      const inner = node.childIds.map((id) => byId.get(id)!).find((child) => child.parentRelationship === 'inner');
      const outer = node.childIds.map((id) => byId.get(id)!).find((child) => child.parentRelationship === 'outer');
      const loops = inner?.loops ?? (outer ? (outer.actualRows ?? outer.estimatedRows) : 0);
      if (inner && loops >= MANY_LOOPS) {
        highlights.push({
          nodeId: node.id,
          kind: 'many-loops',
          severity: isSeqScan(inner) ? 'warning' : 'info',
          message: `Nested loop runs its inner side (${describeNode(inner)}) ${formatRows(loops)} times${isSeqScan(inner) ? ', scanning the table each time' : ''}.`,
        });
      }
    }
    if (node.actualRows !== undefined && (node.loops ?? 1) > 0) {
      const actual = node.actualRows;
      const estimated = node.estimatedRows;
      const factor = Math.max(actual, 1) / Math.max(estimated, 1);
      if ((factor >= ESTIMATE_FACTOR || factor <= 1 / ESTIMATE_FACTOR) && Math.abs(actual - estimated) >= 100) {
        highlights.push({
          nodeId: node.id,
          kind: 'estimate-off',
          severity: 'info',
          message: `Estimated ${formatRows(estimated)} rows, got ${formatRows(actual)} (${factor >= 1 ? `${Math.round(factor)}× more` : `${Math.round(1 / factor)}× fewer`}): the planner's statistics are off, so it may pick the wrong plan. ANALYZE the table, or raise its statistics target.`,
        });
      }
    }
  }
  // An index that leads with another suggestion's columns serves both: only the longer one is offered.
  const covered = (short: IndexSuggestion, long: IndexSuggestion): boolean =>
    short !== long && short.model === long.model && short.columns.length < long.columns.length && short.columns.every((column, position) => long.columns[position]?.name === column.name);
  return { highlights, suggestions: suggestions.filter((suggestion) => !suggestions.some((other) => covered(suggestion, other))) };
}

/** Columns of the scanned table a condition mentions; equality comparisons first. */
export function columnsOf(condition: string, node: PlanNode, schema: PrismaSchema | undefined): ColumnRead[] {
  const known = knownColumns(node, schema);
  const uses: ColumnRead[] = [];
  const identifier = /(?:^|[^:\w."])(?:("(?:[^"]|"")+"|\w+)\.)?("(?:[^"]|"")+"|[A-Za-z_]\w*)/g;
  for (const match of condition.matchAll(identifier)) {
    const qualifier = match[1] ? unquote(match[1]) : undefined;
    const name = unquote(match[2]!);
    // `u.id` in a scan of posts is the other side of a join, not a column of this table.
    if (qualifier !== undefined && qualifier !== node.alias && qualifier !== node.relation) continue;
    if (!known(name) || uses.some((use) => use.column === name)) continue;
    const at = (match.index ?? 0) + match[0].length;
    const after = condition.slice(at, at + 24);
    const before = condition.slice(Math.max(0, (match.index ?? 0) - 8), (match.index ?? 0) + 1);
    const equality = /^\)?(?:::[\w ]+)?\)?\s*(=|IS NULL|= ANY)/i.test(after) || /=\s*\(?$/.test(before);
    uses.push({ column: name, equality });
  }
  return [...uses.filter((use) => use.equality), ...uses.filter((use) => !use.equality)].slice(0, 3);
}

function unquote(identifier: string): string {
  return identifier.startsWith('"') ? identifier.slice(1, -1).replace(/""/g, '"') : identifier;
}

/** Columns of a `Sort Key` (`t0."createdAt" DESC, t0.id`). */
function sortColumnsOf(key: string, node: PlanNode, schema: PrismaSchema | undefined): { column: string; descending: boolean }[] {
  const known = knownColumns(node, schema);
  const columns: { column: string; descending: boolean }[] = [];
  for (const part of key.split(',')) {
    const match = /("(?:[^"]|"")+"|[A-Za-z_]\w*)\s*(?:::[\w ]+)?\s*(DESC)?/i.exec(part.trim().replace(/^(?:(?:"(?:[^"]|"")+"|\w+)\.)/, ''));
    if (!match) break;
    const name = match[1]!.startsWith('"') ? match[1]!.slice(1, -1) : match[1]!;
    if (!known(name)) break;
    columns.push({ column: name, descending: match[2] !== undefined });
  }
  return columns;
}

function knownColumns(node: PlanNode, schema: PrismaSchema | undefined): (name: string) => boolean {
  const model = modelOf(node, schema);
  if (model) {
    const names = new Set(model.fields.filter((field) => !field.relation && !field.isList).map((field) => field.dbName));
    return (name) => names.has(name);
  }
  const keywords = /^(AND|OR|NOT|IS|NULL|TRUE|FALSE|ANY|ALL|LIKE|ILIKE|IN|text|integer|bigint|boolean|timestamp|without|with|time|zone|numeric|character|varying|SubPlan|hashed|DESC|ASC|NULLS|FIRST|LAST)$/i;
  return (name) => !keywords.test(name) && !/^\$\d+$/.test(name) && name !== node.alias;
}

function modelOf(node: PlanNode, schema: PrismaSchema | undefined): Model | undefined {
  if (!schema || !node.relation) return undefined;
  return schema.models.find((model) => model.kind === 'model' && model.dbName === node.relation && (!model.dbSchema || !node.schema || model.dbSchema === node.schema));
}

/** Nodes that pass rows on as they are, in the same order. */
const PASS_THROUGH = ['Limit', 'Materialize', 'Result', 'Gather', 'Gather Merge'];

/** The one scan a sort reads, through nodes that keep rows as they are (Limit, Materialize, Result). */
function scanUnder(node: PlanNode, byId: ReadonlyMap<number, PlanNode>): PlanNode | undefined {
  let current = node;
  while (current.childIds.length === 1) {
    current = byId.get(current.childIds[0]!)!;
    if (isSeqScan(current)) return current;
    if (!PASS_THROUGH.includes(current.nodeType)) return undefined;
  }
  return undefined;
}

/** The `Sort Key` of a sort that reads the scan and feeds a Limit (`ORDER BY … LIMIT n`), through pass-through nodes. */
function limitedSortKeyAbove(scan: PlanNode, byId: ReadonlyMap<number, PlanNode>): string | undefined {
  const above = (node: PlanNode): PlanNode | undefined => {
    let parent = node.parentId === undefined ? undefined : byId.get(node.parentId);
    while (parent && parent.nodeType !== 'Limit' && PASS_THROUGH.includes(parent.nodeType) && parent.childIds.length === 1) parent = parent.parentId === undefined ? undefined : byId.get(parent.parentId);
    return parent;
  };
  const sort = above(scan);
  if (!sort || (sort.nodeType !== 'Sort' && sort.nodeType !== 'Incremental Sort') || above(sort)?.nodeType !== 'Limit') return undefined;
  return sort.conditions.find((condition) => condition.label === 'Sort Key')?.text;
}

/**
 * The index that avoids the scan, proposed by the function the `unindexed-query` rule uses, from the
 * columns the plan shows mapped to the model's fields; undefined when an index already leads with them.
 */
function indexSuggestion(
  scan: PlanNode,
  schema: PrismaSchema | undefined,
  filter: readonly ColumnRead[],
  sort: readonly { column: string; descending: boolean }[],
  nodeId = scan.id,
): IndexSuggestion | undefined {
  const model = modelOf(scan, schema);
  if (!model || !scan.relation) return undefined;
  const need = indexNeedOfColumns(model, filter, sort);
  const proposed = need && proposeIndex(need);
  if (!proposed || isCoveredBy(model, proposed.fields.map((field) => field.name))) return undefined;
  const columns = proposed.fields.map((entry) => ({ name: model.fields.find((field) => field.name === entry.name)!.dbName, descending: entry.descending }));
  const dbSchema = scan.schema ?? model.dbSchema ?? 'public';
  const text = schema?.files.find((file) => file.uri === model.uri)?.text;
  return {
    nodeId,
    model: model.name,
    indexText: proposed.text,
    table: scan.relation,
    schema: dbSchema,
    columns,
    createIndexSql: `CREATE INDEX ON ${qualifiedName(dbSchema, scan.relation)} (${columns.map((column) => `${quoteIdent(column.name)}${column.descending ? ' DESC' : ''}`).join(', ')})`,
    edit: text === undefined ? undefined : addIndexEdit(model, text, proposed.text),
  };
}

/** True when an index of the model already starts with these fields, in this order. */
function isCoveredBy(model: Model, fields: readonly string[]): boolean {
  return model.indexes.some((index) => index.kind !== 'fulltext' && fields.every((field, position) => index.fields[position]?.name === field));
}

function tableRowsOf(rows: ReadonlyMap<string, number>, node: PlanNode): number | undefined {
  return (node.schema ? rows.get(`${node.schema}.${node.relation}`) : undefined) ?? rows.get(node.relation!);
}

/** `Seq Scan`, or `Parallel Seq Scan` under a Gather. */
function isSeqScan(node: PlanNode): boolean {
  return node.nodeType === 'Seq Scan' || node.nodeType === 'Parallel Seq Scan';
}

function describeNode(node: PlanNode): string {
  return node.relation ? `${node.nodeType} on ${node.relation}` : node.nodeType;
}

function formatRows(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
