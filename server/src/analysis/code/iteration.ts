/**
 * Which loops run a piece of code once per iteration: statement loops and the callbacks of
 * iterating functions (`map`, `forEach`, `pMap`…), looking through wrappers such as
 * `withRetry(() => …)` or `.then(…)` up to the function the code belongs to.
 */
import ts = require('typescript');
import { calleeName, isFunctionLike, unwrap } from './syntax';

export interface Loop {
  /** How the code iterates: `for…of`, `while`, or the iterating function (`map`, `forEach`, `pMap`). */
  kind: string;
  form: 'statement' | 'callback';
  /** The loop statement, or the call that iterates. */
  node: ts.Node;
  /** What runs once per iteration: the loop body, or the callback. */
  body: ts.Node;
  /** The per-iteration binding: the `for…of` variable, the callback's element parameter, a `for` counter. */
  element: ts.BindingName | undefined;
  /** What is iterated (`users`, `post.tags`), when the loop says. */
  collection: ts.Expression | undefined;
  /** The condition of a `for`/`while`/`do` loop. */
  condition: ts.Expression | undefined;
  /** Native array callbacks run every iteration in the same tick, one after the other without waiting. */
  sameTickCallback: boolean;
}

export interface IterationContext {
  /** Innermost first; only loops inside `owner`. */
  loops: Loop[];
  /** The function the code runs in once per call, after looking through wrappers; undefined at module level. */
  owner: ts.FunctionLikeDeclaration | undefined;
  /** Inside a test hook (`beforeEach(…)`): runs once per test, which is not a data loop. */
  inTestHook: boolean;
}

/** Native array methods whose callback runs once per element, synchronously. */
export const ARRAY_METHODS: ReadonlySet<string> = new Set(['map', 'flatMap', 'forEach', 'filter', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'reduce', 'reduceRight']);
/** Library helpers that take the collection first and call back per element (p-map, async, Bluebird, lodash). */
export const COLLECTION_FUNCTIONS: ReadonlySet<string> = new Set([
  'pMap', 'pMapSeries', 'pEachSeries', 'pFilter', 'pFilterSeries', 'pReduce', 'pSeries', 'pAll', 'pMapSkip',
  'mapSeries', 'mapLimit', 'eachSeries', 'eachLimit', 'each', 'eachOf', 'eachOfSeries', 'forEachSeries', 'forEachOf', 'forEachLimit',
  'map', 'forEach', 'filter', 'reduce', 'flatMap', 'mapValues', 'times', 'timesSeries', 'from', 'promiseMap', 'mapConcurrently', 'asyncPool',
]);
/** Test hooks: what they run is set-up per test, not per element of data. */
const TEST_HOOKS = new Set(['beforeEach', 'afterEach', 'beforeAll', 'afterAll', 'before', 'after', 'setup', 'teardown']);
/** Calls that register a callback to run later, not while the enclosing code runs. */
const REGISTRATIONS = new Set([
  'describe', 'it', 'test', 'xit', 'fit', 'xtest', 'bench', 'on', 'once', 'addListener', 'prependListener', 'addEventListener',
  'subscribe', 'setInterval', 'schedule', 'useEffect', 'useCallback', 'useMemo', 'waitUntil',
]);

const contexts = new WeakMap<ts.Node, IterationContext>();

/** The loops around `node` inside its function, innermost first. Cached per node. */
export function iterationContext(node: ts.Node): IterationContext {
  const cached = contexts.get(node);
  if (cached) return cached;
  const loops: Loop[] = [];
  let owner: ts.FunctionLikeDeclaration | undefined;
  let inTestHook = false;
  let child: ts.Node = node;
  for (let parent = node.parent; parent && !ts.isSourceFile(parent); child = parent, parent = parent.parent) {
    if (ts.isClassLike(parent)) break;
    const statementLoop = loopStatement(parent, child);
    if (statementLoop) {
      loops.push(statementLoop);
      continue;
    }
    if (!isFunctionLike(parent)) continue;
    const role = callbackRole(parent);
    if (role.kind === 'loop') {
      loops.push(role.loop);
      continue;
    }
    if (role.kind === 'transparent') continue;
    inTestHook = role.kind === 'test-hook';
    owner = parent;
    break;
  }
  const context = { loops, owner, inTestHook };
  contexts.set(node, context);
  return context;
}

