/**
 * Generated rows for the embedded database: one `INSERT … SELECT … FROM generate_series` per table,
 * so PostgreSQL builds 100,000 rows in a single statement instead of a JavaScript loop. Every value
 * is a function of the row number `g`, so a foreign key can name its parent row by number: a child
 * points at parent row `1 + hash(g) % parentRows`, and gets the value the parent's column has for
 * that row. Uniques hold because unique columns take `g` itself (or a mixed-radix split of it for a
 * composite key made of foreign keys).
 */
import { tableKey, type Catalog, type CatalogColumn, type CatalogTable } from './datagen-catalog';
import { qualifiedName, quoteIdent, quoteLiteral, type SqlSession } from './database-session';

export interface FillStep {
  table: string;
  rows: number;
  /** The INSERT … SELECT that generates the rows. */
  insert: string;
  /** Run once the table's indexes are built (a `max()` would read a deferred, empty index): moves its sequences past the generated ids. */
  sequences: string[];
}

export interface FillPlan {
  steps: FillStep[];
  /** Columns that could not be given values; their tables are left empty. */
  problems: string[];
  /** Row count of every table after the plan ran (including tables filled before). */
  rowCounts: Map<string, number>;
}

/** Salts for the hash that picks a child's parent row; each foreign key of a table takes its own, so two keys of a row are unrelated. */
const PARENT_SALTS = [7919, 104_729, 1_299_709, 15_485_863, 179_424_673];

/**
 * The tables to fill so that `requested` tables have `rowsPerTable` rows: them and every table
 * their foreign keys reach, parents first. Tables in `filled` keep their rows.
 */
export function planFill(catalog: Catalog, requested: readonly string[], rowsPerTable: number, filled: ReadonlyMap<string, number>): FillPlan {
  const rowCounts = new Map(filled);
  const order = fillOrder(catalog, requested).filter((key) => !filled.has(key));
  // Row counts are decided first, since a child's values depend on its parents' row counts, and a
  // cycle of foreign keys (or a self reference) needs them before any parent has rows.
  const problems: string[] = [];
  for (const key of order) rowCounts.set(key, rowsPerTable);
  for (let pass = 0; pass < 3; pass++) {
    for (const key of order) rowCounts.set(key, cappedRows(catalog.get(key)!, rowsPerTable, rowCounts));
  }
  const steps: FillStep[] = [];
  for (const key of order) {
    const table = catalog.get(key)!;
    const rows = rowCounts.get(key)!;
    const insert = insertStatement(catalog, table, rows, rowCounts);
    if ('problem' in insert) {
      problems.push(insert.problem);
      rowCounts.set(key, 0);
      continue;
    }
    steps.push({ table: key, rows, insert: insert.sql, sequences: sequenceStatements(table) });
  }
  return { steps, problems, rowCounts };
}

export interface GeneratedRows {
  /** Rows generated per table by this call. */
  generated: Record<string, number>;
  /** Row count of every table known to be filled, including earlier ones. */
  rowCounts: Map<string, number>;
  problems: string[];
  /** True when the signal stopped the fill before its last table; the tables filled are in `generated`. */
  aborted: boolean;
}

export interface GenerateOptions {
  /** Called before each table is filled: its key, its position from 1, and the number of tables to fill. */
  onTable?: (table: string, position: number, count: number) => void;
  /** Called before the filled tables are analysed. */
  onAnalyze?: () => void;
  /** Checked before each table: the tables filled so far are still analysed and reported. */
  signal?: AbortSignal;
}

/**
 * Changes whenever the generated rows would: saved databases (embedded-cache.ts) are keyed by it, so
 * a new generator never reads rows an older one made.
 */
export const DATAGEN_VERSION = 2;

/**
 * Fills the requested tables (and the tables their foreign keys reach) and ANALYZEs them. Foreign-key
 * triggers are off while loading (the generated values already point at existing parent rows), which
 * needs a superuser: PGlite's default user, or a test database.
 */
