/** Flags CHECK constraints added with validation, and NOT VALID constraints validated in the same migration. */
import { notValidFix, quoteIdent } from '../migrations/advice';
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterTable, constraintOf, keywordOffset } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'constraint-missing-not-valid',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'A CHECK constraint added without `NOT VALID`, or validated in the migration that adds it: reads and writes wait for a full scan.',
    why: [
      '`ADD CONSTRAINT … CHECK (…)` takes an ACCESS EXCLUSIVE lock and checks every row: all queries on the table wait. Added `NOT VALID`, it is instant and applies to new rows; `VALIDATE CONSTRAINT` then checks the rest under a lock that lets reads and writes go on.',
      'Prisma runs a migration as one transaction, so a `VALIDATE CONSTRAINT` in the migration that added the constraint keeps the first, stronger lock until the migration ends: validate in a later migration.',
      'Foreign keys are covered by `adding-foreign-key-constraint`.',
    ].join('\n\n'),
    bad: 'ALTER TABLE "Order" ADD CONSTRAINT "Order_total_positive" CHECK ("total" >= 0);',
    good: [
      'ALTER TABLE "Order" ADD CONSTRAINT "Order_total_positive" CHECK ("total" >= 0) NOT VALID;',
      '-- A later migration:',
      'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_total_positive";',
    ].join('\n'),
    fixSafety: 'Unsafe: `NOT VALID` leaves existing rows unchecked until you add `VALIDATE CONSTRAINT` in a later migration.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    const addedNotValid = new Map<string, number>();
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      if (!alter) continue;
      const isNew = context.isNewTable(alter.table, statement);
      const table = describeTable(alter.table);
      for (const command of alter.commands) {
        if (command.subtype === 'AT_AddConstraint') {
          const constraint = constraintOf(command.def);
          if (!constraint) continue;
          if (constraint.skipValidation && constraint.name) addedNotValid.set(`${alter.table?.name}\u0000${constraint.name}`, statement.index);
          if (isNew || constraint.contype !== 'CONSTR_CHECK' || constraint.skipValidation) continue;
          findings.push({
            uri: context.uri,
            span: context.spanAt(statement, constraint.location),
            message: `Reads and writes on ${table} wait while adding ${constraint.name ? `"${constraint.name}"` : 'this CHECK constraint'} checks every row.`,
            help: `Add it NOT VALID, then run ALTER TABLE ${quoteIdent(alter.table!.name)} VALIDATE CONSTRAINT ${quoteIdent(constraint.name ?? '…')} in a later migration.`,
            fixes: notValidFix(context, statement, alter.commands.length),
            target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, constraint: constraint.name }),
          });
        } else if (command.subtype === 'AT_ValidateConstraint' && command.name && addedNotValid.has(`${alter.table?.name}\u0000${command.name}`) && !isNew) {
          findings.push({
            uri: context.uri,
            span: context.lineFrom(statement, keywordOffset(context.text, statement, /\bVALIDATE\b/)),
            message: `Reads and writes on ${table} wait from the ADD CONSTRAINT until validating "${command.name}" ends: it gains nothing here.`,
            help: 'The migration runs as one transaction: move the VALIDATE CONSTRAINT statement into a later migration.',
            target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, constraint: command.name }),
          });
        }
      }
    }
    return findings;
  },
});
