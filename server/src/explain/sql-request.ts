/**
 * Builds the JSON protocol request Prisma Client sends its query compiler for a model operation,
 * following the client runtime (`serializeJsonQuery` and the aggregate/count/groupBy argument
 * mappers), with values only known at run time turned into typed `Param` placeholders.
 */
import type { Field, Model, PrismaSchema } from '../analysis/schema/model';
import type { JsonValue } from './sql-types';
import { AGGREGATES, mapArguments, PROTOCOL_ACTIONS } from './sql-arguments';
import { acceptsParameter, listItemType, primitiveType } from './sql-parameters';
import { ExplainInputError, isObject, isRuntime, isTagged, objectOf, type ArgObject, type ArgValue } from './sql-values';

/** A run-time value as the compiler sees it, and as the SQL's parameter list names it. */
export interface RuntimeParameter {
  /** The source expression, e.g. `userId`. */
  source: string;
  /** Prisma type from the schema (`Int`, `Role`, `String[]`), `Unknown` when the position does not say. */
  type: string;
  /** The value, when the source fixes it (Prisma Client sends literals as parameters too). */
  value?: JsonValue;
}

export interface ProtocolRequest {
  modelName: string;
  action: string;
  query: { arguments: Record<string, unknown>; selection: Record<string, unknown> };
}

export interface BuiltRequest {
  request: ProtocolRequest;
  /** Parameters by the name the request gives them (`p0`, `p1`…). */
  parameters: Map<string, RuntimeParameter>;
  /**
   * Prisma Client sends enum values as literals, which the compiler casts (`CAST($1::text AS "Role")`);
   * a typed enum parameter compiles without the cast. When a run-time value fills an enum, this
   * second request puts one of the enum's values there instead: its SQL is the client's, while the
   * first request's plan, argument for argument, says which values are the run-time ones.
   */
  enumLiteralRequest?: ProtocolRequest;
}

/** Stand-in values for run-time `take`/`skip`: large, positive, and unlikely to be written in code. */
const STAND_IN_BASE = 987_654_000;

export function standInKey(value: string | number): string {
  return `stand-in:${value}`;
}

const SCALAR_TYPES = new Set(['String', 'Int', 'BigInt', 'Float', 'Decimal', 'Boolean', 'DateTime', 'Json', 'Bytes']);
const STRING_FILTERS = new Set(['contains', 'startsWith', 'endsWith', 'search']);
const LIST_FILTERS = new Set(['in', 'notIn', 'hasSome', 'hasEvery']);
const RELATION_FILTERS = new Set(['some', 'every', 'none', 'is', 'isNot']);
const JSON_FILTERS = new Set([
  'equals', 'not', 'path', 'mode', 'lt', 'lte', 'gt', 'gte',
  'string_contains', 'string_starts_with', 'string_ends_with',
  'array_contains', 'array_starts_with', 'array_ends_with',
]);

/** Builds the request for `prisma.<model>.<operation>(args)`; throws ExplainInputError in the user's terms. */
export function buildRequest(schema: PrismaSchema, model: Model, operation: string, args: ArgValue | undefined): BuiltRequest {
  const action = PROTOCOL_ACTIONS[operation];
  if (!action) throw new ExplainInputError(`\`${operation}\` does not run SQL that Prisma's query compiler can show`);
  if (args !== undefined && !isObject(args)) {
    throw new ExplainInputError(
      isRuntime(args) ? `the arguments are \`${args.text}\`, only known when the code runs; write the object in the call to see its SQL` : 'the arguments are not an object',
    );
  }
  const mapped = mapArguments(operation, args ?? objectOf({}));
  const builder = new RequestBuilder(schema, false);
  const built: BuiltRequest = { request: { modelName: model.name, action, query: builder.query(mapped, model, true) }, parameters: builder.parameters };
  if (builder.hasRuntimeEnum) {
    const literal = new RequestBuilder(schema, true);
    built.enumLiteralRequest = { modelName: model.name, action, query: literal.query(mapped, model, true) };
  }
  return built;
}

