/**
 * Prisma Client's operation names on the JSON protocol and its argument mappers: `count`,
 * `aggregate` and `groupBy` turn their aggregates into a selection before the request is built.
 */
import { ExplainInputError, isObject, isRuntime, objectOf, type ArgObject, type ArgValue } from './sql-values';

export const AGGREGATES: ReadonlySet<string> = new Set(['_avg', '_count', '_sum', '_min', '_max']);

/** Prisma Client's operation names on the JSON protocol (`count` is an aggregate, `create` a createOne…). */
export const PROTOCOL_ACTIONS: Readonly<Record<string, string>> = {
  findUnique: 'findUnique',
  findUniqueOrThrow: 'findUniqueOrThrow',
  findFirst: 'findFirst',
  findFirstOrThrow: 'findFirstOrThrow',
  findMany: 'findMany',
  count: 'aggregate',
  aggregate: 'aggregate',
  groupBy: 'groupBy',
  create: 'createOne',
  createMany: 'createMany',
  createManyAndReturn: 'createManyAndReturn',
  update: 'updateOne',
  updateMany: 'updateMany',
  updateManyAndReturn: 'updateManyAndReturn',
  upsert: 'upsertOne',
  delete: 'deleteOne',
  deleteMany: 'deleteMany',
};

export function isSupportedOperation(operation: string): boolean {
  return operation in PROTOCOL_ACTIONS;
}

/** The client's argument mappers: `count`, `aggregate` and `groupBy` select their aggregates. */
export function mapArguments(operation: string, args: ArgObject): ArgObject {
  if (operation === 'aggregate') return selectAggregates(args);
  if (operation === 'count') {
    const rest = new Map(args.entries);
    const select = rest.get('select');
    rest.delete('select');
    rest.set('_count', isObject(select) ? select : objectOf({ _all: true }));
    return selectAggregates({ kind: 'object', entries: rest });
  }
  if (operation === 'groupBy') {
    const mapped = selectAggregates(args);
    const select = mapped.entries.get('select') as ArgObject;
    const by = mapped.entries.get('by');
    if (isRuntime(by)) throw new ExplainInputError(`\`by\` is \`${by.text}\`, only known when the code runs`);
    for (const field of Array.isArray(by) ? by : [by]) if (typeof field === 'string') select.entries.set(field, true);
    return mapped;
  }
  return args;
}

function selectAggregates(args: ArgObject): ArgObject {
  const select = new Map<string, ArgValue>();
  const rest = new Map<string, ArgValue>();
  for (const [key, value] of args.entries) {
    if (!AGGREGATES.has(key)) {
      rest.set(key, value);
      continue;
    }
    if (isRuntime(value)) throw new ExplainInputError(`\`${key}\` is \`${value.text}\`, only known when the code runs`);
    const inner = key === '_count' && typeof value === 'boolean' ? objectOf({ _all: value }) : value;
    select.set(key, objectOf({ select: inner }));
  }
  rest.set('select', { kind: 'object', entries: select });
  return { kind: 'object', entries: rest };
}

