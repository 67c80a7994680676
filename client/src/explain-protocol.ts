/**
 * The EXPLAIN panel's side of the protocol: the server's requests and their types (declared once
 * in shared/explain-protocol.ts, which the server imports too) and the messages between the
 * panel's host and its webview. Types and plain functions only, so the webview bundle can import
 * it without pulling in Node or VS Code.
 */
import type { ExplainResult, WhatIfResult } from '../../shared/explain-protocol';

export type {
  ExplainableCall,
  ExplainParams,
  ExplainResult,
  ExplainSettings,
  ExplainStatementResult,
  IndexSuggestion,
  PlanHighlight,
  PlanNode,
  PlanTree,
  WhatIfParams,
  WhatIfResult,
} from '../../shared/explain-protocol';
export { EXPLAINABLE_CALLS_REQUEST, EXPLAIN_REQUEST, EXPLAIN_WHAT_IF_REQUEST } from '../../shared/explain-protocol';
export const EXPLAIN_COMMAND = 'prismaLens.explainQuery';

/** What the panel shows; also the webview's saved state. */
export interface PanelState {
  status: 'loading' | 'ready';
  /** `feed.ts:7`, for the heading while loading. */
  title: string;
  /** The call explained, so a panel restored after a reload can explain it again. */
  target?: { uri: string; line: number; character: number };
  result?: ExplainResult;
  analyzeRequested: boolean;
  /** "What if" results by `statementIndex:suggestionIndex`. */
  whatIf: Record<string, WhatIfResult | 'loading'>;
  /** Messages after an action ("Added @@index([authorId]) to Post"). */
  notice?: string;
  /** While loading: the server's current stage with the time so far (`generating rows (posts, 1 of 2 tables)… 1.4 s`). */
  progress?: string;
}

/**
 * True when the panel shows a call it explained, which Re-run, EXPLAIN ANALYZE and Go to call act
 * on; false while nothing is explained yet and in the error state (no Prisma call at the cursor, a
 * call Prisma rejects), where `result.error` says why and there is no call to act on.
 */
export function explainsACall(state: PanelState): boolean {
  return state.result !== undefined && state.result.error === undefined;
}

export type HostMessage = { type: 'state'; state: PanelState };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'rerun' }
  | { type: 'analyze' }
  | { type: 'addIndex'; statementIndex: number; suggestionIndex: number }
  | { type: 'whatIf'; statementIndex: number; suggestionIndex: number }
  | { type: 'revealCall' }
  | { type: 'cancel' };
