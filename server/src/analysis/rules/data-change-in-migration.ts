/** Flags an `UPDATE` or `DELETE` of every row of an existing table inside a migration: row locks held until it commits. */
import { quoteIdent } from '../migrations/advice';
import { tableKey, targetOf, type MigrationRuleContext, type MigrationRuleFinding, type TableName } from '../migrations/context';
import { alterTable, columnDefinition, hasDefault } from '../migrations/nodes';
import type { SqlStatement } from '../migrations/sql';
import { defineRule, type MigrationRule } from './types';

// Parse trees are read loosely here, every field used checked; what leaves the module is typed.
type Json = any;

/** ALTER TABLE commands that take an ACCESS EXCLUSIVE lock, held until the migration commits, as SQL names them. */
const EXCLUSIVE_COMMANDS = new Map([
  ['AT_AddColumn', 'ADD COLUMN'],
  ['AT_DropColumn', 'DROP COLUMN'],
  ['AT_AlterColumnType', 'ALTER COLUMN … TYPE'],
  ['AT_SetNotNull', 'SET NOT NULL'],
  ['AT_DropNotNull', 'DROP NOT NULL'],
  ['AT_ColumnDefault', 'ALTER COLUMN … DEFAULT'],
]);

export default defineRule<MigrationRule>({
  id: 'data-change-in-migration',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Updating or deleting every row of a table inside a migration: each row stays locked until the migration commits.',
    why: [
      'Prisma Migrate runs a migration as one transaction. An `UPDATE` or `DELETE` without a `WHERE` (or with one that cannot limit it, such as `WHERE true` or `WHERE 1 = 1`) writes every row of the table, and each row it writes stays locked until the whole migration commits: the application\'s writes to those rows wait, on a large table for minutes. After an `ALTER TABLE` of the same table in the migration (`ADD COLUMN`, for instance), the table is locked against reads too, for the whole time.',
      'A backfill of a column added earlier in the same migration counts as well, `WHERE "column" IS NULL` included: every existing row holds NULL there. A join to another table in `FROM` or `USING` does not limit the rows either, only a condition on a value does.',
      'Conditions whose reach the SQL alone does not show (`WHERE "id" > 0`, `WHERE "status" = \'x\'`, a subquery) are taken as limiting; statements on tables created earlier in the change (still empty), in `DO` blocks or function bodies, and in data-modifying `WITH` clauses are not checked. `INSERT … SELECT` and `TRUNCATE` are not reported.',
    ].join('\n\n'),
    bad: [
      'ALTER TABLE "User" ADD COLUMN "plan" TEXT;',
      'UPDATE "User" SET "plan" = \'free\';',
    ].join('\n'),
    good: [
      '-- A constant: make it the default (instant from PostgreSQL 11 on)',
      'ALTER TABLE "User" ADD COLUMN "plan" TEXT DEFAULT \'free\';',
      '',
      '-- A value per row: run it after the deploy, outside the migration, one batch per transaction',
      'UPDATE "User" SET "score" = "posts" * 10 WHERE "id" > 0 AND "id" <= 10000;',
    ].join('\n'),
    fixSafety: 'No automatic fix: where and when to run the change is a decision for the deploy.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    /** Tables an earlier ALTER TABLE of this script holds an exclusive lock on → the command that took it. */
    const locked = new Map<string | undefined, string>();
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      const exclusive = alter?.commands.map((command) => EXCLUSIVE_COMMANDS.get(command.subtype)).find(Boolean);
      if (alter?.table && exclusive && !locked.has(tableKey(alter.table))) locked.set(tableKey(alter.table), exclusive);
      const change = dataChange(statement);
      if (!change || context.isNewTable(change.table, statement)) continue;
      if (!reachesEveryRow(context, statement, change)) continue;
      const table = quoteTable(change.table);
      const lockedBy = locked.get(tableKey(change.table));
      findings.push({
        uri: context.uri,
        span: context.lineFrom(statement, undefined),
        message: lockedBy
          ? `Reads and writes on ${table} wait until the migration commits: ${change.verb} of every row runs under the exclusive lock ${lockedBy} took.`
          : `Writes to ${table} wait until the migration commits: ${change.verb} of every row locks each one.`,
        help: defaultInstead(context, statement, change) ?? batchesHelp(change.verb, table),
        target: targetOf(statement, { table: change.table.name, schema: change.table.schema }),
      });
    }
    return findings;
  },
});

