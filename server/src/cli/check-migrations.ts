/** The migration side of `prisma-lens check`: each schema's migrations folder, and the migration files and folders named directly. */
import { readFileSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSqlParser } from '../analysis/migrations/sql';
import type { ProjectHost } from '../workspace/project-host';
import type { SchemaSet } from '../workspace/discovery';
import { migrationFileContext, migrationsFolderFor, migrationSkipReason, readMigrationFolder, type MigrationFolder } from '../workspace/migrations';
import { historyOf, resolveMigrationBase, type MigrationBase } from '../workspace/migration-base';
import type { CheckOutcome, CheckTarget } from './outcome';
import { reportFindings } from './report';

/** PostgreSQL version the CLI assumes, like the editor's default setting. */
const POSTGRES_VERSION = Number(process.env.PRISMA_LENS_POSTGRES_VERSION) || 15;

/**
 * Which migrations the CLI reviews: those new since a base (`--since`, a CI pull request's target,
 * the default branch; on the default branch itself, those not committed yet), or all of them
 * (`--all-migrations`; no git; no default branch).
 */
export interface MigrationSelection {
  since?: string;
  /** Where `since` came from, for messages. */
  sinceSource?: string;
  /** Review every migration, and say why. */
  all?: string;
  /** For the pull-request variables of CI systems. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The selection the command line and the environment ask for. `PRISMA_LENS_MIGRATIONS_BASE`, the
 * older way, still works: a ref is `--since <ref>`, `none` is `--all-migrations`; the flags win.
 */
export function migrationSelection(flags: { since?: string; allMigrations: boolean }, env: Readonly<Record<string, string | undefined>>): MigrationSelection {
  if (flags.allMigrations) return { all: '--all-migrations', env };
  if (flags.since !== undefined) return { since: flags.since, sinceSource: '--since', env };
  const legacy = env.PRISMA_LENS_MIGRATIONS_BASE?.trim();
  if (legacy === 'none') return { all: 'PRISMA_LENS_MIGRATIONS_BASE=none', env };
  if (legacy) return { since: legacy, sinceSource: 'PRISMA_LENS_MIGRATIONS_BASE', env };
  return { env };
}

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
  /** Listings of named folders already read while planning the run, by folder. */
  listings: Map<string, MigrationFolder>;
}

/** The base a migrations folder is split against, and what it makes history. */
interface FolderReview {
  base: MigrationBase;
  /** Migration names in the base commit; undefined when every migration is reviewed. */
  history: Set<string> | undefined;
  listing: MigrationFolder;
}

/** Migrations reviewed and skipped under one base, for the line that says which base was used. */
interface BaseTally {
  base: MigrationBase;
  total: number;
  reviewed: number;
  /** False when every migration under this base was named on the command line: no split to explain. */
  split: boolean;
}

/**
 * Lints the migrations of the schemas checked whole, and the migration files and folders named as
 * arguments. Only the migrations new since the base are reviewed: the others already ran and cannot
 * be edited (Prisma checks their checksum). A migration named by its file or folder is reviewed
 * whatever its age: naming it is asking for it. A folder of another provider (migration_lock.toml)
 * is skipped with a warning.
 */
