/**
 * Quick fix for a per-element relation load: `include: { posts: true }` (or the field in `select`)
 * on the query that loaded the loop's collection, and `user.posts` where the query stood.
 */
import ts = require('typescript');
import type { Fix, TextEdit } from '../rules/types';
import type { CodeRuleContext } from './context';
import { addPropertyEdit } from './edits';
import type { RepeatedQuery } from './per-iteration';
import type { RelationLoad } from './relation-load';
import { objectArgument, propertyName, propertyValue, spanOf, unwrap, valueParent } from './syntax';

/** Arguments of a to-many load that `include: { posts: { … } }` accepts as they are. */
const NESTED_LIST_ARGUMENTS = new Set(['select', 'include', 'orderBy', 'take', 'skip', 'distinct', 'cursor', 'omit']);
const NESTED_ONE_ARGUMENTS = new Set(['select', 'include', 'omit']);
const SINGLE_READS = new Set(['findUnique', 'findFirst']);

export function includeFix(context: CodeRuleContext, repeated: RepeatedQuery, load: RelationLoad | undefined): Fix | undefined {
  const { site, loop } = repeated;
  const parentQuery = load?.collectionQuery;
  if (!load || !parentQuery || repeated.helper || !loop.element || !ts.isIdentifier(loop.element)) return undefined;
  if (load.cardinality === 'many' ? site.operation !== 'findMany' : !SINGLE_READS.has(site.operation)) return undefined;
  const args = objectArgument(site.node);
  if (!args) return undefined;
  const allowed = load.cardinality === 'many' ? NESTED_LIST_ARGUMENTS : NESTED_ONE_ARGUMENTS;
  const nested = args.properties.filter((property) => propertyName(property) !== 'where');
  if (nested.some((property) => !allowed.has(propertyName(property) ?? ''))) return undefined;
  const { parent: awaited } = valueParent(site.node);
  if (!ts.isAwaitExpression(awaited)) return undefined;

  const sourceFile = context.sourceFile;
  const value = nested.length ? `{ ${nested.map((property) => property.getText(sourceFile)).join(', ')} }` : 'true';
  const parentEdit = addRelationEdit(context, parentQuery.node, load.field, value);
  if (!parentEdit) return undefined;
  const replaced = spanOf(awaited, sourceFile);
  const access = `${loop.element.text}.${load.field}`;
  const collection = loop.collection ? unwrap(loop.collection).getText(sourceFile) : 'the parent rows';
  return {
    title: `Load ${load.field} with include on the query that loads ${collection}`,
    applicability: 'unsafe',
    edits: [parentEdit, { uri: context.uri, start: replaced.start, end: replaced.end, text: access }],
  };
}

/** Adds `field: value` to the parent query's `select` or `include`, or adds `include` itself. */
function addRelationEdit(context: CodeRuleContext, call: ts.Node, field: string, value: string): TextEdit | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const sourceFile = context.sourceFile;
  const entry = `${field}: ${value}`;
  if (call.arguments.length === 0) {
    const open = call.arguments.pos;
    return { uri: context.uri, start: open, end: open, text: `{ include: { ${entry} } }` };
  }
  const args = objectArgument(call);
  if (!args || args.properties.some(ts.isSpreadAssignment)) return undefined;
  for (const key of ['select', 'include']) {
    const existing = propertyValue(args, key);
    if (!existing) continue;
    const object = unwrap(existing);
    if (!ts.isObjectLiteralExpression(object) || object.properties.some((property) => propertyName(property) === field || ts.isSpreadAssignment(property))) return undefined;
    return addPropertyEdit(context.uri, object, entry, sourceFile);
  }
  return addPropertyEdit(context.uri, args, `include: { ${entry} }`, sourceFile);
}
