/**
 * The EXPLAIN panel app (browser bundle, no Node APIs): the statements of a Prisma call, each with
 * its SQL, its plan as a keyboard-navigable tree, what an expert would flag, and index advice.
 */
import { formatCost, formatMs, nodeMetrics, nodeTitle, planFacts, suggestionLead } from '../../shared/plan-text';
import { layoutSql } from '../../shared/sql-layout';
import { explainsACall, type ExplainResult, type ExplainStatementResult, type HostMessage, type PanelState, type PlanNode, type WebviewMessage, type WhatIfResult } from '../src/explain-protocol';
import { el } from './dom';
import { attachTreeKeyboard } from './tree-keyboard';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const collapsed = new Set<string>();

function send(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function render(state: PanelState): void {
  const focusedKey = (document.activeElement as HTMLElement | null)?.dataset.key;
  app.replaceChildren(...view(state));
  if (focusedKey) (app.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`) as HTMLElement | null)?.focus();
}

function view(state: PanelState): Node[] {
  const result = state.result;
  const nodes: Node[] = [];
  const heading = el('header', { class: 'heading' }, [el('h1', {}, [result?.callee ? `${result.callee}` : state.title || 'EXPLAIN'])]);
  // Without an explained call (no call at the cursor, a call Prisma rejects) there is nothing to run again or go to.
  if (explainsACall(state)) {
    heading.append(
      el('div', { class: 'actions' }, [
        button('Re-run', () => send({ type: 'rerun' }), 'Explain the call again'),
        button(state.analyzeRequested ? 'EXPLAIN ANALYZE again' : 'EXPLAIN ANALYZE', () => send({ type: 'analyze' }), 'Run the statements in a transaction that is rolled back and show actual rows and times'),
        button('Go to call', () => send({ type: 'revealCall' })),
      ]),
    );
  }
  nodes.push(heading);
  if (state.status === 'loading') {
    nodes.push(
      el('div', { class: 'loading-row' }, [
        el('p', { class: 'loading', role: 'status' }, [state.progress ? `Explaining: ${state.progress}` : 'Explaining…']),
        button('Cancel', () => send({ type: 'cancel' }), 'Stop explaining this call'),
      ]),
    );
  }
  if (state.notice) nodes.push(el('p', { class: 'notice', role: 'status' }, [state.notice]));
  if (!result) return nodes;
  if (result.database) nodes.push(databaseView(result));
  if (result.error) nodes.push(el('p', { class: 'error', role: 'alert' }, [result.error]));
  result.statements.forEach((statement, index) => nodes.push(statementView(state, statement, index, result.statements.length)));
  if (result.statements.length > 0) nodes.push(el('p', { class: 'muted small' }, [`Answered in ${formatMs(result.elapsedMs)}.`]));
  return nodes;
}

function databaseView(result: ExplainResult): Node {
  const database = result.database!;
  const children: (Node | string)[] = [el('span', { class: 'label' }, ['Database: ']), el('strong', {}, [database.label]), ` — ${database.detail}`];
  const box = el('section', { class: `database ${database.kind}`, 'aria-label': 'Database' }, [el('p', {}, children)]);
  if (database.fallbackReason) box.append(el('p', { class: 'warning' }, [database.fallbackReason, ' The plan below comes from the embedded database.']));
  for (const problem of database.problems) box.append(el('p', { class: 'muted small' }, [problem]));
  return box;
}

function statementView(state: PanelState, statement: ExplainStatementResult, index: number, count: number): Node {
  const section = el('section', { class: 'statement', 'aria-label': `Statement ${index + 1}` });
  if (count > 1) section.append(el('h2', {}, [`Statement ${index + 1} of ${count}`]));
  section.append(el('pre', { class: 'sql', tabindex: '0', 'aria-label': 'SQL' }, [layoutSql(statement.sql)]));
  if (statement.params.length > 0) {
    const list = el('ul', { class: 'params' });
    statement.params.forEach((value, position) => {
      const unknown = statement.unknownParams.includes(position + 1);
      list.append(el('li', {}, [el('code', {}, [`$${position + 1}`]), ' = ', unknown ? el('em', {}, ['known at run time (generic plan)']) : el('code', {}, [JSON.stringify(value)])]));
    });
    section.append(list);
  }
  if (statement.status !== 'plan' || !statement.tree) {
    section.append(el('p', { class: statement.status === 'error' ? 'error' : 'muted' }, [statement.message ?? 'No plan.']));
    if (statement.status === 'needs-confirmation') section.append(button('Run EXPLAIN ANALYZE and roll back…', () => send({ type: 'analyze' })));
    return section;
  }
  const tree = statement.tree;
  section.append(el('p', { class: 'muted' }, [planFacts(tree, statement).join(' · ')]));
  if (statement.highlights.length > 0) {
    const list = el('ul', { class: 'highlights', 'aria-label': 'Findings' });
    for (const highlight of statement.highlights) {
      const item = el('li', { class: highlight.severity }, [
        el('a', { href: '#', 'data-node': `${index}:${highlight.nodeId}` }, [highlight.message]),
      ]);
      item.querySelector('a')!.addEventListener('click', (event) => {
        event.preventDefault();
        (app.querySelector(`[data-key="${index}:${highlight.nodeId}"]`) as HTMLElement | null)?.focus();
      });
      list.append(item);
    }
    section.append(list);
  }
  statement.suggestions.forEach((suggestion, suggestionIndex) => {
    const key = `${index}:${suggestionIndex}`;
    const box = el('div', { class: 'suggestion' }, [
      el('p', {}, [suggestionLead(suggestion), el('code', {}, [suggestion.indexText]), ` on model ${suggestion.model}.`]),
      el('div', { class: 'actions' }, [
        button(`Add ${suggestion.indexText} to schema`, () => send({ type: 'addIndex', statementIndex: index, suggestionIndex }), `Edits model ${suggestion.model} in the schema`, !suggestion.workspaceEdit),
        button('What if', () => send({ type: 'whatIf', statementIndex: index, suggestionIndex }), 'Create the index in the embedded database and compare the plans'),
      ]),
    ]);
    const whatIf = state.whatIf[key];
    if (whatIf) box.append(whatIfView(whatIf, index));
    section.append(box);
  });
  section.append(planTreeView(tree.nodes, `${index}`, statement.highlights.map((highlight) => highlight.nodeId), tree.analyzed));
  return section;
}

function whatIfView(whatIf: WhatIfResult | 'loading', statementIndex: number): Node {
  if (whatIf === 'loading') return el('p', { class: 'loading', role: 'status' }, ['Creating the index in the embedded database…']);
  if ('error' in whatIf) return el('p', { class: 'error' }, [whatIf.error]);
  if ('error' in whatIf.after) return el('p', { class: 'error' }, [`With the index: ${whatIf.after.error}`]);
  const before = whatIf.before.totalCost;
  const after = whatIf.after.totalCost;
  const change = before > 0 ? Math.round(((after - before) / before) * 100) : 0;
  const summary = el('p', { class: after < before ? 'better' : 'muted' }, [
    `Cost ${formatCost(before)} → ${formatCost(after)} (${change <= 0 ? '' : '+'}${change}%) with `,
    el('code', {}, [whatIf.createIndexSql]),
    ` in ${whatIf.database.label}, rolled back afterwards.`,
  ]);
  const columns = el('div', { class: 'compare' }, [
    el('div', {}, [el('h3', {}, ['Now']), whatIf.before.tree ? planTreeView(whatIf.before.tree.nodes, `${statementIndex}:before`, [], false) : el('p', {}, ['—'])]),
    el('div', {}, [el('h3', {}, ['With the index']), planTreeView(whatIf.after.tree.nodes, `${statementIndex}:after`, [], false)]),
  ]);
  return el('div', { class: 'what-if' }, [summary, columns]);
}

function planTreeView(nodes: readonly PlanNode[], prefix: string, flagged: readonly number[], analyzed: boolean): Node {
  const tree = el('ul', { class: 'plan', role: 'tree', 'aria-label': 'Plan' });
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const item = (node: PlanNode): HTMLElement => {
    const key = `${prefix}:${node.id}`;
    const hasChildren = node.childIds.length > 0;
    const open = !collapsed.has(key);
    const share = analyzed && node.timeShare !== undefined ? node.timeShare : node.costShare;
    const parts = nodeTitle(node);
    const title: (Node | string)[] = [el('span', { class: 'node-type' }, [parts.nodeType])];
    if (parts.joinType) title.push(el('span', { class: 'muted' }, [` ${parts.joinType}`]));
    if (parts.relation) title.push(' on ', el('strong', {}, [parts.relation]));
    if (parts.alias) title.push(el('span', { class: 'muted' }, [` ${parts.alias}`]));
    if (parts.index) title.push(' using ', el('strong', {}, [parts.index]));
    const metrics = nodeMetrics(node);
    const row = el('div', { class: `row${flagged.includes(node.id) ? ' flagged' : ''}` }, [
      el('span', { class: 'twisty', 'aria-hidden': 'true' }, [hasChildren ? (open ? '▾' : '▸') : ' ']),
      el('span', { class: 'title' }, title),
      el('span', { class: 'share', title: `${Math.round(share * 100)}% of the ${analyzed ? 'time' : 'cost'}` }, [
        shareBar(share),
      ]),
      el('span', { class: 'metrics' }, [metrics.join(' · ')]),
    ]);
    const li = el('li', { role: 'treeitem', tabindex: '-1', 'data-key': key, 'aria-level': String(node.depth + 1) }, [row]);
    if (hasChildren) li.setAttribute('aria-expanded', String(open));
    if (flagged.includes(node.id)) li.setAttribute('aria-description', 'flagged');
    for (const condition of node.conditions) li.append(el('div', { class: 'condition' }, [el('span', { class: 'muted' }, [`${condition.label}: `]), el('code', {}, [condition.text])]));
    row.addEventListener('click', () => toggle(key));
    if (hasChildren && open) {
      const group = el('ul', { role: 'group' });
      for (const id of node.childIds) group.append(item(byId.get(id)!));
      li.append(group);
    }
    return li;
  };
  const root = nodes.find((node) => node.parentId === undefined);
  if (root) tree.append(item(root));
  const first = tree.querySelector('[role="treeitem"]');
  first?.setAttribute('tabindex', '0');
  attachTreeKeyboard(tree, toggle);
  return tree;
}

/** Set through the CSSOM: the panel's CSP allows no inline style attributes. */
function shareBar(share: number): HTMLElement {
  const bar = el('span', { class: 'bar' });
  bar.style.width = `${Math.max(0, Math.min(100, Math.round(share * 100)))}%`;
  return bar;
}

function toggle(key: string): void {
  if (collapsed.has(key)) collapsed.delete(key);
  else collapsed.add(key);
  const state = vscode.getState();
  if (state) render(state);
  (app.querySelector(`[data-key="${CSS.escape(key)}"]`) as HTMLElement | null)?.focus();
}

function button(label: string, onClick: () => void, title?: string, disabled = false): HTMLButtonElement {
  const element = el('button', { type: 'button', ...(title ? { title } : {}) }, [label]) as HTMLButtonElement;
  element.disabled = disabled;
  element.addEventListener('click', onClick);
  return element;
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  if (event.data?.type !== 'state') return;
  vscode.setState(event.data.state);
  render(event.data.state);
});

// Shown again after being hidden: the saved state renders at once, then the host sends the latest.
const saved = vscode.getState();
if (saved) render(saved);
send({ type: 'ready' });
