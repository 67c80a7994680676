/** Reads the tables the embedded database holds (columns, types, keys, uniques, enums) from PostgreSQL's catalog. */
import type { SqlSession } from './database-session';

export interface CatalogColumn {
  name: string;
  /** `format_type` of the column: `integer`, `character varying(191)`, `timestamp(3) without time zone`. */
  type: string;
  /** pg_type.typtype: `b` base, `e` enum, `d` domain. */
  typeKind: string;
  /** pg_type.typcategory: `A` for arrays. */
  typeCategory: string;
  notNull: boolean;
  /** The default expression, when there is one (`nextval('users_id_seq'::regclass)`). */
  defaultExpression: string | undefined;
  /** Number of labels, for enum columns. */
  enumLabels: number;
}

export interface CatalogForeignKey {
  columns: string[];
  targetSchema: string;
  targetTable: string;
  targetColumns: string[];
}

export interface CatalogTable {
  schema: string;
  name: string;
  columns: CatalogColumn[];
  /** Column sets that must be unique: the primary key and every unique index, in column order. */
  uniques: string[][];
  foreignKeys: CatalogForeignKey[];
}

export type Catalog = ReadonlyMap<string, CatalogTable>;

/** `schema.table`, the key of a catalog entry. */
export function tableKey(schema: string, table: string): string {
  return `${schema}.${table}`;
}

const USER_TABLES = `c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

/** Reads every user table of the database. */
export async function readCatalog(session: SqlSession): Promise<Catalog> {
  const columns = await session.query<{
    schema: string; table: string; column: string; type: string; typtype: string; typcategory: string;
    notnull: boolean; default: string | null; labels: number | string;
  }>(`
    select n.nspname as schema, c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
           t.typtype::text as typtype, t.typcategory::text as typcategory, a.attnotnull as notnull,
           pg_get_expr(d.adbin, d.adrelid) as default,
           (select count(*) from pg_enum e where e.enumtypid = a.atttypid)::int as labels
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    join pg_type t on t.oid = a.atttypid
    left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
    where ${USER_TABLES} and a.attgenerated = ''
    order by n.nspname, c.relname, a.attnum`);
  const tables = new Map<string, CatalogTable>();
  for (const row of columns) {
    const key = tableKey(row.schema, row.table);
    let table = tables.get(key);
    if (!table) {
      table = { schema: row.schema, name: row.table, columns: [], uniques: [], foreignKeys: [] };
      tables.set(key, table);
    }
    table.columns.push({
      name: row.column,
      type: row.type,
      typeKind: row.typtype,
      typeCategory: row.typcategory,
      notNull: row.notnull,
      defaultExpression: row.default ?? undefined,
      enumLabels: Number(row.labels),
    });
  }
  const uniques = await session.query<{ schema: string; table: string; columns: string[] | string }>(`
    select n.nspname as schema, c.relname as table,
           array(select a.attname from unnest(i.indkey) with ordinality k(attnum, ord)
                 join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum order by k.ord)::text[] as columns
    from pg_index i
    join pg_class c on c.oid = i.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    where ${USER_TABLES} and i.indisunique and i.indpred is null and not (0 = any (i.indkey::int2[]))`);
  for (const row of uniques) tables.get(tableKey(row.schema, row.table))?.uniques.push(textArray(row.columns));
  const foreignKeys = await session.query<{
    schema: string; table: string; columns: string[] | string; tschema: string; ttable: string; tcolumns: string[] | string;
  }>(`
    select n.nspname as schema, c.relname as table,
           array(select a.attname from unnest(f.conkey) with ordinality k(attnum, ord)
                 join pg_attribute a on a.attrelid = f.conrelid and a.attnum = k.attnum order by k.ord)::text[] as columns,
           tn.nspname as tschema, tc.relname as ttable,
           array(select a.attname from unnest(f.confkey) with ordinality k(attnum, ord)
                 join pg_attribute a on a.attrelid = f.confrelid and a.attnum = k.attnum order by k.ord)::text[] as tcolumns
    from pg_constraint f
    join pg_class c on c.oid = f.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_class tc on tc.oid = f.confrelid
    join pg_namespace tn on tn.oid = tc.relnamespace
    where f.contype = 'f' and ${USER_TABLES}`);
  for (const row of foreignKeys) {
    tables.get(tableKey(row.schema, row.table))?.foreignKeys.push({
      columns: textArray(row.columns),
      targetSchema: row.tschema,
      targetTable: row.ttable,
      targetColumns: textArray(row.tcolumns),
    });
  }
  return tables;
}

/** `pg` returns `text[]` as an array, PGlite too; a driver that returns `{a,b}` text is handled as well. */
function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value.replace(/^\{|\}$/g, '').split(',').filter(Boolean).map((item) => item.replace(/^"|"$/g, ''));
}
