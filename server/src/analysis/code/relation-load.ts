/**
 * Recognises a per-element relation load: the repeated query reads the children (`where: { authorId: user.id }`)
 * or the parent (`where: { id: post.authorId }`) of the loop's element through a relation of the schema.
 */
import ts = require('typescript');
import type { Model, PrismaSchema, Relation } from '../schema/model';
import type { Loop } from './iteration';
import type { QuerySite } from './query-sites';
import { objectArgument, propertyName, unwrap } from './syntax';

export interface RelationLoad {
  /** The element's model: the parent of `include`. */
  parent: Model;
  /** The relation field on the parent that `include` names (`posts`, `author`). */
  field: string;
  /** `many` when the query loads a list of children, `one` for a single related row. */
  cardinality: 'many' | 'one';
  /** The where key and the element expression it compares with (`authorId`, `user.id`). */
  key: string;
  value: ts.Expression;
  /** The query that loaded the loop's collection, when the collection is a variable bound to one. */
  collectionQuery: QuerySite | undefined;
}

/** The one `where` criterion of a query: `{ authorId: user.id }` → `authorId`, `user.id`. */
export function singleCriterion(site: QuerySite): { key: string; value: ts.Expression; property: ts.ObjectLiteralElementLike } | undefined {
  const args = objectArgument(site.node);
  const whereProperty = args?.properties.find((property) => propertyName(property) === 'where');
  if (!whereProperty || !ts.isPropertyAssignment(whereProperty)) return undefined;
  const where = unwrap(whereProperty.initializer);
  if (!ts.isObjectLiteralExpression(where) || where.properties.length !== 1) return undefined;
  const property = where.properties[0]!;
  const key = propertyName(property);
  if (!key) return undefined;
  if (ts.isShorthandPropertyAssignment(property)) return { key, value: property.name, property };
  if (!ts.isPropertyAssignment(property)) return undefined;
  const value = unwrap(property.initializer);
  if (ts.isObjectLiteralExpression(value)) {
    const equals = value.properties.length === 1 && propertyName(value.properties[0]!) === 'equals' ? value.properties[0] : undefined;
    return equals && ts.isPropertyAssignment(equals) ? { key, value: unwrap(equals.initializer), property } : undefined;
  }
  return { key, value, property };
}

/** The element's field a criterion reads: `user.id` with element `user` → `id`; a destructured `{ id }` → `id`. */
export function elementField(value: ts.Expression, loop: Loop): string | undefined {
  const element = loop.element;
  if (!element) return undefined;
  const expression = unwrap(value);
  if (ts.isIdentifier(element)) {
    if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(unwrap(expression.expression)) && (unwrap(expression.expression) as ts.Identifier).text === element.text) {
      return expression.name.text;
    }
    return undefined;
  }
  if (ts.isObjectBindingPattern(element) && ts.isIdentifier(expression)) {
    const binding = element.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === expression.text);
    const property = binding && (binding.propertyName ?? binding.name);
    return property && ts.isIdentifier(property) ? property.text : undefined;
  }
  return undefined;
}

export function relationLoad(site: QuerySite, loop: Loop, schema: PrismaSchema | undefined, collectionQuery: QuerySite | undefined): RelationLoad | undefined {
  const model = site.model;
  if (!schema || !model) return undefined;
  const criterion = singleCriterion(site);
  if (!criterion) return undefined;
  const field = elementField(criterion.value, loop);
  if (!field) return undefined;
  const parentHint = collectionQuery?.model;
  const matches = (relation: Relation, parent: Model): boolean => parentHint === undefined || parentHint === parent;
  // Children of the element: the queried model holds the foreign key and the element is the target.
  for (const relation of schema.relations) {
    if (relation.model !== model || relation.fkFields.length !== 1 || relation.fkFields[0]!.name !== criterion.key) continue;
    const references = relation.field.relation?.references ?? [];
    if (references.length !== 1 || references[0] !== field || !relation.opposite || !matches(relation, relation.target)) continue;
    return { parent: relation.target, field: relation.opposite.name, cardinality: relation.opposite.isList ? 'many' : 'one', key: criterion.key, value: criterion.value, collectionQuery };
  }
  // The element's parent: the element's model holds the foreign key the criterion reads.
  for (const relation of schema.relations) {
    if (relation.target !== model || relation.fkFields.length !== 1 || relation.fkFields[0]!.name !== field) continue;
    const references = relation.field.relation?.references ?? [];
    if (references.length !== 1 || references[0] !== criterion.key || !matches(relation, relation.model)) continue;
    return { parent: relation.model, field: relation.field.name, cardinality: 'one', key: criterion.key, value: criterion.value, collectionQuery };
  }
  return undefined;
}
