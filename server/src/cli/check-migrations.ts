/** The migration side of `prisma-lens check`: each schema's migrations folder, and the migration files and folders named directly. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeMigration } from '../analysis/analyze';
import { loadSqlParser } from '../analysis/migrations/sql';
import { isMigrationRule } from '../analysis/rules/types';
import type { CliPolicy } from './policy';
import type { SchemaSet } from '../workspace/discovery';
import { committedMigrations, migrationFileContext, migrationsFolderFor, migrationSkipReason, readMigrationFolder, type MigrationFolder } from '../workspace/migrations';
import type { CheckOutcome, CheckTarget } from './check';
import { reportFindings } from './report';

/** PostgreSQL version the CLI assumes, like the editor's default setting. */
const POSTGRES_VERSION = Number(process.env.PRISMA_LENS_POSTGRES_VERSION) || 15;

/**
 * Which migrations count as deployed: those in this git commit (default `HEAD`; in CI, the branch
 * production runs, e.g. `origin/main`), or `none` to count every migration as deployed.
 */
const MIGRATIONS_BASE = process.env.PRISMA_LENS_MIGRATIONS_BASE || 'HEAD';
const BASE_NAMED = Boolean(process.env.PRISMA_LENS_MIGRATIONS_BASE) && MIGRATIONS_BASE !== 'none';

/** A `.sql` file argument: linted on its own as a migration script, never read as a schema. */
export function isMigrationTarget(target: CheckTarget): boolean {
  return target.isFile && /\.sql$/i.test(target.absolute);
}

/** Migrations named on the command line, linted without a schema, as Squawk lints SQL files. */
export interface NamedMigrations {
  /** `.sql` files, and the `migration.sql` of each migration folder named: always linted. */
  files: string[];
  /** Migrations folders (`prisma/migrations`): linted as a schema's migrations folder is. */
  folders: string[];
}

/**
 * Lints the migrations of the schemas checked whole, and the migration files and folders named as
 * arguments. A folder of another provider (migration_lock.toml) is skipped with a warning.
 */
export async function checkMigrations(namedMigrations: NamedMigrations, sets: readonly SchemaSet[], outcome: CheckOutcome, options: { policy: CliPolicy }): Promise<void> {
  const named = new Set(namedMigrations.files);
  const files = new Set(named);
  const migrationFolders = new Set(namedMigrations.folders);
  for (const set of sets) {
    const folder = await migrationsFolderFor(set.projectRoot, set.schemaPath);
    if (folder) migrationFolders.add(folder);
  }
  for (const folder of migrationFolders) {
    const listing = await readMigrationFolder(folder);
    const skipped = migrationSkipReason(0, listing.provider);
    if (skipped) {
      outcome.warnings.push({ path: folder, message: `migrations not checked: ${skipped}` });
      continue;
    }
    for (const name of listing.migrations) files.add(path.join(folder, name, 'migration.sql'));
  }
  if (files.size === 0) return;
  await loadSqlParser();
  const folders = new Map<string, Promise<[Set<string> | undefined, MigrationFolder]>>();
  for (const file of [...files].sort()) {
    const folder = path.dirname(path.dirname(file));
    if (!folders.has(folder)) {
      const committed = MIGRATIONS_BASE === 'none' ? Promise.resolve(undefined) : committedMigrations(folder, MIGRATIONS_BASE);
      folders.set(folder, Promise.all([committed, readMigrationFolder(folder)]));
    }
    const [committed, listing] = await folders.get(folder)!;
    // With a base named, deployed migrations are history: they already ran and cannot be edited (Prisma checks their checksum).
    if (BASE_NAMED && committed?.has(path.basename(path.dirname(file))) && !named.has(file)) continue;
    const [stat, context] = await Promise.all([fs.stat(file).catch(() => undefined), migrationFileContext(file, committed ?? null, listing)]);
    if (!stat) {
      outcome.unreadable.push({ path: file, message: 'cannot be read' });
      continue;
    }
    const skipped = migrationSkipReason(stat.size, context.folder?.provider);
    if (skipped) {
      outcome.warnings.push({ path: file, message: `not checked: ${skipped}` });
      continue;
    }
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      outcome.unreadable.push({ path: file, message: 'cannot be read' });
      continue;
    }
    const uri = pathToFileURL(file).toString();
    const ran = await options.policy.rulesFor(file);
    if (!ran.rules.some(isMigrationRule)) continue;
    outcome.report.migrationFileCount = (outcome.report.migrationFileCount ?? 0) + 1;
    const analysis = analyzeMigration(text, { uri, postgresVersion: ran.config.postgresVersion ?? POSTGRES_VERSION, newTables: context.newTables }, { rules: ran.rules });
    for (const error of analysis.errors) outcome.ruleErrors.push(`${error.split('\n')[0]} (in ${file})`);
    for (const error of analysis.parseErrors) outcome.warnings.push({ path: file, message: `a statement does not parse, the migration rules skip it: ${error.message}` });
    const findings = options.policy.finish(analysis.findings, { uri, text, language: 'sql' }, ran);
    outcome.report.findings.push(...reportFindings(findings, [{ uri, text, version: 0 }], outcome.report.base));
  }
}
