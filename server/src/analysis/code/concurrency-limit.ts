/**
 * Loops that bound their concurrency on purpose: `pMap(items, fn, { concurrency: 5 })`,
 * `async.mapLimit(items, 5, fn)`, or a body that runs through a limiter (`limit(() => …)` with
 * `const limit = pLimit(5)`, `queue.add(() => …)` with `new PQueue(…)`, `limiter.schedule(…)` with
 * `new Bottleneck(…)`). Code that throttles its per-element work has weighed what each element
 * costs; on real code that work is mostly more than the query (storage, copies, audit logs).
 */
import ts = require('typescript');
import type { CodeRuleContext } from './context';
import type { Loop } from './iteration';
import { calleeName, propertyOf, unwrap } from './syntax';

/** Factories whose result, called with a function, runs it under a concurrency limit. */
const LIMIT_FACTORIES = new Set(['pLimit', 'pThrottle', 'limitConcurrency', 'createLimiter']);
/** Classes whose instances run the functions given to a method of theirs under a limit, by that method. */
const LIMIT_CLASSES = new Map([
  ['PQueue', 'add'],
  ['Bottleneck', 'schedule'],
]);

const byFile = new WeakMap<ts.SourceFile, Map<string, string>>();

/** How the loop limits its concurrency, as written (`pLimit`, `pMap(…, { concurrency })`); undefined when it does not. */
export function concurrencyLimit(context: CodeRuleContext, loop: Loop): string | undefined {
  if (loop.form === 'callback' && ts.isCallExpression(loop.node)) {
    const name = calleeName(loop.node) ?? loop.kind;
    // async's `mapLimit(items, 5, fn)`, `eachLimit`, `forEachOfLimit`.
    if (/Limit$/.test(name)) return `${name}(…)`;
    for (const argument of loop.node.arguments) {
      const value = unwrap(argument);
      if (ts.isObjectLiteralExpression(value) && propertyOf(value, 'concurrency')) return `${name}(…, { concurrency })`;
    }
  }
  const limiters = limitersOf(context.sourceFile);
  if (limiters.size === 0) return undefined;
  let found: string | undefined;
  const walk = (node: ts.Node): void => {
    if (found !== undefined) return;
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const callee = unwrap(node.expression);
      // `limit(() => …)`, `this.limit(() => …)`: a factory's limiter, called.
      const called = boundName(callee);
      const kind = called === undefined ? undefined : limiters.get(called);
      if (kind && LIMIT_FACTORIES.has(kind)) found = kind;
      // `queue.add(() => …)`, `this.queue.add(() => …)`: a limiting class's method.
      else if (ts.isPropertyAccessExpression(callee)) {
        const receiver = boundName(unwrap(callee.expression));
        const owner = receiver === undefined ? undefined : limiters.get(receiver);
        if (owner && LIMIT_CLASSES.get(owner) === callee.name.text) found = owner;
      }
      if (found !== undefined) return;
    }
    ts.forEachChild(node, walk);
  };
  walk(loop.body);
  return found;
}

/** `limit` for `limit` and `this.limit`: the name a limiter is bound to, as a variable or a property. */
function boundName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression) && expression.expression.kind === ts.SyntaxKind.ThisKeyword) return expression.name.text;
  return undefined;
}

/** The file's names bound to a limiter (`const limit = pLimit(5)` → `limit` → `pLimit`), read once per file. */
function limitersOf(sourceFile: ts.SourceFile): Map<string, string> {
  let limiters = byFile.get(sourceFile);
  if (limiters) return limiters;
  limiters = new Map();
  const found = limiters;
  const walk = (node: ts.Node): void => {
    if ((ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node)) && node.initializer && ts.isIdentifier(node.name)) {
      const value = unwrap(node.initializer);
      if (ts.isCallExpression(value) && LIMIT_FACTORIES.has(calleeName(value) ?? '')) found.set(node.name.text, calleeName(value)!);
      else if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && LIMIT_CLASSES.has(value.expression.text)) found.set(node.name.text, value.expression.text);
    }
    ts.forEachChild(node, walk);
  };
  // A file with no limiter's name skips the walk.
  const text = sourceFile.text;
  if ([...LIMIT_FACTORIES, ...LIMIT_CLASSES.keys()].some((name) => text.includes(name))) walk(sourceFile);
  byFile.set(sourceFile, limiters);
  return limiters;
}
