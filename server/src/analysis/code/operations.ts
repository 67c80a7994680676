/** The Prisma Client operations a query site can call, and how model names become delegate names. */
import type { Model, PrismaSchema } from '../schema/model';

/** Operations of a model delegate (`prisma.user.<operation>`). */
export const MODEL_OPERATIONS: ReadonlySet<string> = new Set([
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'count',
  'aggregate',
  'groupBy',
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
  'findRaw',
  'aggregateRaw',
]);

/** Raw operations of the client itself (`prisma.$queryRaw`…). */
export const RAW_OPERATIONS: ReadonlySet<string> = new Set([
  '$queryRaw',
  '$queryRawUnsafe',
  '$queryRawTyped',
  '$executeRaw',
  '$executeRawUnsafe',
  '$runCommandRaw',
]);

/**
 * Text that calls one of Prisma's operations as a method, the way every query site does:
 * `.findMany(`, `?.update<T>(`, `.$queryRaw\``, `.count?.(`. Text without such a call holds no
 * query site, so the index does not even parse it; a file that only mentions the words (`count`,
 * `create`, `delete` are common ones) is most of a large repository's files.
 */
export const OPERATION_NAME = new RegExp(`\\.\\s*(?:${[...MODEL_OPERATIONS, ...RAW_OPERATIONS].map((name) => name.replace(/\$/g, '\\$')).join('|')})\\s*(?:\\?\\.\\s*)?[(<\`]`);

export type OperationKind = 'read' | 'write';

const WRITES = /^(?:create|update|upsert|delete|\$execute|\$runCommand)/;

export function operationKind(operation: string): OperationKind {
  return WRITES.test(operation) ? 'write' : 'read';
}

/** Operations that touch many rows in one statement: running one per element of a chunk is the remedy, not the problem. */
export function isBulkOperation(operation: string): boolean {
  return /Many/.test(operation) || operation.startsWith('$');
}

/** `findUnique` and `findUniqueOrThrow`: the operations Prisma Client's dataloader batches. */
export function isBatchableRead(operation: string): boolean {
  return operation === 'findUnique' || operation === 'findUniqueOrThrow';
}

/** Prisma Client names a model's delegate by lower-casing its first character: `OrderItem` → `orderItem`. */
export function delegateName(modelName: string): string {
  return modelName.charAt(0).toLowerCase() + modelName.slice(1);
}

const delegateMaps = new WeakMap<PrismaSchema, ReadonlyMap<string, Model>>();

/** Models (and views) by delegate name, built once per schema. */
export function modelsByDelegate(schema: PrismaSchema): ReadonlyMap<string, Model> {
  let map = delegateMaps.get(schema);
  if (!map) {
    const byDelegate = new Map<string, Model>();
    for (const model of schema.models) {
      if (model.kind !== 'type') byDelegate.set(delegateName(model.name), model);
    }
    map = byDelegate;
    delegateMaps.set(schema, map);
  }
  return map;
}
