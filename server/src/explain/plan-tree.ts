/** PostgreSQL's JSON plan as a flat, display-ready tree: what each node does, on what, and its share of the cost or time. */
import type { RawPlan, RawPlanNode } from './plan';
import type { PlanCondition, PlanNode, PlanTree } from '../../../shared/explain-protocol';

export type { PlanCondition, PlanNode, PlanTree };

const CONDITION_KEYS = ['Index Cond', 'Recheck Cond', 'Filter', 'Join Filter', 'Hash Cond', 'Merge Cond', 'One-Time Filter'];

export function toPlanTree(raw: RawPlan): PlanTree {
  const nodes: PlanNode[] = [];
  const analyzed = typeof raw.Plan['Actual Rows'] === 'number';
  const visit = (node: RawPlanNode, parentId: number | undefined, depth: number): PlanNode => {
    const conditions: PlanCondition[] = [];
    for (const key of CONDITION_KEYS) if (typeof node[key] === 'string') conditions.push({ label: key, text: node[key] as string });
    for (const key of ['Sort Key', 'Group Key', 'Presorted Key']) {
      const value = node[key];
      if (Array.isArray(value)) conditions.push({ label: key, text: value.map(String).join(', ') });
    }
    const loops = num(node['Actual Loops']);
    const entry: PlanNode = {
      id: nodes.length,
      parentId,
      depth,
      nodeType: node['Node Type'],
      relation: str(node['Relation Name']),
      schema: str(node.Schema),
      alias: str(node.Alias),
      index: str(node['Index Name']),
      joinType: str(node['Join Type']),
      strategy: str(node.Strategy),
      parentRelationship: str(node['Parent Relationship'])?.toLowerCase(),
      conditions,
      estimatedRows: num(node['Plan Rows']) ?? 0,
      totalCost: num(node['Total Cost']) ?? 0,
      selfCost: 0,
      costShare: 0,
      actualRows: num(node['Actual Rows']),
      loops,
      rowsRemovedByFilter: num(node['Rows Removed by Filter']),
      sortMethod: str(node['Sort Method']),
      sortSpaceKb: num(node['Sort Space Used']),
      sortSpaceType: str(node['Sort Space Type']),
      childIds: [],
    };
    nodes.push(entry);
    const children = (node.Plans ?? []).map((child) => visit(child, entry.id, depth + 1));
    entry.childIds = children.map((child) => child.id);
    entry.selfCost = Math.max(0, entry.totalCost - children.reduce((sum, child) => sum + child.totalCost, 0));
    const own = inclusiveTime(node);
    if (own !== undefined) {
      const childTime = (node.Plans ?? []).reduce((sum, child) => sum + (inclusiveTime(child) ?? 0), 0);
      entry.selfTimeMs = Math.max(0, own - childTime);
    }
    return entry;
  };
  const root = visit(raw.Plan, undefined, 0);
  const totalCost = root.totalCost || 1;
  const executionMs = num(raw['Execution Time']);
  const totalTime = nodes.reduce((sum, node) => sum + (node.selfTimeMs ?? 0), 0) || 1;
  for (const node of nodes) {
    node.costShare = node.selfCost / totalCost;
    if (node.selfTimeMs !== undefined) node.timeShare = node.selfTimeMs / totalTime;
  }
  return { nodes, totalCost: root.totalCost, planningMs: num(raw['Planning Time']), executionMs, analyzed };
}

/** Milliseconds a node and its children took over all its loops. */
function inclusiveTime(node: RawPlanNode): number | undefined {
  const time = num(node['Actual Total Time']);
  return time === undefined ? undefined : time * (num(node['Actual Loops']) ?? 1);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
