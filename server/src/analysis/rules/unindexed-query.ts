/** Flags queries whose filter (or sort with a limit) no index can serve, with a fix that adds the index. */
import type { CodeRuleContext } from '../code/context';
import type { QuerySite } from '../code/query-sites';
import type { Index, Model, PrismaSchema } from '../schema/model';
import { proposeIndex, type ProposedIndex } from '../facts/index-proposal';
import { accessPaths, FILTERING_OPERATIONS, type AccessPath } from '../facts/query-shape';
import { addIndexEdit } from '../facts/schema-edits';
import { fieldLine, fileTextOf } from '../facts/schema-text';
import { isLookupTable } from '../facts/table-growth';
import { defineRule, type CodeRule, type Fix, type RuleFinding } from './types';

/** Index types whose first column answers equality and range lookups and ordered reads. */
const ORDERED_TYPES = new Set([undefined, 'BTree', 'Brin']);

export default defineRule<CodeRule>({
  id: 'unindexed-query',
  appliesTo: ['typescript'],
  severity: 'warning',
  docs: {
    summary: 'Queries whose `where` (or `orderBy` with `take`) no index of the model can serve.',
    why: [
      'A query that filters on a column no index starts with makes the database read the whole table: fine with a thousand rows, seconds with ten million, and it gets slower every day the table grows. The same holds for `orderBy` with `take` (the latest 20 posts): without an index on the sort column the database reads and sorts every row to return 20. In a query plan this read is a sequential scan on PostgreSQL, a full table scan on MySQL, a full scan on SQLite, a table scan on SQL Server and a collection scan on MongoDB.',
      'The rule reads each `findMany`, `findFirst`, `count`, `aggregate`, `groupBy`, `updateMany` and `deleteMany`: the scalar columns compared with `=`, `in`, `lt`/`gt`…, inside `AND` and in each `OR` branch (every branch needs its own index), and the filters on related models (`author: { email }`, `comments: { some: { … } }`), which read the related table. A filter is served when an index, unique constraint or primary key (composite ones too) starts with one of its columns, or starts with columns the filter compares with `=` (booleans and `AND` parts included) followed by its range column: `@@index([active, endDate])` serves `{ active: true, endDate: { lt: now } }`. In a relation filter every column counts, with the foreign key a to-many filter reads the child by and that of a to-one filter nested in it; a to-one filter (`product: { provider }`) joins each row\'s related row by its key, so it reads no whole table once an index serves the rest of the `where`. Booleans, `null` checks, `contains`/`endsWith` and case-insensitive filters are not ones an ordinary index serves, and small lookup tables are left alone. When the filter is built elsewhere (a helper\'s result, a spread) and none of its columns is seen, what the database reads is unknown and nothing is reported; on MySQL, InnoDB indexes each foreign key by itself, so a filter on a foreign key column is served (unless `relationMode = "prisma"`).',
      'The quick fix adds `@@index` with the equality columns first, then the sort columns (with `take`) or the range column: the order in which a B-tree can use them. A sort in one direction needs no `sort: Desc`, since PostgreSQL reads an index backwards as easily as forwards; a sort that mixes directions (`orderBy: [{ authorId: "asc" }, { createdAt: "desc" }]`) gets them in the index. The EXPLAIN panel and `prisma-lens explain` propose the same index for the same query.',
    ].join('\n\n'),
    bad: [
      'model Post {',
      '  id       Int      @id',
      '  authorId Int',
      '  status   String',
      '  postedAt DateTime',
      '  @@index([authorId])',
      '}',
      '',
      'await prisma.post.findMany({ where: { status: "PUBLISHED" }, orderBy: { postedAt: "desc" }, take: 20 });',
    ].join('\n'),
    good: [
      'model Post {',
      '  id       Int      @id',
      '  authorId Int',
      '  status   String',
      '  postedAt DateTime',
      '  @@index([authorId])',
      '  @@index([status, postedAt])',
      '}',
      '',
      'await prisma.post.findMany({ where: { status: "PUBLISHED" }, orderBy: { postedAt: "desc" }, take: 20 });',
    ].join('\n'),
    fixSafety:
      'Safe: adding `@@index([…])` to the schema changes no query result. The next migration runs `CREATE INDEX`, which blocks writes to the table while it builds; on a large production table, create it with `CREATE INDEX CONCURRENTLY` in a migration of its own. Every index also costs some time on each write, so add the ones your hot queries need.',
  },
  check(context) {
    const schema = context.schema;
    if (!schema) return [];
    const findings: RuleFinding[] = [];
    for (const site of context.querySites) {
      if (site.kind !== 'model' || !site.model || !FILTERING_OPERATIONS.has(site.operation)) continue;
      const paths = accessPaths(site, schema);
      const unserved = paths.filter((path) => needsIndex(schema, path) && !isServed(path) && !joinedByKey(path) && !reachedThroughRelation(schema, path, paths) && !rareFlagIndexed(schema, path));
      if (unserved.length === 0) continue;
      findings.push(findingFor(context, schema, site, unserved));
    }
    return findings;
  },
});

