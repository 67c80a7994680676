/** Flags `DROP DATABASE` in a migration. */
import { targetOf, type MigrationRuleFinding } from '../migrations/context';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'ban-drop-database',
  appliesTo: ['sql'],
  severity: 'error',
  docs: {
    summary: '`DROP DATABASE` in a migration.',
    why: 'A migration runs against every environment, production included: `DROP DATABASE` there deletes every table and row of that database, irreversibly. It never belongs in a migration.',
    bad: 'DROP DATABASE "shop";',
    good: '-- Drop databases by hand, after a backup, outside of migrations.',
    fixSafety: 'No automatic fix.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      if (statement.kind !== 'DropdbStmt') continue;
      const name = (statement.node as { dbname?: string }).dbname;
      findings.push({
        uri: context.uri,
        span: context.lineFrom(statement, undefined),
        message: `Deletes every table and row of ${name ? `database "${name}"` : 'the database'} in every environment this migration reaches.`,
        help: 'Remove this statement from the migration; drop databases by hand, after a backup.',
        target: targetOf(statement),
      });
    }
    return findings;
  },
});
