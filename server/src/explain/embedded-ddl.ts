/**
 * Prisma's DDL for the embedded database, kept in the cache folder per schema text: Prisma's schema
 * engine (seconds on a cold start: its WebAssembly and a PGlite of its own) then runs once per
 * schema instead of once per run.
 */
import { createHash } from 'node:crypto';
// The package's exports leave out its package.json; the bundle inlines this file at build time.
import schemaEnginePackage from '../../../node_modules/@prisma/schema-engine-wasm/package.json';
import { toEngineSchema, type EngineSchemaFile } from '../engines/engine-schema';
import type { EmbeddedCache } from './embedded-cache';

const FORMAT = 1;

interface DdlEntry {
  format: number;
  key: string;
  ddl: string;
}

/**
 * The cache key of a schema's DDL: the engine's version and the text it reads (connection URLs
 * blanked, since they change nothing in the DDL); file paths are left out, so a copy of a project
 * finds the DDL of the original.
 */
export function schemaDdlKey(files: readonly EngineSchemaFile[]): string {
  const texts = toEngineSchema(files).map((file) => file.text);
  return createHash('sha256').update(JSON.stringify([FORMAT, schemaEnginePackage.version, texts])).digest('hex');
}

/** The schema's DDL when the cache has it: a file read, where computing it takes the schema engine. */
export async function readCachedSchemaDdl(files: readonly EngineSchemaFile[], cache: EmbeddedCache | undefined): Promise<string | undefined> {
  if (!cache) return undefined;
  const key = schemaDdlKey(files);
  return decodeDdl(await cache.read('ddl', key), key);
}

/** The schema's DDL from the cache, else from `compute`, then kept; an error of `compute` is not kept. */
export async function cachedSchemaDdl(
  files: readonly EngineSchemaFile[],
  cache: EmbeddedCache | undefined,
  compute: (files: readonly EngineSchemaFile[]) => Promise<string>,
): Promise<string> {
  const cached = await readCachedSchemaDdl(files, cache);
  if (cached !== undefined || !cache) return cached ?? compute(files);
  const key = schemaDdlKey(files);
  const ddl = await compute(files);
  const entry: DdlEntry = { format: FORMAT, key, ddl };
  await cache.write('ddl', key, [Buffer.from(JSON.stringify(entry), 'utf8')]);
  return ddl;
}

function decodeDdl(bytes: Buffer | undefined, key: string): string | undefined {
  if (!bytes) return undefined;
  try {
    const entry = JSON.parse(bytes.toString('utf8')) as Partial<DdlEntry>;
    return entry.format === FORMAT && entry.key === key && typeof entry.ddl === 'string' ? entry.ddl : undefined;
  } catch {
    return undefined;
  }
}
