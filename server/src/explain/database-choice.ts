/**
 * Picks the database for each EXPLAIN request and keeps it warm: the user's PostgreSQL when a URL is
 * known and answers (one connection, reused, closed after a quiet spell), else the embedded database
 * for the schema's DDL, with the reason for the fallback.
 */
import { connectUserDatabase, type DatabaseUrl, type UserDatabase } from './database';
import type { SqlSession } from './database-session';
import { EmbeddedDatabase, type DdlOnDatabase } from './embedded';
import type { EmbeddedCache } from './embedded-cache';
import type { EmbeddedRequestOptions } from './embedded-progress';
import type { DatabaseInfo } from '../../../shared/explain-protocol';

export type { DatabaseInfo };

/** `onProgress` and `signal` (EmbeddedRequestOptions) apply to the embedded database's stages. */
export interface DatabaseRequest extends EmbeddedRequestOptions {
  url: DatabaseUrl | undefined;
  /** Prisma's DDL for the schema; asked for only when the embedded database is used. */
  ddl: () => Promise<string | { error: string }>;
  /**
   * The DDL when it is at hand without computing it (kept in a cache): with a `schemaKey`, PGlite
   * then starts from the saved database, if there is one, instead of alongside the schema engine.
   */
  knownDdl?: () => Promise<string | undefined>;
  /**
   * Computes the DDL with the embedded database's own PGlite (Prisma's schema engine only asks it
   * for its version), so that no second PGlite starts; used instead of `ddl` with a `schemaKey`.
   */
  ddlOn?: (database: Parameters<DdlOnDatabase>[0]) => Promise<string | { error: string }>;
  /** Identifies the schema text (its files and contents), so its database is reused without computing the DDL again. */
  schemaKey?: string;
  rowsPerTable: number;
  connectTimeoutMs?: number;
}

const USER_IDLE_MS = 2 * 60_000;

export class ExplainDatabases {
  private user: { url: string; connection: Promise<UserDatabase | { error: string }>; idle?: NodeJS.Timeout } | undefined;
  private userQueue: Promise<unknown> = Promise.resolve();
  private embedded: EmbeddedDatabase | undefined;
  /** The schema text the embedded database was made for, when the request named it. */
  private embeddedKey: string | undefined;

  /** @param options.cache where the embedded database is kept between runs; none by default. */
  constructor(private readonly options: { cache?: EmbeddedCache } = {}) {}

  /** Runs `work` on the chosen database; throws only when neither database can be used. */
  async run<T>(request: DatabaseRequest, sqlTexts: readonly string[], work: (session: SqlSession, info: DatabaseInfo) => Promise<T>): Promise<T> {
    let fallbackReason: string | undefined;
    if (request.url) {
      const connection = await this.userConnection(request.url.url, request.connectTimeoutMs);
      if ('error' in connection) {
        fallbackReason = `Could not use your database (${request.url.source}): ${connection.error}${/[.?!]$/.test(connection.error) ? '' : '.'}`;
      } else {
        const info: DatabaseInfo = {
          kind: 'postgres',
          label: `${connection.label} (PostgreSQL ${connection.serverVersion})`,
          detail: `from ${request.url.source}`,
          problems: [],
        };
        return this.onUserConnection(() => work(connection.session, info));
      }
    }
    const embedded = await this.embeddedFor(request);
    const progress = { onProgress: request.onProgress, signal: request.signal };
    return embedded.use(sqlTexts, (session, timing) =>
      work(session, {
        kind: 'embedded',
        label: 'embedded PostgreSQL (PGlite)',
        detail: `generated data, ${embedded.rowsPerTable.toLocaleString('en-US')} rows per queried table`,
        fallbackReason,
        rowsPerTable: embedded.rowsPerTable,
        problems: [...embedded.problems],
        timing,
      }),
      progress,
    );
  }

  /**
   * The embedded database for the schema (started on first use). With a `schemaKey`, a new schema's
   * database starts PGlite while the schema engine computes the DDL; without one, the DDL is
   * computed first and compared.
   */
  async embeddedFor(request: Pick<DatabaseRequest, 'ddl' | 'knownDdl' | 'ddlOn' | 'rowsPerTable' | 'schemaKey'>): Promise<EmbeddedDatabase> {
    const reusable = (key: string | undefined, ddl: string | undefined): boolean =>
      this.embedded !== undefined && this.embedded.rowsPerTable === request.rowsPerTable && (key !== undefined ? this.embeddedKey === key : this.embedded.ddl === ddl);
    if (request.schemaKey !== undefined) {
      const known = request.knownDdl && !reusable(request.schemaKey, undefined) ? await request.knownDdl().catch(() => undefined) : undefined;
      // Checked again after the lookup: a request that came meanwhile may have made this database already.
      if (!reusable(request.schemaKey, undefined)) {
        const usable = (result: string | { error: string }): string => {
          if (typeof result !== 'string') throw new Error(`the embedded database cannot be set up: ${result.error}`);
          return result;
        };
        const ddlOn = request.ddlOn;
        const ddl = known !== undefined ? known : ddlOn ? async (database: Parameters<DdlOnDatabase>[0]) => usable(await ddlOn(database)) : request.ddl().then(usable);
        if (ddl instanceof Promise) ddl.catch(() => undefined);
        this.replaceEmbedded(new EmbeddedDatabase({ ddl, rowsPerTable: request.rowsPerTable, cache: this.options.cache }), request.schemaKey);
      }
      return this.embedded!;
    }
    const ddl = await request.ddl();
    if (typeof ddl !== 'string') throw new Error(`the embedded database cannot be set up: ${ddl.error}`);
    if (!reusable(undefined, ddl)) this.replaceEmbedded(new EmbeddedDatabase({ ddl, rowsPerTable: request.rowsPerTable, cache: this.options.cache }), undefined);
    return this.embedded!;
  }

  private replaceEmbedded(next: EmbeddedDatabase, key: string | undefined): void {
    const previous = this.embedded;
    this.embedded = next;
    this.embeddedKey = key;
    void previous?.close();
  }

  async dispose(): Promise<void> {
    await this.dropUser();
    await this.embedded?.close();
    this.embedded = undefined;
  }

  private async userConnection(url: string, connectTimeoutMs: number | undefined): Promise<UserDatabase | { error: string }> {
    if (this.user && this.user.url !== url) await this.dropUser();
    if (!this.user) {
      const connection = connectUserDatabase(url, { connectTimeoutMs });
      this.user = { url, connection };
    }
    const current = this.user;
    const connection = await current.connection;
    // A failed connection is retried on the next request, since the user may have just started the database.
    if ('error' in connection && this.user === current) this.user = undefined;
    else this.touchUser();
    return connection;
  }

  private onUserConnection<T>(work: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        // A broken connection is replaced on the next request.
        await this.dropUser();
        throw error;
      } finally {
        this.touchUser();
      }
    };
    const result = this.userQueue.then(run, run);
    this.userQueue = result.catch(() => undefined);
    return result;
  }

  private touchUser(): void {
    if (!this.user) return;
    if (this.user.idle) clearTimeout(this.user.idle);
    this.user.idle = setTimeout(() => void this.dropUser(), USER_IDLE_MS);
    this.user.idle.unref();
  }

  private async dropUser(): Promise<void> {
    const user = this.user;
    this.user = undefined;
    if (!user) return;
    if (user.idle) clearTimeout(user.idle);
    const connection = await user.connection;
    if (!('error' in connection)) await connection.close();
  }
}
