/**
 * What a loop does with the query it repeats: run it once per element (N+1), or drive it as a
 * pagination, retry, chunk or polling loop, where one query per iteration is the point.
 */
import ts = require('typescript');
import type { Loop } from './iteration';
import { isBulkOperation, operationKind } from './operations';
import { constInitializer } from '../facts/code-scope';
import { boundNames, forEachIdentifier, isFunctionLike, isWithin, propertyName, unwrap } from './syntax';

export type LoopRole =
  /** Once per element of a collection or per step of a counted loop: the N+1 shape. */
  | 'per-element'
  /** Fetches the next page (`take` with `skip`/`cursor`/keyset) each time round. */
  | 'pagination'
  /** Repeats the same work until it succeeds (`attempt < 3`, `try { …; return }`). */
  | 'retry'
  /** Iterates over chunks and queries each chunk as a set (`in: chunk`, `createMany({ data: batch })`). */
  | 'chunk'
  /** A `while`/`do` loop over no collection: polling, draining a queue table, compare-and-swap. */
  | 'driver'
  /** Over a collection the code defines (a literal list, a constant, an enum's values): its size does not grow with the data. */
  | 'constant';

/** What repeats in the loop: a query, or the call of a local function that queries. */
export interface RepeatedUse {
  /** The query call or the helper call. */
  node: ts.Node;
  /** The operations it runs. */
  operations: readonly string[];
  /** Where per-iteration values flow in: the query's arguments, or the helper call's arguments. */
  inputs: readonly ts.Node[];
}

/** The loops between the use and the loop being judged, innermost first. */
export type InnerLoops = readonly Loop[];

const SET_FILTERS = new Set(['in', 'notIn', 'hasSome', 'hasEvery']);
const CHUNK_NAME = /chunk|batch|slice|window|bucket/i;
const CHUNKING_CALL = /chunk|batch|partition|split|paginat/i;
const RETRY_WORD = /attempt|retr(?:y|ies)|tries/i;
const SET_METHODS = new Set(['map', 'filter', 'flatMap', 'slice', 'concat', 'flat']);

export function loopRole(loop: Loop, use: RepeatedUse, inner: InnerLoops = []): LoopRole {
  if (loop.collection && isCodeDefined(loop.collection, loop.node)) return 'constant';
  if (isChunkLoop(loop, use, inner)) return 'chunk';
  // `for await (const message of socket)`: one query per message that arrives, over time, is a consumer's design.
  if (loop.kind === 'for await…of' && loop.collection && isEventSource(loop.collection, loop.node)) return 'driver';
  const iteratesElements = loop.form === 'callback' || loop.kind === 'for…of' || loop.kind === 'for await…of' || loop.kind === 'for…in';
  if (iteratesElements) return 'per-element';
  if (use.operations.some((operation) => operationKind(operation) === 'read') && use.inputs.some(isPaginated)) return 'pagination';
  if (loop.collection && !isReassignedIn(loop.collection, loop.body)) return 'per-element';
  if (isChainWalk(loop, use)) return 'per-element';
  if (isRetry(loop, use.node)) return 'retry';
  if (loop.kind === 'for' && loop.element && loop.condition) return 'per-element';
  return 'driver';
}

/** Names of things that deliver messages or events as they come: sockets, streams, subscriptions, queues. */
const EVENT_SOURCE = /sock(?:et)?s?$|stream$|subscriptions?$|subscriber$|consumer$|watcher$|listener$|channel$|messages$|events$|^(?:sub|pull|queue|mq)$/i;
const EVENT_SOURCE_CALL = /^(?:on|watch|subscribe|listen|consume|stream|receive)|(?:Stream|Events|Messages|Changes)$/;

/**
 * What a `for await` loop walks when it is a source of events rather than a collection: a name like
 * `socket`, `sock`, `changeStream`, `subscription` or `messages`; a `new …()` (a ZeroMQ or Redis
 * socket); or a call like `watch(…)`, `subscribe(…)`, `on(emitter, 'message')`, `client.changes()`,
 * directly or through a local `const`.
 */
