/** Flags `DROP COLUMN` on an existing table: data loss, and failures in the application still running. */
import { describeTable, targetOf, type MigrationRuleFinding } from '../migrations/context';
import { alterTable } from '../migrations/nodes';
import { defineRule, type MigrationRule } from './types';

export default defineRule<MigrationRule>({
  id: 'ban-drop-column',
  appliesTo: ['sql'],
  severity: 'warning',
  docs: {
    summary: 'Dropping a column: its data is gone, and the application still running fails on it.',
    why: [
      'The drop is instant, and irreversible: the column\'s values are lost. Meanwhile the previous version of the application keeps running during the deploy; its Prisma Client selects every scalar column by name, so each query on the table fails with "column does not exist" until it is replaced.',
      'Prisma generates a drop when a field is removed, and a drop plus an add when a field is renamed without `@map`.',
    ].join('\n\n'),
    bad: 'ALTER TABLE "User" DROP COLUMN "legacyId";',
    good: [
      '-- Deploy 1: remove the field from schema.prisma and ship code that no longer uses it',
      '-- Deploy 2 (a later migration): drop the column',
      'ALTER TABLE "User" DROP COLUMN "legacyId";',
    ].join('\n'),
    fixSafety: 'No automatic fix.',
  },
  check(context) {
    const findings: MigrationRuleFinding[] = [];
    for (const statement of context.statements) {
      const alter = alterTable(statement);
      if (!alter || context.isNewTable(alter.table, statement)) continue;
      for (const command of alter.commands) {
        if (command.subtype !== 'AT_DropColumn' || !command.name) continue;
        findings.push({
          uri: context.uri,
          span: context.lineFrom(statement, dropColumnOffset(context.text, statement.span, command.name)),
          message: `Deletes the data of "${command.name}" in ${describeTable(alter.table)}; the running application fails on each query selecting it until redeployed.`,
          help: `Remove the field from the schema and deploy code that no longer reads "${command.name}" first; drop the column in a later migration, after a backup if the data matters. If the field was renamed, keep the column with '@map("${command.name}")' instead.`,
          target: targetOf(statement, { table: alter.table?.name, schema: alter.table?.schema, column: command.name }),
        });
      }
    }
    return findings;
  },
});

/** Every `DROP [COLUMN] [IF EXISTS] <name>` of a statement, one pattern compiled once (not one per finding). */
const DROP_CLAUSE = /\bDROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?("(?:[^"]|"")*"|[A-Za-z_][\w$]*)/gi;

function dropColumnOffset(text: string, span: { start: number; end: number }, name: string): number | undefined {
  const body = text.slice(span.start, span.end);
  for (const match of body.matchAll(DROP_CLAUSE)) {
    const written = match[1]!;
    const matches = written.startsWith('"') ? written.slice(1, -1).replace(/""/g, '"') === name : written.toLowerCase() === name.toLowerCase();
    if (matches) return span.start + match.index;
  }
  return undefined;
}
