/** Flags `ALTER COLUMN … TYPE` on an existing table: an exclusive lock and, usually, a rewrite. */
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterColumnOffset, alterTable, columnDefinition } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'changing-column-type',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Changing a column\'s type: reads and writes wait while the table and its indexes are rewritten.',
    why: [
      '`ALTER TABLE … ALTER COLUMN … SET DATA TYPE` takes an ACCESS EXCLUSIVE lock. Unless the old type converts without touching the data (`VARCHAR(n)` to `TEXT` or to a longer `VARCHAR`, a wider `NUMERIC` precision), PostgreSQL rewrites every row and rebuilds every index of the table while all queries on it wait.',
      'Running code also breaks when the new type changes what it reads or writes. Prisma generates this SQL when a field\'s type or native type (`@db.VarChar(…)`) changes.',
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
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      if (!alter || context.isNewTable(alter.table, statement)) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_AlterColumnType' || !command.name) continue;
        const type = writtenType(context.text, statement.span) ?? columnDefinition({ ColumnDef: { ...((command.def as { ColumnDef?: object } | undefined)?.ColumnDef ?? {}), colname: command.name } })?.typeName.toUpperCase() ?? 'the new type';
        const table = describeTable(alter.table);
        findings.push({
          uri: context.uri,
          span: context.lineFrom(statement, alterColumnOffset(context.text, statement, command.name)),
          message: `Changing \`${command.name}\` to ${type} locks ${table} against reads and writes and, unless the old type converts without a rewrite (e.g. VARCHAR to TEXT), rewrites the table and all its indexes.`,
          help: `Expand and contract: add a new column of type ${type}, write both from the application, backfill in batches, switch reads, and drop \`${command.name}\` in a later migration (keep the field name with \`@map\`).`,
          target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, column: command.name }),
        });
      }
    }
    return findings;
  },
});

/** The type as written after `TYPE` (`VARCHAR(10)`, `DECIMAL(12,2)`), for the message. */
function writtenType(text: string, span: { start: number; end: number }): string | undefined {
  const match = /\bTYPE\s+([^,;]+?(?:\([^)]*\))?)(?=\s+USING\b|\s+COLLATE\b|\s*,|\s*$)/i.exec(text.slice(span.start, span.end));
  return match?.[1]?.trim();
}
