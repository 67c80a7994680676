/** Readers over libpg-query parse trees for the statements migrations contain, typed loosely on purpose. */
import { relationName, type TableName } from './context';
import { blankComments, type SqlStatement } from './sql';

// Parse trees are JSON of many shapes: inside this module they are read loosely, and every field
// used is checked; what leaves it is typed.
type Json = any;

export interface AlterCommand {
  subtype: string;
  /** The column or constraint the command names (`ALTER COLUMN x`, `DROP COLUMN x`, `VALIDATE CONSTRAINT c`). */
  name?: string;
  def?: unknown;
}

/** The commands of `ALTER TABLE t …`, and the table; undefined for any other statement. */
export function alterTable(statement: SqlStatement): { table: TableName | undefined; commands: AlterCommand[] } | undefined {
  if (statement.kind !== 'AlterTableStmt') return undefined;
  const node = statement.node as Json;
  if (node.objtype !== 'OBJECT_TABLE') return undefined;
  const commands: AlterCommand[] = [];
  for (const entry of node.cmds ?? []) {
    const command = entry?.AlterTableCmd;
    if (command && typeof command.subtype === 'string') commands.push({ subtype: command.subtype, name: command.name, def: command.def });
  }
  return { table: relationName(node.relation), commands };
}

export interface ColumnDefinition {
  name: string;
  location?: number;
  typeName: string;
  constraints: { contype: string; location?: number; expr?: unknown; skipValidation?: boolean }[];
}

/** A `ColumnDef` node (`ADD COLUMN "x" TEXT NOT NULL DEFAULT …`). */
export function columnDefinition(def: unknown): ColumnDefinition | undefined {
  const column = (def as Json)?.ColumnDef;
  if (!column || typeof column.colname !== 'string') return undefined;
  const names: string[] = (column.typeName?.names ?? []).map((name: Json) => name?.String?.sval).filter((name: unknown) => typeof name === 'string');
  const constraints = (column.constraints ?? [])
    .map((entry: Json) => entry?.Constraint)
    .filter(Boolean)
    .map((constraint: Json) => ({ contype: constraint.contype, location: constraint.location, expr: constraint.raw_expr, skipValidation: constraint.skip_validation === true }));
  return { name: column.colname, location: column.location, typeName: names.filter((name) => name !== 'pg_catalog').join('.'), constraints };
}

/** The `Constraint` node of `ADD CONSTRAINT …`. */
export function constraintOf(def: unknown): { contype: string; name?: string; location?: number; skipValidation: boolean; usingIndex?: string; pktable?: TableName } | undefined {
  const constraint = (def as Json)?.Constraint;
  if (!constraint || typeof constraint.contype !== 'string') return undefined;
  return {
    contype: constraint.contype,
    name: typeof constraint.conname === 'string' ? constraint.conname : undefined,
    location: constraint.location,
    skipValidation: constraint.skip_validation === true,
    usingIndex: typeof constraint.indexname === 'string' ? constraint.indexname : undefined,
    pktable: relationName(constraint.pktable),
  };
}

/** Serial types take their default from a sequence: `nextval()`, volatile. */
const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** Functions that return a different value for each row, so a default calling them is computed row by row. */
const VOLATILE_FUNCTIONS = new Set([
  'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuidv4', 'uuidv7', 'random', 'random_normal',
  'clock_timestamp', 'timeofday', 'nextval', 'txid_current', 'gen_random_bytes',
]);

/** Functions evaluated once per statement (stable or immutable), which PostgreSQL 11+ stores as a constant default. */
const STABLE_FUNCTIONS = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'current_timestamp', 'current_date', 'localtimestamp', 'lower', 'upper', 'to_jsonb', 'jsonb_build_object', 'json_build_object']);

/**
 * Whether `ADD COLUMN` with this column fills existing rows one by one (rewriting the table),
 * and why: a volatile default, a serial type, an identity or a stored generated column.
 * `undefined` when the value is the same for every row (a constant, `now()`, `CURRENT_TIMESTAMP`).
 */
export function rowByRowValue(column: ColumnDefinition): string | undefined {
  if (SERIAL_TYPES.has(column.typeName.toLowerCase())) return `"${column.typeName.toUpperCase()}" takes each row's value from a sequence`;
  for (const constraint of column.constraints) {
    if (constraint.contype === 'CONSTR_IDENTITY') return 'an identity column numbers each existing row';
    if (constraint.contype === 'CONSTR_GENERATED') return 'a stored generated column is computed for each existing row';
    if (constraint.contype === 'CONSTR_DEFAULT') {
      const volatile = volatileCall(constraint.expr);
      if (volatile === 'a subquery') return 'a subquery default is evaluated once per existing row';
      if (volatile) {
        const known = VOLATILE_FUNCTIONS.has(volatile.split('.').pop()!.toLowerCase());
        return known ? `"${volatile}()" is volatile: it is called once per existing row` : `"${volatile}()" is not known to be stable: unless it is, it is called once per existing row`;
      }
    }
  }
  return undefined;
}