/**
 * The index this path needs, as the EXPLAIN panel proposes it too. `published = true ORDER BY
 * postedAt`: a flag leading the sorted index turns the read into one index range.
 */
export function proposedIndexFor(path: AccessPath): ProposedIndex | undefined {
  return proposeIndex({
    equality: path.equality,
    flags: path.flags,
    range: path.range,
    sort: path.sort.map((name) => ({ name, descending: path.sortDescending.includes(name) })),
  });
}

function needsIndex(schema: PrismaSchema, path: AccessPath): boolean {
  if (path.model.kind !== 'model' || isLookupTable(schema, path.model)) return false;
  // Part of the filter is built elsewhere (a helper's result, a spread): it may hold a column an index
  // starts with, so what the database reads is unknown, never "the whole table".
  if (path.open) return false;
  if (innoDbIndexesForeignKey(schema, path)) return false;
  return path.equality.length + path.range.length > 0 || path.sort.length > 0;
}

/**
 * MySQL's InnoDB creates an index for every foreign key constraint by itself: a filter on a foreign key
 * column is served there, unless `relationMode = "prisma"` leaves the database without constraints.
 */
function innoDbIndexesForeignKey(schema: PrismaSchema, path: AccessPath): boolean {
  const datasource = schema.datasource;
  if (datasource?.provider !== 'mysql' || datasource.relationMode === 'prisma') return false;
  const filtered = [...path.equality, ...path.range];
  return schema.relations.some((relation) => relation.model === path.model && relation.fkFields.length > 0 && filtered.includes(relation.fkFields[0]!.name));
}

/** Which database reads every row, where the query runs. */
function wholeTableRead(schema: PrismaSchema, table: string): string {
  switch (schema.datasource?.provider) {
    case 'postgresql':
    case 'cockroachdb':
      return `PostgreSQL reads the whole "${table}" table`;
    case 'mysql':
      return `MySQL reads the whole "${table}" table`;
    case 'sqlite':
      return `SQLite reads the whole "${table}" table`;
    case 'sqlserver':
      return `SQL Server reads the whole "${table}" table`;
    case 'mongodb':
      return `MongoDB reads every document of "${table}"`;
    default:
      return `The database reads the whole "${table}" table`;
  }
}

/**
 * Some index (`@@index`, `@@unique`, `@id`, `@@id`) serves the path: it starts with a filtered column,
 * or its leading columns are all matched by equalities (booleans and joined foreign keys included),
 * then by one range or (with no filter) sort column, and that prefix holds a filtered column or
 * (with no filter) the first sort column. `active = true AND endDate < $1` uses `@@index([active, endDate])`.
 * `joins` counts only when `withJoins`: a join key is known only once the related rows are found.
 */
export function isServed(path: AccessPath, withJoins = true): boolean {
  return path.model.indexes.some((index) => indexServes(index, path, withJoins));
}

function indexServes(index: Index, path: AccessPath, withJoins: boolean): boolean {
  const first = index.fields[0]?.name;
  if (!first || index.kind === 'fulltext') return false;
  if (index.type === 'Hash') return path.equality.includes(first);
  if (!ORDERED_TYPES.has(index.type)) return false;
  const filtered = [...path.equality, ...path.range];
  if (filtered.length > 0 ? filtered.includes(first) : path.sort[0] === first) return true;
  const equal = new Set([...path.equality, ...path.flags, ...(withJoins ? (path.joins ?? []) : [])]);
  const used: string[] = [];
  for (const field of index.fields) {
    if (!equal.has(field.name)) break;
    used.push(field.name);
  }
  const next = index.fields[used.length]?.name;
  if (next !== undefined && (path.range.includes(next) || (filtered.length === 0 && path.sort[0] === next))) used.push(next);
  return filtered.length > 0 ? used.some((name) => filtered.includes(name)) : used.includes(path.sort[0]!);
}

/**
 * A path through a to-one relation whose outer filter an index serves: the outer rows are few, and
 * each joins its related row by a unique key (the primary key, or a 1:1 foreign key), so the related
 * table is not scanned. `where: { userId, product: { provider } }` reads a few "Product" rows by "id".
 */
