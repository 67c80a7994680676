/** Flags `ALTER COLUMN … TYPE` on an existing table: an exclusive lock and, usually, a rewrite. */
import { changesWithoutRewrite, columnTypeOf, MigrationHistory } from '../migrations/column-types';
import { describeTable, tableKey, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterColumnClause, alterTable } from '../migrations/nodes';
import { blankComments, type SqlStatement } from '../migrations/sql';
import { defineRule, type MigrationRule } from './types';

/** What follows the column name in `ALTER COLUMN "x" SET DATA TYPE …` / `ALTER "x" TYPE …`. */
const TYPE_CLAUSE = /(?:SET\s+DATA\s+)?TYPE\b/;

export default defineRule<MigrationRule>({
  id: 'changing-column-type',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Changing a column\'s type: reads and writes wait while the table and its indexes are rewritten.',
    why: [
      '`ALTER TABLE … ALTER COLUMN … SET DATA TYPE` takes an ACCESS EXCLUSIVE lock. Unless the old type converts without touching the data (`VARCHAR(n)` to `TEXT` or to a longer `VARCHAR`, a wider `NUMERIC` precision), PostgreSQL rewrites every row and rebuilds every index of the table while all queries on it wait.',
      'Prisma Lens reads the column\'s old type from the earlier migrations of the folder (`CREATE TABLE`, `ADD COLUMN`, earlier type changes, followed through renames). A change PostgreSQL makes in its catalog alone is not reported: a longer `VARCHAR` limit or none, `VARCHAR` to `TEXT`, `TEXT` to `VARCHAR` without a limit, a wider `NUMERIC` precision with the same scale, a finer `TIMESTAMP` precision. What remains is a brief ACCESS EXCLUSIVE lock while the catalog changes, as for any `ALTER TABLE`. A change with `USING` or `COLLATE`, `TEXT` to `VARCHAR(n)` (every row is checked), a shorter limit, and `TIMESTAMP` to `TIMESTAMPTZ` (free only when the session\'s time zone is UTC) are reported, and so is any change whose old type no earlier migration declares (a table made before the migrations, a script checked on its own).',
      'Running code also breaks when the new type changes what it reads or writes. Prisma generates this SQL when a field\'s type or native type (`@db.VarChar(…)`) changes.',
      'PostgreSQL cannot drop a value from an enum, so when a value is removed from a Prisma enum, Prisma creates a copy of the enum without it (`"Role_new"`), converts every column of the old type to the copy (`USING ("role"::text::"Role_new")`) and swaps the names. Each conversion rewrites its table, and fails if a row still holds the removed value. The advice there is to keep the value.',
    ].join('\n\n'),
    bad: 'ALTER TABLE "Order" ALTER COLUMN "total" SET DATA TYPE DECIMAL(12,2);',
    good: [
      '-- Expand: a new column, written by the application alongside the old one',
      'ALTER TABLE "Order" ADD COLUMN "totalDecimal" DECIMAL(12,2);',
      '-- Backfill in batches, switch reads to the new column, then (later migration) drop the old one',
    ].join('\n'),
    fixSafety: 'No automatic fix: the safe form spans several deploys.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    const enums = new EnumSwaps(context.statements);
    let history: MigrationHistory | undefined;
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      if (!alter || context.isNewTable(alter.table, statement)) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_AlterColumnType' || !command.name) continue;
        // A change PostgreSQL makes in its catalog alone (a longer VARCHAR, VARCHAR to TEXT) is no
        // rewrite; it can be told only when the history declares the old type. `USING` and
        // `COLLATE` leave it to a rewrite or an index rebuild, so they are always reported.
        const after = columnTypeOf(command.def);
        const converts = (command.def as { ColumnDef?: { raw_default?: unknown; collClause?: unknown } } | undefined)?.ColumnDef;
        // Without the old type, the change may be one PostgreSQL makes without a rewrite.
        let mayBeCheap = false;
        if (after && alter.table && !converts?.raw_default && !converts?.collClause) {
          history ??= new MigrationHistory(context.earlierMigrations);
          const before = history.columnTypeBefore(context.statements, statement, alter.table, command.name);
          if (before && changesWithoutRewrite(before, after)) continue;
          mayBeCheap = before === undefined;
        }
        const clause = alterColumnClause(context.text, statement, command.name, TYPE_CLAUSE);
        const newType = typeNameOf(command.def);
        const type = (clause && writtenType(context.text, clause.afterAction, statement.span.end)) ?? newType?.name.toUpperCase() ?? 'the new type';
        const table = describeTable(alter.table);
        const swapped = newType && enums.swappedEnum(newType, statement);
        findings.push({
          uri: context.uri,
          span: context.lineFrom(statement, clause?.start),
          ...(swapped
            ? {
                message: `Reads and writes on ${table} wait while removing a value from enum "${swapped}" rewrites it; it fails if a row holds that value.`,
                help: `Keep the value in "${swapped}": PostgreSQL cannot drop an enum value in place, so this migration converts "${command.name}" to a copy of the enum instead. Stop writing the value, move the rows that hold it to another value (in batches, outside the migration), and leave it in the enum.`,
              }
            : {
                message: `Reads and writes on ${table} wait while changing "${command.name}" to ${type} ${mayBeCheap ? 'may rewrite' : 'rewrites'} it and all its indexes.`,
                help: `${mayBeCheap ? 'Unless the old type converts without a rewrite (e.g. VARCHAR to TEXT): expand' : 'Expand'} and contract: add a new column of type ${type}, write both from the application, backfill in batches, switch reads, and drop "${command.name}" in a later migration (keep the field name with "@map").`,
              }),
          target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, column: command.name }),
        });
      }
    }
    return findings;
  },
});

