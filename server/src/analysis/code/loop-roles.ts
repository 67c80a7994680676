/**
 * What a loop does with the query it repeats: run it once per element (N+1), or drive it as a
 * pagination, retry, chunk or polling loop, where one query per iteration is the point.
 */
import ts = require('typescript');
import type { Loop } from './iteration';
import { isBulkOperation, operationKind } from './operations';
import { constInitializer, declarationOf } from '../facts/code-scope';
import { isCodeDefined, isObjectIteration } from './code-defined';
import { boundNames, calleeName, forEachIdentifier, isFunctionLike, isWithin, propertyName, unwrap } from './syntax';

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
  if (iteratesElements(loop)) return 'per-element';
  if (use.operations.some((operation) => operationKind(operation) === 'read') && use.inputs.some(isPaginated)) return 'pagination';
  if (loop.collection && !isReassignedIn(loop.collection, loop.body)) return 'per-element';
  if (isChainWalk(loop, use)) return 'per-element';
  if (isRetry(loop, use.node)) return 'retry';
  if (isDrain(loop, use)) return 'driver';
  if (loop.kind === 'for' && loop.element && loop.condition) return 'per-element';
  return 'driver';
}

/** A callback over a collection, or a `for…of`/`for…in`: one turn per element, not a counter or a condition. */
function iteratesElements(loop: Loop): boolean {
  return loop.form === 'callback' || loop.kind === 'for…of' || loop.kind === 'for await…of' || loop.kind === 'for…in';
}

/**
 * A loop that makes the same call each time round and stops when its result says the work is done:
 * `for (let i = 0; i < MAX_ITERATIONS; i++) { const pairs = await findPairs(since, 1000); if (pairs.length === 0) break; … }`,
 * `if (!result.hasMore) break`. Each call takes the next batch of what is left, since the turn
 * processes what it read: the loop runs once per batch, capped by the counter, and so does whatever
 * else the turn runs outside its inner loops. The drained call's arguments name neither the counter
 * nor a value the turn derives from it (`items[i]`, `const item = items[i]`).
 */
function isDrain(loop: Loop, use: RepeatedUse): boolean {
  if (loop.form !== 'statement' || !ts.isBlock(loop.body)) return false;
  let varying = drains.get(loop.node);
  if (varying === undefined) {
    const values = perTurnValues(loop, loop.body);
    varying = findsDrain(loop, loop.body, values) ? values : null;
    drains.set(loop.node, varying);
  }
  return varying !== null && !use.inputs.some((input) => mentionsAny(input, varying));
}

/** Per loop: the values its turn derives from the counter when it drains, null when it does not. */
const drains = new WeakMap<ts.Node, ReadonlySet<string> | null>();

function findsDrain(loop: Loop, body: ts.Block, varying: ReadonlySet<string>): boolean {
  for (const statement of body.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const value = declaration.initializer && unwrap(declaration.initializer);
      const call = value && ts.isAwaitExpression(value) ? unwrap(value.expression) : undefined;
      if (!call || !ts.isCallExpression(call) || call.arguments.some((argument) => mentionsAny(argument, varying))) continue;
      const results = new Set(boundNames(declaration.name));
      if (body.statements.some((other) => ts.isIfStatement(other) && mentionsAny(other.expression, results) && exitsLoop(other.thenStatement, loop))) return true;
    }
  }
  return false;
}

/** The counter and the locals of the turn computed from it (`const item = items[i]`). */
function perTurnValues(loop: Loop, body: ts.Block): Set<string> {
  const varying = new Set(boundNames(loop.element));
  for (const statement of body.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (declaration.initializer && mentionsAny(declaration.initializer, varying)) for (const name of boundNames(declaration.name)) varying.add(name);
    }
  }
  return varying;
}

function mentionsAny(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  let found = false;
  forEachIdentifier(node, (identifier) => {
    if (names.has(identifier.text)) found = true;
  });
  return found;
}

/**
 * Lists a turn of the loop starts empty and fills (`const updates: Update[] = []` … `updates.push(…)`),
 * declared in a block of the loop's body around the use: each turn collects its own page of rows.
 */
