/**
 * A Prisma driver adapter over PGlite (PostgreSQL compiled to WebAssembly, in process), so that
 * Prisma's schema engine can run offline: it connects to a database when it starts, and replays a
 * migration history into a "shadow database" to learn the state it builds. Each shadow database is
 * a fresh PGlite instance, closed when the engine disposes of it.
 */
import type { PGlite, Results } from '@electric-sql/pglite';
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type ColumnType,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';
import { pgliteFileOptions } from './pglite-initial-data';

const ADAPTER_NAME = '@prisma-lens/pglite';

/** OIDs whose text form is passed through unparsed, the way Prisma's pg adapter hands them to its engines. */
const TEXT_PASSTHROUGH_OIDS = [20, 114, 1082, 1083, 1114, 1184, 1266, 1700, 3802];
const PASSTHROUGH_PARSERS = Object.fromEntries(TEXT_PASSTHROUGH_OIDS.map((oid) => [oid, (text: string) => text]));

/** The PostgreSQL type OIDs the schema engine's introspection reads, mapped as Prisma's pg adapter maps them. */
const COLUMN_TYPES: Record<number, ColumnType> = {
  16: ColumnTypeEnum.Boolean,
  17: ColumnTypeEnum.Bytes,
  18: ColumnTypeEnum.Character,
  19: ColumnTypeEnum.Text,
  20: ColumnTypeEnum.Int64,
  21: ColumnTypeEnum.Int32,
  23: ColumnTypeEnum.Int32,
  25: ColumnTypeEnum.Text,
  26: ColumnTypeEnum.Int64,
  114: ColumnTypeEnum.Json,
  700: ColumnTypeEnum.Float,
  701: ColumnTypeEnum.Double,
  1005: ColumnTypeEnum.Int32Array,
  1007: ColumnTypeEnum.Int32Array,
  1009: ColumnTypeEnum.TextArray,
  1015: ColumnTypeEnum.TextArray,
  1003: ColumnTypeEnum.TextArray,
  1002: ColumnTypeEnum.CharacterArray,
  1042: ColumnTypeEnum.Text,
  1043: ColumnTypeEnum.Text,
  1082: ColumnTypeEnum.Date,
  1083: ColumnTypeEnum.Time,
  1114: ColumnTypeEnum.DateTime,
  1184: ColumnTypeEnum.DateTime,
  1700: ColumnTypeEnum.Numeric,
  2950: ColumnTypeEnum.Uuid,
  3802: ColumnTypeEnum.Json,
};

type PGliteConstructor = typeof import('@electric-sql/pglite').PGlite;

/** Starts an empty in-memory PGlite, loaded on first use (its CommonJS build finds pglite.wasm beside the bundle). */
export async function startPGlite(): Promise<PGlite> {
  const { PGlite } = require('@electric-sql/pglite') as { PGlite: PGliteConstructor };
  return PGlite.create({ ...(await pgliteFileOptions()), relaxedDurability: true, postgresqlconf: ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] });
}

class PGliteQueryable {
  readonly provider = 'postgres' as const;
  readonly adapterName = ADAPTER_NAME;

  constructor(protected readonly db: PGlite) {}

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    const result = await this.run(query);
    return {
      columnNames: result.fields.map((field) => field.name),
      columnTypes: result.fields.map((field) => COLUMN_TYPES[field.dataTypeID] ?? ColumnTypeEnum.Text),
      rows: result.rows as unknown[][],
    };
  }

  async executeRaw(query: SqlQuery): Promise<number> {
    const result = await this.run(query);
    return result.affectedRows ?? result.rowCount ?? 0;
  }

  protected async run(query: SqlQuery): Promise<Results<unknown[]>> {
    try {
      return await this.db.query<unknown[]>(query.sql, query.args.map(argumentValue), { rowMode: 'array', parsers: PASSTHROUGH_PARSERS });
    } catch (error) {
      throw asDriverError(error);
    }
  }
}

class PGliteTransaction extends PGliteQueryable implements Transaction {
  readonly options = { usePhantomQuery: false };

  async commit(): Promise<void> {
    await this.db.exec('COMMIT').catch((error) => {
      throw asDriverError(error);
    });
  }

  async rollback(): Promise<void> {
    await this.db.exec('ROLLBACK').catch((error) => {
      throw asDriverError(error);
    });
  }
}

class PGliteAdapter extends PGliteQueryable implements SqlDriverAdapter {
  constructor(db: PGlite, private readonly onDispose: () => Promise<void>) {
    super(db);
  }

  async executeScript(script: string): Promise<void> {
    try {
      await this.db.exec(script);
    } catch (error) {
      throw asDriverError(error);
    }
  }

  async startTransaction(isolationLevel?: string): Promise<Transaction> {
    await this.executeScript(isolationLevel ? `BEGIN ISOLATION LEVEL ${isolationLevel}` : 'BEGIN');
    return new PGliteTransaction(this.db);
  }

  getConnectionInfo() {
    return { supportsRelationJoins: true };
  }

  dispose(): Promise<void> {
    return this.onDispose();
  }
}

/**
 * The adapter factory handed to the schema engine. The main connection is one long-lived PGlite
 * (the engine only asks it for its version); every shadow database is a new, empty PGlite.
 */
export function pgliteAdapterFactory(main: PGlite): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: 'postgres',
    adapterName: ADAPTER_NAME,
    connect: async () => new PGliteAdapter(main, async () => undefined),
    connectToShadowDb: async () => {
      const shadow = await startPGlite();
      return new PGliteAdapter(shadow, () => shadow.close().catch(() => undefined));
    },
  };
}

function argumentValue(value: unknown): unknown {
  // The engine sends 64-bit integers as strings or bigints; PostgreSQL reads either from text.
  return typeof value === 'bigint' ? value.toString() : value;
}

function asDriverError(error: unknown): DriverAdapterError {
  const pg = error as { code?: string; severity?: string; message?: string; detail?: string; hint?: string; column?: string };
  return new DriverAdapterError({
    kind: 'postgres',
    code: pg.code ?? 'N/A',
    severity: pg.severity ?? 'ERROR',
    message: pg.message ?? String(error),
    detail: pg.detail,
    column: pg.column,
    hint: pg.hint,
  });
}
