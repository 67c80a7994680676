/**
 * Control-flow questions about two calls of one function: can both of them run, does one only run
 * after something failed (a `catch` clause), and is a call's failure caught and let go on purpose.
 */
import ts = require('typescript');
import { isFunctionLike, isWithin, terminalName, unwrap } from './syntax';

/**
 * True when `earlier` and `later` (in source order, in one function) never both run: they sit in
 * different branches of one `if`/`else`, `? :` or `switch` (a case that falls through excepted), or
 * `earlier` sits in a branch that always ends in `return` or `throw` and `later` comes after it.
 */
export function neverBothRun(earlier: ts.Node, later: ts.Node): boolean {
  for (let child: ts.Node = earlier, node = earlier.parent; node && !isFunctionLike(node); child = node, node = node.parent) {
    if (ts.isIfStatement(node)) {
      if (child === node.thenStatement && node.elseStatement && isWithin(later, node.elseStatement)) return true;
      const branch = child === node.thenStatement || child === node.elseStatement ? (child as ts.Statement) : undefined;
      if (branch && later.pos >= node.end && alwaysExits(branch, false) && !runsAfterLeaving(later, node)) return true;
    } else if (ts.isConditionalExpression(node)) {
      if (child === node.whenTrue && isWithin(later, node.whenFalse)) return true;
    } else if (ts.isCaseBlock(node)) {
      const from = node.clauses.indexOf(child as ts.CaseOrDefaultClause);
      const to = node.clauses.findIndex((clause) => isWithin(later, clause));
      // A case that ends in `break`, `return` or `throw` stops the fall-through into the later case.
      if (from >= 0 && to > from && node.clauses.slice(from, to).some((clause) => clause.statements.some((statement) => alwaysExits(statement, true)))) return true;
    }
  }
  return false;
}

/** The `catch` clause of the function that holds `node`: code there runs only after the `try` block failed. */
export function enclosingCatch(node: ts.Node): ts.CatchClause | undefined {
  for (let current = node.parent; current && !isFunctionLike(current); current = current.parent) {
    if (ts.isCatchClause(current)) return current;
  }
  return undefined;
}

/**
 * True when a failure of `call` is caught and let go on purpose, but a failure of `other` is not:
 * `call.catch((e) => log(e))`, or a `try` around `call` alone whose `catch` only logs.
 */
export function failureIgnored(call: ts.Node, other: ts.Node): boolean {
  if (caughtByHandler(call)) return true;
  for (let child: ts.Node = call, node = call.parent; node && !isFunctionLike(node); child = node, node = node.parent) {
    if (!ts.isTryStatement(node) || child !== node.tryBlock) continue;
    // A `try` around both writes lets a half change go as well: that is not a follow-up singled out.
    if (isWithin(other, node.tryBlock)) return false;
    if (node.catchClause) return onlyLogs(node.catchClause.block);
  }
  return false;
}

/** `x.update(…).catch(handler)`, also after `.then(…)`, with a handler that does nothing but log. */
function caughtByHandler(call: ts.Node): boolean {
  let current: ts.Node = call;
  for (;;) {
    let parent = current.parent;
    while (parent && (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent) || ts.isAsExpression(parent))) parent = parent.parent;
    if (!parent || !ts.isPropertyAccessExpression(parent) || !ts.isCallExpression(parent.parent) || parent.parent.expression !== parent) return false;
    const method = parent.name.text;
    const chained = parent.parent;
    if (method === 'catch') {
      const handler = chained.arguments[0];
      return handler !== undefined && isLoggingHandler(handler);
    }
    if (method !== 'then' && method !== 'finally') return false;
    current = chained;
  }
}

function isLoggingHandler(handler: ts.Expression): boolean {
  const value = unwrap(handler);
  if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
    if (ts.isBlock(value.body)) return onlyLogs(value.body);
    const body = unwrap(value.body);
    return isQuietValue(body) || (ts.isCallExpression(body) && isLoggingCall(body));
  }
  // `.catch(console.error)`, `.catch(logger.warn)`, `.catch(noop)`.
  return LOGGING_NAME.test(terminalName(value) ?? '') || LOGGER.test(rootName(value) ?? '') || /^(?:noop|ignore\w*)$/i.test(terminalName(value) ?? '');
}

