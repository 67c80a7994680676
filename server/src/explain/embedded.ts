/**
 * The embedded PostgreSQL (PGlite) that answers EXPLAIN when the user has no database: started on
 * the first request, tables created from Prisma's DDL, each queried table filled with generated rows
 * and ANALYZEd the first time a query reads it, reused across requests and closed after a quiet spell.
 * With a cache folder, the database is saved once its tables are filled, before any statement from
 * the workspace runs in it, and a later process starts from that copy instead of building it again.
 */
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
// The package's exports leave out its package.json; the bundle inlines this file at build time.
import pglitePackage from '../../../node_modules/@electric-sql/pglite/package.json';
import { createInitialisedPGlite, pgliteFileOptions, readInitialisedDataTar } from '../engines/pglite-initial-data';
import { readCatalog, type Catalog } from './datagen-catalog';
import { DATAGEN_VERSION, generateRows } from './datagen';
import type { SqlSession } from './database-session';
import type { EmbeddedCache } from './embedded-cache';
import { growFilesByDoubling } from './embedded-memfs';
import { DEFAULT_ROWS_PER_TABLE } from './embedded-rows';
import { progressReporter, type EmbeddedProgress, type EmbeddedRequestOptions, type EmbeddedStage } from './embedded-progress';
import { decodeSnapshot, encodeSnapshot, snapshotFileSystem, snapshotFromTar, SNAPSHOT_FORMAT, takeSnapshot, type Snapshot } from './embedded-snapshot';
import type { EmbeddedTiming } from '../../../shared/explain-protocol';

export type { EmbeddedTiming };

export interface EmbeddedOptions {
  /**
   * Prisma's DDL for the schema (`CREATE TYPE`, `CREATE TABLE`, `CREATE INDEX`, foreign keys); a
   * promise lets PGlite start while the schema engine is still computing it; a function computes it
   * once PGlite runs, with that PGlite lent to it (Prisma's schema engine only asks it for its version).
   */
  ddl: string | Promise<string> | DdlOnDatabase;
  /** Generated rows per queried table; 100,000 by default. */
  rowsPerTable?: number;
  /** Closes the database after this long without a request; 5 minutes by default. */
  idleMs?: number;
  /** Where built databases are kept between runs; without one, every start builds the database anew. */
  cache?: EmbeddedCache;
}

export { DEFAULT_ROWS_PER_TABLE };
const DEFAULT_IDLE_MS = 5 * 60_000;

/**
 * Settings that keep the embedded server small: it serves one connection and short analytical
 * queries. With `wal_level = minimal`, a table filled in the transaction that gave it a new file
 * writes no WAL (datagen.ts), nor does an index built by REINDEX.
 */
const POSTGRES_CONF = [
  'shared_buffers = 32MB', 'work_mem = 8MB', 'maintenance_work_mem = 32MB', 'wal_buffers = 1MB', 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off',
  'wal_level = minimal', 'max_wal_senders = 0',
];

/** Computes the DDL with the embedded database's PGlite lent for reads; the database has run nothing else yet. */
export type DdlOnDatabase = (database: PGlite) => Promise<string>;

type Report = (stage: EmbeddedStage, extra?: Pick<EmbeddedProgress, 'detail' | 'fromCache'>) => void;

export class EmbeddedDatabase {
  private db: PGlite | undefined;
  private starting: Promise<PGlite> | undefined;
  private catalog: Catalog | undefined;
  /** Table names by catalog key: from the catalog, or from a saved copy, whose catalog is read only when a table must be filled. */
  private tableNames: ReadonlyMap<string, string> = new Map();
  private readonly rowCounts = new Map<string, number>();
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The cache key of the built database, once the DDL is known (and a cache is given). */
  private cacheKey: string | undefined;
  /**
   * Set before the first request's work runs: from then on statements from the workspace may have
   * run in this instance, so it is never saved again.
   */
  private tainted = false;
  /** Cache writes in flight; closing waits for them, so a process that explains once keeps what it built. */
  private saving: Promise<unknown> = Promise.resolve();
  /** Problems met while generating data (types without a generator), for the panel to show. */
  readonly problems: string[] = [];
  readonly rowsPerTable: number;

  constructor(private readonly options: EmbeddedOptions) {
    this.rowsPerTable = options.rowsPerTable ?? DEFAULT_ROWS_PER_TABLE;
  }

  /** The DDL when it was given as text; undefined when it is computed. */
  get ddl(): string | undefined {
    return typeof this.options.ddl === 'string' ? this.options.ddl : undefined;
  }

  get isRunning(): boolean {
    return this.db !== undefined;
  }

  /** Rows each filled table holds. */
  get filledTables(): ReadonlyMap<string, number> {
    return this.rowCounts;
  }

