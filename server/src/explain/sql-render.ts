/**
 * Turns a query plan from Prisma's query compiler into the SQL statements it runs, rendering each
 * query template the way Prisma Client's interpreter does (`$n` placeholders, one per value of a
 * parameter tuple), with each parameter's value when the source fixes it.
 */
import { standInKey, type RuntimeParameter } from './sql-request';
import type { JsonValue, SqlParameter, SqlStatement } from './sql-types';

interface ArgType {
  arity?: string;
  scalarType?: string;
}

type Fragment =
  | { type: 'stringChunk'; chunk: string }
  | { type: 'parameter' }
  | { type: 'parameterTuple'; itemPrefix: string; itemSeparator: string; itemSuffix: string }
  | { type: 'parameterTupleList'; itemPrefix: string; itemSeparator: string; itemSuffix: string; groupSeparator: string };

interface QueryTemplate {
  type: 'templateSql' | 'rawSql';
  fragments?: Fragment[];
  sql?: string;
  args: unknown[];
  argTypes?: (ArgType | null)[];
  placeholderFormat?: { prefix: string; hasNumbering: boolean };
}

const SCALAR_NAMES: Readonly<Record<string, string>> = {
  string: 'String',
  int: 'Int',
  bigint: 'BigInt',
  float: 'Float',
  decimal: 'Decimal',
  boolean: 'Boolean',
  datetime: 'DateTime',
  json: 'Json',
  bytes: 'Bytes',
  enum: 'Enum',
  uuid: 'String',
};

interface CollectedTemplate {
  template: QueryTemplate;
  when?: string;
}

/**
 * Every statement of the plan, in the order the interpreter runs them. `reference` is the plan of
 * the same call with typed parameters where `plan` has enum stand-ins (see `enumLiteralRequest`):
 * the SQL comes from `plan`, and the reference says which arguments are run-time values.
 */
export function statementsOfPlan(plan: unknown, parameters: ReadonlyMap<string, RuntimeParameter>, reference?: unknown): SqlStatement[] {
  const templates: CollectedTemplate[] = [];
  collectTemplates(plan, templates, undefined);
  let references: CollectedTemplate[] | undefined;
  if (reference !== undefined) {
    references = [];
    collectTemplates(reference, references, undefined);
    const aligned = references.length === templates.length && references.every((candidate, index) => candidate.template.args.length === templates[index]!.template.args.length);
    if (!aligned) return references.map((collected) => withWhen(renderTemplate(collected.template, parameters, undefined), collected.when));
  }
  return templates.map((collected, index) => withWhen(renderTemplate(collected.template, parameters, references?.[index]?.template), collected.when));
}

function withWhen(statement: SqlStatement, when: string | undefined): SqlStatement {
  return when ? { ...statement, when } : statement;
}

