/** Flags `new PrismaClient()` inside a function, handler or loop: one connection pool per call. */
import ts = require('typescript');
import { calleeName, isFunctionLike, unwrap } from '../code/syntax';
import { enclosingFunction } from '../facts/code-scope';
import { defineRule, type CodeRule, type RuleFinding } from './types';

export default defineRule<CodeRule>({
  id: 'prisma-client-per-call',
  appliesTo: ['typescript'],
  severity: 'warning',
  docs: {
    summary: '`new PrismaClient()` inside a function, handler or loop, so every call opens its own connection pool.',
    why: [
      'Each `PrismaClient` owns its own connection pool: the query engine\'s (`num_cpus * 2 + 1` connections by default, up to Prisma 6) or the driver adapter\'s (`@prisma/adapter-pg` creates a `pg` pool of up to 10). Creating one per request, per job or per loop iteration opens new connections every time, until the database refuses more (`too many connections`, P2037), and each client pays the connection handshake before its first query.',
      'Create one client per process, at module level, and import it. In Next.js development, hot reloading re-runs modules, so keep the client on `globalThis` (`globalThis.prisma ?? new PrismaClient()`) to reuse it across reloads.',
      'Not reported: module-level clients, lazily created singletons (`client ??= new PrismaClient()` stored outside the function, or kept in a `Map` declared outside it), factories whose result is stored once at module level, a `main()` script function called once at module level, test set-up hooks that store the client in an outer variable, short-lived clients the same function closes with `$disconnect()` (a one-off client for a second database, an admin connection, a test fixture), and the default export of a data migration (a file in a `migrations` folder), which runs once per migrate.',
    ].join('\n\n'),
    bad: ['export async function GET() {', '  const prisma = new PrismaClient();', '  return Response.json(await prisma.user.findMany({ take: 20 }));', '}'].join('\n'),
    good: ['const prisma = new PrismaClient();', '', 'export async function GET() {', '  return Response.json(await prisma.user.findMany({ take: 20 }));', '}'].join('\n'),
    fixSafety: 'No fix: moving the client to module level changes when it connects and which options it gets, so it is left to you.',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    const clientClasses = new Set(['PrismaClient', ...[...context.index.clientClasses].flatMap((declaration) => (declaration.name ? [declaration.name.text] : []))]);
    // Most files create no client: skip the walk unless one of the class names is written after `new`.
    if (![...clientClasses].some((name) => context.text.includes(name))) return findings;
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && clientClasses.has(calleeName(node) ?? '')) {
        const owner = perCallOwner(context.sourceFile, node, context.uri);
        if (owner) {
          findings.push({
            uri: context.uri,
            // `new PrismaClient`, without its options, which may span lines.
            span: { start: node.getStart(context.sourceFile), end: node.expression.getEnd() },
            message: `Connections pile up until the database refuses them: a "${node.expression.getText(context.sourceFile)}" is created ${owner}.`,
            help: 'Each client opens its own connection pool: create one at module level and reuse it (in Next.js, keep it on "globalThis" so hot reloads reuse it too).',
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(context.sourceFile);
    return findings;
  },
});

/** Where a client is created once per call (`on every call of \`handler\``), or undefined when it is created once. */
function perCallOwner(sourceFile: ts.SourceFile, creation: ts.Expression, uri: string): string | undefined {
  const fn = enclosingFunction(creation);
  if (!fn) return loopAround(creation, undefined) ? 'in every iteration of a loop' : undefined;
  if (ts.isConstructorDeclaration(fn) || ts.isClassStaticBlockDeclaration(fn as ts.Node)) return undefined;
  if (storedOutside(creation, fn) || disconnectedBy(creation, fn) || isDataMigrationEntry(fn, uri)) return undefined;
  const name = nameOf(fn);
  if (returnsValue(creation, fn)) {
    // A factory: per call only if it is itself called inside a function or loop.
    if (!name) return undefined;
    const calls = callsOf(sourceFile, name).filter((call) => call !== creation);
    const inside = calls.find((call) => {
      const caller = enclosingFunction(call);
      return caller !== undefined && !calledOnceAtTopLevel(sourceFile, caller) && !storedOutside(call, caller) && !returnsValue(call, caller);
    });
    return inside ? `by "${name}()" on every call of "${nameOf(enclosingFunction(inside)!) ?? 'a function'}"` : undefined;
  }
  if (calledOnceAtTopLevel(sourceFile, fn)) return undefined;
  return name ? `on every call of "${name}"` : 'on every call of the function around it';
}

/**
 * The client is bound to a variable that the same function closes (`finally { await db.$disconnect() }`,
 * `.finally(() => db.$disconnect())`): a short-lived client whose pool ends with the call, so nothing piles up.
 */
function disconnectedBy(creation: ts.Expression, fn: ts.FunctionLikeDeclaration): boolean {
  const variable = boundVariable(creation);
  if (!variable || !fn.body) return false;
  let closed = false;
  const walk = (node: ts.Node): void => {
    if (closed) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === '$disconnect') {
      const receiver = unwrap(node.expression.expression);
      if (ts.isIdentifier(receiver) && receiver.text === variable) closed = true;
    }
    ts.forEachChild(node, walk);
  };
  walk(fn.body);
  return closed;
}

/** The name of the `const`/`let` the new client is assigned to: `const db = new PrismaClient(…)`. */
function boundVariable(creation: ts.Expression): string | undefined {
  let current: ts.Node = creation;
  while (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent)) current = current.parent;
  const parent = current.parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === current && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isBinaryExpression(parent) && parent.right === current && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(parent.left)) return parent.left.text;
  return undefined;
}

