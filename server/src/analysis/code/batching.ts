/**
 * Prisma Client's dataloader: `findUnique` (and, since Prisma 5, `findUniqueOrThrow`) calls issued
 * in the same tick with the same `where` shape and selection become one SQL query, provided every
 * `where` criterion is an equality on a scalar field (or a compound unique key) of the model.
 */
import ts = require('typescript');
import type { Model, PrismaSchema } from '../schema/model';
import type { Loop } from './iteration';
import { isBatchableRead } from './operations';
import type { QuerySite } from './query-sites';
import { isFunctionLike, objectArgument, propertyName, propertyValue, unwrap } from './syntax';

/** True when the dataloader can merge concurrent calls of this site: a `findUnique` on scalar equalities. */
export function isBatchableSite(site: QuerySite, schema: PrismaSchema | undefined): boolean {
  if (site.kind !== 'model' || !isBatchableRead(site.operation)) return false;
  const args = objectArgument(site.node);
  if (!args) return false;
  for (const property of args.properties) {
    if (ts.isSpreadAssignment(property)) return false;
    const name = propertyName(property);
    // A selection chosen per call (`select: full ? a : b`) splits the batch.
    if ((name === 'select' || name === 'include') && ts.isPropertyAssignment(property) && ts.isConditionalExpression(unwrap(property.initializer))) return false;
  }
  const where = propertyValue(args, 'where');
  const whereObject = where && unwrap(where);
  if (!whereObject || !ts.isObjectLiteralExpression(whereObject) || whereObject.properties.length === 0) return false;
  return whereObject.properties.every((property) => isEqualityCriterion(property, site.model, schema));
}

function isEqualityCriterion(property: ts.ObjectLiteralElementLike, model: Model | undefined, schema: PrismaSchema | undefined): boolean {
  if (ts.isShorthandPropertyAssignment(property)) return isScalarField(property.name.text, model, schema) !== false;
  if (!ts.isPropertyAssignment(property)) return false;
  const name = propertyName(property);
  if (!name || name === 'AND' || name === 'OR' || name === 'NOT') return false;
  const value = unwrap(property.initializer);
  const scalar = isScalarField(name, model, schema);
  if (scalar === false) return false;
  if (!ts.isObjectLiteralExpression(value)) return true;
  // `{ equals: x }` is an equality; a compound key (`tenantId_slug: { tenantId, slug }`) holds equalities.
  if (value.properties.every((inner) => propertyName(inner) === 'equals')) return true;
  return isCompoundKey(name, model) && value.properties.every((inner) => ts.isShorthandPropertyAssignment(inner) || (ts.isPropertyAssignment(inner) && !ts.isObjectLiteralExpression(unwrap(inner.initializer))));
}

/** True for a scalar field, false for a relation or an unknown name, undefined when the model is unknown. */
function isScalarField(name: string, model: Model | undefined, schema: PrismaSchema | undefined): boolean | undefined {
  if (!model) return /_/.test(name) || undefined;
  const field = model.fields.find((candidate) => candidate.name === name);
  if (!field) return isCompoundKey(name, model);
  return !(schema?.modelsByName.has(field.type) ?? false);
}

function isCompoundKey(name: string, model: Model | undefined): boolean {
  if (!model) return name.includes('_');
  return model.indexes.some(
    (index) => (index.kind === 'id' || index.kind === 'unique') && index.fields.length > 1 && (index.name === name || index.fields.map((field) => field.name).join('_') === name),
  );
}

/**
 * True when every iteration of `loop` reaches `node` in the same tick: a native array callback
 * (or a loop without `await`) with no `await` before `node` other than those `isMergedAwait`
 * accepts, and no `.then` callback on the way.
 */
export function reachedInSameTick(node: ts.Node, loop: Loop, isMergedAwait: (expression: ts.AwaitExpression) => boolean): boolean {
  if (loop.form === 'callback') {
    if (!loop.sameTickCallback) return false;
  } else {
    if (ts.isForOfStatement(loop.node) && loop.node.awaitModifier) return false;
    if (loopAwaits(loop)) return false;
  }
  return noAwaitOnPath(node, loop.body, isMergedAwait);
}

/** No `await` runs between entering `root` and reaching `node`; crossing a `.then` callback counts as one. */
export function noAwaitOnPath(node: ts.Node, root: ts.Node, isMergedAwait: (expression: ts.AwaitExpression) => boolean): boolean {
  let child = node;
  for (let parent = node.parent; parent && child !== root; child = parent, parent = parent.parent) {
    if (isFunctionLike(child) && child !== root && isDeferredCallback(child)) return false;
    let blocked = false;
    ts.forEachChild(parent, (sibling) => {
      if (sibling === child) return true;
      if (!blocked && hasAwait(sibling, isMergedAwait)) blocked = true;
      return undefined;
    });
    if (blocked) return false;
  }
  return true;
}

const awaitingLoops = new WeakMap<ts.Node, boolean>();

/** Whether a statement loop's body awaits anything; one walk per loop, however many queries it holds. */
function loopAwaits(loop: Loop): boolean {
  let awaits = awaitingLoops.get(loop.node);
  if (awaits === undefined) {
    awaits = hasAwait(loop.body, () => false);
    awaitingLoops.set(loop.node, awaits);
  }
  return awaits;
}

function isDeferredCallback(fn: ts.FunctionLikeDeclaration): boolean {
  const parent = fn.parent;
  // A task returned for later (`items.map((item) => async () => …)`) runs when a limiter gets to it.
  if ((ts.isArrowFunction(parent) && parent.body === fn) || ts.isReturnStatement(parent)) return true;
  if (!ts.isCallExpression(parent)) return false;
  // `limit(async () => …)` (p-limit), `queue.add(…)`: run as the limiter allows, not in this tick.
  const name = ts.isIdentifier(parent.expression) ? parent.expression.text : ts.isPropertyAccessExpression(parent.expression) ? parent.expression.name.text : '';
  if (/^(?:limit|limiter|throttle|enqueue)$/.test(name) || (name === 'add' && /queue/i.test(parent.expression.getText()))) return true;
  if (!ts.isPropertyAccessExpression(parent.expression)) return false;
  return /^(?:then|catch|finally)$/.test(parent.expression.name.text);
}

function hasAwait(node: ts.Node, isMergedAwait: (expression: ts.AwaitExpression) => boolean): boolean {
  let found = false;
  const walk = (current: ts.Node): void => {
    if (found) return;
    if (ts.isAwaitExpression(current) && !isMergedAwait(current)) {
      found = true;
      return;
    }
    if (ts.isYieldExpression(current) || (ts.isForOfStatement(current) && current.awaitModifier)) {
      found = true;
      return;
    }
    if (current !== node && isFunctionLike(current)) return;
    ts.forEachChild(current, walk);
  };
  walk(node);
  return found;
}