function joinedByKey(path: AccessPath, seen: Set<AccessPath> = new Set()): boolean {
  if (!path.toOne || !path.outer || seen.has(path)) return false;
  seen.add(path);
  // The outer filter's own rows: its other relation paths (this one too) share its list and read other tables.
  const rows = path.outer.filter((outer) => outer.outer !== path.outer);
  if (rows.length === 0) return false;
  // The outer path's own joins are left out: they are known only after this related read.
  return rows.every((outer) => isServed(outer, false) || joinedByKey(outer, seen));
}

/**
 * An index of a boolean alone (`@@index([isGlobal])`) the path compares with the value its default is
 * not (`isGlobal: true` with `@default(false)`): the team made it for the few rows of that value. A
 * flag compared with its default's value (most rows), or with no default, counts for nothing.
 */
function rareFlagIndexed(schema: PrismaSchema, path: AccessPath): boolean {
  const values = path.flagValues;
  if (!values) return false;
  return path.model.indexes.some((index) => {
    const name = index.fields.length === 1 ? index.fields[0]!.name : undefined;
    return name !== undefined && values[name] !== undefined && ORDERED_TYPES.has(index.type) && defaultOf(schema, path.model, name) === !values[name];
  });
}

/** A boolean field's `@default(true)` or `@default(false)`, read from its line of the schema. */
function defaultOf(schema: PrismaSchema, model: Model, name: string): boolean | undefined {
  const field = model.fields.find((candidate) => candidate.name === name);
  if (!field || !field.attributes.includes('default')) return undefined;
  const match = /@default\(\s*(true|false)\s*\)/.exec(fieldLine(fileTextOf(schema, model.uri), field));
  return match ? match[1] === 'true' : undefined;
}

/**
 * A path whose rows a to-one relation filter in it finds through an index: the related rows the
 * filter selects are read by an index (`program: { workspaceId }` with `Program.workspaceId`
 * indexed), and each joins this table's rows by an indexed key: a foreign key of this table an
 * index starts with (`DiscoveredPartner.programId`), or this table's primary key when the relation's
 * key is on the other side (`image: { imageId }` through `ImageReport.reportId`). PostgreSQL starts
 * from the related table then, and reads no whole table, whatever else the filter compares.
 */
function reachedThroughRelation(schema: PrismaSchema, path: AccessPath, paths: readonly AccessPath[]): boolean {
  return paths.some((related) => {
    if (!related.toOne || !related.via || !related.outer?.includes(path) || related.open || !isServed(related, false)) return false;
    const holding = schema.relations.find((relation) => relation.model === path.model && relation.field.name === related.via);
    if (holding) {
      // The path joins by the key only when the relation filter is one of its own conditions (not another "OR" branch's).
      const key = holding.fkFields[0]?.name;
      return key !== undefined && (path.joins ?? []).includes(key) && path.model.indexes.some((index) => index.kind !== 'fulltext' && ORDERED_TYPES.has(index.type) && index.fields[0]?.name === key);
    }
    // The key is on the related side, pointing at this table's primary or unique key; with "OR" branches
    // the relation filter may be another branch's, so only a filter without them counts.
    return related.outer.length === 1 && schema.relations.some((relation) => relation.target === path.model && relation.opposite?.name === related.via);
  });
}

function findingFor(context: CodeRuleContext, schema: PrismaSchema, site: QuerySite, paths: AccessPath[]): RuleFinding {
  const first = paths[0]!;
  const model = first.model;
  const filtered = uniq([...first.equality, ...first.range]);
  const what = filtered.length > 0 ? `filters it on ${list(filtered)}` : `sorts it by ${list(first.sort)} to take the first rows`;
  const through = first.via ? ` (through "${first.via}")` : '';
  const more = paths.length > 1 ? ` ${paths.length - 1} more "OR" branch${paths.length > 2 ? 'es' : ''} or related filter${paths.length > 2 ? 's' : ''} also lack one.` : '';
  const fixes: Fix[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const indexText = proposedIndexFor(path)?.text;
    if (!indexText) continue;
    const key = `${path.model.name} ${indexText}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const edit = addIndexEdit(path.model, fileTextOf(schema, path.model.uri), indexText);
    if (edit) fixes.push({ title: `Add ${indexText} to ${path.model.name}`, applicability: 'safe', edits: [edit] });
  }
  return {
    uri: context.uri,
    span: site.span,
    message: `${wholeTableRead(schema, model.dbName)}: "${site.callee}" ${what}${through}, and no index starts with ${filtered.length > 1 ? 'any of them' : 'it'}.`,
    help: `Add "${proposedIndexFor(first)?.text ?? '@@index([…])'}" to model "${model.name}".${more}`,
    ...(fixes.length ? { fixes } : {}),
  };
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}

function list(columns: readonly string[]): string {
  return columns.map((column) => `"${column}"`).join(', ');
}
