/** Flags `CREATE INDEX` without CONCURRENTLY on an existing table: writes wait for the whole build. */
import { concurrentlyFix, isAlone, OWN_MIGRATION, PRISMA_RUNS_ONE_SCRIPT } from '../migrations/advice';
import { describeTable, relationName, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'require-concurrent-index-creation',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: '`CREATE INDEX` without CONCURRENTLY on an existing table: inserts, updates and deletes wait until the index is built.',
    why: [
      '`CREATE INDEX` holds a SHARE lock on the table for the whole build: reads go on, but every INSERT, UPDATE and DELETE waits, for seconds to minutes on a large table. `CREATE INDEX CONCURRENTLY` builds it while writes go on.',
      PRISMA_RUNS_ONE_SCRIPT,
      'An index on a table created earlier in the same migration is built on an empty table and is fine; Prisma\'s initial migrations are full of them.',
    ].join('\n\n'),
    bad: 'CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");',
    good: [
      '-- prisma/migrations/20260101000000_post_author_index/migration.sql, alone:',
      'CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");',
    ].join('\n'),
    fixSafety:
      'Unsafe, offered only when the statement is alone in its migration: a concurrent build takes longer, cannot run in a transaction, and leaves an INVALID index behind if it fails (drop it and retry).',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      if (statement.kind !== 'IndexStmt') continue;
      const node = statement.node as { concurrent?: boolean; relation?: unknown; idxname?: string; unique?: boolean };
      if (node.concurrent) continue;
      const table = relationName(node.relation);
      if (context.isNewTable(table, statement)) continue;
      const alone = isAlone(context, statement);
      findings.push({
        uri: context.uri,
        span: context.lineFrom(statement, undefined),
        message: `Inserts, updates and deletes on ${describeTable(table)} wait until ${node.idxname ? `"${node.idxname}"` : 'this index'} is built (SHARE lock).`,
        help: alone
          ? 'Build it with CREATE INDEX CONCURRENTLY: it is alone in its migration, so Prisma runs it outside a transaction.'
          : `Build it with CREATE INDEX CONCURRENTLY in a migration of its own: ${PRISMA_RUNS_ONE_SCRIPT} ${OWN_MIGRATION}`,
        fixes: concurrentlyFix(context, statement, 'Build'),
        target: targetOf(statement, { table: table?.name, schema: table?.schema, index: node.idxname }),
      });
    }
    return findings;
  },
});