  /**
   * Runs `work` with exclusive use of the database, after making sure the tables `sql` reads are
   * filled. Requests queue, so one's PREPARE and transaction never interleave with another's.
   * Progress is reported at the start of each stage; an aborted signal stops the request between stages.
   */
  use<T>(sqlTexts: readonly string[], work: (session: SqlSession, timing: EmbeddedTiming) => Promise<T>, options: EmbeddedRequestOptions = {}): Promise<T> {
    const report = progressReporter(options);
    const run = async (): Promise<T> => {
      options.signal?.throwIfAborted();
      this.touch();
      const timing: EmbeddedTiming = { startMs: 0, schemaMs: 0, dataMs: 0, generated: {}, fromCache: false, saved: false };
      const db = await this.start(timing, report);
      options.signal?.throwIfAborted();
      const session = sessionOf(db);
      await this.fillTablesOf(db, session, sqlTexts, timing, report, options.signal);
      options.signal?.throwIfAborted();
      report('planning');
      this.tainted = true;
      try {
        return await work(session, timing);
      } finally {
        this.touch();
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Closes PGlite and forgets its data; the next request starts afresh. Waits for cache writes in flight. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const db = this.db ?? (await this.starting?.catch(() => undefined));
    this.db = undefined;
    this.starting = undefined;
    this.catalog = undefined;
    this.tableNames = new Map();
    this.rowCounts.clear();
    this.tainted = false;
    await Promise.all([db?.close().catch(() => undefined), this.saving.catch(() => undefined)]);
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), this.options.idleMs ?? DEFAULT_IDLE_MS);
    this.idleTimer.unref();
  }

