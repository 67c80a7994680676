/** Flags `ADD COLUMN … NOT NULL` without a default on a table that may hold rows: the migration fails. */
import { quoteIdent } from '../migrations/advice';
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterTable, columnDefinition, hasDefault, isNotNull } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'adding-required-field',
  appliesTo: ['sql'],
  severity: 'error',
  docs: {
    summary: 'Adding a NOT NULL column without a default to a table that has rows: the migration fails.',
    why: [
      'PostgreSQL fills a new column of every existing row with its default, or with NULL when there is none; a `NOT NULL` column without a default therefore fails with "column contains null values" as soon as the table holds one row.',
      'The migration works on an empty development database and fails on production, in the middle of a deploy. Prisma generates this SQL for a new required field without `@default(...)`.',
      'A table created earlier in the same migration has no rows, so the statement is fine there.',
    ].join('\n\n'),
    bad: ['-- schema.prisma: title String (new, required, no default)', 'ALTER TABLE "Post" ADD COLUMN "title" TEXT NOT NULL;'].join('\n'),
    good: [
      '-- Expand: add the column nullable, then backfill',
      'ALTER TABLE "Post" ADD COLUMN "title" TEXT;',
      'UPDATE "Post" SET "title" = \'\' WHERE "title" IS NULL;',
      '-- Contract, in a later migration:',
      'ALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;',
      '',
      '-- Or give it a constant default (@default("") in the schema): instant since PostgreSQL 11',
      'ALTER TABLE "Post" ADD COLUMN "title" TEXT NOT NULL DEFAULT \'\';',
    ].join('\n'),
    fixSafety: 'No automatic fix: the value for existing rows is a decision only you can make.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      if (!alter || context.isNewTable(alter.table, statement)) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_AddColumn') continue;
        const column = columnDefinition(command.def);
        if (!column || !isNotNull(column) || hasDefault(column)) continue;
        const table = describeTable(alter.table);
        findings.push({
          uri: context.uri,
          span: context.spanAt(statement, column.location),
          message: `Migration fails if ${table} has any rows: required column "${column.name}" is added without a default.`,
          help: `Add "${column.name}" as nullable, backfill it (UPDATE ${quoteIdent(alter.table!.name)} SET ${quoteIdent(column.name)} = …), and make it required with SET NOT NULL in a later migration; or give it a constant default ("@default(…)" in the schema).`,
          target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, column: column.name }),
        });
      }
    }
    return findings;
  },
});
