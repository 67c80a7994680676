/**
 * Prisma's own schema engine (`@prisma/schema-engine-wasm`, the engine behind `prisma migrate diff`),
 * run offline: its database is an in-process PGlite, so it can print the SQL Prisma Migrate would
 * generate, either for a whole schema or between two states, and replay a migration history into a
 * fresh PGlite "shadow database" to learn the state that history builds. Calls are queued: the
 * engine serves one request at a time.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type * as GlueTypes from '@prisma/schema-engine-wasm/schema_engine_bg' with { 'resolution-mode': 'import' };
import type { DiffTarget, MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg' with { 'resolution-mode': 'import' };
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { toEngineSchema, type EngineSchemaFile } from './engine-schema';
import { pgliteAdapterFactory } from './pglite-adapter';
import { createInitialisedPGlite } from './pglite-initial-data';

/** The wasm file, shipped next to dist/server.js and dist/cli.js by esbuild.mjs. */
export const SCHEMA_ENGINE_WASM = 'schema_engine_bg.wasm';

/** One migration of a history, in the order Prisma applies them (folder names sorted). */
export interface MigrationScript {
  /** The folder name, e.g. `20240101120000_init`. */
  name: string;
  /** The text of its `migration.sql`. */
  sql: string;
}

/** What a diff starts from. */
export type DiffSource =
  | { kind: 'empty' }
  | { kind: 'schema'; files: readonly EngineSchemaFile[] }
  | { kind: 'migrations'; migrations: readonly MigrationScript[]; folder?: string; lockfile?: string };

/** The engine rejected its input (an invalid schema, a migration that fails to apply). */
export class SchemaEngineError extends Error {
  override name = 'SchemaEngineError';
}

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** Drops everything a migration history may have created in the engine's own database. */
const RESET_DATABASE = [
  `DO $$ DECLARE s text; BEGIN`,
  `  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_%' LOOP`,
  `    EXECUTE format('DROP SCHEMA %I CASCADE', s);`,
  `  END LOOP;`,
  `END $$;`,
  `CREATE SCHEMA IF NOT EXISTS public;`,
].join('\n');

const INTROSPECTION_DATASOURCE = 'datasource db {\n  provider = "postgresql"\n}\n';

type Glue = typeof GlueTypes;

interface LoadedEngine {
  engine: SchemaEngine;
  database: PGlite;
}

let enginePromise: Promise<LoadedEngine> | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * The SQL Prisma Migrate would generate for the whole schema on an empty PostgreSQL database:
 * `CREATE TYPE`, `CREATE TABLE`, `CREATE INDEX` and foreign keys, in Prisma's order and layout.
 * Rejects with a {@link SchemaEngineError} carrying the engine's message when the schema is invalid.
 */
export function ddlFromEmpty(schemaFiles: readonly EngineSchemaFile[]): Promise<string> {
  return diff({ kind: 'empty' }, schemaFiles);
}

/**
 * {@link ddlFromEmpty} from a one-off engine whose database is the caller's PGlite, freed after the
 * call. For a diff from an empty database the engine only asks its database for the server version,
 * so the embedded database can lend its own: a process that explains once starts one PGlite, not two.
 */
export async function ddlFromEmptyOn(database: PGlite, schemaFiles: readonly EngineSchemaFile[]): Promise<string> {
  const glue = loadGlue();
  const adapter = bindMigrationAwareSqlAdapterFactory(pgliteAdapterFactory(database));
  const engine = await engineCall(() => glue.SchemaEngine.new({ datamodels: undefined }, () => undefined, adapter));
  try {
    const result = await engineCall(() =>
      engine.diff({ from: { tag: 'empty' }, to: schemaTarget(schemaFiles), script: true, exitCode: null, filters: NO_FILTERS }),
    );
    return normalizeScript(result.stdout ?? '');
  } finally {
    engine.free();
  }
}

/**
 * The SQL of the migration Prisma would generate to go from `from` to the schema `toSchemaFiles`
 * (`prisma migrate diff --script`). An empty string when nothing would change.
 */
export function diff(from: DiffSource, toSchemaFiles: readonly EngineSchemaFile[]): Promise<string> {
  return enqueue(async ({ engine }) => {
    const result = await engineCall(() =>
      engine.diff({ from: targetOf(from), to: schemaTarget(toSchemaFiles), script: true, exitCode: null, filters: NO_FILTERS }),
    );
    return normalizeScript(result.stdout ?? '');
  });
}

/**
 * The Prisma schema of the state a migration history builds: the migrations are applied in order
 * to the engine's own empty PGlite database, which is then introspected (`prisma db pull`). Diffing
 * from this schema gives the same SQL as diffing from the migrations, at a fraction of the cost, so
 * callers compute it once per history and reuse it for every edit.
 * Rejects with a {@link SchemaEngineError} naming the migration that failed to apply.
 */
