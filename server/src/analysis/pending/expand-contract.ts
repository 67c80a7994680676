/**
 * The expand/contract steps for a new required column, as Prisma migration folders: add the column
 * nullable (instant), backfill it (a TODO the user fills in), then make it NOT NULL without a long
 * lock (a CHECK constraint added NOT VALID, then validated, so SET NOT NULL skips its table scan).
 * Each step is its own migration, because Prisma runs a migration file as one script in one
 * transaction: a lock taken by one statement is held until the whole file is done.
 */
import { quoteIdent } from '../migrations/advice';

export interface RequiredColumn {
  /** The table as PostgreSQL names it, and its schema when not the default. */
  table: string;
  schema?: string;
  column: string;
  /** The column's SQL type as Prisma generates it (`TEXT`, `INTEGER`, `TIMESTAMP(3)`, `"Role"`). */
  sqlType: string;
  /** A SQL expression to backfill existing rows with; a typed placeholder when undefined. */
  backfill?: string;
  /** `Model.field`, for comments and folder names. */
  label: string;
}

export interface MigrationFolderPlan {
  /** Folder name in Prisma's format: `YYYYMMDDHHMMSS_name`. */
  name: string;
  /** The text of its `migration.sql`. */
  sql: string;
}

/**
 * The four migrations for `column`, named after `now` (one second apart) and always after the
 * existing migrations, so Prisma applies them last and in order.
 */
export function expandContractMigrations(column: RequiredColumn, now: Date, existing: readonly string[] = []): MigrationFolderPlan[] {
  const table = column.schema ? `${quoteIdent(column.schema)}.${quoteIdent(column.table)}` : quoteIdent(column.table);
  const name = quoteIdent(column.column);
  const check = quoteIdent(truncateIdentifier(`${column.table}_${column.column}_not_null`));
  const slug = column.label.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase();
  const value = column.backfill ?? placeholderFor(column.sqlType);
  const steps: Array<{ suffix: string; sql: string }> = [
    {
      suffix: `expand_${slug}`,
      sql: [
        `-- Expand: add ${column.label} as a nullable column. Instant: no row is rewritten and the`,
        `-- application that is still running (and does not know the column) keeps working.`,
        `ALTER TABLE ${table} ADD COLUMN ${name} ${column.sqlType};`,
        '',
      ].join('\n'),
    },
    {
      suffix: `backfill_${slug}`,
      sql: [
        `-- Backfill: give every existing row a value for ${column.label}.`,
        `-- TODO: replace ${value} with the value existing rows must have, and deploy the application`,
        `-- version that writes ${column.label} before this migration runs. On a large table, run the`,
        `-- update in batches instead (e.g. by ranges of the primary key) to keep locks short.`,
        `UPDATE ${table} SET ${name} = ${value} WHERE ${name} IS NULL;`,
        '',
      ].join('\n'),
    },
    {
      suffix: `check_${slug}`,
      sql: [
        `-- Contract, step 1: a CHECK constraint that ${column.label} is set, added NOT VALID: existing`,
        `-- rows are not scanned, so the lock is momentary, and new rows must satisfy it from now on.`,
        `ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${name} IS NOT NULL) NOT VALID;`,
        '',
      ].join('\n'),
    },
    {
      suffix: `contract_${slug}`,
      sql: [
        `-- Contract, step 2: validate the constraint (a scan that lets reads and writes go on), then`,
        `-- SET NOT NULL, which uses the valid constraint instead of scanning the table under an`,
        `-- exclusive lock (PostgreSQL 12 and later), and drop the constraint it no longer needs.`,
        `ALTER TABLE ${table} VALIDATE CONSTRAINT ${check};`,
        `ALTER TABLE ${table} ALTER COLUMN ${name} SET NOT NULL;`,
        `ALTER TABLE ${table} DROP CONSTRAINT ${check};`,
        '',
      ].join('\n'),
    },
  ];
  let timestamp = Math.floor(now.getTime() / 1000) * 1000;
  const latest = [...existing].sort().at(-1);
  const latestTime = latest ? timeOfMigrationName(latest) : undefined;
  if (latestTime !== undefined && latestTime >= timestamp) timestamp = latestTime + 1000;
  return steps.map((step, index) => ({ name: `${migrationTimestamp(new Date(timestamp + index * 1000))}_${step.suffix}`, sql: step.sql }));
}

/** Prisma's migration folder timestamp: UTC `YYYYMMDDHHMMSS`. */
export function migrationTimestamp(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

function timeOfMigrationName(name: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(name);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

/** A value of the column's type that the user is asked to replace. */
function placeholderFor(sqlType: string): string {
  const type = sqlType.toUpperCase();
  if (/\[\]$/.test(type)) return "'{}'";
  if (/^(SMALLINT|INTEGER|BIGINT|SERIAL|DOUBLE PRECISION|REAL|DECIMAL|NUMERIC|INT)/.test(type)) return '0';
  if (/^BOOLEAN/.test(type)) return 'false';
  if (/^(TIMESTAMP|DATE|TIME)/.test(type)) return 'CURRENT_TIMESTAMP';
  if (/^JSONB?/.test(type)) return "'{}'";
  if (/^UUID/.test(type)) return 'gen_random_uuid()';
  if (/^BYTEA/.test(type)) return "''::bytea";
  if (/^(TEXT|VARCHAR|CHAR|CITEXT)/.test(type)) return "''";
  // An enum or another type: a cast from a string literal the user replaces.
  return `'TODO'::${sqlType}`;
}

/** PostgreSQL truncates identifiers to 63 bytes; names are cut the same way so they stay predictable. */
function truncateIdentifier(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  return bytes.length <= 63 ? name : bytes.subarray(0, 63).toString('utf8').replace(/\uFFFD+$/, '');
}

/** The SQL type of `ADD COLUMN "name" <type> [NOT NULL] [DEFAULT …]` in a clause Prisma generated. */
export function addedColumnType(clause: string, column: string): string | undefined {
  const quoted = `"${column.replace(/"/g, '""')}"`;
  const at = clause.indexOf(quoted);
  if (at < 0) return undefined;
  const rest = clause.slice(at + quoted.length).replace(/[,;]\s*$/, '').trim();
  const type = rest.replace(/\s+NOT NULL\b.*$/i, '').replace(/\s+DEFAULT\b.*$/i, '').trim();
  return type || undefined;
}
