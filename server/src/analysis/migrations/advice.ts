/** Explanations shared by the migration rules: how Prisma Migrate runs a file, and the fixes that edit SQL text. */
import type { Fix } from '../rules/types';
import type { MigrationRuleContext } from './context';
import { keywordOffset } from './nodes';
import type { SqlStatement } from './sql';

/**
 * Prisma Migrate sends `migration.sql` to PostgreSQL as one script (one simple-query message);
 * PostgreSQL runs a script of several statements as one implicit transaction, and CONCURRENTLY
 * refuses to run inside a transaction (SQLSTATE 25001). A file holding that one statement works.
 */
export const PRISMA_RUNS_ONE_SCRIPT =
  'Prisma Migrate sends migration.sql to PostgreSQL as one script, and PostgreSQL runs a script of several statements as a single transaction, where CONCURRENTLY fails ("cannot run inside a transaction block"); a migration that holds only this statement works.';

export const OWN_MIGRATION =
  'Create an empty migration with "prisma migrate dev --create-only", move the statement into its migration.sql alone, and apply it.';

/** True when `statement` is the only statement of its file, so it runs outside a transaction. */
export function isAlone(context: MigrationRuleContext, statement: SqlStatement): boolean {
  return context.statements.length === 1 && context.statements[0] === statement;
}

/** Inserts `CONCURRENTLY` after `INDEX` of a CREATE/DROP INDEX that is alone in an editable file. */
export function concurrentlyFix(context: MigrationRuleContext, statement: SqlStatement, verb: string): Fix[] {
  if (!context.editable || !isAlone(context, statement)) return [];
  const at = keywordOffset(context.text, statement, /\bINDEX\b/);
  if (at === undefined) return [];
  const insertAt = at + 'INDEX'.length;
  return [{ title: `${verb} the index CONCURRENTLY`, applicability: 'unsafe', edits: [{ uri: context.uri, start: insertAt, end: insertAt, text: ' CONCURRENTLY' }] }];
}

/** Appends `NOT VALID` to an `ALTER TABLE … ADD CONSTRAINT` that holds that one command. */
export function notValidFix(context: MigrationRuleContext, statement: SqlStatement, commandCount: number): Fix[] {
  if (!context.editable || commandCount !== 1) return [];
  const end = statement.span.end;
  return [{ title: 'Add the constraint NOT VALID (validate it in a later migration)', applicability: 'unsafe', edits: [{ uri: context.uri, start: end, end, text: ' NOT VALID' }] }];
}

/** Quotes an identifier the way Prisma's generated SQL does, for SQL shown in help texts. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
