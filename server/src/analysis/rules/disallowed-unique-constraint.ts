/** Flags `ADD CONSTRAINT … UNIQUE` that builds its index under an exclusive lock. */
import { quoteIdent } from '../migrations/advice';
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterTable, constraintOf } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'disallowed-unique-constraint',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: '`ADD CONSTRAINT … UNIQUE` on an existing table: reads and writes wait while its index is built.',
    why: [
      'A unique constraint builds a unique index while holding an ACCESS EXCLUSIVE lock: every query on the table waits for the whole build.',
      'Build the index first with `CREATE UNIQUE INDEX CONCURRENTLY` (in a migration of its own, since Prisma runs a migration as one transaction), then attach it with `ADD CONSTRAINT … UNIQUE USING INDEX`, which is instant. Prisma itself expresses `@unique` as a unique index, so this comes from hand-written SQL.',
    ].join('\n\n'),
    bad: 'ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE ("email");',
    good: [
      '-- A migration of its own:',
      'CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");',
      '-- A later migration, if a constraint (not just the index) is needed:',
      'ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";',
    ].join('\n'),
    fixSafety: 'No automatic fix: the safe form spans two migrations.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      if (!alter || context.isNewTable(alter.table, statement)) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_AddConstraint') continue;
        const constraint = constraintOf(command.def);
        if (!constraint || (constraint.contype !== 'CONSTR_UNIQUE' && constraint.contype !== 'CONSTR_EXCLUSION') || constraint.usingIndex) continue;
        const table = describeTable(alter.table);
        const name = constraint.name ?? `${alter.table?.name}_key`;
        findings.push({
          uri: context.uri,
          span: context.spanAt(statement, constraint.location),
          message: `Reads and writes on ${table} wait while adding ${constraint.name ? `"${constraint.name}"` : 'this unique constraint'} builds its index.`,
          help: `Build the index with CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${quoteIdent(alter.table!.name)}(…) in a migration of its own, then ADD CONSTRAINT ${quoteIdent(name)} UNIQUE USING INDEX ${quoteIdent(name)} in a later one (or keep just the index: that is what "@unique" generates).`,
          target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, constraint: constraint.name }),
        });
      }
    }
    return findings;
  },
});
