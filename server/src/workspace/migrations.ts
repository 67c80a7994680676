/**
 * A project's Prisma migrations on disk: where the folder is, which migrations it holds, its
 * provider, and which of them are history.
 *
 * History is what the change under review started from (`migration-base.ts`: the merge base with
 * the default branch, or a ref the user names): a migration folder in that commit has been applied
 * and cannot be edited; one that is not there is new. Tables that new migrations create are empty
 * when the later new migrations run, so statements on them are not flagged. Without git every
 * earlier migration counts as applied, and only tables created earlier in the same file are known
 * to be empty.
 */
import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { tablesCreatedBy } from '../analysis/migrations/lint';
import { resolveCommit, runGit } from './git';

export { tablesCreatedBy };
import { PRISMA_CONFIG_NAMES } from './prisma-project';

/** Larger migration files are not linted: they are data dumps, not schema changes. */
export const MAX_MIGRATION_BYTES = 5 * 1024 * 1024;

export interface MigrationFolder {
  /** Absolute path of the migrations folder. */
  folder: string;
  /** The `provider` of migration_lock.toml, when the file says. */
  provider?: string;
  /** Migration folder names in the order Prisma applies them (sorted by name). */
  migrations: string[];
}

/** True for a Prisma migration script (`migration.sql`, wherever a config puts it) or a `.sql` file inside a `migrations` folder. */
export function isMigrationSqlPath(file: string): boolean {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1] === 'migration.sql' || (/\.sql$/i.test(file) && parts.slice(0, -1).includes('migrations'));
}

/**
 * The migrations folder of a schema: `migrations.path` of the project's prisma.config.* when it
 * names one, else `migrations/` next to the schema file (or inside a multi-file schema folder).
 */