function isEventSource(collection: ts.Expression, from: ts.Node): boolean {
  const value = unwrap(collection);
  if (ts.isNewExpression(value)) return true;
  if (ts.isCallExpression(value)) {
    const callee = ts.isPropertyAccessExpression(value.expression) ? value.expression.name.text : ts.isIdentifier(value.expression) ? value.expression.text : '';
    return EVENT_SOURCE_CALL.test(callee);
  }
  const name = ts.isIdentifier(value) ? value.text : ts.isPropertyAccessExpression(value) ? value.name.text : undefined;
  if (name === undefined) return false;
  const initializer = ts.isIdentifier(value) ? constInitializer(value.text, from) : undefined;
  const declared = initializer && unwrap(initializer);
  // `const messages = await prisma.message.findMany()`: rows already read, whatever their name.
  if (declared !== undefined) return ts.isNewExpression(declared) || (ts.isCallExpression(declared) && isEventSource(declared, from));
  return EVENT_SOURCE.test(name);
}

const CONSTANT_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{2,}[0-9]*$/;
const OBJECT_ITERATION = /^(?:keys|values|entries)$/;
const SUBSET_METHODS = new Set(['filter', 'slice', 'map', 'flat', 'flatMap', 'toSorted', 'toReversed']);

/** `Object.keys(…)`, `Object.values(…)`, `Object.entries(…)`. */
function isObjectIteration(call: ts.CallExpression): boolean {
  return ts.isPropertyAccessExpression(call.expression) && OBJECT_ITERATION.test(call.expression.name.text);
}

/**
 * A collection written in the code: a literal list without spreads (`['a', 'b'] as const`), a
 * constant by name (`DEFAULT_ROLES`), the keys, values or entries of a constant object (declared
 * with its properties) or of an enum (`Object.values(Role)`).
 */
function isCodeDefined(collection: ts.Expression, from: ts.Node): boolean {
  const value = unwrap(collection);
  if (ts.isArrayLiteralExpression(value)) return value.elements.every((element) => !ts.isSpreadElement(element));
  // A constant by name, or a local holding an enum's or constant object's values; a list literal held
  // in a local variable is left alone (seed scripts create theirs row by row).
  if (ts.isIdentifier(value)) {
    if (CONSTANT_NAME.test(value.text)) return true;
    const initializer = constInitializer(value.text, from);
    const declared = initializer && unwrap(initializer);
    return declared !== undefined && ts.isCallExpression(declared) && isObjectIteration(declared) && isCodeDefined(declared, from);
  }
  // A part of such a list: `[…].filter(…)`, `ROLES.slice(1)`.
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && SUBSET_METHODS.has(value.expression.name.text)) return isCodeDefined(value.expression.expression, from);
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && isObjectIteration(value)) {
    const owner = unwrap(value.expression.expression);
    const argument = value.arguments[0];
    if (ts.isIdentifier(owner) && owner.text === 'Object' && argument) {
      const object = unwrap(argument);
      if (ts.isObjectLiteralExpression(object)) return true;
      return ts.isIdentifier(object) && (CONSTANT_NAME.test(object.text) || /^[A-Z]/.test(object.text) || isConstObject(object.text, from));
    }
  }
  return false;
}

/** A `const` holding an object literal with properties and no spread: its keys are written in the code. */
function isConstObject(name: string, from: ts.Node): boolean {
  const initializer = constInitializer(name, from);
  const value = initializer && unwrap(initializer);
  return value !== undefined && ts.isObjectLiteralExpression(value) && value.properties.length > 0 && value.properties.every((property) => !ts.isSpreadAssignment(property));
}

/** `{ take, skip }`, `{ take, cursor }` or `{ take, where: { id: { gt: last } } }`. */
function isPaginated(input: ts.Node): boolean {
  const args = ts.isObjectLiteralExpression(input) ? input : undefined;
  if (!args) return false;
  const names = new Set(args.properties.map(propertyName));
  if (!names.has('take') && !names.has('first')) return false;
  if (names.has('skip') || names.has('cursor')) return true;
  let keyset = false;
  const where = args.properties.find((property) => propertyName(property) === 'where');
  if (where) {
    const walk = (node: ts.Node): void => {
      if (keyset) return;
      if (ts.isPropertyAssignment(node) && /^(?:gt|gte|lt|lte)$/.test(propertyName(node) ?? '')) keyset = true;
      else ts.forEachChild(node, walk);
    };
    walk(where);
  }
  return keyset;
}

