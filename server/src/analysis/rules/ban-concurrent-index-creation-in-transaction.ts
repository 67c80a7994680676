/** Flags CREATE/DROP INDEX CONCURRENTLY in a migration with other statements: Prisma runs it in a transaction, where it fails. */
import { OWN_MIGRATION, PRISMA_RUNS_ONE_SCRIPT } from '../migrations/advice';
import { relationName, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { droppedObjects } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'ban-concurrent-index-creation-in-transaction',
  appliesTo: ['sql'],
  severity: 'error',
  docs: {
    summary: '`CREATE INDEX CONCURRENTLY` (or `DROP INDEX CONCURRENTLY`) in a migration with other statements: the migration fails.',
    why: [
      PRISMA_RUNS_ONE_SCRIPT,
      'The deploy stops with "CREATE INDEX CONCURRENTLY cannot run inside a transaction block" (SQLSTATE 25001), and `prisma migrate deploy` refuses to continue until the failed migration is resolved.',
    ].join('\n\n'),
    bad: ['ALTER TABLE "Post" ADD COLUMN "slug" TEXT;', 'CREATE INDEX CONCURRENTLY "Post_slug_idx" ON "Post"("slug");'].join('\n'),
    good: [
      '-- 20260101000000_post_slug/migration.sql',
      'ALTER TABLE "Post" ADD COLUMN "slug" TEXT;',
      '-- 20260101000001_post_slug_index/migration.sql, alone:',
      'CREATE INDEX CONCURRENTLY "Post_slug_idx" ON "Post"("slug");',
    ].join('\n'),
    fixSafety: 'No automatic fix: moving a statement creates a new migration folder.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    if (context.statements.length < 2) return findings;
    for (const statement of context.statements) {
      const dropped = droppedObjects(statement);
      const node = statement.node as { concurrent?: boolean; relation?: unknown; idxname?: string } | undefined;
      const creating = statement.kind === 'IndexStmt' && node?.concurrent === true;
      const dropping = dropped?.removeType === 'OBJECT_INDEX' && dropped.concurrent;
      if (!creating && !dropping) continue;
      const table = creating ? relationName(node!.relation) : undefined;
      findings.push({
        uri: context.uri,
        span: context.lineFrom(statement, undefined),
        message: `This migration fails: its ${context.statements.length} statements run as one transaction, and ${creating ? 'CREATE' : 'DROP'} INDEX CONCURRENTLY cannot run inside a transaction block.`,
        help: `Move it into a migration of its own. ${OWN_MIGRATION}`,
        target: targetOf(statement, { table: table?.name, schema: table?.schema, index: creating ? node!.idxname : dropped!.names[0]?.name }),
      });
    }
    return findings;
  },
});