interface DataChange {
  verb: 'UPDATE' | 'DELETE';
  table: TableName;
  /** The alias the statement gives its table (`UPDATE "Post" p`). */
  alias?: string;
  where: Json;
  /** True when other tables are joined in (`UPDATE … FROM`, `DELETE … USING`). */
  joins: boolean;
  /** `SET` targets: column and value expression. */
  assignments: { column: string; value: Json }[];
}

/** The UPDATE or DELETE a statement is; undefined for anything else (a DO block's body is a string, never seen here). */
function dataChange(statement: SqlStatement): DataChange | undefined {
  if (statement.kind !== 'UpdateStmt' && statement.kind !== 'DeleteStmt') return undefined;
  const node = statement.node as Json;
  const relation = node?.relation;
  if (typeof relation?.relname !== 'string') return undefined;
  const assignments = (node.targetList ?? [])
    .map((entry: Json) => entry?.ResTarget)
    .filter((target: Json) => typeof target?.name === 'string')
    .map((target: Json) => ({ column: target.name as string, value: target.val }));
  return {
    verb: statement.kind === 'UpdateStmt' ? 'UPDATE' : 'DELETE',
    table: { name: relation.relname, schema: typeof relation.schemaname === 'string' ? relation.schemaname : undefined },
    alias: typeof relation.alias?.aliasname === 'string' ? relation.alias.aliasname : undefined,
    where: node.whereClause,
    joins: (node.fromClause ?? node.usingClause ?? []).length > 0,
    assignments,
  };
}

/** True when the WHERE clause, if any, cannot leave out a row: a constant truth, a join, or a NULL test of a column this script added. */
function reachesEveryRow(context: MigrationRuleContext, statement: SqlStatement, change: DataChange): boolean {
  if (!change.where) return true;
  const unlimiting = (expr: Json): boolean => {
    if (isConstantTrue(expr)) return true;
    const bool = expr?.BoolExpr;
    if (bool?.boolop === 'AND_EXPR') return (bool.args ?? []).every(unlimiting);
    if (bool?.boolop === 'OR_EXPR') return (bool.args ?? []).some(unlimiting);
    const test = expr?.NullTest;
    if (test?.nulltesttype === 'IS_NULL') {
      const column = ownColumn(test.arg, change);
      const added = column === undefined ? undefined : context.addedColumn(change.table, column, statement);
      return added !== undefined && holdsNull(added.definition);
    }
    return change.joins && isJoinCondition(expr, change);
  };
  return unlimiting(change.where);
}

/** `true`, `NOT false`, or `<constant> = <same constant>` (`1 = 1`, `'a' = 'a'`). */
function isConstantTrue(expr: Json): boolean {
  const constant = expr?.A_Const;
  if (constant) return constant.boolval?.boolval === true;
  const bool = expr?.BoolExpr;
  if (bool?.boolop === 'NOT_EXPR') {
    const arg = bool.args?.[0]?.A_Const;
    return arg?.boolval !== undefined && arg.boolval.boolval !== true;
  }
  const comparison = expr?.A_Expr;
  if (comparison?.kind !== 'AEXPR_OP' || comparison.name?.[0]?.String?.sval !== '=') return false;
  const left = comparison.lexpr?.A_Const;
  const right = comparison.rexpr?.A_Const;
  return Boolean(left && right) && constantText(left) === constantText(right);
}