/** Depth first, bindings before the expression that uses them: the interpreter's order. */
function collectTemplates(node: unknown, into: CollectedTemplate[], when: string | undefined): void {
  if (Array.isArray(node)) {
    for (const item of node) collectTemplates(item, into, when);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if ((record.type === 'query' || record.type === 'execute') && isTemplate(record.args)) {
    into.push({ template: record.args, when });
    return;
  }
  if (record.type === 'if' && typeof record.args === 'object' && record.args !== null) {
    const branch = record.args as { value?: unknown; rule?: { type?: string; args?: unknown }; then?: unknown; else?: unknown };
    const [whenThen, whenElse] = branchConditions(branch.rule);
    collectTemplates(branch.value, into, when);
    collectTemplates(branch.then, into, joinConditions(when, whenThen));
    collectTemplates(branch.else, into, joinConditions(when, whenElse));
    return;
  }
  for (const value of Object.values(record)) collectTemplates(value, into, when);
}

/** How the two branches of an `if` read: the rule tests the rows an earlier statement returned. */
function branchConditions(rule: { type?: string; args?: unknown } | undefined): [string, string] {
  const found = 'only when the earlier statement found rows';
  const none = 'only when the earlier statement found no rows';
  if (rule?.type === 'rowCountNeq' && rule.args === 0) return [found, none];
  if (rule?.type === 'rowCountEq' && rule.args === 0) return [none, found];
  return ['only when a condition on earlier results holds', 'only when it does not'];
}

function joinConditions(outer: string | undefined, inner: string): string {
  return outer ? `${outer}, and ${inner.replace(/^only /, '')}` : inner;
}

function isTemplate(value: unknown): value is QueryTemplate {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return (type === 'templateSql' || type === 'rawSql') && Array.isArray((value as { args?: unknown }).args);
}

function renderTemplate(template: QueryTemplate, parameters: ReadonlyMap<string, RuntimeParameter>, reference: QueryTemplate | undefined): SqlStatement {
  const params: SqlParameter[] = [];
  const argTypes = template.argTypes ?? [];
  if (template.type === 'rawSql') {
    template.args.forEach((arg, index) => params.push(describe(arg, argTypes[index] ?? undefined, parameters)));
    return { sql: template.sql ?? '', params };
  }
  const format = template.placeholderFormat ?? { prefix: '$', hasNumbering: true };
  const placeholder = (): string => (format.hasNumbering ? `${format.prefix}${params.length}` : format.prefix);
  const add = (arg: unknown, argType: ArgType | undefined): string => {
    params.push(describe(arg, argType, parameters));
    return placeholder();
  };
  let sql = '';
  let argIndex = 0;
  for (const fragment of template.fragments ?? []) {
    if (fragment.type === 'stringChunk') {
      sql += fragment.chunk;
      continue;
    }
    const referenceArg = reference?.args[argIndex];
    const standsIn = isRuntimeParameter(referenceArg, parameters);
    const arg = template.args[argIndex];
    const argType = argTypes[argIndex] ?? undefined;
    argIndex++;
    const itemType = argType ? { ...argType, arity: 'scalar' } : undefined;
    if (fragment.type === 'parameter') {
      // A one-value stand-in for a run-time list the compiler spelled out item by item.
      const isItem = standsIn && !Array.isArray(arg) && parameters.get(String(placeholderOf(referenceArg)?.name))?.type.endsWith('[]') === true;
      sql += add(isItem ? asListItem(referenceArg) : standsIn ? referenceArg : arg, argType);
    } else if (fragment.type === 'parameterTuple') {
      // A list only known at run time is shown with one element: how PostgreSQL plans `IN ($1)`.
      let items = Array.isArray(arg) ? arg : (knownList(arg, parameters) ?? [asListItem(arg)]);
      if (standsIn) items = items.map(() => asListItem(referenceArg));
      sql += `(${items.length === 0 ? 'NULL' : items.map((item) => `${fragment.itemPrefix}${add(item, itemType)}${fragment.itemSuffix}`).join(fragment.itemSeparator)})`;
    } else {
      sql += tupleRows(arg, argType)
        .map((row) => `${fragment.itemPrefix}${row.map((cell) => add(cell.value, cell.type)).join(fragment.itemSeparator)}${fragment.itemSuffix}`)
        .join(fragment.groupSeparator);
    }
  }
  return { sql, params };
}

function isRuntimeParameter(arg: unknown, parameters: ReadonlyMap<string, RuntimeParameter>): boolean {
  const param = placeholderOf(arg);
  const known = param ? parameters.get(String(param.name)) : undefined;
  return known !== undefined && known.value === undefined;
}

/**
 * The rows of a `VALUES (…), (…)` list. A literal list gives its rows; a list computed when the
 * call runs (`product` of the keys of two earlier statements, for a many-to-many connect) is shown
 * as one row with one cell per column.
 */
function tupleRows(arg: unknown, argType: (ArgType & { elements?: ArgType[] }) | undefined): { value: unknown; type: ArgType | undefined }[][] {
  const elements = argType?.elements;
  if (Array.isArray(arg)) {
    return arg.map((row) => (Array.isArray(row) ? row : [row]).map((cell, index) => ({ value: cell, type: elements?.[index] })));
  }
  const call = typeof arg === 'object' && arg !== null && (arg as { prisma__type?: unknown }).prisma__type === 'generatorCall' ? (arg as { prisma__value?: { args?: unknown[] } }).prisma__value : undefined;
  const columns = call?.args ?? Array.from({ length: elements?.length ?? 1 }, () => arg);
  return [columns.map((column, index) => ({ value: asListItem(column), type: elements?.[index] }))];
}

/** A literal list the request sent as one list parameter: its items, so that `IN (…)` shows each. */
function knownList(arg: unknown, parameters: ReadonlyMap<string, RuntimeParameter>): unknown[] | undefined {
  const param = placeholderOf(arg);
  const known = param ? parameters.get(String(param.name)) : undefined;
  return known && Array.isArray(known.value) ? known.value : undefined;
}

/** One element standing for a run-time list: the same parameter, typed as its items. */
function asListItem(arg: unknown): unknown {
  const param = placeholderOf(arg);
  if (!param) return arg;
  return { prisma__type: 'param', prisma__value: { ...param, type: param.type === 'List' ? (param.inner as { type?: string } | undefined)?.type : param.type, item: true } };
}

function placeholderOf(arg: unknown): Record<string, unknown> | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const tagged = arg as { prisma__type?: unknown; prisma__value?: unknown };
  return tagged.prisma__type === 'param' && typeof tagged.prisma__value === 'object' && tagged.prisma__value !== null ? (tagged.prisma__value as Record<string, unknown>) : undefined;
}

