/**
 * The embedded PostgreSQL (PGlite) that answers EXPLAIN when the user has no database: started on
 * the first request, tables created from Prisma's DDL, each queried table filled with generated rows
 * and ANALYZEd the first time a query reads it, reused across requests and closed after a quiet spell.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { readCatalog, type Catalog } from './datagen-catalog';
import { generateRows } from './datagen';
import type { SqlSession } from './database-session';

export interface EmbeddedOptions {
  /**
   * Prisma's DDL for the schema (`CREATE TYPE`, `CREATE TABLE`, `CREATE INDEX`, foreign keys); a
   * promise lets PGlite start while the schema engine is still computing it.
   */
  ddl: string | Promise<string>;
  /** Generated rows per queried table; 100,000 by default. */
  rowsPerTable?: number;
  /** Closes the database after this long without a request; 5 minutes by default. */
  idleMs?: number;
}

export interface EmbeddedTiming {
  startMs: number;
  schemaMs: number;
  dataMs: number;
  /** Rows generated per table by this request. */
  generated: Record<string, number>;
}

export const DEFAULT_ROWS_PER_TABLE = 100_000;
const PGDATA_ARCHIVE = 'pglite-pgdata.tar.gz';
const DEFAULT_IDLE_MS = 5 * 60_000;

/** Settings that keep the embedded server small: it serves one connection and short analytical queries. */
const POSTGRES_CONF = ['shared_buffers = 32MB', 'work_mem = 8MB', 'maintenance_work_mem = 32MB', 'wal_buffers = 1MB', 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off'];

export class EmbeddedDatabase {
  private db: PGlite | undefined;
  private starting: Promise<PGlite> | undefined;
  private catalog: Catalog | undefined;
  private readonly rowCounts = new Map<string, number>();
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** Problems met while generating data (types without a generator), for the panel to show. */
  readonly problems: string[] = [];
  readonly rowsPerTable: number;

  constructor(private readonly options: EmbeddedOptions) {
    this.rowsPerTable = options.rowsPerTable ?? DEFAULT_ROWS_PER_TABLE;
  }

  /** The DDL when it was given as text; undefined while it is computed. */
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
   */
  use<T>(sqlTexts: readonly string[], work: (session: SqlSession, timing: EmbeddedTiming) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.touch();
      const timing: EmbeddedTiming = { startMs: 0, schemaMs: 0, dataMs: 0, generated: {} };
      const db = await this.start(timing);
      const session = sessionOf(db);
      await this.fillTablesOf(session, sqlTexts, timing);
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

  /** Closes PGlite and forgets its data; the next request starts afresh. */
  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const db = this.db ?? (await this.starting?.catch(() => undefined));
    this.db = undefined;
    this.starting = undefined;
    this.catalog = undefined;
    this.rowCounts.clear();
    await db?.close().catch(() => undefined);
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.close(), this.options.idleMs ?? DEFAULT_IDLE_MS);
    this.idleTimer.unref();
  }

  private async start(timing: EmbeddedTiming): Promise<PGlite> {
    if (this.db) return this.db;
    if (!this.starting) {
      this.starting = (async () => {
        let started = performance.now();
        // Loaded on first use (its CommonJS build finds pglite.wasm and pglite.data beside the bundle).
        const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
        const pgdata = await readInitialisedDataDir();
        let db: PGlite;
        try {
          db = await PGlite.create({ postgresqlconf: POSTGRES_CONF, relaxedDurability: true, ...(pgdata ? { loadDataDir: pgdata } : {}) });
        } catch (error) {
          // A data folder from another PGlite version: initialise one instead.
          if (!pgdata) throw error;
          db = await PGlite.create({ postgresqlconf: POSTGRES_CONF, relaxedDurability: true });
        }
        timing.startMs = performance.now() - started;
        started = performance.now();
        let ddl: string;
        try {
          ddl = await this.options.ddl;
        } catch (error) {
          await db.close().catch(() => undefined);
          throw error;
        }
        try {
          await db.exec(ddl);
          this.catalog = await readCatalog(sessionOf(db));
        } catch (error) {
          await db.close().catch(() => undefined);
          throw new Error(`the schema's tables could not be created in the embedded database: ${messageOf(error)}`);
        }
        timing.schemaMs = performance.now() - started;
        this.db = db;
        return db;
      })();
      this.starting.catch(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async fillTablesOf(session: SqlSession, sqlTexts: readonly string[], timing: EmbeddedTiming): Promise<void> {
    const catalog = this.catalog;
    if (!catalog) return;
    const requested = tablesNamedIn(catalog, sqlTexts).filter((key) => !this.rowCounts.has(key));
    if (requested.length === 0) return;
    const started = performance.now();
    const filled = await generateRows(session, catalog, requested, this.rowsPerTable, this.rowCounts);
    for (const [key, rows] of filled.rowCounts) this.rowCounts.set(key, rows);
    Object.assign(timing.generated, filled.generated);
    for (const problem of filled.problems) if (!this.problems.includes(problem)) this.problems.push(problem);
    timing.dataMs = performance.now() - started;
  }
}

/** The build's freshly initialised data folder (dist/pglite-pgdata.tar.gz): loading it is faster and smaller than running initdb. */
async function readInitialisedDataDir(): Promise<Blob | undefined> {
  for (const candidate of [join(__dirname, PGDATA_ARCHIVE), join(__dirname, '..', '..', '..', 'dist', PGDATA_ARCHIVE)]) {
    const bytes = await readFile(candidate).catch(() => undefined);
    if (bytes) return new Blob([bytes], { type: 'application/x-gzip' });
  }
  return undefined;
}

/** Catalog tables that appear as quoted identifiers (`"public"."posts"` or `"posts"`) in the statements. */
export function tablesNamedIn(catalog: Catalog, sqlTexts: readonly string[]): string[] {
  const found: string[] = [];
  const identifiers = new Set<string>();
  for (const sql of sqlTexts) {
    for (const match of sql.matchAll(/"((?:[^"]|"")+)"|\b([A-Za-z_][A-Za-z0-9_$]*)\b/g)) identifiers.add(match[1]?.replace(/""/g, '"') ?? match[2]!.toLowerCase());
  }
  for (const [key, table] of catalog) if (identifiers.has(table.name)) found.push(key);
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

