/**
 * Quick fix for a `create` per element: `for (const item of items) await prisma.x.create({ data })`
 * and `await Promise.all(items.map((item) => prisma.x.create({ data })))` become one `createMany`.
 */
import ts = require('typescript');
import type { Fix } from '../rules/types';
import type { CodeRuleContext } from './context';
import type { Loop } from './iteration';
import type { RepeatedQuery } from './per-iteration';
import type { QuerySite } from './query-sites';
import { calleeName, isPlainReference, objectArgument, propertyName, propertyValue, spanOf, unwrap, valueParent } from './syntax';

/** Nested writes that `createMany` does not accept. */
const NESTED_WRITES = new Set(['create', 'connect', 'connectOrCreate', 'createMany', 'set', 'upsert']);

export function createManyFix(context: CodeRuleContext, repeated: RepeatedQuery): Fix | undefined {
  const { site, loop } = repeated;
  if (repeated.helper || site.operation !== 'create' || !site.delegate || !loop.element) return undefined;
  const data = createData(site);
  const collection = loop.collection && unwrap(loop.collection);
  if (!data || !collection || !isPlainReference(collection)) return undefined;
  const replaced = loop.form === 'statement' ? loopStatementTarget(site, loop) : promiseAllTarget(site, loop);
  if (!replaced) return undefined;
  const sourceFile = context.sourceFile;
  const element = loop.element.getText(sourceFile);
  const dataText = data.getText(sourceFile);
  const rows =
    ts.isIdentifier(loop.element) && dataText === element
      ? collection.getText(sourceFile)
      : `${collection.getText(sourceFile)}.map((${element}) => ${ts.isObjectLiteralExpression(unwrap(data)) ? `(${dataText})` : dataText})`;
  const span = spanOf(replaced.node, sourceFile);
  const call = `await ${site.client}.${site.delegate}.createMany({ data: ${rows} })`;
  return {
    title: `Insert all ${site.model?.name ?? site.delegate} rows with one createMany`,
    applicability: 'unsafe',
    edits: [{ uri: context.uri, start: span.start, end: span.end, text: replaced.statement ? `${call};` : call }],
  };
}

/** The `data` of a `create` whose only argument is `data` without nested relation writes. */
function createData(site: QuerySite): ts.Expression | undefined {
  const args = objectArgument(site.node);
  if (!args || args.properties.length !== 1 || propertyName(args.properties[0]!) !== 'data') return undefined;
  const data = propertyValue(args, 'data');
  if (!data || hasNestedWrite(data)) return undefined;
  return data;
}

function hasNestedWrite(data: ts.Expression): boolean {
  let nested = false;
  const walk = (node: ts.Node): void => {
    if (nested) return;
    if (ts.isPropertyAssignment(node) && NESTED_WRITES.has(propertyName(node) ?? '') && ts.isObjectLiteralExpression(node.parent) && node.parent !== data) {
      nested = true;
      return;
    }
    ts.forEachChild(node, walk);
  };
  walk(unwrap(data));
  return nested;
}

/** `for (const item of items) { await prisma.x.create(…); }` with nothing else in the body: the whole loop. */
function loopStatementTarget(site: QuerySite, loop: Loop): { node: ts.Node; statement: boolean } | undefined {
  if (loop.kind !== 'for…of' || !ts.isForOfStatement(loop.node)) return undefined;
  const body = loop.node.statement;
  const only = ts.isBlock(body) ? (body.statements.length === 1 ? body.statements[0] : undefined) : body;
  if (!only || !ts.isExpressionStatement(only)) return undefined;
  const awaited = unwrap(only.expression);
  if (!ts.isAwaitExpression(awaited) || unwrap(awaited.expression) !== site.node) return undefined;
  const statement = ts.isLabeledStatement(loop.node.parent) ? loop.node.parent : loop.node;
  return { node: statement, statement: true };
}

/** `await Promise.all(items.map((item) => prisma.x.create(…)));` as a statement of its own: the awaited call. */
function promiseAllTarget(site: QuerySite, loop: Loop): { node: ts.Node; statement: boolean } | undefined {
  if (loop.kind !== 'map' || !ts.isCallExpression(loop.node)) return undefined;
  const callback = loop.body;
  if (!ts.isArrowFunction(callback) || ts.isBlock(callback.body) || unwrap(callback.body) !== site.node) return undefined;
  const { parent: all } = valueParent(loop.node);
  if (!ts.isCallExpression(all) || calleeName(all) !== 'all' || all.arguments.length !== 1) return undefined;
  const { parent: awaited } = valueParent(all);
  if (!ts.isAwaitExpression(awaited) || !ts.isExpressionStatement(valueParent(awaited).parent)) return undefined;
  return { node: awaited, statement: false };
}