class RequestBuilder {
  readonly parameters = new Map<string, RuntimeParameter>();
  hasRuntimeEnum = false;

  constructor(
    private readonly schema: PrismaSchema,
    private readonly enumsAsLiterals: boolean,
  ) {}

  /** `{ select, include, omit, ...rest }` → `{ arguments, selection }` (the client's `serializeJsonQuery`). */
  query(args: ArgObject, model: Model | undefined, isModel: boolean): { arguments: Record<string, unknown>; selection: Record<string, unknown> } {
    const rest = new Map(args.entries);
    const select = rest.get('select');
    const include = rest.get('include');
    const omit = rest.get('omit');
    rest.delete('select');
    rest.delete('include');
    rest.delete('omit');
    const hasSelect = select !== undefined && select !== null;
    if (hasSelect && include !== undefined && include !== null) throw new ExplainInputError('`select` and `include` cannot be used together: Prisma Client rejects the call (nest the relation inside `select`)');
    if (hasSelect && omit !== undefined && omit !== null) throw new ExplainInputError('`select` and `omit` cannot be used together: Prisma Client rejects the call');
    const selection = hasSelect ? this.explicitSelection(select, model) : this.defaultSelection(include, omit, model, isModel);
    return { arguments: this.arguments(rest, model), selection };
  }

  private explicitSelection(select: ArgValue, model: Model | undefined): Record<string, unknown> {
    const object = this.structural(select, 'select');
    const selection: Record<string, unknown> = {};
    for (const [key, value] of object.entries) {
      const field = model?.fields.find((candidate) => candidate.name === key);
      const target = field ? this.modelOf(field) : undefined;
      if (value === false) selection[key] = false;
      else if (value === true) selection[key] = target ? this.query(objectOf({}), target, true) : true;
      else if (key === '_count' && model) selection[key] = this.countSelection(this.structural(value, 'select._count'), model);
      else selection[key] = this.query(this.structural(value, `select.${key}`), target, target !== undefined);
    }
    return selection;
  }

  /** `_count: { select: { posts: { where } } }`: each counted relation filters its own model. */
  private countSelection(value: ArgObject, model: Model): unknown {
    const select = value.entries.get('select');
    if (!isObject(select)) return this.query(value, undefined, false);
    const selection: Record<string, unknown> = {};
    for (const [key, item] of select.entries) {
      const field = model.fields.find((candidate) => candidate.name === key);
      const target = field ? this.modelOf(field) : undefined;
      selection[key] = typeof item === 'boolean' ? item : this.query(this.structural(item, `_count.select.${key}`), target, false);
    }
    const rest = new Map(value.entries);
    rest.delete('select');
    return { arguments: this.arguments(rest, undefined), selection };
  }

  private defaultSelection(include: ArgValue | undefined, omit: ArgValue | undefined, model: Model | undefined, isModel: boolean): Record<string, unknown> {
    const selection: Record<string, unknown> = isModel ? { $composites: true, $scalars: true } : {};
    if (include !== undefined && include !== null) {
      for (const [key, value] of this.structural(include, 'include').entries) {
        const field = model?.fields.find((candidate) => candidate.name === key);
        const target = field ? this.modelOf(field) : undefined;
        if (value === false) selection[key] = false;
        else if (target) selection[key] = this.query(value === true ? objectOf({}) : this.structural(value, `include.${key}`), target, true);
        else if (value === true) selection[key] = true;
        else if (key === '_count' && model) selection[key] = this.countSelection(this.structural(value, 'include._count'), model);
        else selection[key] = this.query(this.structural(value, `include.${key}`), undefined, false);
      }
    }
    if (omit !== undefined && omit !== null) {
      for (const [key, value] of this.structural(omit, 'omit').entries) {
        if (typeof value !== 'boolean') throw new ExplainInputError(`\`omit.${key}\` is only known when the code runs`);
        selection[key] = !value;
      }
    }
    return selection;
  }