/**
 * A chunk loop queries each iteration's values as a set: the element (or a chunk sliced inside
 * the loop) flows whole into `in:`, a `*Many` operation or a raw query, not as `element.field`.
 */
function isChunkLoop(loop: Loop, use: RepeatedUse, inner: InnerLoops): boolean {
  const bulk = use.operations.every(isBulkOperation);
  const names = new Set(boundNames(loop.element));
  const chunkLike = new Set<string>();
  const chunkedCollection = loop.collection !== undefined && ts.isCallExpression(unwrap(loop.collection)) && CHUNKING_CALL.test(unwrap(loop.collection).getText());
  for (const name of names) if (CHUNK_NAME.test(name) || chunkedCollection) chunkLike.add(name);
  for (const local of chunkLocals(loop.body, chunkLike)) {
    names.add(local);
    chunkLike.add(local);
  }
  // `for (let i = 0; i < ids.length; i += 500)`: each turn takes the next chunk of the collection.
  if (isSteppedLoop(loop) && (bulk || use.inputs.some(hasSetFilter))) return true;
  if (names.size === 0) return false;
  let found = false;
  // `for (const group of chunk(ids, 200)) await Promise.all(group.map(…))`: an inner loop walks the chunk.
  for (const innerLoop of inner) {
    if (!innerLoop.collection) continue;
    forEachIdentifier(innerLoop.collection, (identifier) => {
      if (chunkLike.has(identifier.text) && usedAsSet(identifier)) found = true;
    });
    if (found) return true;
  }
  for (const input of use.inputs) {
    forEachIdentifier(input, (identifier) => {
      if (found || !names.has(identifier.text) || !usedAsSet(identifier)) return;
      // In a set filter (`in: ids`) any per-iteration list is a chunk; elsewhere only a chunk-like name is.
      if (insideSetFilter(identifier, input) || (bulk && chunkLike.has(identifier.text))) found = true;
    });
    if (found) return true;
  }
  return false;
}

function isSteppedLoop(loop: Loop): boolean {
  if (!ts.isForStatement(loop.node) || !loop.node.incrementor) return false;
  const step = loop.node.incrementor;
  if (!ts.isBinaryExpression(step) || step.operatorToken.kind !== ts.SyntaxKind.PlusEqualsToken) return false;
  return !(ts.isNumericLiteral(step.right) && step.right.text === '1');
}

function hasSetFilter(input: ts.Node): boolean {
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAssignment(node) && SET_FILTERS.has(propertyName(node) ?? '')) found = true;
    else ts.forEachChild(node, walk);
  };
  walk(input);
  return found;
}

/** `chunk`, `chunk.map(…)`: the value itself, not one of its fields. */
function usedAsSet(identifier: ts.Identifier): boolean {
  const parent = identifier.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === identifier) return SET_METHODS.has(parent.name.text);
  if (ts.isElementAccessExpression(parent) && parent.expression === identifier) return false;
  return true;
}

/**
 * True when the value reaches a set filter whole: `in: chunk`, `in: chunk.map((c) => c.id)`,
 * `in: [...chunk]`; not `in: [email]`, which wraps one element in a list of its own.
 */
function insideSetFilter(node: ts.Node, root: ts.Node): boolean {
  let child = node;
  for (let current: ts.Node | undefined = node.parent; current && child !== root; child = current, current = current.parent) {
    if (ts.isPropertyAssignment(current)) return SET_FILTERS.has(propertyName(current) ?? '');
    const passesSet =
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isSpreadElement(current) ||
      (ts.isArrayLiteralExpression(current) && ts.isSpreadElement(child)) ||
      (ts.isPropertyAccessExpression(current) && current.expression === child) ||
      (ts.isCallExpression(current) && current.expression === child);
    if (!passesSet) return false;
  }
  return false;
}

/**
 * Locals of the loop body that hold a chunk: `const chunk = ids.slice(i, i + 500)`, a `batch`-named
 * value, or a value computed from a chunk (`const created = await …({ where: { email: { in: batch } } })`).
 */
