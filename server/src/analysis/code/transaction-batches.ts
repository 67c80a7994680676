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

/**
 * True when a loop builds the query without running it: a PrismaPromise runs only when awaited,
 * `then`ed or passed to `$transaction`, so one pushed onto a list (`ops.push(prisma.x.update(…))`)
 * or returned from a plain callback (`xs.map((x) => prisma.x.create(…))`) is collected for later,
 * and only a `Promise.all` over the list runs them one round trip each.
 */
export function collectedUnawaited(node: ts.Node, loop: Loop, sourceFile: ts.SourceFile): boolean {
  let { parent, child } = valueParent(node);
  while (ts.isConditionalExpression(parent) && parent.condition !== child) ({ parent, child } = valueParent(parent));
  if (ts.isCallExpression(parent) && calleeName(parent) === 'push' && parent.arguments.includes(child as ts.Expression)) {
    const target = ts.isPropertyAccessExpression(parent.expression) ? unwrap(parent.expression.expression) : undefined;
    const name = target && (ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : undefined);
    return name !== undefined && !runsConcurrently(name, sourceFile);
  }
  if (loop.form !== 'callback' || !ts.isCallExpression(loop.node) || !ts.isFunctionLike(loop.body)) return false;
  const callback = loop.body as ts.FunctionLikeDeclaration;
  if (callback.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword)) return false;
  const returned = parent === callback || (ts.isReturnStatement(parent) && nearestFunction(parent) === callback);
  if (!returned) return false;
  // Up through `.filter(…)`, `.flat()`, spreads and enclosing callbacks to where the list goes.
  let list: ts.Node = loop.node;
  for (let depth = 0; depth < 12; depth++) {
    const up = valueParent(list);
    if (ts.isPropertyAccessExpression(up.parent) && ts.isCallExpression(up.parent.parent) && up.parent.expression === up.child) {
      list = up.parent.parent;
      continue;
    }
    if (ts.isSpreadElement(up.parent) || ts.isArrayLiteralExpression(up.parent)) {
      list = up.parent;
      continue;
    }
    const consumer = up.parent;
    // `ops.push(...items.map((item) => prisma.x.delete(…)))`: where the list goes decides.
    if (ts.isCallExpression(consumer) && calleeName(consumer) === 'push' && ts.isPropertyAccessExpression(consumer.expression)) {
      const target = unwrap(consumer.expression.expression);
      const name = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : undefined;
      return name !== undefined && !runsConcurrently(name, sourceFile);
    }
    if (ts.isCallExpression(consumer)) return !isConcurrentRun(consumer);
    if (ts.isVariableDeclaration(consumer) && ts.isIdentifier(consumer.name)) return !runsConcurrently(consumer.name.text, sourceFile);
    const fn = ts.isArrowFunction(consumer) ? consumer : ts.isReturnStatement(consumer) ? nearestFunction(consumer) : undefined;
    if (!fn || !ts.isFunctionLike(fn)) return false;
    // Returned from a callback (`posts.flatMap((post) => post.tags.map(…))`): where that call's list goes decides.
    const holder = valueParent(fn).parent;
    if (ts.isCallExpression(holder) && holder.arguments.some((argument) => unwrap(argument) === fn)) {
      if ((fn as ts.FunctionLikeDeclaration).modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword)) return false;
      list = holder;
      continue;
    }
    return true;
  }
  return false;
}

function isConcurrentRun(call: ts.CallExpression): boolean {
  const name = calleeName(call);
  return name === 'all' || name === 'allSettled' || name === 'race' || name === 'any';
}

/** `Promise.all(ops)`, `Promise.allSettled([...ops, …])` somewhere in the file. */
function runsConcurrently(name: string, sourceFile: ts.SourceFile): boolean {
  return new RegExp(`Promise\\.(?:all|allSettled|race|any)\\(\\s*(?:\\[[^\\]]*?\\.\\.\\.\\s*)?(?:this\\.)?${name.replace(/\$/g, '\\$')}\\b`).test(sourceFile.text);
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
