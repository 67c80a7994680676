/** Flags `ALTER TABLE … RENAME TO`: running clients break until they are redeployed. */
import { describeTable, relationName, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'renaming-table',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Renaming a table: the application still running uses the old name and fails.',
    why: 'The rename is instant, but the previous version of the application keeps running during a deploy, and every query its Prisma Client sends to the old table name fails with "relation does not exist" until it is replaced.',
    bad: 'ALTER TABLE "Post" RENAME TO "Article";',
    good: ['// schema.prisma: rename the model only, keep the table', 'model Article {', '  id Int @id', '', '  @@map("Post")', '}'].join('\n'),
    fixSafety: 'No automatic fix: choose between `@@map` and an expand/contract migration.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      if (statement.kind !== 'RenameStmt') continue;
      const node = statement.node as { renameType?: string; relation?: unknown; newname?: string };
      if (node.renameType !== 'OBJECT_TABLE') continue;
      const table = relationName(node.relation);
      if (context.isNewTable(table, statement)) continue;
      findings.push({
        uri: context.uri,
        span: context.lineFrom(statement, undefined),
        message: `The running application fails until redeployed: its queries still name ${describeTable(table)}, renamed to "${node.newname}".`,
        help: `Keep the table and rename only the model: 'model ${node.newname} { … @@map("${table?.name}") }'. To rename the table itself, deploy code that no longer uses the old name first (or a view named like the old table).`,
        target: targetOf(statement, { table: table?.name, schema: table?.schema }),
      });
    }
    return findings;
  },
});
