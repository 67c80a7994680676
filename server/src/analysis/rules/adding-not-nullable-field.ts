/** Flags `ALTER COLUMN … SET NOT NULL` on an existing table: a full scan under an exclusive lock. */
import { quoteIdent } from '../migrations/advice';
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterColumnOffset, alterTable } from '../migrations/nodes';
import type { SqlStatement } from '../migrations/sql';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'adding-not-nullable-field',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: '`SET NOT NULL` on an existing column: every row is scanned while reads and writes wait.',
    why: [
      '`ALTER TABLE … ALTER COLUMN … SET NOT NULL` takes an ACCESS EXCLUSIVE lock on the table and reads every row to prove that none is NULL. On a large table, every query on it, reads included, waits for the scan; and the migration fails if a NULL is left.',
      'Prisma generates it when an optional field (`String?`) becomes required (`String`).',
      'From PostgreSQL 12 on, a validated `CHECK (column IS NOT NULL)` constraint lets `SET NOT NULL` skip the scan, and validating a constraint only takes a lock that lets reads and writes go on.',
      'When the column is added earlier in the same migration (`ADD COLUMN`, a backfilling `UPDATE`, then `SET NOT NULL`), everything runs in one transaction under the lock `ADD COLUMN` took; `ADD COLUMN … NOT NULL DEFAULT …` in one statement does the same without the backfill and the scan, instantly for a constant default from PostgreSQL 11 on.',
    ].join('\n\n'),
    bad: 'ALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;',
    good: [
      '-- Migration 1',
      'ALTER TABLE "Post" ADD CONSTRAINT "Post_title_not_null" CHECK ("title" IS NOT NULL) NOT VALID;',
      '-- Migration 2',
      'ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_title_not_null";',
      '-- Migration 3 (no scan: the validated constraint proves it)',
      'ALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;',
      'ALTER TABLE "Post" DROP CONSTRAINT "Post_title_not_null";',
    ].join('\n'),
    fixSafety: 'No automatic fix: the safe form spans several migrations.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    const proven = new NotNullProofs();
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      proven.record(statement);
      if (!alter || context.isNewTable(alter.table, statement)) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_SetNotNull' || !command.name) continue;
        if (context.postgresVersion >= 12 && proven.covers(alter.table?.name, command.name)) continue;
        const table = describeTable(alter.table);
        const name = quoteIdent(alter.table!.name);
        const check = quoteIdent(`${alter.table!.name}_${command.name}_not_null`);
        findings.push({
          uri: context.uri,
          span: context.lineFrom(statement, alterColumnOffset(context.text, statement, command.name, /SET\s+NOT\s+NULL/)),
          message: `Reads and writes on ${table} wait while SET NOT NULL on "${command.name}" scans every row; it fails if a NULL is left.`,
          help: context.addedColumn(alter.table, command.name, statement)
            ? addedInThisMigrationHelp(command.name, context.postgresVersion)
            : context.postgresVersion >= 12
              ? `Backfill the NULLs first; then add CHECK (${quoteIdent(command.name)} IS NOT NULL) NOT VALID as ${check}, VALIDATE CONSTRAINT it in a later migration (reads and writes go on), and only then SET NOT NULL, which skips the scan; drop the check afterwards.`
              : `Backfill the NULLs first, and run it when the table is quiet: before PostgreSQL 12 there is no way to skip the scan. Alternatively keep a validated CHECK (${quoteIdent(command.name)} IS NOT NULL) constraint on ${name} instead of NOT NULL.`,
          target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, column: command.name }),
        });
      }
    }
    return findings;
  },
});

/**
 * The column was added earlier in the same migration, which Prisma runs as one transaction: the
 * ADD COLUMN's exclusive lock is held through any backfill and this scan, so the CHECK steps gain
 * nothing; adding it NOT NULL with a default does it all in one statement.
 */
function addedInThisMigrationHelp(column: string, postgresVersion: number): string {
  const instant = postgresVersion >= 11 ? ', which is instant for a constant default' : '';
  return `${quoteIdent(column)} is added earlier in this migration, which runs as one transaction: add it NOT NULL with its default in one statement instead (ADD COLUMN ${quoteIdent(column)} … NOT NULL DEFAULT …, "@default(…)" in the schema)${instant}. If each row needs its own value, add it nullable here, backfill it in batches after the deploy, and set NOT NULL in a later migration.`;
}

/**
 * Columns that a validated `CHECK (column IS NOT NULL)` already proves, so that `SET NOT NULL` skips
 * the scan (PostgreSQL 12+). A constraint validated earlier in the same file counts when it was
 * added in this file with that expression, or, when it was added by an earlier migration, when its
 * name names the column (`<table>_<column>_not_null`, the name the safe expand/contract steps use).
 */
class NotNullProofs {
  /** `table\0constraint` → the column its `CHECK (column IS NOT NULL)` tests. */
  private readonly checks = new Map<string, string>();
  /** `table\0column` proved by a validated check of this file. */
  private readonly proved = new Set<string>();
  /** `table\0constraint` validated here but added by an earlier migration (its expression unknown). */
  private readonly validatedElsewhere = new Set<string>();

  record(statement: SqlStatement): void {
    const alter = alterTable(statement);
    const table = alter?.table?.name;
    if (!alter || !table) return;
    for (const command of alter.commands) {
      if (command.subtype === 'AT_AddConstraint') {
        const constraint = (command.def as { Constraint?: { contype?: string; conname?: string; skip_validation?: boolean; raw_expr?: unknown } } | undefined)?.Constraint;
        const column = notNullTestColumn(constraint?.raw_expr);
        if (constraint?.contype === 'CONSTR_CHECK' && constraint.conname && column) {
          this.checks.set(`${table}\u0000${constraint.conname}`, column);
          if (!constraint.skip_validation) this.proved.add(`${table}\u0000${column}`);
        }
      } else if (command.subtype === 'AT_ValidateConstraint' && command.name) {
        const column = this.checks.get(`${table}\u0000${command.name}`);
        if (column) this.proved.add(`${table}\u0000${column}`);
        else this.validatedElsewhere.add(`${table}\u0000${command.name}`);
      }
    }
  }

  covers(table: string | undefined, column: string): boolean {
    if (!table) return false;
    return this.proved.has(`${table}\u0000${column}`) || this.validatedElsewhere.has(`${table}\u0000${table}_${column}_not_null`);
  }
}

function notNullTestColumn(expression: unknown): string | undefined {
  const test = (expression as { NullTest?: { nulltesttype?: string; arg?: { ColumnRef?: { fields?: { String?: { sval?: string } }[] } } } } | undefined)?.NullTest;
  if (test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = test.arg?.ColumnRef?.fields ?? [];
  return fields.length === 1 ? fields[0]?.String?.sval : undefined;
}
