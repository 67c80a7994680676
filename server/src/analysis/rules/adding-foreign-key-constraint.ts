/** Flags a foreign key added with validation on an existing table: both tables are locked against writes during a full check. */
import { notValidFix, quoteIdent } from '../migrations/advice';
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterTable, constraintOf } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'adding-foreign-key-constraint',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Adding a foreign key to an existing table: writes to both tables wait while every row is checked.',
    why: [
      '`ADD CONSTRAINT … FOREIGN KEY` takes a SHARE ROW EXCLUSIVE lock on the table and on the table it references, then checks every existing row: inserts, updates and deletes on both wait for the whole check.',
      'Added `NOT VALID`, the constraint applies to new rows at once and the lock is brief; `VALIDATE CONSTRAINT` then checks the existing rows under a lock that lets writes go on. Prisma runs a migration as one transaction, so validate in a later migration: in the same one, the first lock is held until the end.',
      'A foreign key on a table created earlier in the same migration checks no rows: Prisma\'s initial migrations add them right after the tables, and that is fine.',
    ].join('\n\n'),
    bad: 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;',
    good: [
      'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;',
      '-- A later migration:',
      'ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";',
    ].join('\n'),
    fixSafety: 'Unsafe: `NOT VALID` leaves existing rows unchecked until you add `VALIDATE CONSTRAINT` in a later migration.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      if (!alter || context.isNewTable(alter.table, statement)) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_AddConstraint') continue;
        const constraint = constraintOf(command.def);
        if (!constraint || constraint.contype !== 'CONSTR_FOREIGN' || constraint.skipValidation) continue;
        const table = describeTable(alter.table);
        const name = constraint.name ? `"${constraint.name}"` : 'this foreign key';
        findings.push({
          uri: context.uri,
          span: context.spanAt(statement, constraint.location),
          message: `Writes to ${table} and ${describeTable(constraint.pktable)} wait while adding ${name} checks every existing row of ${table}.`,
          help: `Add it NOT VALID (new rows are checked at once), then in a later migration run ALTER TABLE ${quoteIdent(alter.table!.name)} VALIDATE CONSTRAINT ${quoteIdent(constraint.name ?? '…')}, which lets writes go on.`,
          fixes: notValidFix(context, statement, alter.commands.length),
          target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, constraint: constraint.name }),
        });
      }
    }
    return findings;
  },
});
