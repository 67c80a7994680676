/**
 * The EXPLAIN protocol between the language server and the editor: the requests, their parameters
 * and results, and the plan and advice they carry. Types and constants only, imported by the
 * server, the extension and the panel's webview alike (so no bundle imports another's files).
 */
import type { Range, TextEdit } from 'vscode-languageserver-types';

export const EXPLAINABLE_CALLS_REQUEST = 'prismaLens/explainableCalls';
export const EXPLAIN_REQUEST = 'prismaLens/explain';
export const EXPLAIN_WHAT_IF_REQUEST = 'prismaLens/explainWhatIf';

export interface ExplainSettings {
  /** `prismaLens.explain.databaseUrl`; empty means the project's DATABASE_URL. */
  databaseUrl?: string;
  /** `prismaLens.explain.rowsPerTable` for the embedded database. */
  rowsPerTable?: number;
}

export interface ExplainableCallsParams {
  uri: string;
}

export interface ExplainableCall {
  callee: string;
  range: Range;
}

export interface ExplainParams {
  uri: string;
  position: { line: number; character: number };
  /** SQL the user selected in an editor: explained instead of the Prisma call at `position`. */
  sql?: string;
  analyze?: boolean;
  writeConfirmed?: boolean;
  settings?: ExplainSettings;
  /** The client's work-done progress token: the server reports its stages (`generating rows (posts)`) on it. */
  workDoneToken?: string | number;
}

export interface ExplainSuggestionEdit extends IndexSuggestion {
  /** The schema edit in LSP terms, ready for a WorkspaceEdit. */
  workspaceEdit?: { uri: string; edit: TextEdit };
}

export interface ExplainStatementResult extends Omit<StatementReport, 'suggestions'> {
  suggestions: ExplainSuggestionEdit[];
}

export interface ExplainResult {
  callee?: string;
  model?: string;
  operation?: string;
  /** The call's range in the code file. */
  range?: Range;
  /** Why there is no SQL or no plan, in the user's terms. */
  error?: string;
  statements: ExplainStatementResult[];
  database?: DatabaseInfo;
  elapsedMs: number;
}

export interface WhatIfParams {
  uri: string;
  position: { line: number; character: number };
  statementIndex: number;
  /** The suggestion of the plan shown, by its `@@index([…])` text. */
  suggestion: Pick<IndexSuggestion, 'indexText'>;
  settings?: ExplainSettings;
}

export type WhatIfResult = (WhatIfReport & { database: DatabaseInfo }) | { error: string };

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

export interface PlanCondition {
  /** `Filter`, `Index Cond`, `Hash Cond`, `Join Filter`, `Recheck Cond`, `Merge Cond`, `Sort Key`, `Group Key`. */
  label: string;
  text: string;
}

export interface PlanNode {
  id: number;
  parentId: number | undefined;
  depth: number;
  nodeType: string;
  relation?: string;
  schema?: string;
  alias?: string;
  index?: string;
  joinType?: string;
  strategy?: string;
  /** For a node under a nested loop: `outer` (driving) or `inner` (run once per outer row). */
  parentRelationship?: string;
  conditions: PlanCondition[];
  estimatedRows: number;
  totalCost: number;
  /** This node's cost minus its children's. */
  selfCost: number;
  /** selfCost / root total cost, 0..1. */
  costShare: number;
  actualRows?: number;
  loops?: number;
  /** Milliseconds spent in this node alone, over all loops. */
  selfTimeMs?: number;
  /** selfTimeMs / execution time, 0..1. */
  timeShare?: number;
  rowsRemovedByFilter?: number;
  sortMethod?: string;
  sortSpaceKb?: number;
  sortSpaceType?: string;
  childIds: number[];
}

export interface PlanTree {
  nodes: PlanNode[];
  totalCost: number;
  planningMs?: number;
  executionMs?: number;
  analyzed: boolean;
}

export type HighlightKind = 'seq-scan' | 'big-sort' | 'many-loops' | 'estimate-off';

export interface PlanHighlight {
  nodeId: number;
  kind: HighlightKind;
  severity: 'warning' | 'info';
  message: string;
}

export interface SchemaEdit {
  uri: string;
  start: number;
  end: number;
  text: string;
}

export interface IndexSuggestion {
  nodeId: number;
  model: string;
  /** `@@index([authorId, createdAt])`, as the `unindexed-query` rule proposes it for the same query. */
  indexText: string;
  table: string;
  schema: string;
  /** The index's columns by their database names. */
  columns: { name: string; descending: boolean }[];
  /** The same index in SQL, for the "what if" plan in the embedded database. */
  createIndexSql: string;
  /** Adds the index to the model; undefined when the model's block is unterminated. */
  edit: SchemaEdit | undefined;
}

export interface StatementReport {
  sql: string;
  /** Values as the panel shows them; `null` for a value only known at run time. */
  params: unknown[];
  unknownParams: number[];
  isWrite: boolean;
  status: 'plan' | 'needs-confirmation' | 'not-explainable' | 'error';
  message?: string;
  /** PostgreSQL's JSON plan, unchanged. */
  plan?: RawPlan;
  tree?: PlanTree;
  analyzed?: boolean;
  generic?: boolean;
  highlights: PlanHighlight[];
  suggestions: IndexSuggestion[];
}

export interface WhatIfReport {
  indexText: string;
  createIndexSql: string;
  before: { totalCost: number; tree?: PlanTree };
  after: { totalCost: number; tree: PlanTree } | { error: string };
}

export interface DatabaseInfo {
  kind: 'postgres' | 'embedded';
  /** `blog@127.0.0.1:5432/blog (PostgreSQL 15.8)` or `embedded PostgreSQL (PGlite)`. */
  label: string;
  /** Where the URL came from, or how the embedded data was made. */
  detail: string;
  /** Why the user's database was not used, when a URL was known. */
  fallbackReason?: string;
  /** Rows generated per queried table, for the embedded database. */
  rowsPerTable?: number;
  /** Problems while generating data. */
  problems: string[];
  timing?: EmbeddedTiming;
}

export interface EmbeddedTiming {
  startMs: number;
  schemaMs: number;
  dataMs: number;
  /** Rows generated per table by this request. */
  generated: Record<string, number>;
  /** True when this request started the database from a copy in the cache folder (its tables already filled). */
  fromCache: boolean;
  /** True when this request saved the database to the cache folder, after filling tables. */
  saved: boolean;
}