/** `{}`, `{ console.error(e); }`, `{ logger.warn({ err }, '…'); }`: a block that neither throws, returns nor does anything but log. */
function onlyLogs(block: ts.Block): boolean {
  return block.statements.every((statement) => {
    if (ts.isEmptyStatement(statement)) return true;
    if (!ts.isExpressionStatement(statement)) return false;
    let expression = unwrap(statement.expression);
    if (ts.isAwaitExpression(expression) || ts.isVoidExpression(expression)) expression = unwrap(expression.expression);
    return ts.isCallExpression(expression) && isLoggingCall(expression);
  });
}

const LOGGING_NAME = /^(?:log|info|warn|warning|error|debug|trace|fatal|captureException|captureMessage|report\w*)$/i;
const LOGGER = /^(?:console|logger|log|Sentry|bugsnag|rollbar)$|Logger$/i;

function isLoggingCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const name = terminalName(callee) ?? '';
  if (ts.isIdentifier(callee)) return /^(?:log\w*|report\w*|captureException|captureMessage)$/i.test(name) || LOGGER.test(name);
  const receiver = ts.isPropertyAccessExpression(callee) ? terminalName(callee.expression) : undefined;
  return LOGGING_NAME.test(name) && (LOGGER.test(rootName(callee) ?? '') || LOGGER.test(receiver ?? ''));
}

function isQuietValue(expression: ts.Expression): boolean {
  return (
    expression.kind === ts.SyntaxKind.NullKeyword ||
    expression.kind === ts.SyntaxKind.UndefinedKeyword ||
    expression.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(expression) && expression.text === 'undefined') ||
    ts.isLiteralExpression(expression) ||
    ts.isVoidExpression(expression) ||
    (ts.isObjectLiteralExpression(expression) && expression.properties.length === 0) ||
    (ts.isArrayLiteralExpression(expression) && expression.elements.length === 0)
  );
}

/** `this.logger.warn` → `logger`, `console.error` → `console`: the first name of a property chain, past `this`. */
function rootName(expression: ts.Expression): string | undefined {
  let current = unwrap(expression);
  const names: string[] = [];
  while (ts.isPropertyAccessExpression(current)) {
    names.unshift(current.name.text);
    current = unwrap(current.expression);
  }
  if (ts.isIdentifier(current)) return current.text;
  return current.kind === ts.SyntaxKind.ThisKeyword ? names[0] : undefined;
}

/**
 * True when the statement never completes normally: it ends in `return` or `throw` on every path
 * (and, with `breaks`, in `break` or `continue`, which leave a `switch` case).
 */
function alwaysExits(statement: ts.Statement, breaks: boolean): boolean {
  if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
  if (ts.isBreakStatement(statement) || ts.isContinueStatement(statement)) return breaks && !statement.label;
  if (ts.isBlock(statement)) return statement.statements.some((inner) => alwaysExits(inner, breaks));
  if (ts.isIfStatement(statement)) return statement.elseStatement !== undefined && alwaysExits(statement.thenStatement, breaks) && alwaysExits(statement.elseStatement, breaks);
  if (ts.isTryStatement(statement)) {
    if (statement.finallyBlock && alwaysExits(statement.finallyBlock, breaks)) return true;
    return alwaysExits(statement.tryBlock, breaks) && (!statement.catchClause || alwaysExits(statement.catchClause.block, breaks));
  }
  return false;
}

/** True when `later` sits in a `catch` or `finally` of a `try` around `exit`: leaving by `throw` or `return` still runs it. */
function runsAfterLeaving(later: ts.Node, exit: ts.Node): boolean {
  for (let node = later.parent; node && !isFunctionLike(node); node = node.parent) {
    if (!ts.isTryStatement(node) || !isWithin(exit, node.tryBlock)) continue;
    if ((node.catchClause && isWithin(later, node.catchClause)) || (node.finallyBlock && isWithin(later, node.finallyBlock))) return true;
  }
  return false;
}