function chunkLocals(body: ts.Node, chunkNames: ReadonlySet<string>): string[] {
  const names: string[] = [];
  const known = new Set(chunkNames);
  const block = isFunctionLike(body) ? body.body : body;
  const statements = block && ts.isBlock(block) ? block.statements : [];
  for (const statement of statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const value = unwrap(declaration.initializer);
      const slices = ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && /^(?:slice|splice)$/.test(value.expression.name.text);
      let derived = false;
      forEachIdentifier(value, (identifier) => {
        if (known.has(identifier.text)) derived = true;
      });
      if (slices || derived || CHUNK_NAME.test(declaration.name.text)) {
        names.push(declaration.name.text);
        known.add(declaration.name.text);
      }
    }
  }
  return names;
}

const reassigned = new WeakMap<ts.Node, boolean>();

/** `rows = await …` inside the loop: the loop re-reads what it measures, so it is driven by the query. */
function isReassignedIn(collection: ts.Expression, body: ts.Node): boolean {
  let known = reassigned.get(body);
  if (known === undefined) {
    known = findsReassignment(collection, body);
    reassigned.set(body, known);
  }
  return known;
}

function findsReassignment(collection: ts.Expression, body: ts.Node): boolean {
  const target = unwrap(collection);
  if (!ts.isIdentifier(target)) return false;
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found || isFunctionLike(node)) return;
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = unwrap(node.left);
      if (ts.isIdentifier(left) && left.text === target.text) found = true;
      if (ts.isArrayLiteralExpression(left) || ts.isObjectLiteralExpression(left)) {
        forEachIdentifier(left, (identifier) => {
          if (identifier.text === target.text) found = true;
        });
      }
    }
    ts.forEachChild(node, walk);
  };
  walk(body);
  return found;
}

/**
 * A walk along a chain of rows: `while (current?.parentId) current = await …({ where: { id: current.parentId } })`.
 * The query reads the variable the loop tests and assigns its result back: one query per link.
 */
function isChainWalk(loop: Loop, use: RepeatedUse): boolean {
  if (!loop.condition) return false;
  let node: ts.Node = use.node;
  let parent = node.parent;
  while (
    ts.isParenthesizedExpression(parent) ||
    ts.isAwaitExpression(parent) ||
    ts.isNonNullExpression(parent) ||
    ts.isAsExpression(parent) ||
    (ts.isConditionalExpression(parent) && parent.condition !== node) ||
    (ts.isBinaryExpression(parent) && parent.right === node && parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken)
  ) {
    node = parent;
    parent = parent.parent;
  }
  if (!ts.isBinaryExpression(parent) || parent.operatorToken.kind !== ts.SyntaxKind.EqualsToken || parent.right !== node) return false;
  const target = unwrap(parent.left);
  if (!ts.isIdentifier(target)) return false;
  const mentions = (root: ts.Node): boolean => {
    let found = false;
    forEachIdentifier(root, (identifier) => {
      if (identifier.text === target.text) found = true;
    });
    return found;
  };
  return mentions(loop.condition) && use.inputs.some(mentions);
}

/** A counter named `attempt`/`retries`, or a `try` that leaves the loop when the work succeeds. */
function isRetry(loop: Loop, node: ts.Node): boolean {
  const header = ts.isForStatement(loop.node) ? [loop.node.initializer, loop.node.condition, loop.node.incrementor] : [loop.condition];
  if (header.some((part) => part !== undefined && RETRY_WORD.test(part.getText()))) return true;
  for (let current: ts.Node = node; current !== loop.body && current.parent; current = current.parent) {
    const parent = current.parent;
    if (ts.isTryStatement(parent) && parent.tryBlock === current && exitsLoop(parent.tryBlock, loop)) return true;
  }
  return false;
}

function exitsLoop(block: ts.Block, loop: Loop): boolean {
  let exits = false;
  const walk = (node: ts.Node): void => {
    if (exits || isFunctionLike(node)) return;
    if (ts.isReturnStatement(node)) exits = true;
    else if (ts.isBreakStatement(node) && !node.label && !insideInnerLoop(node, loop)) exits = true;
    else ts.forEachChild(node, walk);
  };
  walk(block);
  return exits;
}

function insideInnerLoop(node: ts.Node, loop: Loop): boolean {
  for (let current = node.parent; current && current !== loop.node; current = current.parent) {
    if (ts.isIterationStatement(current, false) || ts.isSwitchStatement(current)) return isWithin(current, loop.node);
  }
  return false;
}