/**
 * The type as written after `TYPE` (`VARCHAR(10)`, `DECIMAL(12, 2)`, `"Role_new"`), for the
 * message: up to `USING`, `COLLATE`, the comma before the next clause or the end of the
 * statement, whatever lines it spans; comments left out.
 */
function writtenType(text: string, from: number, end: number): string | undefined {
  const body = blankComments(text.slice(from, end));
  let depth = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === '"') {
      const close = body.indexOf('"', i + 1);
      i = close < 0 ? body.length : close + 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (c === ',' || c === ';')) break;
    else if (depth === 0 && /\s/.test(c) && /^\s+(?:USING|COLLATE)\b/i.test(body.slice(i, i + 16))) break;
    i++;
  }
  const type = body.slice(0, i).replace(/\s+/g, ' ').trim();
  return type || undefined;
}

interface TypeName {
  schema?: string;
  name: string;
}

/** The new type of an `ALTER COLUMN … TYPE` command, from its parse tree. */
function typeNameOf(def: unknown): TypeName | undefined {
  const names = ((def as { ColumnDef?: { typeName?: { names?: { String?: { sval?: unknown } }[] } } } | undefined)?.ColumnDef?.typeName?.names ?? [])
    .map((name) => name?.String?.sval)
    .filter((name): name is string => typeof name === 'string' && name !== 'pg_catalog');
  if (names.length === 0) return undefined;
  return { schema: names.length > 1 ? names[names.length - 2] : undefined, name: names[names.length - 1]! };
}

/**
 * Prisma's way of removing an enum value: create a copy of the enum without it, convert the
 * columns to the copy, and rename or drop the old type, all in one script. A column converted to
 * an enum the script created earlier, in a script that also renames or drops a type, is such a swap.
 */
class EnumSwaps {
  /** Enum key → index of the statement that created it. */
  private readonly created = new Map<string, number>();
  /** Enum key → the name it is renamed to, later in the script. */
  private readonly renamedTo = new Map<string, { name: string; index: number }[]>();
  private readonly replacesAType: boolean;

  constructor(statements: readonly SqlStatement[]) {
    let replaces = false;
    for (const statement of statements) {
      const node = statement.node as Record<string, any> | undefined;
      if (statement.kind === 'CreateEnumStmt') {
        const key = typeKey(namesOf(node?.typeName));
        if (key && !this.created.has(key)) this.created.set(key, statement.index);
      } else if (statement.kind === 'RenameStmt' && node?.renameType === 'OBJECT_TYPE' && typeof node.newname === 'string') {
        replaces = true;
        const key = typeKey(namesOf(node.object?.List?.items));
        if (key) this.renamedTo.set(key, [...(this.renamedTo.get(key) ?? []), { name: node.newname, index: statement.index }]);
      } else if (statement.kind === 'DropStmt' && node?.removeType === 'OBJECT_TYPE') replaces = true;
    }
    this.replacesAType = replaces;
  }

  /** The name the enum ends up with when converting to `type` at `statement` is an enum swap. */
  swappedEnum(type: TypeName, statement: SqlStatement): string | undefined {
    const key = typeKey([...(type.schema ? [type.schema] : []), type.name]);
    const created = key === undefined ? undefined : this.created.get(key);
    if (!this.replacesAType || created === undefined || created >= statement.index) return undefined;
    const rename = this.renamedTo.get(key!)?.find((entry) => entry.index > statement.index);
    return rename?.name ?? type.name;
  }
}

function namesOf(items: unknown): string[] {
  return Array.isArray(items) ? items.map((item) => item?.String?.sval).filter((name): name is string => typeof name === 'string') : [];
}

/** Types are keyed like tables: `"public"."Role"` and `"Role"` are one type. */
function typeKey(names: readonly string[]): string | undefined {
  return names.length === 0 ? undefined : tableKey({ schema: names.length > 1 ? names[names.length - 2] : undefined, name: names[names.length - 1]! });
}