export async function migrationsFolderFor(projectRoot: string, schemaPath: string): Promise<string | undefined> {
  const candidates: string[] = [];
  for (const name of PRISMA_CONFIG_NAMES) {
    const config = path.join(projectRoot, name);
    const text = await fs.readFile(config, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const configured = migrationsPathFromPrismaConfig(text);
    if (configured) candidates.push(path.resolve(projectRoot, configured));
    break;
  }
  const stat = await fs.stat(schemaPath).catch(() => undefined);
  const schemaFolder = stat?.isDirectory() ? schemaPath : path.dirname(schemaPath);
  candidates.push(path.join(schemaFolder, 'migrations'));
  // A multi-file schema folder (`prisma/schema/`) may keep its migrations beside it (`prisma/migrations`).
  if (stat?.isDirectory()) candidates.push(path.join(path.dirname(schemaFolder), 'migrations'));
  for (const candidate of candidates) {
    if ((await fs.stat(candidate).catch(() => undefined))?.isDirectory()) return candidate;
  }
  return undefined;
}

/** `migrations: { path: '…' }` in a prisma.config file, read as text (string literals only). */
export function migrationsPathFromPrismaConfig(text: string): string | undefined {
  const code = text.replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1');
  const block = /\bmigrations\s*:\s*\{([\s\S]*?)\}/.exec(code);
  const literal = block && /\bpath\s*:\s*(['"`])((?:(?!\1).)*)\1/.exec(block[1]!);
  return literal?.[2] || undefined;
}

/** Lists a migrations folder: its migrations in order and the provider of its lock file. */
export async function readMigrationFolder(folder: string): Promise<MigrationFolder> {
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
  const migrations: string[] = [];
  // One synchronous stat per migration: a few microseconds each where an awaited one waits for the
  // thread pool (820 migrations: 30 ms of waiting, 4 ms of work).
  for (const entry of entries) {
    if (entry.isDirectory() && statSync(path.join(folder, entry.name, 'migration.sql'), { throwIfNoEntry: false })?.isFile()) migrations.push(entry.name);
  }
  migrations.sort();
  const lock = await fs.readFile(path.join(folder, 'migration_lock.toml'), 'utf8').catch(() => undefined);
  const provider = lock ? /^\s*provider\s*=\s*"([^"]*)"/m.exec(lock)?.[1] : undefined;
  return { folder, provider, migrations };
}

/**
 * What a folder named on its own is to the migration rules, by its shape on disk: one migration's
 * folder (it holds `migration.sql`), a migrations folder (it holds `<name>/migration.sql` folders or
 * a `migration_lock.toml`), or neither.
 */
export async function migrationFolderKind(folder: string): Promise<{ kind: 'migration'; file: string } | { kind: 'migrations'; listing: MigrationFolder } | undefined> {
  const file = path.join(folder, 'migration.sql');
  if ((await fs.stat(file).catch(() => undefined))?.isFile()) return { kind: 'migration', file };
  const listing = await readMigrationFolder(folder);
  if (listing.migrations.length > 0) return { kind: 'migrations', listing };
  if ((await fs.stat(path.join(folder, 'migration_lock.toml')).catch(() => undefined))?.isFile()) return { kind: 'migrations', listing };
  return undefined;
}

/**
 * Migration names present in a git commit (`HEAD` by default); undefined when git cannot tell (no
 * git, no repository, unknown ref).
 */
export async function committedMigrations(folder: string, ref = 'HEAD'): Promise<Set<string> | undefined> {
  const commit = await resolveCommit(folder, ref);
  return commit ? migrationsInCommit(folder, commit) : undefined;
}

/** Migration folder names that `commit` (already resolved) holds under `folder`; undefined when git cannot tell. */
export async function migrationsInCommit(folder: string, commit: string): Promise<Set<string> | undefined> {
  const listed = await runGit(folder, ['ls-tree', '-r', '-z', '--name-only', '--end-of-options', commit, '--', '.']);
  if (!listed.ok) return undefined;
  const names = new Set<string>();
  // Paths are relative to `folder` (git's working folder); -z keeps unusual names unquoted.
  for (const entry of listed.stdout.split('\u0000')) {
    const [first, second, extra] = entry.split('/');
    if (first && second === 'migration.sql' && extra === undefined) names.add(first);
  }
  return names;
}

/** Why a file is not linted (too large, binary, another database), or undefined when it is. */
export function migrationSkipReason(bytes: number, provider: string | undefined): string | undefined {
  if (bytes > MAX_MIGRATION_BYTES) return `it is larger than ${MAX_MIGRATION_BYTES / 1024 / 1024} MB`;
  if (provider && provider !== 'postgresql' && provider !== 'postgres') return `its migrations are for ${provider} (migration_lock.toml), and the migration rules are for PostgreSQL`;
  return undefined;
}

export interface MigrationFileContext {
  /** The migrations folder and its listing, when the file sits in one. */
  folder?: MigrationFolder;
  /** Tables created by earlier migrations that are new too (`"Name"` or `"schema"."Name"`): still empty. */
  newTables: string[];
  /** True when the migration is history: its folder is in the base commit, so it has been applied. */
  applied: boolean;
  /** How the split was decided: against a git commit, or not at all. */
  deployment: 'git' | 'unknown';
}

/**
 * The context of one migration.sql, given the migrations of the base commit (`history`): when the
 * migration is new, the tables that earlier new migrations create are still empty when it runs.
 * Reads the earlier files; `history: undefined` means there is no split (every earlier migration
 * counts as applied); `listing` saves re-reading the folder.
 */
export async function migrationFileContext(file: string, history: ReadonlySet<string> | undefined, listing?: MigrationFolder): Promise<MigrationFileContext> {
  const migrationFolder = path.dirname(file);
  const folder = listing?.folder === path.dirname(migrationFolder) ? listing : await readMigrationFolder(path.dirname(migrationFolder));
  const name = path.basename(migrationFolder);
  if (!folder.migrations.includes(name)) return { newTables: [], applied: false, deployment: 'unknown' };
  if (!history) return { folder, newTables: [], applied: false, deployment: 'unknown' };
  if (history.has(name)) return { folder, newTables: [], applied: true, deployment: 'git' };
  const newTables = new Set<string>();
  for (const earlier of folder.migrations) {
    if (earlier >= name) break;
    if (history.has(earlier)) continue;
    const text = await fs.readFile(path.join(folder.folder, earlier, 'migration.sql'), 'utf8').catch(() => '');
    if (text.length > MAX_MIGRATION_BYTES) continue;
    for (const table of tablesCreatedBy(text)) newTables.add(table);
  }
  return { folder, newTables: [...newTables], applied: false, deployment: 'git' };
}