type CallbackRole = { kind: 'loop'; loop: Loop } | { kind: 'transparent' } | { kind: 'boundary' } | { kind: 'test-hook' };

/** What calling code does with a function: iterate with it, run it now, or keep it for later. */
function callbackRole(fn: ts.FunctionLikeDeclaration): CallbackRole {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return { kind: 'boundary' };
  let child: ts.Node = fn;
  let parent = fn.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent)) {
    child = parent;
    parent = parent.parent;
  }
  // An immediately invoked function runs where it stands.
  if (ts.isCallExpression(parent) && parent.expression === child) return { kind: 'transparent' };
  if (ts.isNewExpression(parent)) return calleeName(parent) === 'Promise' ? { kind: 'transparent' } : { kind: 'boundary' };
  // `items.map((item) => async () => …)`: a task made per element, run later (`limitConcurrency(tasks, 5)`), once per element.
  if (isTaskOfLoopCallback(child, parent)) return { kind: 'transparent' };
  if (!ts.isCallExpression(parent)) return { kind: 'boundary' };
  const call = parent;
  const name = calleeName(call);
  const position = call.arguments.indexOf(child as ts.Expression);
  if (name && TEST_HOOKS.has(name)) return { kind: 'test-hook' };
  const loop = name ? callbackLoop(call, name, position, fn) : undefined;
  if (loop) return { kind: 'loop', loop };
  if (name && REGISTRATIONS.has(name)) return { kind: 'boundary' };
  return { kind: 'transparent' };
}

function isTaskOfLoopCallback(child: ts.Node, parent: ts.Node): boolean {
  let holder: ts.Node | undefined;
  if (ts.isArrowFunction(parent) && parent.body === child) holder = parent;
  else if (ts.isReturnStatement(parent)) for (let current = parent.parent; current && !holder; current = current.parent) if (isFunctionLike(current)) holder = current;
  if (!holder || !(ts.isArrowFunction(holder) || ts.isFunctionExpression(holder))) return false;
  const call = holder.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(holder as ts.Expression)) return false;
  const name = calleeName(call);
  return name !== undefined && callbackLoop(call, name, call.arguments.indexOf(holder as ts.Expression), holder) !== undefined;
}

/**
 * The loop a function reference passed to an iterating call makes: `users.map(loadPosts)` runs
 * `loadPosts` once per user. Undefined when the call does not iterate.
 */
export function referenceLoop(reference: ts.Expression, fn: ts.FunctionLikeDeclaration): Loop | undefined {
  const { parent } = reference;
  if (!ts.isCallExpression(parent)) return undefined;
  const name = calleeName(parent);
  return name ? callbackLoop(parent, name, parent.arguments.indexOf(reference), fn) : undefined;
}

function callbackLoop(call: ts.CallExpression, name: string, position: number, fn: ts.FunctionLikeDeclaration): Loop | undefined {
  const callee = unwrap(call.expression);
  const isMethod = ts.isPropertyAccessExpression(callee);
  let collection: ts.Expression | undefined;
  let sameTick = false;
  if (isMethod && position === 0 && ARRAY_METHODS.has(name)) {
    collection = callee.expression;
    sameTick = true;
  } else if (position >= 1 && COLLECTION_FUNCTIONS.has(name)) {
    collection = call.arguments[0];
    sameTick = name === 'from' && isMethod && unwrap(callee.expression).getText() === 'Array';
    if (name === 'from' && !sameTick) return undefined;
  } else {
    return undefined;
  }
  const reduces = name === 'reduce' || name === 'reduceRight' || name === 'pReduce';
  const element = fn.parameters[reduces ? 1 : 0]?.name;
  return { kind: name, form: 'callback', node: call, body: fn, element, collection, condition: undefined, sameTickCallback: sameTick };
}