export async function checkMigrations(namedMigrations: NamedMigrations, sets: readonly SchemaSet[], outcome: CheckOutcome, options: { host: ProjectHost; selection: MigrationSelection }): Promise<void> {
  const named = new Set(namedMigrations.files);
  const files = new Set(named);
  const migrationFolders = new Set(namedMigrations.folders);
  for (const set of sets) {
    const folder = await migrationsFolderFor(set.projectRoot, set.schemaPath);
    if (folder) migrationFolders.add(folder);
  }
  // Each folder is listed once in a run.
  const listings = new Map(namedMigrations.listings);
  for (const folder of migrationFolders) {
    const listing = listings.get(folder) ?? (await readMigrationFolder(folder));
    listings.set(folder, listing);
    const skipped = migrationSkipReason(0, listing.provider);
    if (skipped) {
      outcome.warnings.push({ path: folder, message: `migrations not checked: ${skipped}` });
      continue;
    }
    for (const name of listing.migrations) files.add(path.join(folder, name, 'migration.sql'));
  }
  if (files.size === 0) return;
  await loadSqlParser();
  const folders = new Map<string, Promise<FolderReview>>();
  const tallies = new Map<string, BaseTally>();
  const reportedErrors = new Set<string>();
  for (const file of [...files].sort()) {
    const folder = path.dirname(path.dirname(file));
    if (!folders.has(folder)) folders.set(folder, reviewFolder(folder, options.selection, listings.get(folder)));
    const { base, history, listing } = await folders.get(folder)!;
    const isNamed = named.has(file);
    const applied = history?.has(path.basename(path.dirname(file))) ?? false;
    const tally = tallyFor(tallies, base);
    tally.total++;
    tally.split ||= !isNamed;
    if (base.kind === 'error' && !reportedErrors.has(base.message)) {
      reportedErrors.add(base.message);
      outcome.unreadable.push({ path: folder, message: base.message });
    }
    if (!isNamed && (applied || base.kind === 'error')) continue;
    tally.reviewed++;
    // Synchronous reads: a command-line run has nothing else to do meanwhile, and a promise per
    // call through the thread pool cost more than the read itself (821 migrations: 0.1 s of CPU).
    const stat = statOrUndefined(file);
    const context = await migrationFileContext(file, history, listing);
    if (!stat) {
      outcome.unreadable.push({ path: file, message: 'cannot be read' });
      continue;
    }
    const skipped = migrationSkipReason(stat.size, context.folder?.provider);
    if (skipped) {
      outcome.warnings.push({ path: file, message: `not checked: ${skipped}` });
      continue;
    }
    const text = readOrUndefined(file);
    if (text === undefined) {
      outcome.unreadable.push({ path: file, message: 'cannot be read' });
      continue;
    }
    const uri = pathToFileURL(file).toString();
    const ran = await options.host.rulesFor(file);
    // The earlier migrations are read only for a script that changes a column's type: they declare its old type.
    const analysis = options.host.migrationFindings({ uri, text }, { postgresVersion: ran.config.postgresVersion ?? POSTGRES_VERSION, newTables: context.newTables, folder: context.folder }, ran);
    if (!analysis) continue;
    outcome.report.migrationFileCount = (outcome.report.migrationFileCount ?? 0) + 1;
    for (const error of analysis.errors) outcome.ruleErrors.push(`${error.split('\n')[0]} (in ${file})`);
    for (const error of analysis.parseErrors) outcome.warnings.push({ path: file, message: `a statement does not parse, the migration rules skip it: ${error.message}` });
    outcome.report.findings.push(...reportFindings(analysis.findings, [{ uri, text, version: 0 }], outcome.report.base));
  }
  for (const tally of tallies.values()) {
    if (tally.split && tally.base.kind !== 'error') outcome.notes.push(baseLine(tally));
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function reviewFolder(folder: string, selection: MigrationSelection, known: MigrationFolder | undefined): Promise<FolderReview> {
  const listing = known ? Promise.resolve(known) : readMigrationFolder(folder);
  const base: MigrationBase = selection.all
    ? { kind: 'all', reason: selection.all }
    : await resolveMigrationBase(folder, { since: selection.since, sinceSource: selection.sinceSource, env: selection.env, onDefaultBranch: 'merge-base', withoutDefaultBranch: 'review-all' });
  const history = await historyOf(folder, base);
  if (base.kind === 'commit' && !history) return { base: { kind: 'all', reason: `git could not list ${folder} in ${base.label}`, repository: base.repository }, history, listing: await listing };
  return { base, history, listing: await listing };
}

function tallyFor(tallies: Map<string, BaseTally>, base: MigrationBase): BaseTally {
  const key = base.kind === 'commit' ? `${base.repository}\u0000${base.commit}\u0000${base.source}` : `${base.repository ?? ''}\u0000${base.kind === 'all' ? base.reason : base.message}`;
  let tally = tallies.get(key);
  if (!tally) tallies.set(key, (tally = { base, total: 0, reviewed: 0, split: false }));
  return tally;
}

/** One line for stderr: which base decided what is new, or why every migration is reviewed. */
function baseLine({ base, total, reviewed }: BaseTally): string {
  const migrations = total === 1 ? 'migration' : 'migrations';
  if (base.kind !== 'commit') return `reviewing all ${total} ${migrations}: ${base.kind === 'all' ? base.reason : base.message}`;
  return `reviewing ${reviewed} of ${total} ${migrations}, those not in ${base.label} (merge base ${base.commit.slice(0, 12)}, from ${base.source}); --all-migrations reviews every one`;
}
