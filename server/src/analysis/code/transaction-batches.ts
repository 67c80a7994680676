/**
 * Queries built once per element but sent together: `prisma.$transaction(items.map((i) => prisma.x.update(…)))`
 * or `ops.push(prisma.x.create(…))` with `$transaction(ops)`. Prisma runs them in one batch, one round trip.
 */
import ts = require('typescript');
import type { CodeRuleContext } from './context';
import type { FileIndex } from './file-index';
import { iterationContext, type Loop } from './iteration';
import type { QuerySite } from './query-sites';
import { calleeName, unwrap, valueParent } from './syntax';

export interface TransactionBatch {
  site: QuerySite;
  /** The loop that builds one query per element. */
  loop: Loop;
  /** The `$transaction(…)` call the map is passed to directly, when it is. */
  transaction: ts.CallExpression | undefined;
}

/** True when the query at `node` is not run by `loop` but collected for a `$transaction([...])`. */
export function flowsIntoTransaction(node: ts.Node, loop: Loop, index: FileIndex): boolean {
  return transactionOf(node, loop, index) !== false;
}

/** The `$transaction` call (or undefined when reached through a variable); false when the query does not flow into one. */
function transactionOf(node: ts.Node, loop: Loop, index: FileIndex): ts.CallExpression | undefined | false {
  const { parent, child } = valueParent(node);
  if (ts.isCallExpression(parent) && calleeName(parent) === 'push' && parent.arguments.includes(child as ts.Expression)) {
    const target = ts.isPropertyAccessExpression(parent.expression) ? unwrap(parent.expression.expression) : undefined;
    return target && ts.isIdentifier(target) && passedToTransaction(target, index) ? undefined : false;
  }
  if (loop.form !== 'callback' || !ts.isCallExpression(loop.node)) return false;
  const returned = parent === loop.body || (ts.isReturnStatement(parent) && nearestFunction(parent) === loop.body);
  if (!returned) return false;
  return callFlowsIntoTransaction(loop.node, index);
}

function nearestFunction(node: ts.Node): ts.Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isFunctionLike(current)) return current;
  }
  return undefined;
}

function callFlowsIntoTransaction(call: ts.CallExpression, index: FileIndex): ts.CallExpression | undefined | false {
  let { parent, child } = valueParent(call);
  if (ts.isSpreadElement(parent)) ({ parent, child } = valueParent(parent));
  if (ts.isArrayLiteralExpression(parent)) ({ parent, child } = valueParent(parent));
  if (ts.isCallExpression(parent) && calleeName(parent) === '$transaction' && parent.arguments[0] === child) return parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && passedToTransaction(parent.name, index)) return undefined;
  return false;
}

/** True when a `$transaction(…)` in the same function receives the variable `name` refers to. */
function passedToTransaction(name: ts.Identifier, index: FileIndex): boolean {
  const scope = nearestFunction(name);
  return (index.transactionArguments.get(name.text) ?? []).some((argument) => nearestFunction(argument) === scope);
}

const cache = new WeakMap<CodeRuleContext, TransactionBatch[]>();

/** Every query of the file that a loop builds for a `$transaction([...])`. */
export function transactionBatches(context: CodeRuleContext): TransactionBatch[] {
  const cached = cache.get(context);
  if (cached) return cached;
  const batches: TransactionBatch[] = [];
  for (const site of context.querySites) {
    const loop = iterationContext(site.node).loops[0];
    if (!loop) continue;
    const transaction = transactionOf(site.node, loop, context.index);
    if (transaction !== false) batches.push({ site, loop, transaction });
  }
  cache.set(context, batches);
  return batches;
}
