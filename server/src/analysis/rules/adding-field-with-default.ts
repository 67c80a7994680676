/** Flags `ADD COLUMN` whose value is computed row by row (volatile default, serial, identity), which rewrites the table. */
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterTable, columnDefinition, rowByRowValue } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'adding-field-with-default',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Adding a column whose default differs per row (e.g. `gen_random_uuid()`): the whole table is rewritten under an exclusive lock.',
    why: [
      'Since PostgreSQL 11, `ADD COLUMN … DEFAULT <constant>` is instant: the default is stored once in the catalog. A constant includes literals, casts of literals and functions evaluated once per statement such as `now()` and `CURRENT_TIMESTAMP`.',
      'A volatile default (`gen_random_uuid()`, `random()`, `clock_timestamp()`), a serial type, an identity column or a stored generated column must be computed for each existing row: PostgreSQL rewrites the table and its indexes while holding an ACCESS EXCLUSIVE lock, so every read and write waits.',
      'Before PostgreSQL 11 (the `postgresVersion` setting), any default rewrites the table.',
      'Prisma generates `DEFAULT gen_random_uuid()` for `@default(dbgenerated("gen_random_uuid()"))` and `SERIAL` for `@default(autoincrement())` on a new field.',
    ].join('\n\n'),
    bad: 'ALTER TABLE "Post" ADD COLUMN "publicId" UUID NOT NULL DEFAULT gen_random_uuid();',
    good: [
      '-- Expand: add the column without a default, then set the default for new rows only',
      'ALTER TABLE "Post" ADD COLUMN "publicId" UUID;',
      'ALTER TABLE "Post" ALTER COLUMN "publicId" SET DEFAULT gen_random_uuid();',
      '-- Backfill existing rows in batches, then (later migration) SET NOT NULL',
      'UPDATE "Post" SET "publicId" = gen_random_uuid() WHERE "publicId" IS NULL;',
    ].join('\n'),
    fixSafety: 'No automatic fix: the safe form needs a backfill you run in batches.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      if (!alter || context.isNewTable(alter.table, statement)) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_AddColumn') continue;
        const column = columnDefinition(command.def);
        if (!column) continue;
        let reason = rowByRowValue(column);
        if (!reason && context.postgresVersion < 11 && column.constraints.some((constraint) => constraint.contype === 'CONSTR_DEFAULT')) {
          reason = `before PostgreSQL 11 (this project targets ${context.postgresVersion}) every default is written into each row`;
        }
        if (!reason) continue;
        const table = describeTable(alter.table);
        findings.push({
          uri: context.uri,
          span: context.spanAt(statement, column.location),
          message: `Reads and writes on ${table} wait while adding "${column.name}" rewrites every row: ${reason}.`,
          help: `Add "${column.name}" without a default (or with a constant one), set the default for new rows with "ALTER COLUMN … SET DEFAULT", backfill existing rows in batches, then make it required in a later migration. In the schema, "@default(uuid())" or "@default(cuid())" fill the value in Prisma Client and add no database default.`,
          target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, column: column.name }),
        });
      }
    }
    return findings;
  },
});
