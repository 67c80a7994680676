/**
 * The type a column has before a statement, as the migration history declares it, and whether
 * PostgreSQL changes one type to another without rewriting the table. Pure; never throws.
 */
import { relationName, tableKey, type TableName } from './context';
import { parseScript, type SqlStatement } from './sql';

// Parse trees are JSON of many shapes: read loosely here, every field used is checked.
type Json = any;

/** A column type as PostgreSQL names it (`varchar`, `numeric`, `text`, `"Role"`), with its modifiers. */
export interface ColumnType {
  /** The type's name without `pg_catalog`, lower-cased unless quoted; a schema-qualified type keeps its schema (`audit.level`). */
  name: string;
  /** Its modifiers (`VARCHAR(64)` → [64], `DECIMAL(12,2)` → [12, 2]); empty when unconstrained. */
  modifiers: number[];
  /** An array type (`TEXT[]`). */
  isArray: boolean;
}

/** `table\0column` → its type; undefined when a statement made it unknown. */
type ColumnTypes = Map<string, ColumnType | undefined>;

/** The type of a `ColumnDef` node's `typeName`, undefined when a modifier is not a plain number. */
export function columnTypeOf(def: unknown): ColumnType | undefined {
  const typeName = (def as Json)?.ColumnDef?.typeName;
  const names: string[] = (typeName?.names ?? []).map((name: Json) => name?.String?.sval).filter((name: unknown): name is string => typeof name === 'string' && name !== 'pg_catalog');
  if (names.length === 0) return undefined;
  const modifiers: number[] = [];
  for (const modifier of typeName.typmods ?? []) {
    const constant = modifier?.A_Const;
    // A zero is left out of the tree (`DECIMAL(10, 0)`): an `ival` without a value.
    if (!constant || typeof constant.ival !== 'object') return undefined;
    modifiers.push(typeof constant.ival.ival === 'number' ? constant.ival.ival : 0);
  }
  return { name: names.join('.'), modifiers, isArray: Array.isArray(typeName.arrayBounds) && typeName.arrayBounds.length > 0 };
}

/**
 * True when PostgreSQL changes a column from `before` to `after` in its catalog alone, without
 * rewriting the table or rebuilding its indexes (the types are binary-coercible, and the new
 * modifier accepts every old value): a longer `VARCHAR` limit or none, `VARCHAR` to `TEXT`, `TEXT`
 * to `VARCHAR` without a limit, a wider `NUMERIC` precision with the same scale or none, a finer or
 * unconstrained `TIMESTAMP`, `TIMESTAMPTZ`, `TIME` or `INTERVAL` precision. Arrays are left out,
 * and `TIMESTAMP` to `TIMESTAMPTZ` too: it is free only when the session's time zone is UTC.
 */
export function changesWithoutRewrite(before: ColumnType, after: ColumnType): boolean {
  if (before.isArray || after.isArray) return false;
  const widens = (old: number | undefined, next: number | undefined): boolean => next === undefined || (old !== undefined && next >= old);
  const [oldLimit, newLimit] = [before.modifiers[0], after.modifiers[0]];
  if (before.name === 'varchar' && after.name === 'varchar') return widens(oldLimit, newLimit);
  if (before.name === 'varchar' && after.name === 'text') return true;
  if (before.name === 'text' && after.name === 'varchar') return after.modifiers.length === 0;
  if (before.name === 'varbit' && after.name === 'varbit') return widens(oldLimit, newLimit);
  if (before.name === 'numeric' && after.name === 'numeric') {
    if (after.modifiers.length === 0) return true;
    if (before.modifiers.length === 0) return false;
    return widens(oldLimit, newLimit) && (before.modifiers[1] ?? 0) === (after.modifiers[1] ?? 0);
  }
  if (before.name === after.name && ['timestamp', 'timestamptz', 'time', 'timetz', 'interval'].includes(before.name)) {
    // An interval's modifier packs its fields with its precision: only an unchanged or removed one is sure.
    if (before.name === 'interval') return after.modifiers.length === 0 || before.modifiers.join(',') === after.modifiers.join(',');
    return widens(oldLimit, newLimit);
  }
  return false;
}

/** Earlier migration scripts, each parsed once and only when a question may concern it. */
export class MigrationHistory {
  private readonly lowered: string[];
  private readonly parsed = new Map<number, readonly SqlStatement[]>();

  /** `scripts`: the SQL of the migrations applied before, oldest first. */
  constructor(private readonly scripts: readonly string[]) {
    this.lowered = scripts.map((text) => text.toLowerCase());
  }

