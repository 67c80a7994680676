/**
 * The EXPLAIN protocol: the language server's requests (types shared with server/src/lsp/explain.ts)
 * and the messages between the panel's host and its webview. Type-only, so the webview bundle can
 * import it without pulling in Node or VS Code.
 */
import type { ExplainResult, WhatIfResult } from '../../server/src/lsp/explain';

export type {
  ExplainableCall,
  ExplainParams,
  ExplainResult,
  ExplainSettings,
  ExplainStatementResult,
  WhatIfParams,
  WhatIfResult,
} from '../../server/src/lsp/explain';
export type { PlanHighlight, IndexSuggestion } from '../../server/src/explain/advice';
export type { PlanNode, PlanTree } from '../../server/src/explain/plan-tree';

export const EXPLAINABLE_CALLS_REQUEST = 'prismaLens/explainableCalls';
export const EXPLAIN_REQUEST = 'prismaLens/explain';
export const EXPLAIN_WHAT_IF_REQUEST = 'prismaLens/explainWhatIf';
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
}

export type HostMessage = { type: 'state'; state: PanelState };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'rerun' }
  | { type: 'analyze' }
  | { type: 'addIndex'; statementIndex: number; suggestionIndex: number }
  | { type: 'whatIf'; statementIndex: number; suggestionIndex: number }
  | { type: 'revealCall' };