  private arguments(args: Map<string, ArgValue>, model: Model | undefined): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, value] of args) {
      switch (key) {
        case 'where':
        case 'cursor':
        case 'having':
          result[key] = value === null ? null : this.where(value, model, key);
          break;
        case 'data':
        case 'create':
        case 'update':
          result[key] = Array.isArray(value) ? value.map((item) => this.data(item, model, key)) : this.data(value, model, key);
          break;
        case 'take':
        case 'skip':
          result[key] = isRuntime(value) ? this.standIn(value.text) : this.literalValue(value);
          break;
        case 'orderBy':
        case 'distinct':
        case 'by':
          result[key] = this.literal(value, key);
          break;
        default:
          result[key] = this.value(value, 'Unknown');
      }
    }
    return result;
  }

  /** A `where`-like object of `model`: field filters, relation filters, AND/OR/NOT, compound uniques. */
  private where(value: ArgValue, model: Model | undefined, path: string): unknown {
    if (Array.isArray(value)) return value.map((item) => this.where(item, model, path));
    const object = this.structural(value, path);
    const result: Record<string, unknown> = {};
    for (const [key, item] of object.entries) {
      const field = model?.fields.find((candidate) => candidate.name === key);
      const target = field ? this.modelOf(field) : undefined;
      if (key === 'AND' || key === 'OR' || key === 'NOT') result[key] = this.where(item, model, `${path}.${key}`);
      else if (target) result[key] = this.relationFilter(item, target, `${path}.${key}`);
      else if (field) result[key] = this.filter(item, field);
      else if (isObject(item) && !isAggregateKey(key)) result[key] = this.compound(item, model, `${path}.${key}`);
      else if (isObject(item)) result[key] = this.where(item, model, `${path}.${key}`);
      else result[key] = this.value(item, 'Unknown');
    }
    return result;
  }

  private relationFilter(value: ArgValue, target: Model, path: string): unknown {
    if (value === null) return null;
    const object = this.structural(value, path);
    const isFilter = [...object.entries.keys()].some((key) => RELATION_FILTERS.has(key));
    if (!isFilter) return this.where(object, target, path);
    const result: Record<string, unknown> = {};
    for (const [key, item] of object.entries) result[key] = item === null ? null : this.where(item, target, `${path}.${key}`);
    return result;
  }

  /** `userId_postId: { userId, postId }`: the fields of a compound unique. */
  private compound(value: ArgObject, model: Model | undefined, path: string): unknown {
    const result: Record<string, unknown> = {};
    for (const [key, item] of value.entries) {
      const field = model?.fields.find((candidate) => candidate.name === key);
      result[key] = field ? this.value(item, typeName(field)) : isObject(item) ? this.where(item, model, `${path}.${key}`) : this.value(item, 'Unknown');
    }
    return result;
  }

  /** A scalar field's filter: a value (equals) or `{ equals, in, contains, not, mode, … }`. */
  private filter(value: ArgValue, field: Field): unknown {
    const type = typeName(field);
    if (!isObject(value)) return this.value(value, type, field);
    if (field.type === 'Json') return this.jsonFilter(value, field);
    const result: Record<string, unknown> = {};
    for (const [key, item] of value.entries) {
      if (key === 'not' && isObject(item)) result[key] = this.filter(item, field);
      else if (key === 'mode') result[key] = this.literal(item, 'mode');
      else if (LIST_FILTERS.has(key)) result[key] = this.value(item, field.isList ? type : `${type}[]`);
      else if (STRING_FILTERS.has(key)) result[key] = this.value(item, 'String');
      else if (key === 'has') result[key] = this.value(item, field.type);
      else if (key === 'isEmpty') result[key] = this.value(item, 'Boolean');
      else result[key] = this.value(item, type, field);
    }
    return result;
  }

  /** `{ path, equals, array_contains, … }` on a Json field, or a Json object compared as a whole. */
  private jsonFilter(value: ArgObject, field: Field): unknown {
    const keys = [...value.entries.keys()];
    if (keys.length === 0 || !keys.every((key) => JSON_FILTERS.has(key))) return this.value(value, field.type, field);
    const result: Record<string, unknown> = {};
    for (const [key, item] of value.entries) {
      if (key === 'path' || key === 'mode') result[key] = this.literal(item, key);
      else if (key === 'not' && isObject(item) && [...item.entries.keys()].every((inner) => JSON_FILTERS.has(inner))) result[key] = this.jsonFilter(item, field);
      else result[key] = this.value(item, 'Json', field);
    }
    return result;
  }

  /** Data of a create or update: scalar values, update operations, nested writes of relations. */
  private data(value: ArgValue, model: Model | undefined, path: string): unknown {
    const object = this.structural(value, path);
    const result: Record<string, unknown> = {};
    for (const [key, item] of object.entries) {
      const field = model?.fields.find((candidate) => candidate.name === key);
      const target = field ? this.modelOf(field) : undefined;
      if (target) result[key] = this.nestedWrite(item, target, `${path}.${key}`);
      else if (field && isObject(item) && field.type !== 'Json') {
        const operations: Record<string, unknown> = {};
        for (const [operation, operand] of item.entries) operations[operation] = this.value(operand, operation === 'push' ? field.type : typeName(field), field);
        result[key] = operations;
      } else result[key] = this.value(item, field ? typeName(field) : 'Unknown', field);
    }
    return result;
  }

  private nestedWrite(value: ArgValue, target: Model, path: string): unknown {
    const object = this.structural(value, path);
    const result: Record<string, unknown> = {};
    for (const [key, item] of object.entries) {
      const each = (one: ArgValue): unknown => {
        if (typeof one === 'boolean') return one;
        switch (key) {
          case 'create':
            return this.data(one, target, `${path}.${key}`);
          case 'createMany':
          case 'update':
          case 'updateMany':
          case 'upsert':
          case 'connectOrCreate': {
            const inner = this.structural(one, `${path}.${key}`);
            const keys = [...inner.entries.keys()];
            if (key === 'update' && !keys.includes('data')) return this.data(inner, target, `${path}.${key}`);
            return this.arguments(inner.entries, target);
          }
          default:
            return this.where(one, target, `${path}.${key}`);
        }
      };
      result[key] = Array.isArray(item) ? item.map(each) : each(item);
    }
    return result;
  }

  /** A position whose value shapes the SQL (an object of filters, a selection): it must be written out. */
  private structural(value: ArgValue, path: string): ArgObject {
    if (isObject(value)) return value;
    if (isRuntime(value)) {
      throw new ExplainInputError(`\`${path}\` is \`${value.text}\`, only known when the code runs; its shape decides the SQL, so write the object in the call to see it`);
    }
    throw new ExplainInputError(`\`${path}\` should be an object`);
  }

  /** A position that only takes literals in SQL terms (`orderBy`, `distinct`, `mode`): nothing in it may be a run-time value. */
  private literal(value: ArgValue, path: string): unknown {
    if (isRuntime(value)) throw new ExplainInputError(`\`${path}\` is \`${value.text}\`, only known when the code runs; it changes the SQL itself, so Prisma Lens needs it written in the call`);
    if (Array.isArray(value)) return value.map((item, index) => this.literal(item, `${path}[${index}]`));
    if (isObject(value)) {
      const result: Record<string, unknown> = {};
      for (const [key, item] of value.entries) result[key] = this.literal(item, `${path}.${key}`);
      return result;
    }
    return this.literalValue(value);
  }

  /**
   * A value. Run-time values become typed parameters. At a position typed by a schema field (a
   * filter, a create or update value) literals become parameters too, exactly as Prisma Client's
   * parameterization does before it compiles (so `contains: "a"` compiles to `'%' || $1 || '%'`);
   * elsewhere (`take`, `orderBy`, `mode`) they stay literals of the request.
   */
  private value(value: ArgValue, type: string, field?: Field): unknown {
    const enumBlock = this.schema.enums.find((candidate) => candidate.name === type.replace(/\[\]$/, ''));
    if (isRuntime(value)) {
      if (enumBlock) {
        this.hasRuntimeEnum = true;
        if (this.enumsAsLiterals && enumBlock.values[0] !== undefined) {
          this.parameters.set(`p${this.parameters.size}`, { source: value.text, type });
          return type.endsWith('[]') ? [enumBlock.values[0]] : enumBlock.values[0];
        }
      }
      return this.parameter({ source: value.text, type }, this.parameterType(type));
    }
    // The client leaves enum values as literals rather than parameters.
    if (type === 'Unknown' || value === null || enumBlock) return this.literalValue(value);
    if (isTagged(value)) {
      if (value.tag === 'Enum' || !acceptsParameter(value.tag, type.replace(/\[\]$/, ''))) return this.literalValue(value);
      return this.parameter({ source: 'literal', type, value: value.value }, { type: value.tag === 'Decimal' ? 'Float' : value.tag });
    }
    if (field?.type === 'Json') {
      // Objects and arrays become one Json parameter; a bare number or string stays a literal.
      if (Array.isArray(value) || isObject(value)) return this.parameter({ source: 'literal', type, value: JSON.stringify(toPlain(value)) }, { type: 'Json' });
      return this.literalValue(value);
    }
    if (Array.isArray(value)) {
      const items = value.filter((item): item is string | number | boolean => typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' || isTagged(item));
      if (items.length === 0 || items.length !== value.length) return value.map((item) => this.value(item, type.replace(/\[\]$/, ''), field));
      const plain = value.map((item) => (isTagged(item) ? item.value : item)) as (string | number | boolean)[];
      const inner = listItemType(value);
      return this.parameter({ source: 'literal', type, value: plain }, { type: 'List', inner });
    }
    if (isObject(value)) return this.literalValue(value);
    const parameterType = primitiveType(value);
    if (!acceptsParameter(parameterType.type, type.replace(/\[\]$/, ''))) return this.literalValue(value);
    return this.parameter({ source: 'literal', type, value }, parameterType);
  }

  private parameter(parameter: RuntimeParameter, parameterType: Record<string, unknown>): unknown {
    const name = `p${this.parameters.size}`;
    this.parameters.set(name, parameter);
    return { $type: 'Param', value: { name, ...parameterType } };
  }

  /** A literal as the client serializes it into the request. */
  private literalValue(value: ArgValue): unknown {
    if (isRuntime(value)) return this.parameter({ source: value.text, type: 'Unknown' }, { type: 'Any' });
    if (isTagged(value)) return { $type: value.tag, value: value.value };
    if (Array.isArray(value)) return value.map((item) => this.literalValue(item));
    if (isObject(value)) {
      const result: Record<string, unknown> = {};
      for (const [key, item] of value.entries) result[key] = this.literalValue(item);
      return result;
    }
    return value;
  }

  /**
   * The compiler takes `take` and `skip` only as numbers (their sign decides the SQL), so a run-time
   * one is compiled with a positive stand-in number that the rendered parameter list names back.
   */
  private standIn(source: string): number {
    const value = STAND_IN_BASE + this.parameters.size;
    this.parameters.set(standInKey(value), { source, type: 'Int' });
    return value;
  }

  /** The client's parameter types: scalars by name, enums as `Enum`, lists as `List` of their items. */
  private parameterType(type: string): Record<string, unknown> {
    if (type.endsWith('[]')) return { type: 'List', inner: this.parameterType(type.slice(0, -2)) };
    if (type === 'Decimal') return { type: 'Float' };
    if (SCALAR_TYPES.has(type)) return { type };
    if (this.schema.enums.some((candidate) => candidate.name === type)) return { type: 'Enum' };
    return { type: 'Any' };
  }

  private modelOf(field: Field): Model | undefined {
    const target = this.schema.modelsByName.get(field.type);
    return target && target.kind !== 'type' ? target : undefined;
  }
}

function typeName(field: Field): string {
  return field.isList ? `${field.type}[]` : field.type;
}

function isAggregateKey(key: string): boolean {
  return AGGREGATES.has(key);
}

function toPlain(value: ArgValue): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (isObject(value)) return Object.fromEntries([...value.entries].map(([key, item]) => [key, toPlain(item)]));
  if (isTagged(value)) return value.value;
  if (isRuntime(value)) throw new ExplainInputError(`\`${value.text}\` inside a Json value is only known when the code runs`);
  return value;
}