function collectedLists(loop: Loop, use: RepeatedUse): string[] {
  const found: string[] = [];
  for (let current = use.node.parent; current && current !== loop.node; current = current.parent) {
    if (!ts.isBlock(current)) continue;
    for (const statement of current.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        const value = declaration.initializer && unwrap(declaration.initializer);
        if (ts.isIdentifier(declaration.name) && value && ts.isArrayLiteralExpression(value) && value.elements.length === 0 && isPushedIn(declaration.name.text, current)) found.push(declaration.name.text);
      }
    }
    if (current === loop.body) break;
  }
  return found;
}

function isPushedIn(name: string, block: ts.Node): boolean {
  let pushed = false;
  const walk = (node: ts.Node): void => {
    if (pushed) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'push' && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === name) pushed = true;
    else ts.forEachChild(node, walk);
  };
  walk(block);
  return pushed;
}

/** Names of things that deliver messages or events as they come: sockets, streams, subscriptions, queues. */
const EVENT_SOURCE = /sock(?:et)?s?$|stream$|subscriptions?$|subscriber$|consumer$|watcher$|listener$|channel$|messages$|events$|^(?:sub|pull|queue|mq)$/i;
const EVENT_SOURCE_CALL = /^(?:on|watch|subscribe|listen|consume|stream|receive|setInterval)|(?:Stream|Events|Messages|Changes)$/;

/**
 * What a `for await` loop walks when it is a source of events rather than a collection: a name like
 * `socket`, `sock`, `changeStream`, `subscription` or `messages`; a `new …()` (a ZeroMQ or Redis
 * socket); or a call like `watch(…)`, `subscribe(…)`, `on(emitter, 'message')`, `client.changes()`,
 * or a timer (`setInterval(ms)` of `node:timers/promises`: one pass per tick, a polling loop),
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
  // `for (const key in byTable) { const ids = byTable[key]; … }`: the group of rows a key of a grouping holds.
  for (const local of groupLocals(loop, names)) {
    names.add(local);
    chunkLike.add(local);
  }
  for (const local of chunkLocals(loop.body, chunkLike)) {
    names.add(local);
    chunkLike.add(local);
  }
  // `for (let day = 0; day <= days; day++) { const updates = []; …updates.push(…)…; await bulkUpdate(updates) }`:
  // a list the iteration collects and writes at once, a page of rows per turn.
  if (!iteratesElements(loop)) {
    for (const local of collectedLists(loop, use)) {
      names.add(local);
      chunkLike.add(local);
    }
  }
  // `for (let i = 0; i < ids.length; i += 500)`: each turn takes the next chunk of the collection.
  if (isSteppedLoop(loop) && (bulk || use.inputs.some(hasSetFilter) || (slicesChunk(loop) && !indexesElement(loop, use)))) return true;
  // `for (const link of defaultLinks) createMany({ data: partners.map(…) })`: each turn writes a whole
  // set, built from a collection the loop does not walk.
  if (bulk && use.operations.every((operation) => operationKind(operation) === 'write') && use.inputs.some((input) => mapsOuterCollection(input, loop))) return true;
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
      // In a set filter (`in: ids`) any per-iteration list is a chunk; elsewhere only a chunk-like name is,
      // flowing whole into bulk operations, or into anything when the loop walks the result of a
      // chunking call (`for (const batch of chunk(links, 100)) await deleteBatch(batch)`): a query
      // per chunk is the point of chunking, even a single-row write such as a counter per batch.
      if (insideSetFilter(identifier, input) || ((bulk || chunkedCollection) && chunkLike.has(identifier.text))) found = true;
    });
    if (found) return true;
  }
  return false;
}

/** The object whose keys a loop walks: `for (const key in byTable)`, `Object.keys(byTable)`, `Object.entries(byTable)`. */
function groupingOf(loop: Loop): ts.Expression | undefined {
  const collection = loop.collection && unwrap(loop.collection);
  if (!collection) return undefined;
  if (loop.kind === 'for…in') return collection;
  if (!ts.isCallExpression(collection) || !isObjectIteration(collection) || !/^(?:keys|entries)$/.test((collection.expression as ts.PropertyAccessExpression).name.text)) return undefined;
  const owner = unwrap((collection.expression as ts.PropertyAccessExpression).expression);
  // `Object.keys(byTable)`, or a Map's own `byOrg.keys()`.
  if (ts.isIdentifier(owner) && owner.text === 'Object') return collection.arguments[0] && unwrap(collection.arguments[0]);
  return collection.arguments.length === 0 ? owner : undefined;
}

