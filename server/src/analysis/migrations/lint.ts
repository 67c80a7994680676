/**
 * Lints PostgreSQL migration SQL: the stable entry point for everything that has SQL in hand
 * (a migration.sql file, or the SQL Prisma Migrate would generate next).
 *
 * API (stable):
 *
 *   await loadSqlParser();                       // once; libpg-query's WebAssembly module
 *   const { findings, parseErrors } = lintMigrationSql(sql, {
 *     uri,                // optional: the file; findings and fix edits carry it
 *     postgresVersion,    // optional, default 15: ADD COLUMN … DEFAULT <constant> is instant from 11 on
 *     newTables,          // optional: tables created by migrations not deployed yet ('"User"', '"s"."T"')
 *     editable,           // optional, default true; false for SQL that is not a file (no text-edit fixes)
 *   });
 *
 *   findings[i] = {
 *     ruleId, severity, message, help,         // rule ids are Squawk's ('adding-required-field', …)
 *     span: { start, end },                    // UTF-16 offsets into `sql` (one line of the statement)
 *     fixes?: [{ title, applicability, edits: [{ uri, start, end, text }] }],
 *     target: { statementIndex, statementSpan, table?, schema?, column?, index?, constraint? },
 *   }
 *   parseErrors[i] = { span, message }         // statements that did not parse; the others are linted
 *
 *   tablesCreatedBy(sql) → ['"User"', '"audit"."Log"']   // for `newTables` from undeployed migrations
 *
 * Tables created earlier in the same script are known to be empty without `newTables`; names are
 * as PostgreSQL stores them (quoted names keep their case). Never throws.
 */
import { analyzeMigration, type MigrationAnalysis } from '../analyze';
import type { Rule } from '../rules/types';
import { relationName, type MigrationContext } from './context';
import { parseScript } from './sql';

export type { MigrationContext, MigrationTarget } from './context';
export { isSqlParserLoaded, loadSqlParser } from './sql';

export type MigrationFinding = MigrationAnalysis['findings'][number];

export interface MigrationLint {
  findings: MigrationFinding[];
  parseErrors: MigrationAnalysis['parseErrors'];
  /** Rules that threw (a bug); the other rules still report. */
  errors: string[];
}

export function lintMigrationSql(sql: string, context: MigrationContext = {}, rules?: readonly Rule[]): MigrationLint {
  return analyzeMigration(sql, context, { rules });
}

/** The tables a script creates, quoted as SQL (`"User"`, `"audit"."Log"`). */
export function tablesCreatedBy(sql: string): string[] {
  const tables: string[] = [];
  for (const statement of parseScript(sql).statements) {
    if (statement.kind !== 'CreateStmt') continue;
    const table = relationName((statement.node as { relation?: unknown }).relation);
    const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
    if (table) tables.push(table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name));
  }
  return tables;
}
