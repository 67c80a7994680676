/** Flags `RENAME COLUMN` on an existing table: running clients break until they are redeployed. */
import { describeTable, relationName, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'renaming-column',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Renaming a column: the application still running uses the old name and fails.',
    why: [
      'The rename itself is instant, but during a deploy the previous version of the application keeps running, and its Prisma Client names every column it reads or writes: each of its queries on the table fails with "column does not exist" until it is replaced.',
      'A column added earlier in the same migration is not reported: no running application uses it yet.',
    ].join('\n\n'),
    bad: 'ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";',
    good: [
      '// schema.prisma: rename the field only, keep the column',
      'fullName String @map("name")',
    ].join('\n'),
    fixSafety: 'No automatic fix: choose between `@map` and an expand/contract migration.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      if (statement.kind !== 'RenameStmt') continue;
      const node = statement.node as { renameType?: string; relation?: unknown; subname?: string; newname?: string };
      if (node.renameType !== 'OBJECT_COLUMN') continue;
      const table = relationName(node.relation);
      // A table created, or a column added, earlier in this script is unknown to the running application.
      if (context.isNewTable(table, statement) || (node.subname && context.addedColumn(table, node.subname, statement))) continue;
      findings.push({
        uri: context.uri,
        span: context.lineFrom(statement, undefined),
        message: `The running application fails until redeployed: its queries on ${describeTable(table)} still name "${node.subname}", renamed to "${node.newname}".`,
        help: `Keep the column and rename only the field: '${node.newname} … @map("${node.subname}")'. To rename the column itself: add "${node.newname}", write both, backfill, switch reads, and drop "${node.subname}" in a later migration.`,
        target: targetOf(statement, { table: table?.name, schema: table?.schema, column: node.subname }),
      });
    }
    return findings;
  },
});