/**
 * `export default async () => { const client = new PrismaClient(); … }` in a `migrations` folder: a data
 * migration's entry point, run once by the migration runner and never per request.
 */
function isDataMigrationEntry(fn: ts.FunctionLikeDeclaration, uri: string): boolean {
  if (!/\/migrations?\//.test(uri.replace(/\\/g, '/'))) return false;
  if (ts.isExportAssignment(fn.parent) && !fn.parent.isExportEquals) return true;
  return ts.isFunctionDeclaration(fn) && (ts.getModifiers(fn) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword);
}

function loopAround(node: ts.Node, stop: ts.Node | undefined): boolean {
  for (let current = node.parent; current && current !== stop; current = current.parent) {
    if (ts.isForStatement(current) || ts.isForOfStatement(current) || ts.isForInStatement(current) || ts.isWhileStatement(current) || ts.isDoStatement(current)) return true;
  }
  return false;
}

/** The value flows into a variable declared outside `fn` or a property: `client = new PrismaClient()`, `globalThis.prisma = …`, `this.client = …`. */
function storedOutside(node: ts.Node, fn: ts.FunctionLikeDeclaration): boolean {
  for (let current: ts.Node = node; current.parent && current !== fn; current = current.parent) {
    const parent = current.parent;
    if (ts.isBinaryExpression(parent) && parent.right === current && isAssignment(parent.operatorToken.kind)) {
      const target = unwrap(parent.left);
      if (!ts.isIdentifier(target)) return true;
      return !declaredWithin(target.text, fn);
    }
    // `clients.set(url, new PrismaClient(…))`: kept in a cache that outlives the call.
    if (ts.isCallExpression(parent) && parent.arguments.includes(current as ts.Expression) && cachedOutside(parent, fn)) return true;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return cachedLater(parent.name.text, fn);
    if (ts.isVariableDeclaration(parent) || ts.isReturnStatement(parent) || isFunctionLike(parent) || ts.isExpressionStatement(parent)) return false;
  }
  return false;
}

/** `cache.set(key, …)` where `cache` is declared outside the function. */
function cachedOutside(call: ts.CallExpression, fn: ts.FunctionLikeDeclaration): boolean {
  if (!ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== 'set') return false;
  const receiver = unwrap(call.expression.expression);
  if (ts.isIdentifier(receiver)) return !declaredWithin(receiver.text, fn);
  return ts.isPropertyAccessExpression(receiver) && receiver.expression.kind === ts.SyntaxKind.ThisKeyword;
}

/** `const client = new PrismaClient(…); clients.set(url, client)`: the variable goes into an outer cache. */
function cachedLater(variable: string, fn: ts.FunctionLikeDeclaration): boolean {
  if (!fn.body) return false;
  let cached = false;
  const walk = (node: ts.Node): void => {
    if (cached) return;
    if (ts.isCallExpression(node) && node.arguments.some((argument) => ts.isIdentifier(unwrap(argument)) && (unwrap(argument) as ts.Identifier).text === variable) && cachedOutside(node, fn)) cached = true;
    ts.forEachChild(node, walk);
  };
  walk(fn.body);
  return cached;
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsToken || kind === ts.SyntaxKind.QuestionQuestionEqualsToken || kind === ts.SyntaxKind.BarBarEqualsToken;
}

function declaredWithin(name: string, fn: ts.FunctionLikeDeclaration): boolean {
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && ts.isIdentifier(node.name) && node.name.text === name) found = true;
    ts.forEachChild(node, walk);
  };
  fn.parameters.forEach(walk);
  if (fn.body) walk(fn.body);
  return found;
}

