/** What migration rules see: the parsed script, which tables are still empty, and the PostgreSQL version. */
import type { RuleFinding } from '../rules/types';
import type { Span } from '../text';
import { clauseSpanAt, type SqlStatement } from './sql';

/** The settings a caller passes; every field is optional. */
export interface MigrationContext {
  /** The file the SQL comes from; findings and fix edits carry it. Default `untitled:migration.sql`. */
  uri?: string;
  /** Major version of the PostgreSQL the migration runs on: `ADD COLUMN … DEFAULT <constant>` is instant from 11 on. Default 15. */
  postgresVersion?: number;
  /**
   * Tables that hold no rows yet because a migration that is not deployed created them
   * (`"User"` or `"schema"."User"`, as written in SQL: quoted names keep their case, unquoted
   * names are lower-cased by PostgreSQL). Tables created earlier in the same script are known
   * without this.
   */
  newTables?: readonly string[];
  /**
   * False when the SQL is not a migration file of its own (e.g. the SQL Prisma would generate
   * next, shown in a preview): fixes that edit the text are then left out. Default true.
   */
  editable?: boolean;
  /**
   * The SQL of the migrations before this one, oldest first: the column types they declare tell a
   * type change PostgreSQL makes in place from one that rewrites the table. Default none.
   */
  earlierMigrations?: readonly string[];
}

/** What a finding is about, so a caller can map it back to the schema (model, field, index). */
export interface MigrationTarget {
  /** Index of the statement in the script, from 0. */
  statementIndex: number;
  /** The whole statement, semicolon excluded. */
  statementSpan: Span;
  /** The table as PostgreSQL names it (case kept), without its schema. */
  table?: string;
  schema?: string;
  column?: string;
  index?: string;
  constraint?: string;
}

export interface MigrationRuleFinding extends RuleFinding {
  target: MigrationTarget;
}

/** A relation as a statement names it. */
export interface TableName {
  schema?: string;
  name: string;
}

/** The context handed to every migration rule. */
export interface MigrationRuleContext {
  uri: string;
  text: string;
  statements: readonly SqlStatement[];
  postgresVersion: number;
  editable: boolean;
  /** The SQL of the migrations before this one, oldest first (empty when unknown). */
  earlierMigrations: readonly string[];
  /** True when the table holds no rows at `statement`: created earlier in this script, or listed in `newTables`. */
  isNewTable(table: TableName | undefined, statement: SqlStatement): boolean;
  /** True when the index was created earlier in this script. */
  isNewIndex(name: string | undefined, statement: SqlStatement): boolean;
  /**
   * The column when `ADD COLUMN` added it to the table earlier in this script (a later `RENAME COLUMN`
   * keeps it added, under its new name): no running application knows it yet, and existing rows hold
   * its default. Undefined for columns added by other migrations: the script alone cannot tell.
   */
  addedColumn(table: TableName | undefined, column: string, statement: SqlStatement): AddedColumn | undefined;
  /** A node from its byte `location` to the end of its clause (a comma outside parentheses) or line. */
  spanAt(statement: SqlStatement, location: unknown): Span;
  /** From a UTF-16 offset inside the statement (its start when undefined) to the end of that clause or line. */
  lineFrom(statement: SqlStatement, offset: number | undefined): Span;
}

/** A column added earlier in the script. */
export interface AddedColumn {
  /** The `ADD COLUMN` statement. */
  statementIndex: number;
  /** Its `{ ColumnDef }` node (type, default, constraints), as `columnDefinition` reads it. */
  definition: unknown;
}