  private start(timing: EmbeddedTiming, report: Report): Promise<PGlite> {
    if (this.db) return Promise.resolve(this.db);
    if (!this.starting) {
      this.starting = this.open(timing, report).then((db) => (this.db = db));
      this.starting.catch(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  /** A database with the schema's tables: the saved copy when the cache has one, else a fresh PGlite and the DDL. */
  private async open(timing: EmbeddedTiming, report: Report): Promise<PGlite> {
    const started = performance.now();
    const source = this.options.ddl;
    let fresh: Promise<PGlite> | undefined;
    if (typeof source !== 'string') {
      // PGlite starts while the DDL is computed; it is unused when the cache has the database.
      report(typeof source === 'function' ? 'starting' : 'compiling');
      fresh = this.createFresh();
      fresh.catch(() => undefined);
    }
    let ddl: string;
    try {
      if (typeof source === 'function') {
        const lent = await fresh!;
        report('compiling');
        ddl = await source(lent);
      } else {
        ddl = await source;
      }
    } catch (error) {
      void fresh?.then((db) => db.close()).catch(() => undefined);
      throw error;
    }
    this.cacheKey = this.options.cache ? databaseCacheKey(ddl, this.rowsPerTable) : undefined;
    if (await this.hasSaved()) {
      report('starting', { detail: 'from the cache', fromCache: true });
      // PGlite loads its WebAssembly while the saved copy is read and checked.
      const saved = this.readSaved();
      const db = await this.createFromSnapshot(saved).catch(() => undefined);
      const snapshot = await saved.catch(() => undefined);
      if (db && snapshot) {
        void fresh?.then((unused) => unused.close()).catch(() => undefined);
        timing.startMs = performance.now() - started;
        timing.fromCache = true;
        this.tableNames = snapshot.tableNames;
        for (const [key, rows] of snapshot.tables) this.rowCounts.set(key, rows);
        for (const problem of snapshot.problems) if (!this.problems.includes(problem)) this.problems.push(problem);
        return db;
      }
      await db?.close().catch(() => undefined);
      // A copy that is corrupt, foreign or that PostgreSQL cannot start from is dropped; this run builds and saves a new one.
      await this.options.cache!.remove('database', this.cacheKey!);
    }
    if (!fresh || typeof source !== 'function') report('starting');
    const db = await (fresh ?? this.createFresh());
    timing.startMs = performance.now() - started;
    const schemaStarted = performance.now();
    report('creating-tables');
    try {
      await db.exec(ddl);
      this.catalog = await readCatalog(sessionOf(db));
      this.tableNames = new Map([...this.catalog].map(([key, table]) => [key, table.name]));
    } catch (error) {
      await db.close().catch(() => undefined);
      throw new Error(`the schema's tables could not be created in the embedded database: ${messageOf(error)}`);
    }
    timing.schemaMs = performance.now() - schemaStarted;
    return db;
  }

  /**
   * PGlite on the build's initialised data folder, unpacked here rather than by PGlite's own tar
   * loader (which copies every file twice) while PGlite loads its WebAssembly; PGlite's loader, or
   * initdb, only when that fails.
   */
  private async createFresh(): Promise<PGlite> {
    const initial = readInitialisedDataTar().then((archive) => {
      if (!archive) throw new Error('no initialised data folder beside the bundle');
      return snapshotFromTar(archive);
    });
    try {
      return await this.createFromSnapshot(initial);
    } catch {
      const db = await createInitialisedPGlite({ postgresqlconf: POSTGRES_CONF, relaxedDurability: true });
      growFilesByDoubling(db);
      return db;
    }
  }

  private async createFromSnapshot(snapshot: Promise<Snapshot>): Promise<PGlite> {
    // The file system rejects the start when the snapshot cannot be read; the caller sees that rejection.
    snapshot.catch(() => undefined);
    const pglite = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
    const db = await pglite.PGlite.create({ ...(await pgliteFileOptions()), postgresqlconf: POSTGRES_CONF, relaxedDurability: true, fs: snapshotFileSystem(pglite.MemoryFS, snapshot) });
    growFilesByDoubling(db);
    return db;
  }

  private async hasSaved(): Promise<boolean> {
    return this.options.cache !== undefined && this.cacheKey !== undefined && (await this.options.cache.has('database', this.cacheKey));
  }

  /** The saved database of this key; rejects when the file is gone, corrupt or foreign. */
  private async readSaved(): Promise<Snapshot> {
    const bytes = await this.options.cache!.read('database', this.cacheKey!);
    const snapshot = bytes && decodeSnapshot(bytes, this.cacheKey!);
    if (!snapshot) throw new Error('the saved database cannot be used');
    return snapshot;
  }

  private async fillTablesOf(db: PGlite, session: SqlSession, sqlTexts: readonly string[], timing: EmbeddedTiming, report: Report, signal: AbortSignal | undefined): Promise<void> {
    const requested = tablesNamedIn(this.tableNames, sqlTexts).filter((key) => !this.rowCounts.has(key));
    if (requested.length === 0) return;
    this.catalog ??= await readCatalog(session);
    const catalog = this.catalog;
    const started = performance.now();
    const filled = await generateRows(session, catalog, requested, this.rowsPerTable, this.rowCounts, {
      signal,
      onTable: (table, position, count) => report('generating-rows', { detail: `${catalog.get(table)?.name ?? table}, ${position} of ${count} ${count === 1 ? 'table' : 'tables'}` }),
      onAnalyze: () => report('analyzing'),
    });
    for (const [key, rows] of filled.rowCounts) this.rowCounts.set(key, rows);
    Object.assign(timing.generated, filled.generated);
    for (const problem of filled.problems) if (!this.problems.includes(problem)) this.problems.push(problem);
    timing.dataMs = performance.now() - started;
    if (Object.keys(filled.generated).length > 0) await this.save(db, timing, report);
  }

  /**
   * Saves the database to the cache folder: only while every statement it has run came from Prisma
   * Lens itself (the DDL, the generated rows, ANALYZE). The data folder is copied now, before the
   * request's work; the file is written while the work runs.
   */
  private async save(db: PGlite, timing: EmbeddedTiming, report: Report): Promise<void> {
    const cache = this.options.cache;
    const key = this.cacheKey;
    if (!cache || !key || this.tainted) return;
    report('saving');
    let chunks: Uint8Array[];
    try {
      chunks = encodeSnapshot(await takeSnapshot(db, { tables: this.rowCounts, tableNames: this.tableNames, problems: this.problems }), key);
    } catch {
      return;
    }
    timing.saved = true;
    const written = cache.write('database', key, chunks);
    const previous = this.saving;
    this.saving = Promise.all([previous, written]);
  }
}

/**
 * The cache key of a built database: everything its files depend on (PGlite's version, the data
 * generator, the server settings, the rows per table, the DDL) and the file format.
 */
export function databaseCacheKey(ddl: string, rowsPerTable: number): string {
  const inputs = ['embedded-database', SNAPSHOT_FORMAT, pglitePackage.version, DATAGEN_VERSION, POSTGRES_CONF, rowsPerTable, ddl];
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** The keys of the tables (key → name) whose names appear as identifiers (`"public"."posts"`, `"posts"`, `posts`) in the statements. */
export function tablesNamedIn(tableNames: ReadonlyMap<string, string>, sqlTexts: readonly string[]): string[] {
  const found: string[] = [];
  const identifiers = new Set<string>();
  for (const sql of sqlTexts) {
    for (const match of sql.matchAll(/"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_$]*)\b/g)) identifiers.add(match[1]?.replace(/""/g, '"') ?? match[2]!.toLowerCase());
  }
  for (const [key, name] of tableNames) if (identifiers.has(name)) found.push(key);
  return found;
}

export function sessionOf(db: PGlite): SqlSession {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
      const result = await db.query<Row>(sql, params ? [...params] : undefined);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
    async reset(): Promise<void> {
      await db.exec('DISCARD ALL');
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

