/**
 * The columns a Prisma query filters and sorts on, per table it reads: what decides whether an index
 * can serve it. `where: { status, OR: [{ a }, { b }] }` reads two ways (`status, a` and `status, b`);
 * a relation filter (`author: { email }`) reads the related table too.
 */
import ts = require('typescript');
import type { QuerySite } from '../code/query-sites';
import { objectArgument, propertyName, unwrap } from '../code/syntax';
import type { Field, Model, PrismaSchema } from '../schema/model';
import { isFlagField, isIndexableField, type IndexField } from './index-proposal';

/** One way a query reads one table. */
export interface AccessPath {
  model: Model;
  /** Columns compared with `=` or `IN`, in the order written. */
  equality: string[];
  /** Columns compared with `<`, `<=`, `>`, `>=`. */
  range: string[];
  /** Boolean columns compared with `=`: too few values to need an index, but worth leading a sorted one. */
  flags: string[];
  /** The value each flag is compared with, when the code writes it (`isGlobal: true`). */
  flagValues?: Record<string, boolean>;
  /** `orderBy` columns of a query that returns a limited number of rows (`take`, `findFirst`). */
  sort: string[];
  /** The `sort` columns the query orders descending. */
  sortDescending: string[];
  /** The relation field the path goes through (`author`), when it reads a related table. */
  via?: string;
  /** True when `via` is a to-one relation: the related row is joined by a unique key (its primary key, or a 1:1 foreign key). */
  toOne?: boolean;
  /** For a path through a relation, the paths of the filter it is combined with (the outer `where`). */
  outer?: readonly AccessPath[];
  /**
   * Foreign key columns of this model that a to-one relation filter in it matches by equality with
   * the related rows it selects (`permission: { action }` → `permissionId`). Not part of `equality`.
   */
  joins?: string[];
  /** True when the `where` has parts the analysis cannot see (a spread, a variable). */
  open: boolean;
}

/** Operations whose `where` picks rows by an arbitrary filter (not by a unique key). */
export const FILTERING_OPERATIONS = new Set(['findMany', 'findFirst', 'findFirstOrThrow', 'count', 'aggregate', 'groupBy', 'updateMany', 'updateManyAndReturn', 'deleteMany']);

const EQUALITY_OPERATORS = new Set(['equals', 'in']);
const RANGE_OPERATORS = new Set(['lt', 'lte', 'gt', 'gte']);
const MAX_PATHS = 16;

/** The access paths of a model query (empty for raw queries and unresolved models). */
export function accessPaths(site: QuerySite, schema: PrismaSchema): AccessPath[] {
  if (site.kind !== 'model' || !site.model) return [];
  const args = objectArgument(site.node);
  if (!args) return [];
  const where = valueOf(args, 'where');
  const limited = site.operation.startsWith('findFirst') || valueOf(args, 'take') !== undefined;
  const sort = limited ? sortColumns(schema, site.model, valueOf(args, 'orderBy')) : [];
  const root: AccessPath = {
    model: site.model,
    equality: [],
    range: [],
    flags: [],
    sort: sort.map((column) => column.name),
    sortDescending: sort.filter((column) => column.descending).map((column) => column.name),
    open: false,
  };
  if (!where) return [root];
  const value = unwrap(where);
  if (!ts.isObjectLiteralExpression(value)) return [{ ...root, open: true }];
  return readFilter(schema, site.model, value, root);
}

function valueOf(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const property of object.properties) {
    if (propertyName(property) !== name) continue;
    if (ts.isPropertyAssignment(property)) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property)) return property.name;
  }
  return undefined;
}

function fieldOf(model: Model, name: string): Field | undefined {
  return model.fields.find((field) => field.name === name);
}

/** The scalar `orderBy` columns up to the first one that is not (a relation, an aggregate, a variable), with their direction. */
function sortColumns(schema: PrismaSchema, model: Model, orderBy: ts.Expression | undefined): IndexField[] {
  if (!orderBy) return [];
  const value = unwrap(orderBy);
  const objects = ts.isArrayLiteralExpression(value) ? value.elements.map(unwrap) : [value];
  const columns: IndexField[] = [];
  for (const object of objects) {
    if (!ts.isObjectLiteralExpression(object)) break;
    for (const property of object.properties) {
      const name = propertyName(property);
      const field = name ? fieldOf(model, name) : undefined;
      if (!field || schema.modelsByName.has(field.type)) return columns;
      columns.push({ name: field.name, descending: ts.isPropertyAssignment(property) && isDescending(property.initializer) });
    }
  }
  return columns;
}

