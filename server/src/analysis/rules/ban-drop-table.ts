/** Flags `DROP TABLE` of a table that may hold data. */
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { droppedObjects } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'ban-drop-table',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Dropping a table: its rows are gone, and the application still running fails on it.',
    why: [
      'The drop is irreversible, and the previous version of the application keeps running during the deploy: every query it sends to the table fails until it is replaced.',
      'Prisma generates a drop when a model is removed, and a drop plus a create when a model is renamed without `@@map`.',
    ].join('\n\n'),
    bad: 'DROP TABLE "Comment";',
    good: [
      '-- Deploy 1: remove the model and ship code that no longer uses it',
      '-- Deploy 2 (a later migration), after a backup if the data matters:',
      'DROP TABLE "Comment";',
    ].join('\n'),
    fixSafety: 'No automatic fix.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      const dropped = droppedObjects(statement);
      if (!dropped || dropped.removeType !== 'OBJECT_TABLE') continue;
      for (const table of dropped.names) {
        if (context.isNewTable(table, statement)) continue;
        findings.push({
          uri: context.uri,
          span: context.lineFrom(statement, tableNameOffset(context.text, statement.span, table.name)),
          message: `Deletes all rows of ${describeTable(table)}; the running application fails on every query to it until redeployed.`,
          help: `Remove the model and deploy code that no longer uses ${describeTable(table)} first; drop it in a later migration, after a backup if the data matters. If the model was renamed, keep the table with '@@map("${table.name}")' instead.`,
          target: targetOf(statement, { table: table.name, schema: table.schema }),
        });
      }
    }
    return findings;
  },
});

/** Where the statement names `table` (DROP TABLE lists carry no locations). */
function tableNameOffset(text: string, span: { start: number; end: number }, name: string): number | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const body = text.slice(span.start, span.end);
  const match = new RegExp(`(?:"[^"]*"\\s*\\.\\s*)?(?:"${escaped}"|\\b${escaped}\\b)`, name === name.toLowerCase() ? 'i' : '').exec(body.replace(/^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?/i, (prefix) => ' '.repeat(prefix.length)));
  return match ? span.start + match.index : undefined;
}