function describe(arg: unknown, argType: ArgType | undefined, parameters: ReadonlyMap<string, RuntimeParameter>): SqlParameter {
  const literalType = (argType?.scalarType && SCALAR_NAMES[argType.scalarType]) ?? 'Unknown';
  const listed = (type: string): string => (argType?.arity === 'list' && !type.endsWith('[]') ? `${type}[]` : type);
  const param = placeholderOf(arg);
  if (param) {
    const name = String(param.name);
    const known = parameters.get(name);
    if (known && known.value !== undefined) {
      const value = param.item === true && Array.isArray(known.value) ? known.value[0] : known.value;
      const type = param.item === true && known.type.endsWith('[]') ? known.type.slice(0, -2) : known.type;
      return { name: 'literal', type: type === 'Unknown' ? listed(literalType) : type, value: value ?? null };
    }
    if (known) {
      const type = param.item === true && known.type.endsWith('[]') ? known.type.slice(0, -2) : known.type;
      return { name: param.item === true ? `an element of ${known.source}` : known.source, type: type === 'Unknown' ? listed(literalType) : type };
    }
    return { name: describeBinding(name), type: listed(literalType) };
  }
  if (typeof arg === 'object' && arg !== null && 'prisma__type' in arg) {
    const tagged = arg as { prisma__type: string; prisma__value?: unknown };
    if (tagged.prisma__type === 'generatorCall') {
      const call = tagged.prisma__value as { name?: string } | undefined;
      return { name: `${call?.name ?? 'default'}() when the statement runs`, type: listed(literalType) };
    }
    return { name: 'literal', type: listed(literalType), value: toJson(tagged.prisma__value) };
  }
  const standIn = typeof arg === 'string' || typeof arg === 'number' ? parameters.get(standInKey(arg)) : undefined;
  if (standIn) return { name: standIn.source, type: standIn.type };
  return { name: 'literal', type: listed(literalType), value: toJson(arg) };
}

/** `@parent$id` → "id of the rows the previous statement returned": values passed between statements. */
function describeBinding(name: string): string {
  const field = /\$([^$]+)$/.exec(name)?.[1];
  if (field && name.startsWith('@generated$')) return `${field}, made by Prisma when the call runs (its @default)`;
  return field ? `${field} of the rows an earlier statement returned` : `a value computed when the call runs (${name})`;
}

function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