/** `'desc'`, or `{ sort: 'desc', nulls: … }`; a direction only known at run time reads as ascending. */
function isDescending(direction: ts.Expression): boolean {
  const value = unwrap(direction);
  const sort = ts.isObjectLiteralExpression(value) ? valueOf(value, 'sort') : value;
  const literal = sort && unwrap(sort);
  return literal !== undefined && ts.isStringLiteralLike(literal) && literal.text === 'desc';
}

/** Reads a filter object into the paths it takes, each extending `base`. */
function readFilter(schema: PrismaSchema, model: Model, filter: ts.ObjectLiteralExpression, base: AccessPath, scope?: AccessPath[]): AccessPath[] {
  // The paths of this filter, once read: the outer paths of the relation filters in it (an AND part or an OR branch shares its filter's).
  const outer = scope ?? [];
  let current: AccessPath = { ...base, equality: [...base.equality], range: [...base.range], flags: [...base.flags], ...(base.joins ? { joins: [...base.joins] } : {}) };
  const related: AccessPath[] = [];
  const branchings: ts.ObjectLiteralExpression[][] = [];
  for (const property of filter.properties) {
    if (ts.isSpreadAssignment(property)) {
      // `...(category ? { category } : {})`: runs with and without the part, as two branches; any other spread is unknown.
      const part = optionalPart(property.expression);
      if (part) branchings.push(part);
      else current.open = true;
      continue;
    }
    const name = propertyName(property);
    const value = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
    if (!name || !value) continue;
    if (name === 'AND') {
      const parts = ts.isArrayLiteralExpression(value) ? value.elements.map(unwrap) : [value];
      for (const part of parts) {
        if (!ts.isObjectLiteralExpression(part)) {
          current.open = true;
          continue;
        }
        // An AND of plain conditions adds to this path; one with its own OR branches is kept for below.
        const paths = readFilter(schema, model, part, { ...current, equality: [], range: [], flags: [], joins: [], sort: [], sortDescending: [], open: false }, outer);
        const own = paths.filter((path) => path.model === model && path.via === current.via && path.outer === current.outer);
        if (own.length === 1) {
          const joins = [...(current.joins ?? []), ...(own[0]!.joins ?? [])];
          current = {
            ...current,
            equality: [...current.equality, ...own[0]!.equality],
            range: [...current.range, ...own[0]!.range],
            flags: [...current.flags, ...own[0]!.flags],
            ...(current.flagValues || own[0]!.flagValues ? { flagValues: { ...current.flagValues, ...own[0]!.flagValues } } : {}),
            open: current.open || own[0]!.open,
            ...(joins.length ? { joins } : {}),
          };
          related.push(...paths.filter((path) => path !== own[0]));
        } else {
          branchings.push([part]);
        }
      }
      continue;
    }
    if (name === 'OR') {
      if (ts.isArrayLiteralExpression(value) && value.elements.every((element) => ts.isObjectLiteralExpression(unwrap(element)))) {
        branchings.push(value.elements.map((element) => unwrap(element) as ts.ObjectLiteralExpression));
      } else {
        current.open = true;
      }
      continue;
    }
    if (name === 'NOT') continue;
    const field = fieldOf(model, name);
    if (!field) continue;
    const target = schema.modelsByName.get(field.type);
    if (target) {
      const paths = relationPaths(schema, model, field, target, value, outer);
      related.push(...paths);
      // A to-one filter that selects related rows matches this model's foreign key with their key.
      const keys = field.relation?.fields ?? [];
      if (!field.isList && keys.length > 0 && paths.length > 0) current.joins = [...(current.joins ?? []), ...keys];
      continue;
    }
    if (isFlagField(field) && comparison(value) === 'equality') {
      current.flags.push(field.name);
      const literal = booleanLiteral(value);
      if (literal !== undefined) current.flagValues = { ...current.flagValues, [field.name]: literal };
    }
    if (!isIndexableField(field)) continue;
    const kind = comparison(value);
    if (kind === 'equality') current.equality.push(field.name);
    else if (kind === 'range') current.range.push(field.name);
  }
  let paths = [current];
  for (const branches of branchings) {
    const next: AccessPath[] = [];
    for (const path of paths) {
      for (const branch of branches) next.push(...readFilter(schema, model, branch, path, outer));
    }
    paths = next.slice(0, MAX_PATHS);
  }
  if (!scope) outer.push(...paths);
  return [...paths, ...related];
}