  /**
   * The type of `table.column` just before `statement`, as the earlier migrations and the
   * statements of this script before it declare it: `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN
   * … TYPE`, followed through renames and drops. Undefined when nothing declares it (a table made
   * outside the migrations, a statement that does not parse, a rename from a table the history does
   * not know). A script that names neither the table nor a name the table had is skipped unparsed.
   */
  columnTypeBefore(script: readonly SqlStatement[], statement: SqlStatement, table: TableName, column: string): ColumnType | undefined {
    const key = tableKey(table);
    if (!key) return undefined;
    const types: ColumnTypes = new Map();
    const names = this.namesOf(table.name, script.filter((earlier) => earlier.index < statement.index));
    this.scripts.forEach((_, index) => {
      if (!names.some((name) => this.lowered[index]!.includes(name))) return;
      for (const earlier of this.statementsOf(index)) record(types, earlier);
    });
    for (const earlier of script) {
      if (earlier.index >= statement.index) break;
      record(types, earlier);
    }
    return types.get(columnKey(key, column));
  }

  /**
   * The names a table had (lower-cased), found from the statements of this script before the
   * question (`before`) back through the history's renames, latest first.
   */
  private namesOf(table: string, before: readonly SqlStatement[]): string[] {
    const names = new Set([table.toLowerCase()]);
    const renamedFrom = (statements: readonly SqlStatement[]): void => {
      for (const statement of [...statements].reverse()) {
        const node = statement.node as Json;
        if (statement.kind !== 'RenameStmt' || node?.renameType !== 'OBJECT_TABLE' || typeof node.newname !== 'string') continue;
        const from = relationName(node.relation)?.name;
        if (from && names.has(node.newname.toLowerCase())) names.add(from.toLowerCase());
      }
    };
    renamedFrom(before);
    for (let index = this.scripts.length - 1; index >= 0; index--) {
      const lower = this.lowered[index]!;
      if (lower.includes('rename') && [...names].some((name) => lower.includes(name))) renamedFrom(this.statementsOf(index));
    }
    return [...names];
  }

  private statementsOf(index: number): readonly SqlStatement[] {
    let statements = this.parsed.get(index);
    if (!statements) this.parsed.set(index, (statements = parseScript(this.scripts[index]!).statements));
    return statements;
  }
}

function columnKey(table: string, column: string): string {
  return `${table}\u0000${column}`;
}

/** Applies what one statement declares about column types. */
function record(types: ColumnTypes, statement: SqlStatement): void {
  const node = statement.node as Json;
  if (!node) return;
  if (statement.kind === 'CreateStmt') {
    const table = tableKey(relationName(node.relation));
    if (!table) return;
    forgetTable(types, table);
    for (const element of node.tableElts ?? []) {
      const name = element?.ColumnDef?.colname;
      if (typeof name === 'string') types.set(columnKey(table, name), columnTypeOf(element));
    }
  } else if (statement.kind === 'AlterTableStmt' && node.objtype === 'OBJECT_TABLE') {
    const table = tableKey(relationName(node.relation));
    if (!table) return;
    for (const entry of node.cmds ?? []) {
      const command = entry?.AlterTableCmd;
      if (command?.subtype === 'AT_AddColumn' && typeof command.def?.ColumnDef?.colname === 'string') {
        types.set(columnKey(table, command.def.ColumnDef.colname), columnTypeOf(command.def));
      } else if (command?.subtype === 'AT_AlterColumnType' && typeof command.name === 'string') {
        types.set(columnKey(table, command.name), columnTypeOf(command.def));
      } else if (command?.subtype === 'AT_DropColumn' && typeof command.name === 'string') {
        types.delete(columnKey(table, command.name));
      }
    }
  } else if (statement.kind === 'RenameStmt') {
    const table = tableKey(relationName(node.relation));
    if (!table || typeof node.newname !== 'string') return;
    if (node.renameType === 'OBJECT_COLUMN' && typeof node.subname === 'string') {
      const type = types.get(columnKey(table, node.subname));
      types.delete(columnKey(table, node.subname));
      types.set(columnKey(table, node.newname), type);
    } else if (node.renameType === 'OBJECT_TABLE') {
      const renamed = tableKey({ schema: relationName(node.relation)?.schema, name: node.newname })!;
      forgetTable(types, renamed);
      for (const [key, type] of [...types]) {
        if (!key.startsWith(`${table}\u0000`)) continue;
        types.delete(key);
        types.set(columnKey(renamed, key.slice(table.length + 1)), type);
      }
    }
  } else if (statement.kind === 'DropStmt' && node.removeType === 'OBJECT_TABLE') {
    for (const object of node.objects ?? []) {
      const parts = (object?.List?.items ?? []).map((item: Json) => item?.String?.sval).filter((part: unknown): part is string => typeof part === 'string');
      if (parts.length > 0) forgetTable(types, tableKey({ schema: parts.length > 1 ? parts[parts.length - 2] : undefined, name: parts[parts.length - 1] })!);
    }
  }
}

function forgetTable(types: ColumnTypes, table: string): void {
  for (const key of [...types.keys()]) if (key.startsWith(`${table}\u0000`)) types.delete(key);
}

/** True when a script may change a column's type (`ALTER [COLUMN] "x" [SET DATA] TYPE`): only then is its history worth reading. */
export function mayChangeColumnType(sql: string): boolean {
  return /\bALTER\s+(?:COLUMN\s+)?(?:"(?:[^"]|"")+"|[\w$]+)\s+(?:SET\s+DATA\s+)?TYPE\b/i.test(sql);
}
