/** How Prisma Client types the parameters it makes of literal values, so the compiler sees the same request. */
import { isTagged, type ArgValue } from './sql-values';

/**
 * Whether Prisma Client turns a literal of this kind into a parameter at a field of this type: only
 * when the field takes values of that kind (a number is a literal for a Decimal or DateTime field).
 */
export function acceptsParameter(kind: string, fieldType: string): boolean {
  switch (kind) {
    case 'Int':
      return fieldType === 'Int' || fieldType === 'BigInt' || fieldType === 'Float';
    case 'String':
    case 'Boolean':
    case 'BigInt':
    case 'Float':
    case 'DateTime':
    case 'Decimal':
    case 'Bytes':
      return fieldType === kind;
    case 'Json':
      return fieldType === 'Json';
    default:
      return false;
  }
}

/** The parameter type Prisma Client gives a JavaScript primitive. */
export function primitiveType(value: string | number | boolean): { type: string } {
  if (typeof value === 'boolean') return { type: 'Boolean' };
  if (typeof value === 'string') return { type: 'String' };
  if (!Number.isInteger(value)) return { type: 'Float' };
  return value >= -(2 ** 31) && value <= 2 ** 31 - 1 ? { type: 'Int' } : { type: 'BigInt' };
}

/** The widest item type of a literal list, the way the client merges them (Int < BigInt < Float). */
export function listItemType(items: readonly ArgValue[]): { type: string } {
  const rank: Record<string, number> = { Int: 0, BigInt: 1, Float: 2 };
  let merged: string | undefined;
  for (const item of items) {
    const type = isTagged(item) ? (item.tag === 'Decimal' ? 'Float' : item.tag) : primitiveType(item as string | number | boolean).type;
    if (merged === undefined || merged === type) merged = type;
    else if (rank[merged] !== undefined && rank[type] !== undefined) merged = rank[merged]! >= rank[type]! ? merged : type;
    else return { type: 'Any' };
  }
  return { type: merged ?? 'Any' };
}