/** An empty filter, for the runs without an optional part; made on first use, so that a check with no code never loads TypeScript. */
let noFilter: ts.ObjectLiteralExpression | undefined;
const emptyFilter = (): ts.ObjectLiteralExpression => (noFilter ??= ts.factory.createObjectLiteralExpression([]));

/**
 * The filters a spread adds, when the code shows them: `...{ a }` adds one; `...(c ? { a } : {})`,
 * `...(c && { a })` and `...(c ? { a } : undefined)` add it in some runs only (a branch without it).
 */
function optionalPart(expression: ts.Expression): ts.ObjectLiteralExpression[] | undefined {
  const value = unwrap(expression);
  if (ts.isObjectLiteralExpression(value)) return [value];
  const isNothing = (node: ts.Expression): boolean => {
    const inner = unwrap(node);
    return (ts.isObjectLiteralExpression(inner) && inner.properties.length === 0) || inner.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(inner) && inner.text === 'undefined');
  };
  if (ts.isConditionalExpression(value)) {
    const [yes, no] = [unwrap(value.whenTrue), unwrap(value.whenFalse)];
    if (isNothing(no) && ts.isObjectLiteralExpression(yes)) return [emptyFilter(), yes];
    if (isNothing(yes) && ts.isObjectLiteralExpression(no)) return [emptyFilter(), no];
    return undefined;
  }
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
    const right = unwrap(value.right);
    return ts.isObjectLiteralExpression(right) ? [emptyFilter(), right] : undefined;
  }
  return undefined;
}

/** The paths of a relation filter: `author: { email }`, `posts: { some: { published: true } }`. */
function relationPaths(schema: PrismaSchema, model: Model, field: Field, target: Model, value: ts.Expression, outer: readonly AccessPath[]): AccessPath[] {
  if (!ts.isObjectLiteralExpression(value)) return [];
  const keys = value.properties.map(propertyName);
  let inner: ts.Expression | undefined = value;
  if (keys.some((key) => key === 'some' || key === 'is')) inner = valueOf(value, 'some') ?? valueOf(value, 'is');
  else if (keys.some((key) => key === 'every' || key === 'none' || key === 'isNot')) return [];
  const object = inner && unwrap(inner);
  if (!object || !ts.isObjectLiteralExpression(object)) return [];
  // A to-many filter reads the child table by its foreign key: `EXISTS (… WHERE child.fk = parent.id AND …)`.
  const childKeys = field.isList ? (schema.relations.find((relation) => relation.model === target && relation.target === model && relation.opposite === field)?.fkFields ?? []) : [];
  const base: AccessPath = { model: target, equality: childKeys.map((key) => key.name), range: [], flags: [], sort: [], sortDescending: [], via: field.name, toOne: !field.isList, outer, open: false };
  return readFilter(schema, target, object, base).map((path) => ({ ...path, via: path.via ?? field.name }));
}

/** `true`, `false`, `{ equals: true }`: the boolean a flag is compared with, when written. */
function booleanLiteral(value: ts.Expression): boolean | undefined {
  let node = unwrap(value);
  if (ts.isObjectLiteralExpression(node)) {
    const equals = valueOf(node, 'equals');
    if (!equals || node.properties.length !== 1) return undefined;
    node = unwrap(equals);
  }
  return node.kind === ts.SyntaxKind.TrueKeyword ? true : node.kind === ts.SyntaxKind.FalseKeyword ? false : undefined;
}

/** How a scalar filter value compares: `x` and `{ in: xs }` are equalities, `{ gte: d }` a range. */
function comparison(value: ts.Expression): 'equality' | 'range' | undefined {
  const node = unwrap(value);
  if (node.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(node) && node.text === 'undefined')) return undefined;
  if (!ts.isObjectLiteralExpression(node)) return 'equality';
  const keys = node.properties.map(propertyName);
  if (keys.includes('mode')) return undefined;
  if (keys.some((key) => key !== undefined && EQUALITY_OPERATORS.has(key))) return 'equality';
  if (keys.some((key) => key !== undefined && RANGE_OPERATORS.has(key))) return 'range';
  return undefined;
}