/** `a."x" = b."y"` between the statement's table and another one: a join, which keeps every row that has a match. */
function isJoinCondition(expr: Json, change: DataChange): boolean {
  const comparison = expr?.A_Expr;
  if (comparison?.kind !== 'AEXPR_OP' || comparison.name?.[0]?.String?.sval !== '=') return false;
  const left = columnRef(comparison.lexpr);
  const right = columnRef(comparison.rexpr);
  if (!left || !right || left.qualifier === right.qualifier) return false;
  const own = (ref: { qualifier?: string }) => ref.qualifier === undefined || ref.qualifier === (change.alias ?? change.table.name);
  return own(left) !== own(right);
}

function columnRef(expr: Json): { qualifier?: string; column: string } | undefined {
  const fields: string[] = (expr?.ColumnRef?.fields ?? []).map((field: Json) => field?.String?.sval);
  if (fields.length === 0 || fields.some((field) => typeof field !== 'string')) return undefined;
  return { qualifier: fields.length > 1 ? fields[fields.length - 2] : undefined, column: fields[fields.length - 1]! };
}

/** The column a reference names when it is one of the statement's own table (unqualified, or qualified by its name or alias). */
function ownColumn(expr: Json, change: DataChange): string | undefined {
  const ref = columnRef(expr);
  if (!ref) return undefined;
  return ref.qualifier === undefined || ref.qualifier === (change.alias ?? change.table.name) ? ref.column : undefined;
}

/** True when existing rows hold NULL in a column just added: no default, or `DEFAULT NULL`. */
function holdsNull(definition: unknown): boolean {
  const column = columnDefinition(definition);
  if (!column) return false;
  if (!hasDefault(column)) return true;
  return column.constraints.every((constraint) => constraint.contype !== 'CONSTR_DEFAULT' || (constraint.expr as Json)?.A_Const?.isnull === true);
}

/**
 * When an UPDATE sets only columns this script added, each to a constant, the constant belongs in
 * `ADD COLUMN … DEFAULT`: from PostgreSQL 11 on, existing rows get it without being written.
 */
function defaultInstead(context: MigrationRuleContext, statement: SqlStatement, change: DataChange): string | undefined {
  if (change.verb !== 'UPDATE' || context.postgresVersion < 11 || change.assignments.length === 0) return undefined;
  const defaults: string[] = [];
  for (const { column, value } of change.assignments) {
    const constant = value?.TypeCast?.arg?.A_Const ?? value?.A_Const;
    const text = constant && !constant.isnull ? constantText(constant) : undefined;
    if (!text || !context.addedColumn(change.table, column, statement)) return undefined;
    defaults.push(`ADD COLUMN ${quoteIdent(column)} … DEFAULT ${text}`);
  }
  return `Give the value as the column's default instead (${defaults.join(', ')}; @default in the schema): existing rows get it without being written. Drop the default afterwards if new rows should not get it.`;
}

function batchesHelp(verb: 'UPDATE' | 'DELETE', table: string): string {
  const action = verb === 'UPDATE' ? 'update' : 'delete';
  return `Move it out of the migration: ${action} the rows of ${table} in a script run after the deploy, in batches by primary-key range (e.g. WHERE "id" > 0 AND "id" <= 10000, then the next range), each batch committed on its own.`;
}

/** A libpg-query constant as SQL text: `'x'`, `42`, `1.5`, `true`. */
function constantText(constant: Json): string | undefined {
  if (constant.sval) return `'${String(constant.sval.sval ?? '').replace(/'/g, "''")}'`;
  if (constant.ival) return String(constant.ival.ival ?? 0);
  if (constant.fval) return String(constant.fval.fval);
  if (constant.boolval) return String(constant.boolval.boolval === true);
  if (constant.bsval) return String(constant.bsval.bsval);
  return undefined;
}

/** `"User"`, or `"audit"."Log"` outside the public schema, for messages. */
function quoteTable(table: TableName): string {
  return table.schema && table.schema !== 'public' ? `${quoteIdent(table.schema)}.${quoteIdent(table.name)}` : quoteIdent(table.name);
}