/** The first volatile or unknown function a default expression calls. */
function volatileCall(expr: Json): string | undefined {
  if (!expr || typeof expr !== 'object') return undefined;
  if (Array.isArray(expr)) {
    for (const item of expr) {
      const found = volatileCall(item);
      if (found) return found;
    }
    return undefined;
  }
  if (expr.FuncCall) {
    const names: string[] = (expr.FuncCall.funcname ?? []).map((name: Json) => name?.String?.sval).filter(Boolean);
    const name = (names[names.length - 1] ?? '').toLowerCase();
    if (VOLATILE_FUNCTIONS.has(name) || !STABLE_FUNCTIONS.has(name)) return names.join('.');
  }
  if (expr.SubLink) return 'a subquery';
  for (const value of Object.values(expr)) {
    const found = volatileCall(value);
    if (found) return found;
  }
  return undefined;
}

export function hasDefault(column: ColumnDefinition): boolean {
  return column.constraints.some((constraint) => ['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].includes(constraint.contype)) || SERIAL_TYPES.has(column.typeName.toLowerCase());
}

export function isNotNull(column: ColumnDefinition): boolean {
  return column.constraints.some((constraint) => constraint.contype === 'CONSTR_NOTNULL' || constraint.contype === 'CONSTR_PRIMARY');
}

/** Names in a `DropStmt` object list: `[schema, name]` lists or single names. */
export function droppedObjects(statement: SqlStatement): { removeType: string; names: TableName[]; concurrent: boolean; cascade: boolean; missingOk: boolean } | undefined {
  if (statement.kind !== 'DropStmt') return undefined;
  const node = statement.node as Json;
  const names: TableName[] = [];
  for (const object of node.objects ?? []) {
    const parts: string[] = (object?.List?.items ?? []).map((item: Json) => item?.String?.sval).filter((part: unknown) => typeof part === 'string');
    if (parts.length) names.push(parts.length === 1 ? { name: parts[0]! } : { schema: parts[parts.length - 2], name: parts[parts.length - 1]! });
  }
  return { removeType: node.removeType, names, concurrent: node.concurrent === true, cascade: node.behavior === 'DROP_CASCADE', missingOk: node.missing_ok === true };
}

/** The UTF-16 offset of the first case-insensitive match of `pattern` inside the statement, outside quotes. */
export function keywordOffset(text: string, statement: SqlStatement, pattern: RegExp): number | undefined {
  const body = text.slice(statement.span.start, statement.span.end);
  const masked = body.replace(/"(?:[^"]|"")*"|'(?:[^']|'')*'/g, (quoted) => ' '.repeat(quoted.length));
  const match = new RegExp(pattern.source, pattern.flags.includes('i') ? pattern.flags : `${pattern.flags}i`).exec(masked);
  return match ? statement.span.start + match.index : undefined;
}

/**
 * Where `ALTER [COLUMN] "name"` names a column inside an ALTER TABLE statement (commands carry no
 * location), comments skipped. With `action` (e.g. `/SET\s+NOT\s+NULL/`), the clause that does it:
 * one statement may alter the same column twice (`DROP DEFAULT, … TYPE …`).
 */
export function alterColumnOffset(text: string, statement: SqlStatement, column: string, action?: RegExp): number | undefined {
  const match = alterColumnClause(text, statement, column, action);
  return match ? match.start : undefined;
}

/** The clause `ALTER [COLUMN] "name" <action>`: where it starts, and where the text after `action` starts. */
export function alterColumnClause(text: string, statement: SqlStatement, column: string, action?: RegExp): { start: number; afterAction: number } | undefined {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const body = blankComments(text.slice(statement.span.start, statement.span.end));
  const then = action ? `\\s+(?:${action.source})\\s*` : '';
  const match = new RegExp(`\\bALTER\\s+(?:COLUMN\\s+)?(?:"${escaped}"|${escaped}\\b)${then}`, 'i').exec(body);
  return match ? { start: statement.span.start + match.index, afterAction: statement.span.start + match.index + match[0].length } : undefined;
}
