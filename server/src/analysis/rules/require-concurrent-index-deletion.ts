/** Flags `DROP INDEX` without CONCURRENTLY: every query on the table waits for the lock. */
import { concurrentlyFix, isAlone, OWN_MIGRATION, PRISMA_RUNS_ONE_SCRIPT } from '../migrations/advice';
import { targetOf, type MigrationRuleFinding } from '../migrations/context';
import { droppedObjects } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'require-concurrent-index-deletion',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: '`DROP INDEX` without CONCURRENTLY: it waits for an exclusive lock on the table, and every query queues behind it.',
    why: [
      '`DROP INDEX` takes an ACCESS EXCLUSIVE lock on the index\'s table. The drop itself is fast, but it must wait for every running query on the table to finish, and every new query, reads included, queues behind it. `DROP INDEX CONCURRENTLY` waits without blocking others.',
      PRISMA_RUNS_ONE_SCRIPT,
    ].join('\n\n'),
    bad: 'DROP INDEX "Post_authorId_idx";',
    good: ['-- A migration of its own:', 'DROP INDEX CONCURRENTLY "Post_authorId_idx";'].join('\n'),
    fixSafety: 'Unsafe, offered only when the statement is alone in its migration and drops one index without CASCADE, the only form CONCURRENTLY accepts.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      const dropped = droppedObjects(statement);
      if (!dropped || dropped.removeType !== 'OBJECT_INDEX' || dropped.concurrent) continue;
      const existing = dropped.names.filter((index) => !context.isNewIndex(index.name, statement));
      if (existing.length === 0) continue;
      const names = existing.map((index) => `"${index.name}"`).join(', ');
      const fixable = existing.length === 1 && dropped.names.length === 1 && !dropped.cascade;
      findings.push({
        uri: context.uri,
        span: context.lineFrom(statement, undefined),
        message: `Every query on the table, reads included, queues while dropping ${names} waits for an exclusive lock.`,
        help: isAlone(context, statement)
          ? 'Drop it with DROP INDEX CONCURRENTLY: it is alone in its migration, so Prisma runs it outside a transaction.'
          : `Drop it with DROP INDEX CONCURRENTLY in a migration of its own: ${PRISMA_RUNS_ONE_SCRIPT} ${OWN_MIGRATION}`,
        fixes: fixable ? concurrentlyFix(context, statement, 'Drop') : [],
        target: targetOf(statement, { index: existing[0]!.name, schema: existing[0]!.schema }),
      });
    }
    return findings;
  },
});