/** Builds the rule context: one pass over the statements records which tables, indexes and columns each creates. */
export function createMigrationRuleContext(text: string, statements: readonly SqlStatement[], context: MigrationContext): MigrationRuleContext {
  const createdTables = new Map<string, number>();
  const createdIndexes = new Map<string, number>();
  /** `table\0column` → the statements that added it (or renamed an added column to it), in order. */
  const addedColumns = new Map<string, AddedColumn[]>();
  for (const statement of statements) {
    const node = statement.node as Record<string, any> | undefined;
    if (statement.kind === 'CreateStmt' || statement.kind === 'CreateTableAsStmt') {
      const relation = statement.kind === 'CreateStmt' ? node?.relation : node?.into?.rel;
      const key = tableKey(relationName(relation));
      if (key && !createdTables.has(key)) createdTables.set(key, statement.index);
    } else if (statement.kind === 'IndexStmt' && typeof node?.idxname === 'string') {
      if (!createdIndexes.has(node.idxname)) createdIndexes.set(node.idxname, statement.index);
    } else if (statement.kind === 'AlterTableStmt' && node?.objtype === 'OBJECT_TABLE') {
      const table = tableKey(relationName(node.relation));
      for (const entry of node.cmds ?? []) {
        const command = entry?.AlterTableCmd;
        const column = command?.def?.ColumnDef?.colname;
        if (table && command?.subtype === 'AT_AddColumn' && typeof column === 'string') {
          addedColumns.set(`${table}\u0000${column}`, [...(addedColumns.get(`${table}\u0000${column}`) ?? []), { statementIndex: statement.index, definition: command.def }]);
        }
      }
    } else if (statement.kind === 'RenameStmt' && node?.renameType === 'OBJECT_COLUMN' && typeof node.subname === 'string' && typeof node.newname === 'string') {
      const table = tableKey(relationName(node.relation));
      const added = table ? latestBefore(addedColumns.get(`${table}\u0000${node.subname}`), statement.index) : undefined;
      if (added) addedColumns.set(`${table}\u0000${node.newname}`, [...(addedColumns.get(`${table}\u0000${node.newname}`) ?? []), { statementIndex: statement.index, definition: added.definition }]);
    }
  }
  const external = new Set((context.newTables ?? []).map((name) => tableKey(parseTableName(name))));
  return {
    uri: context.uri ?? 'untitled:migration.sql',
    text,
    statements,
    postgresVersion: context.postgresVersion ?? 15,
    editable: context.editable ?? true,
    earlierMigrations: context.earlierMigrations ?? [],
    isNewTable(table, statement) {
      const key = tableKey(table);
      if (!key) return false;
      if (external.has(key)) return true;
      const created = createdTables.get(key);
      return created !== undefined && created < statement.index;
    },
    isNewIndex(name, statement) {
      const created = name === undefined ? undefined : createdIndexes.get(name);
      return created !== undefined && created < statement.index;
    },
    addedColumn(table, column, statement) {
      const key = tableKey(table);
      return key ? latestBefore(addedColumns.get(`${key}\u0000${column}`), statement.index) : undefined;
    },
    spanAt(statement, location) {
      const at = typeof location === 'number' && location >= 0 ? statement.offsetOf(location) : statement.span.start;
      return clauseSpanAt(text, Math.max(statement.span.start, Math.min(at, statement.span.end)), statement.span.end);
    },
    lineFrom(statement, offset) {
      const at = offset ?? statement.span.start;
      return clauseSpanAt(text, Math.max(statement.span.start, Math.min(at, statement.span.end)), statement.span.end);
    },
  };
}

function latestBefore(entries: readonly AddedColumn[] | undefined, index: number): AddedColumn | undefined {
  return entries?.filter((entry) => entry.statementIndex < index).pop();
}

/** `{ schemaname, relname }` of a libpg-query RangeVar. */
export function relationName(relation: unknown): TableName | undefined {
  const range = relation as { schemaname?: unknown; relname?: unknown } | undefined;
  if (typeof range?.relname !== 'string') return undefined;
  return { name: range.relname, schema: typeof range.schemaname === 'string' ? range.schemaname : undefined };
}

/** `public` is the schema Prisma migrations run in unless told otherwise, so `"public"."User"` and `"User"` are one table. */
export function tableKey(table: TableName | undefined): string | undefined {
  if (!table) return undefined;
  const schema = table.schema && table.schema !== 'public' ? table.schema : '';
  return `${schema}\u0000${table.name}`;
}

/** Reads `"schema"."Table"`, `schema.table` or `"Table"` the way PostgreSQL does. */
export function parseTableName(written: string): TableName {
  const parts: string[] = [];
  const pattern = /\s*(?:"((?:[^"]|"")*)"|([^."\s]+))\s*(\.|$)/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(written)) && parts.length < 3) {
    parts.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : match[2]!.toLowerCase());
    if (match[3] === '') break;
  }
  if (parts.length === 0) return { name: written };
  return parts.length === 1 ? { name: parts[0]! } : { schema: parts[parts.length - 2], name: parts[parts.length - 1]! };
}

/** `"schema"."Table"` or `"Table"`, for messages. */
export function describeTable(table: TableName | undefined): string {
  if (!table) return 'the table';
  return table.schema && table.schema !== 'public' ? `"${table.schema}.${table.name}"` : `"${table.name}"`;
}

/** The target of a finding on `statement`. */
export function targetOf(statement: SqlStatement, extra: Omit<MigrationTarget, 'statementIndex' | 'statementSpan'> = {}): MigrationTarget {
  return { statementIndex: statement.index, statementSpan: statement.span, ...extra };
}
