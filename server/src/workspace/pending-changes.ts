/**
 * What Prisma Migrate would generate next for a schema, and its hazards at the schema lines: the
 * baseline is the state the project's migrations build (replayed once per history in the schema
 * engine's PGlite, then cached as an introspected schema), or, without a migrations folder, the
 * schema of the last commit (`git show HEAD:…`). Each computation diffs the baseline with the
 * current text in the schema engine's worker thread and lints the SQL.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSqlParser } from '../analysis/migrations/lint';
import { pendingFindings, type PendingResult } from '../analysis/pending/schema-hazards';
import { buildSchema } from '../analysis/schema/build';
import type { PrismaSchema, SchemaFile } from '../analysis/schema/model';
import type { DiffSource, MigrationScript } from '../engines/schema-engine';
import type { SchemaEngineThread } from '../engines/schema-engine-thread';
import { runGit } from './git';
import { committedMigrations, MAX_MIGRATION_BYTES, migrationsFolderFor, readMigrationFolder, tablesCreatedBy } from './migrations';

/** Where the baseline came from, for the user and for logs. */
export type PendingBaseline =
  | { kind: 'migrations'; folder: string; count: number }
  | { kind: 'git'; ref: 'HEAD' }
  | { kind: 'none'; reason: string };

export interface PendingReport extends PendingResult {
  /** The SQL Prisma Migrate would generate next ('' when nothing is pending). */
  sql: string;
  baseline: PendingBaseline;
  /** A problem the user should see (a migration that does not apply); undefined when all went well. */
  problem?: string;
}

export interface PendingProject {
  /** The folder Prisma's CLI would run in. */
  projectRoot: string;
  /** The schema file, or the folder of a multi-file schema. */
  schemaPath: string;
  /** The schema's files with their current text (open documents win over disk). */
  files: readonly SchemaFile[];
}

interface CachedBaseline {
  fingerprint: string;
  schemaText: Promise<string>;
}

export class PendingChanges {
  private readonly baselines = new Map<string, CachedBaseline>();

  constructor(private readonly engine: SchemaEngineThread) {}

  /**
   * The pending changes of one schema, or undefined when `isCancelled` turned true meanwhile.
   * Never throws: engine and file problems come back in `problem` or `errors`.
   */
  async compute(project: PendingProject, isCancelled: () => boolean = () => false): Promise<PendingReport | undefined> {
    const schema = buildSchema(project.files);
    const empty = (baseline: PendingBaseline, problem?: string): PendingReport => ({ findings: [], sqlFindings: [], errors: [], sql: '', baseline, problem });
    if (schema.datasource?.provider !== 'postgresql') return empty({ kind: 'none', reason: 'the schema does not use PostgreSQL' });
    const engineFiles = project.files.map((file) => ({ path: displayPath(file.uri), text: file.text }));
    let from: DiffSource;
    let baseline: PendingBaseline;
    let baselineSchema: PrismaSchema | undefined;
    let newTables: string[] = [];
    try {
      const folder = await migrationsFolderFor(project.projectRoot, project.schemaPath);
      if (folder) {
        const history = await readHistory(folder);
        baseline = { kind: 'migrations', folder, count: history.migrations.length };
        newTables = history.newTables;
        const schemaText = await this.baselineOf(folder, history.migrations);
        if (isCancelled()) return undefined;
        from = { kind: 'schema', files: [{ path: 'migrations.prisma', text: schemaText }] };
        baselineSchema = buildSchema([{ uri: 'prisma-lens:baseline/migrations.prisma', text: schemaText }]);
      } else {
        const committed = await committedSchema(project.files);
        if (!committed) return empty({ kind: 'none', reason: 'there is no migrations folder and the schema is not committed to git' });
        baseline = { kind: 'git', ref: 'HEAD' };
        from = { kind: 'schema', files: committed.map((file) => ({ path: displayPath(file.uri), text: file.text })) };
        baselineSchema = buildSchema(committed.map((file) => ({ uri: `prisma-lens:baseline/${displayPath(file.uri)}`, text: file.text })));
      }
    } catch (error) {
      return empty({ kind: 'none', reason: 'the baseline could not be built' }, messageOf(error));
    }
    if (isCancelled()) return undefined;
    let sql: string;
    try {
      sql = await this.engine.diff(from, engineFiles);
    } catch (error) {
      // An invalid schema (half-typed) is Prisma's own extension's to report; nothing is pending until it is valid.
      return { ...empty(baseline), errors: [`schema engine: ${messageOf(error)}`] };
    }
    if (isCancelled()) return undefined;
    await loadSqlParser();
    const result = pendingFindings({ schema, baseline: baselineSchema, sql, newTables });
    return { ...result, sql, baseline };
  }

  /** The introspected schema of a migration history, computed once per history (names and contents). */
  private baselineOf(folder: string, migrations: readonly MigrationScript[]): Promise<string> {
    const hash = createHash('sha256');
    for (const migration of migrations) hash.update(migration.name).update('\0').update(migration.sql).update('\0');
    const fingerprint = hash.digest('hex');
    const cached = this.baselines.get(folder);
    if (cached?.fingerprint === fingerprint) return cached.schemaText;
    const schemaText = this.engine.schemaFromMigrations(migrations);
    const entry = { fingerprint, schemaText };
    this.baselines.set(folder, entry);
    // A failed replay is retried on the next computation (the user may be fixing the migration).
    schemaText.catch(() => {
      if (this.baselines.get(folder) === entry) this.baselines.delete(folder);
    });
    return schemaText;
  }
}

interface History {
  migrations: MigrationScript[];
  /** Tables created by migrations that are not committed (not deployed): still empty. */
  newTables: string[];
}

async function readHistory(folder: string): Promise<History> {
  const listing = await readMigrationFolder(folder);
  const migrations: MigrationScript[] = [];
  for (const name of listing.migrations) {
    const file = path.join(folder, name, 'migration.sql');
    const size = (await fs.stat(file)).size;
    if (size > MAX_MIGRATION_BYTES) throw new Error(`migration \`${name}\` is larger than ${MAX_MIGRATION_BYTES / 1024 / 1024} MB`);
    migrations.push({ name, sql: await fs.readFile(file, 'utf8') });
  }
  const committed = await committedMigrations(folder);
  const newTables = committed ? migrations.filter((migration) => !committed.has(migration.name)).flatMap((migration) => tablesCreatedBy(migration.sql)) : [];
  return { migrations, newTables };
}

/** The schema's files as the last commit has them; files not in it are left out; undefined when none is. */
async function committedSchema(files: readonly SchemaFile[]): Promise<SchemaFile[] | undefined> {
  const committed: SchemaFile[] = [];
  for (const file of files) {
    if (!file.uri.startsWith('file:')) continue;
    const absolute = fileURLToPath(file.uri);
    const text = await gitShow(path.dirname(absolute), `HEAD:./${path.basename(absolute)}`);
    if (text !== undefined) committed.push({ uri: file.uri, text });
  }
  return committed.length ? committed : undefined;
}

/** A blob of the last commit, through the read-only git runner: a hostile repository's config runs nothing. */
async function gitShow(cwd: string, object: string): Promise<string | undefined> {
  const result = await runGit(cwd, ['show', object]);
  return result.ok ? result.stdout : undefined;
}

function displayPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