export async function generateRows(
  session: SqlSession,
  catalog: Catalog,
  requested: readonly string[],
  rowsPerTable: number,
  filled: ReadonlyMap<string, number>,
  options: GenerateOptions = {},
): Promise<GeneratedRows> {
  const plan = planFill(catalog, requested, rowsPerTable, filled);
  const generated: Record<string, number> = {};
  const problems = [...plan.problems];
  const rowCounts = new Map(plan.rowCounts);
  let aborted = false;
  await session.exec('set session_replication_role = replica');
  try {
    for (const [position, step] of plan.steps.entries()) {
      if (options.signal?.aborted) {
        aborted = true;
        // Tables not reached are not filled: a later request fills them.
        for (const rest of plan.steps.slice(position)) rowCounts.delete(rest.table);
        break;
      }
      options.onTable?.(step.table, position + 1, plan.steps.length);
      try {
        const empty = (key: string): boolean => !filled.has(key) && !(key in generated);
        await loadTable(session, catalog, step, empty);
        generated[step.table] = step.rows;
      } catch (error) {
        rowCounts.set(step.table, 0);
        problems.push(`${step.table}: rows could not be generated (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  } finally {
    await session.exec('set session_replication_role = origin');
  }
  const analysed = Object.keys(generated).map((key) => catalog.get(key)!).map((table) => qualifiedName(table.schema, table.name));
  if (analysed.length > 0) {
    options.onAnalyze?.();
    await session.exec(`analyze ${analysed.join(', ')}`);
  }
  return { generated, rowCounts, problems, aborted };
}

/**
 * Fills one table in a transaction of its own, so that a failure leaves it as it was. Two things
 * make the load cheaper without changing its result:
 *
 * - The table is truncated first (it is empty, and so is every table that references it): its file
 *   is then new in this transaction, which PostgreSQL does not write to the WAL when `wal_level` is
 *   `minimal`, as the embedded database's is (elsewhere the truncation changes nothing).
 * - Its indexes are left out of every insert and built once over all the rows: PostgreSQL skips an
 *   index that is not ready for inserts (the state CREATE INDEX CONCURRENTLY starts in), and REINDEX
 *   builds it and marks it ready, two to three times faster than inserting 100,000 keys one by one.
 *   Where the catalog cannot be changed (not a superuser), the indexes are kept up to date instead.
 */
async function loadTable(session: SqlSession, catalog: Catalog, step: FillStep, empty: (key: string) => boolean): Promise<void> {
  const table = catalog.get(step.table)!;
  const name = qualifiedName(table.schema, table.name);
  await session.exec('begin');
  try {
    const truncated = referencingClosure(catalog, step.table);
    if (truncated.every(empty)) {
      await optionally(session, `truncate only ${truncated.map((key) => catalog.get(key)!).map((other) => qualifiedName(other.schema, other.name)).join(', ')}`);
    }
    const deferred = await optionally(session, `update pg_catalog.pg_index set indisready = false where indrelid = ${quoteLiteral(name)}::regclass and indisready`);
    await session.exec(step.insert);
    if (deferred) await session.exec(`reindex table ${name}`);
    for (const statement of step.sequences) await session.exec(statement);
    await session.exec('commit');
  } catch (error) {
    await session.exec('rollback').catch(() => undefined);
    throw error;
  }
}

/** Runs a statement that only makes the load faster: when it fails, the transaction goes on without it. */
async function optionally(session: SqlSession, sql: string): Promise<boolean> {
  await session.exec('savepoint prisma_lens_optional');
  try {
    await session.exec(sql);
    await session.exec('release savepoint prisma_lens_optional');
    return true;
  } catch {
    await session.exec('rollback to savepoint prisma_lens_optional');
    return false;
  }
}

/** The table and every table whose foreign keys reach it, directly or through others: what TRUNCATE must name with it. */
function referencingClosure(catalog: Catalog, key: string): string[] {
  const closure = [key];
  for (let index = 0; index < closure.length; index++) {
    for (const [other, table] of catalog) {
      if (!closure.includes(other) && table.foreignKeys.some((fk) => tableKey(fk.targetSchema, fk.targetTable) === closure[index])) closure.push(other);
    }
  }
  return closure;
}

/** Requested tables and the tables their foreign keys reach, parents before children where possible. */
function fillOrder(catalog: Catalog, requested: readonly string[]): string[] {
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (key: string): void => {
    if (order.includes(key) || visiting.has(key)) return;
    const table = catalog.get(key);
    if (!table) return;
    visiting.add(key);
    for (const fk of table.foreignKeys) visit(tableKey(fk.targetSchema, fk.targetTable));
    visiting.delete(key);
    order.push(key);
  };
  for (const key of requested) visit(key);
  return order;
}

/** A table cannot have more rows than its unique foreign keys have parent rows (or combinations of them). */
function cappedRows(table: CatalogTable, rowsPerTable: number, rowCounts: ReadonlyMap<string, number>): number {
  let rows = rowsPerTable;
  for (const unique of table.uniques) {
    const keys = foreignKeyColumnsCovering(table, unique);
    if (!keys) continue;
    let combinations = 1;
    for (const fk of keys) combinations *= rowCounts.get(tableKey(fk.targetSchema, fk.targetTable)) ?? 0;
    rows = Math.min(rows, combinations);
  }
  return Math.max(0, rows);
}

/** The foreign keys that make up a unique column set entirely, or undefined when it has another column. */
function foreignKeyColumnsCovering(table: CatalogTable, unique: readonly string[]): CatalogTable['foreignKeys'] | undefined {
  const keys: CatalogTable['foreignKeys'] = [];
  for (const column of unique) {
    const fk = table.foreignKeys.find((candidate) => candidate.columns.includes(column));
    if (!fk) return undefined;
    if (!keys.includes(fk)) keys.push(fk);
  }
  return keys;
}

function insertStatement(catalog: Catalog, table: CatalogTable, rows: number, rowCounts: ReadonlyMap<string, number>): { sql: string } | { problem: string } {
  const names: string[] = [];
  const values: string[] = [];
  const fkColumns = new Map<string, string>();
  let problem: string | undefined;
  // Foreign keys first: a unique made only of foreign keys splits `g` across them (mixed radix).
  const radix = mixedRadixKeys(table);
  let divisor = 1;
  table.foreignKeys.forEach((fk, fkIndex) => {
    const parent = catalog.get(tableKey(fk.targetSchema, fk.targetTable));
    const parentRows = rowCounts.get(tableKey(fk.targetSchema, fk.targetTable)) ?? 0;
    const nullable = fk.columns.every((column) => !table.columns.find((c) => c.name === column)?.notNull);
    if (!parent || parentRows === 0) {
      if (!nullable) problem ??= `${table.name}: its foreign key to ${fk.targetTable} has no parent rows to point at`;
      return;
    }
    let parentRow: string;
    if (radix.includes(fk)) {
      parentRow = `(1 + ((g - 1) / ${divisor}) % ${parentRows})`;
      divisor *= parentRows;
    } else if (isUniqueColumnSet(table, fk.columns)) {
      parentRow = 'g';
    } else {
      // Hashing the row number spreads children unevenly, as real data is: some parents get several, some none.
      parentRow = `(1 + (hashint8(g * ${PARENT_SALTS[fkIndex % PARENT_SALTS.length]}::bigint) & 2147483647) % ${parentRows})`;
    }
    fk.columns.forEach((column, index) => {
      const target = parent.columns.find((c) => c.name === fk.targetColumns[index]);
      const expression = target ? columnValue(parent, target, parentRow) : undefined;
      if (expression === undefined) return;
      // One row in five leaves an optional relation empty, as real data does.
      const own = table.columns.find((c) => c.name === column);
      fkColumns.set(column, own && !own.notNull && !radix.includes(fk) ? `case when g % 5 = 0 then null else ${expression} end` : expression);
    });
  });
  if (problem) return { problem };
  for (const column of table.columns) {
    let value = fkColumns.get(column.name) ?? columnValue(table, column, 'g');
    if (value === undefined) {
      if (column.defaultExpression !== undefined || !column.notNull) continue;
      return { problem: `${table.name}.${column.name}: no values can be generated for type ${column.type}` };
    }
    if (!column.notNull && !fkColumns.has(column.name) && !isUniqueColumnSet(table, [column.name])) {
      value = `case when g % 10 = 0 then null else ${value} end`;
    }
    names.push(quoteIdent(column.name));
    values.push(`${value} as ${quoteIdent(column.name)}`);
  }
  const target = qualifiedName(table.schema, table.name);
  return { sql: `insert into ${target} (${names.join(', ')}) select ${values.join(', ')} from generate_series(1, ${rows}) as g` };
}

/** The foreign keys that a unique column set consists of, when it consists of foreign keys only. */
function mixedRadixKeys(table: CatalogTable): CatalogTable['foreignKeys'] {
  for (const unique of table.uniques) {
    const keys = foreignKeyColumnsCovering(table, unique);
    if (keys && keys.length > 1) return keys;
  }
  return [];
}

function isUniqueColumnSet(table: CatalogTable, columns: readonly string[]): boolean {
  return table.uniques.some((unique) => unique.length === columns.length && unique.every((column) => columns.includes(column)));
}

/** True when a unique column set relies on this column to tell rows apart: its first column that is no foreign key. */
function mustBeDistinct(table: CatalogTable, column: CatalogColumn): boolean {
  const isForeignKey = (name: string): boolean => table.foreignKeys.some((fk) => fk.columns.includes(name));
  return table.uniques.some((unique) => unique.find((name) => !isForeignKey(name)) === column.name);
}

/**
 * The value of `column` in row number `row` (an SQL integer expression). Distinct columns are a
 * one-to-one function of the row; others repeat, so that filters on them select a realistic share.
 */
export function columnValue(table: CatalogTable, column: CatalogColumn, row: string): string | undefined {
  const distinct = mustBeDistinct(table, column);
  const label = quoteLiteral(`${column.name}-`);
  const type = column.type;
  if (column.typeCategory === 'A') return `'{}'::${type}`;
  if (column.typeKind === 'e') {
    if (column.enumLabels === 0) return undefined;
    // A scalar subquery is evaluated once per statement; enum_range itself would build the array for every row.
    return `((select enum_range(null::${type})))[1 + (${row}) % ${column.enumLabels}]`;
  }
  if (/^(smallint|integer|bigint)$/.test(type)) {
    if (distinct) return `(${row})::${type}`;
    return `((${row}) % ${type === 'smallint' ? 100 : 1000})::${type}`;
  }
  if (/^(text|character varying|character|citext)\b/.test(type)) {
    const length = /\((\d+)\)/.exec(type)?.[1];
    const base = distinct
      ? (/mail/i.test(column.name) ? `'user' || (${row}) || '@example.com'` : `${label} || (${row})`)
      : `${label} || ((${row}) % 1000)`;
    return length ? `left(${base}, ${length})::${type}` : `(${base})::${type}`;
  }
  if (type === 'boolean') return `((${row}) % 4 = 0)`;
  if (/^timestamp/.test(type)) return `(timestamp '2025-01-01' - (${row}) * interval '7 minutes')::${type}`;
  if (type === 'date') return `(date '2025-01-01' - ((${row}) % 3650)::int)`;
  if (/^time\b/.test(type)) return `(time '00:00' + ((${row}) % 86400) * interval '1 second')::${type}`;
  if (/^(numeric|double precision|real)/.test(type)) {
    const scale = /\(\d+,(\d+)\)/.exec(type)?.[1];
    const precision = /\((\d+)/.exec(type)?.[1];
    const integerDigits = precision ? Number(precision) - Number(scale ?? 0) : 6;
    const modulus = distinct ? undefined : Math.min(10 ** Math.max(0, Math.min(integerDigits, 6)), 100_000);
    return `((${modulus ? `(${row}) % ${modulus}` : `(${row})`}) + 0.25)::${type}`;
  }
  if (type === 'uuid') return `md5(${quoteLiteral(`${table.name}.${column.name}.`)} || (${row}))::uuid`;
  if (type === 'jsonb' || type === 'json') return `jsonb_build_object('n', ${row})::${type}`;
  if (type === 'bytea') return `decode(md5((${row})::text), 'hex')`;
  if (type === 'inet') return `('10.0.0.0'::inet + (${row}))`;
  if (type === 'xml') return `xmlelement(name n, ${row})`;
  return undefined;
}

/** Moves serial and identity sequences past the generated ids, so an analysed insert does not collide. */
function sequenceStatements(table: CatalogTable): string[] {
  const statements: string[] = [];
  for (const column of table.columns) {
    if (!column.defaultExpression?.startsWith('nextval(')) continue;
    const target = qualifiedName(table.schema, table.name);
    statements.push(
      `select setval(pg_get_serial_sequence(${quoteLiteral(target)}, ${quoteLiteral(column.name)}), greatest(1, (select coalesce(max(${quoteIdent(column.name)}), 0) from ${target})::bigint))`,
    );
  }
  return statements;
}