/** The loop `parent` is, when `child` is the part of it that runs once per iteration. */
function loopStatement(parent: ts.Node, child: ts.Node): Loop | undefined {
  if (ts.isForOfStatement(parent) && child === parent.statement) {
    return statementLoop(parent.awaitModifier ? 'for await…of' : 'for…of', parent, declaredBinding(parent.initializer), parent.expression, undefined);
  }
  if (ts.isForInStatement(parent) && child === parent.statement) {
    return statementLoop('for…in', parent, declaredBinding(parent.initializer), parent.expression, undefined);
  }
  if (ts.isForStatement(parent) && child === parent.statement) {
    const counter = parent.initializer && ts.isVariableDeclarationList(parent.initializer) ? parent.initializer.declarations[0]?.name : undefined;
    return statementLoop('for', parent, counter, parent.condition && sizedCollection(parent.condition), parent.condition);
  }
  if ((ts.isWhileStatement(parent) || ts.isDoStatement(parent)) && child === parent.statement) {
    const measured = sizedCollection(parent.expression);
    // `while (done + failed.length < MAX)` measures a list the loop only appends to: it walks no collection.
    const walked = measured && walksCollection(measured, parent.statement) ? measured : undefined;
    const collection = walked ?? drainedCollection(parent.expression) ?? drainedCollection(parent.statement);
    return statementLoop(ts.isWhileStatement(parent) ? 'while' : 'do…while', parent, undefined, collection, parent.expression);
  }
  return undefined;
}

function statementLoop(
  kind: string,
  node: ts.IterationStatement,
  element: ts.BindingName | undefined,
  collection: ts.Expression | undefined,
  condition: ts.Expression | undefined,
): Loop {
  return { kind, form: 'statement', node, body: node.statement, element, collection, condition, sameTickCallback: false };
}

function declaredBinding(initializer: ts.ForInitializer): ts.BindingName | undefined {
  if (ts.isVariableDeclarationList(initializer)) return initializer.declarations[0]?.name;
  const value = unwrap(initializer);
  return ts.isIdentifier(value) ? value : undefined;
}

/** `i < users.length`, `queue.length > 0`, `seen.size < n`: the collection a condition measures. */
function sizedCollection(condition: ts.Expression): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  const walk = (node: ts.Node): void => {
    if (found || isFunctionLike(node)) return;
    if (ts.isPropertyAccessExpression(node) && (node.name.text === 'length' || node.name.text === 'size')) {
      found = node.expression;
      return;
    }
    ts.forEachChild(node, walk);
  };
  walk(condition);
  return found;
}

/** True when the body takes elements of the collection: `queue.shift()`, `items[i]`, `items.splice(…)`, or assigns it anew. */
function walksCollection(collection: ts.Expression, body: ts.Node): boolean {
  const text = unwrap(collection).getText();
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if (ts.isElementAccessExpression(node) && unwrap(node.expression).getText() === text) found = true;
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(?:shift|pop|splice|slice|at)$/.test(node.expression.name.text) && unwrap(node.expression.expression).getText() === text) found = true;
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && unwrap(node.left).getText() === text) found = true;
    else if (ts.isForOfStatement(node) && unwrap(node.expression).getText() === text) found = true;
    else ts.forEachChild(node, walk);
  };
  walk(body);
  return found;
}

/** `queue.shift()` / `stack.pop()` in a condition or at the top of a loop body: the loop drains that collection. */
function drainedCollection(node: ts.Node): ts.Expression | undefined {
  const statements = ts.isBlock(node) ? node.statements.slice(0, 3) : [node];
  let found: ts.Expression | undefined;
  const walk = (current: ts.Node): void => {
    if (found || isFunctionLike(current)) return;
    if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && current.arguments.length === 0) {
      const method = current.expression.name.text;
      if (method === 'shift' || method === 'pop') {
        found = current.expression.expression;
        return;
      }
    }
    ts.forEachChild(current, walk);
  };
  for (const statement of statements) walk(statement);
  return found;
}