/** The client is what the function returns: `return new PrismaClient()`, `() => new PrismaClient()`. */
function returnsValue(node: ts.Node, fn: ts.FunctionLikeDeclaration): boolean {
  if (fn.body && !ts.isBlock(fn.body) && unwrap(fn.body as ts.Expression) === unwrap(node as ts.Expression)) return true;
  for (let current: ts.Node = node; current.parent && current !== fn; current = current.parent) {
    const parent = current.parent;
    if (ts.isReturnStatement(parent)) return true;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
      const variable = parent.name.text;
      let returned = false;
      const walk = (child: ts.Node): void => {
        if (ts.isReturnStatement(child) && child.expression && ts.isIdentifier(unwrap(child.expression)) && (unwrap(child.expression) as ts.Identifier).text === variable) returned = true;
        if (!isFunctionLike(child)) ts.forEachChild(child, walk);
      };
      if (fn.body) ts.forEachChild(fn.body, walk);
      return returned;
    }
    if (!(ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent) || ts.isCallExpression(parent) || ts.isPropertyAccessExpression(parent) || ts.isBinaryExpression(parent) || ts.isConditionalExpression(parent))) return false;
  }
  return false;
}

function nameOf(fn: ts.FunctionLikeDeclaration): string | undefined {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))) return fn.name.text;
  if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  if (ts.isPropertyAssignment(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return undefined;
}

function callsOf(sourceFile: ts.SourceFile, name: string): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  const walk = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name) calls.push(node);
    ts.forEachChild(node, walk);
  };
  walk(sourceFile);
  return calls;
}

/**
 * A script's `main()` called once at module level, an IIFE, or a test set-up hook (`beforeAll(…)`):
 * the function runs once per process.
 */
function calledOnceAtTopLevel(sourceFile: ts.SourceFile, fn: ts.FunctionLikeDeclaration): boolean {
  const parent = fn.parent;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isParenthesizedExpression(parent) && ts.isCallExpression(parent.parent) && !enclosingFunction(parent.parent)) return true;
  if (ts.isCallExpression(parent) && /^(?:beforeAll|before|beforeEach|setup|globalSetup)$/.test(calleeName(parent) ?? '')) return true;
  const name = nameOf(fn);
  if (!name || enclosingFunction(fn) || exported(fn)) return false;
  const calls = callsOf(sourceFile, name);
  return calls.length === 1 && !enclosingFunction(calls[0]!) && !loopAround(calls[0]!, undefined);
}

function exported(fn: ts.FunctionLikeDeclaration): boolean {
  const holder = ts.isFunctionDeclaration(fn) ? fn : ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : undefined;
  return !!holder && ts.canHaveModifiers(holder) && (ts.getModifiers(holder) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}
