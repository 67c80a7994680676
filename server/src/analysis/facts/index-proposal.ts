/**
 * The one `@@index([…])` Prisma Lens proposes for a query, whether the query was read from code (the
 * `unindexed-query` rule) or from a plan (the EXPLAIN panel and `prisma-lens explain`), so that the
 * diagnostic, the panel and the CLI never disagree about the index a call needs.
 */
import type { Field, Model } from '../schema/model';

/** A field of a proposed index, or a sort column of a query. */
export interface IndexField {
  name: string;
  descending: boolean;
}

/** How a query reads one model's table, by field name. */
export interface IndexNeed {
  /** Fields compared with `=` or `IN`, in the order the query names them. */
  equality: readonly string[];
  /** Boolean fields compared with `=`: too few values to index alone, but worth leading a sorted or ranged index. */
  flags: readonly string[];
  /** Fields compared with `<`, `<=`, `>`, `>=`, or read by another condition that is not an equality. */
  range: readonly string[];
  /** The `ORDER BY` of a query that takes only its first rows. */
  sort: readonly IndexField[];
}

export interface ProposedIndex {
  fields: IndexField[];
  /** `@@index([published, publishedAt])`. */
  text: string;
}

/** Field types an ordinary index is not worth having on: too few distinct values, or not comparable. */
const UNINDEXED_TYPES = new Set(['Boolean', 'Json', 'Bytes']);

/** True when an ordinary (B-tree) index on the field is worth proposing. */
export function isIndexableField(field: Field): boolean {
  return !field.isList && !UNINDEXED_TYPES.has(field.type);
}

/** True for a boolean field that may lead a sorted or ranged index. */
export function isFlagField(field: Field): boolean {
  return !field.isList && field.type === 'Boolean';
}

/**
 * The index for a need: equality fields first, then (only when a sort or range follows) the flags,
 * then the sort fields or else the first range field, which is the order in which a B-tree can use
 * them. Directions are written only when the sort mixes them: a B-tree is read backwards as easily
 * as forwards, so `ORDER BY publishedAt DESC` is served by `@@index([publishedAt])`, while
 * `ORDER BY authorId ASC, createdAt DESC` needs `@@index([authorId, createdAt(sort: Desc)])`.
 * Undefined when there is nothing to index.
 */
export function proposeIndex(need: IndexNeed): ProposedIndex | undefined {
  const tail: IndexField[] = need.sort.length > 0 ? [...need.sort] : need.range.slice(0, 1).map((name) => ({ name, descending: false }));
  const leading = [...new Set([...need.equality, ...(tail.length > 0 ? need.flags : [])])];
  const ordered: IndexField[] = [];
  // A sort field that an equality already fixes orders nothing, so it neither repeats nor counts towards the directions.
  for (const field of tail) if (!leading.includes(field.name) && !ordered.some((other) => other.name === field.name)) ordered.push(field);
  const mixed = ordered.some((field) => field.descending !== ordered[0]!.descending);
  const fields = [...leading.map((name) => ({ name, descending: false })), ...ordered.map((field) => ({ name: field.name, descending: mixed && field.descending }))];
  if (fields.length === 0) return undefined;
  return { fields, text: indexText(fields) };
}

/** `@@index([authorId, createdAt(sort: Desc)])`. */
export function indexText(fields: readonly IndexField[]): string {
  return `@@index([${fields.map((field) => (field.descending ? `${field.name}(sort: Desc)` : field.name)).join(', ')}])`;
}

/** A column a plan shows a scan reading, by its database name. */
export interface ColumnRead {
  column: string;
  /** Compared with `=`, `IN` or `IS NULL`. */
  equality: boolean;
}

/**
 * The need of a scan as a plan shows it (filter columns and sort key, by column name), read the way
 * the code reader reads a `where`: booleans are flags, JSON, bytes and lists are left out. Undefined
 * when a column is not a scalar field of the model.
 */
export function indexNeedOfColumns(model: Model, filter: readonly ColumnRead[], sort: readonly { column: string; descending: boolean }[]): IndexNeed | undefined {
  const fieldOf = (column: string): Field | undefined => model.fields.find((field) => field.dbName === column && !field.relation);
  const need = { equality: [] as string[], flags: [] as string[], range: [] as string[], sort: [] as IndexField[] };
  for (const read of filter) {
    const field = fieldOf(read.column);
    if (!field) return undefined;
    if (isFlagField(field)) need.flags.push(field.name);
    else if (!isIndexableField(field)) continue;
    else if (read.equality) need.equality.push(field.name);
    else need.range.push(field.name);
  }
  for (const column of sort) {
    const field = fieldOf(column.column);
    if (!field) return undefined;
    need.sort.push({ name: field.name, descending: column.descending });
  }
  return need;
}