/**
 * Locals of the body that hold the group a key of the walked object holds: `const ids = byTable[key]`,
 * `Array.from(byTable[key])`, `byTable.get(key)`. A query over such a group runs once per distinct
 * key, over all the group's rows at once.
 */
function groupLocals(loop: Loop, keys: ReadonlySet<string>): string[] {
  const grouping = groupingOf(loop);
  if (!grouping || keys.size === 0) return [];
  const groupingText = grouping.getText();
  const block = isFunctionLike(loop.body) ? loop.body.body : loop.body;
  const statements = block && ts.isBlock(block) ? block.statements : [];
  const found: string[] = [];
  const readsGroup = (node: ts.Node): boolean => {
    let reads = false;
    const walk = (current: ts.Node): void => {
      if (reads) return;
      const keyed =
        (ts.isElementAccessExpression(current) && ts.isIdentifier(unwrap(current.argumentExpression)) && keys.has((unwrap(current.argumentExpression) as ts.Identifier).text) && unwrap(current.expression).getText() === groupingText) ||
        (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && current.expression.name.text === 'get' && unwrap(current.expression.expression).getText() === groupingText && current.arguments.length === 1 && ts.isIdentifier(unwrap(current.arguments[0]!)) && keys.has((unwrap(current.arguments[0]!) as ts.Identifier).text));
      if (keyed) reads = true;
      else ts.forEachChild(current, walk);
    };
    walk(node);
    return reads;
  };
  for (const statement of statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!declaration.initializer || !readsGroup(declaration.initializer)) continue;
      found.push(...boundNames(declaration.name));
    }
  }
  return found;
}

/** `const chunk = ids.slice(i, i + size)` in the body of a stepped loop: each turn takes the next chunk. */
function slicesChunk(loop: Loop): boolean {
  const counter = loop.element && ts.isIdentifier(loop.element) ? loop.element.text : undefined;
  if (!counter) return false;
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(?:slice|splice|subarray)$/.test(node.expression.name.text)) {
      const first = node.arguments[0] && unwrap(node.arguments[0]);
      if (first && ts.isIdentifier(first) && first.text === counter) found = true;
    }
    if (!found) ts.forEachChild(node, walk);
  };
  walk(loop.body);
  return found;
}

/** `ids[i]` in the use: one element of the collection, not its chunk. */
function indexesElement(loop: Loop, use: RepeatedUse): boolean {
  const counter = loop.element && ts.isIdentifier(loop.element) ? loop.element.text : undefined;
  let found = false;
  for (const input of use.inputs) {
    forEachIdentifier(input, (identifier) => {
      if (identifier.text === counter && ts.isElementAccessExpression(identifier.parent) && identifier.parent.argumentExpression === identifier) found = true;
    });
  }
  return found;
}

/** An input that maps a collection declared before the loop (`partners.map(…)`), not the element or one of its fields. */
function mapsOuterCollection(input: ts.Node, loop: Loop): boolean {
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(?:map|flatMap)$/.test(node.expression.name.text)) {
      const source = unwrap(node.expression.expression);
      if (ts.isIdentifier(source) && !boundNames(loop.element).includes(source.text)) {
        const declaration = declarationOf(source.text, loop.node);
        if (declaration && declaration.end <= loop.node.getStart()) found = true;
      }
    }
    if (!found && !isFunctionLike(node)) ts.forEachChild(node, walk);
  };
  walk(input);
  return found;
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
    // Raw SQL: `IN (${Prisma.join(ids)})`, `= ANY(${ids})`, a query builder's `.whereIn('id', ids)`.
    if (ts.isCallExpression(current) && current.arguments.includes(child as ts.Expression) && /^(?:join|whereIn|whereNotIn)$/.test(calleeName(current) ?? '')) return true;
    if (ts.isTemplateSpan(current) && current.expression === child) return RAW_SET_BEFORE.test(literalBefore(current));
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

/** `= ANY(${ids})`: PostgreSQL takes the array whole (`IN (${id})` may be one value). */
const RAW_SET_BEFORE = /\b(?:ANY|ALL)\s*\(\s*$/i;

/** The SQL text right before a `${…}` of a template. */
function literalBefore(span: ts.TemplateSpan): string {
  const template = span.parent;
  const index = template.templateSpans.indexOf(span);
  return index === 0 ? template.head.text : template.templateSpans[index - 1]!.literal.text;
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

function exitsLoop(block: ts.Node, loop: Loop): boolean {
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