export function schemaFromMigrations(migrations: readonly MigrationScript[]): Promise<string> {
  return enqueue(async ({ engine, database }) => {
    await database.exec(RESET_DATABASE);
    for (const migration of migrations) {
      try {
        await database.exec(migration.sql);
      } catch (error) {
        throw new SchemaEngineError(`Migration \`${migration.name}\` failed to apply to an empty PostgreSQL database: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const result = await engineCall(() =>
      engine.introspect({ schema: { files: [{ path: 'schema.prisma', content: INTROSPECTION_DATASOURCE }] }, baseDirectoryPath: '/', force: true, compositeTypeDepth: -1, namespaces: null }),
    );
    await database.exec(RESET_DATABASE);
    return result.schema.files.map((file) => file.content).join('\n');
  });
}

/** Closes the engine and its database; the next call starts them again. */
export async function disposeSchemaEngine(): Promise<void> {
  const loading = enginePromise;
  enginePromise = undefined;
  if (!loading) return;
  const loaded = await loading.catch(() => undefined);
  if (!loaded) return;
  loaded.engine.free();
  await loaded.database.close().catch(() => undefined);
}

function targetOf(source: DiffSource): DiffTarget {
  switch (source.kind) {
    case 'empty':
      return { tag: 'empty' };
    case 'schema':
      return schemaTarget(source.files);
    case 'migrations':
      return { tag: 'migrations', ...migrationList(source.migrations, source.folder, source.lockfile) };
  }
}

function schemaTarget(files: readonly EngineSchemaFile[]): DiffTarget {
  return { tag: 'schemaDatamodel', files: toEngineSchema(files).map((file) => ({ path: file.path, content: file.text })) };
}

function migrationList(migrations: readonly MigrationScript[], folder = '/migrations', lockfile?: string): MigrationList {
  return {
    baseDir: folder,
    // The engine learns the connector from the lock file; Prisma Lens reads PostgreSQL histories.
    lockfile: { path: 'migration_lock.toml', content: lockfile ?? 'provider = "postgresql"\n' },
    shadowDbInitScript: '',
    migrationDirectories: migrations.map((migration) => ({
      path: migration.name,
      migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: migration.sql } },
    })),
  };
}

/** An empty diff comes back as a lone `-- This is an empty migration.` comment; callers get '' instead. */
function normalizeScript(script: string): string {
  return /^\s*-- This is an empty migration\.\s*$/.test(script) ? '' : script;
}

function enqueue<T>(work: (loaded: LoadedEngine) => Promise<T>): Promise<T> {
  const run = async () => work(await loadEngine());
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

async function engineCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const panic = panicRegistry.message;
    panicRegistry.message = '';
    throw new SchemaEngineError(panic ? `Prisma's schema engine crashed: ${panic}` : engineMessage(error));
  }
}

/** The engine's errors are JSON-ish texts; the user-facing part is kept. */
function engineMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(text) as { message?: string; error?: string };
    return parsed.message ?? parsed.error ?? text;
  } catch {
    return text;
  }
}

function loadEngine(): Promise<LoadedEngine> {
  enginePromise ??= (async () => {
    const glue = loadGlue();
    // The engine only asks its own database for the version; one started from the build's
    // initialised data folder is ready in a fraction of initdb's time.
    const database = await createInitialisedPGlite({ relaxedDurability: true, postgresqlconf: ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] });
    try {
      const adapter = bindMigrationAwareSqlAdapterFactory(pgliteAdapterFactory(database));
      const engine = await glue.SchemaEngine.new({ datamodels: undefined }, () => undefined, adapter);
      return { engine, database };
    } catch (error) {
      await database.close().catch(() => undefined);
      throw new SchemaEngineError(`Prisma's schema engine did not start: ${engineMessage(error)}`);
    }
  })();
  // A failed start is retried on the next request rather than cached forever.
  enginePromise.catch(() => (enginePromise = undefined));
  return enginePromise;
}

let glueLoaded = false;

/** The message of the last Rust panic, if one happened since the last call; panics surface as uncaught `unreachable` errors. */
export function panicMessage(): string {
  return panicRegistry.message;
}

/** Where the wasm glue leaves the message of a Rust panic before the call fails, as Prisma's CLI sets it up. */
interface PanicRegistry {
  message: string;
  set_message(message: string): void;
}

const panicRegistry: PanicRegistry = {
  message: '',
  set_message(message: string) {
    this.message = message;
  },
};

/** Instantiates the wasm module once per process (or worker thread). */
function loadGlue(): Glue {
  // The package is an ES module; the bundler (and tsx in tests) turn this require into its namespace.
  const glue = require('@prisma/schema-engine-wasm/schema_engine_bg') as Glue;
  if (!glueLoaded) {
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }).PRISMA_WASM_PANIC_REGISTRY = panicRegistry;
    const module = new WebAssembly.Module(readFileSync(wasmPath()));
    const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    glueLoaded = true;
  }
  return glue;
}

function wasmPath(): string {
  const bundled = path.join(__dirname, SCHEMA_ENGINE_WASM);
  if (existsSync(bundled)) return bundled;
  // Run from source (tests, benchmarks): the package in the repository's node_modules.
  return path.join(__dirname, '..', '..', '..', 'node_modules', '@prisma', 'schema-engine-wasm', SCHEMA_ENGINE_WASM);
}
