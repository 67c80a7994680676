/**
 * PGlite started on the build's freshly initialised data folder (dist/pglite-pgdata.tar.gz, made by
 * esbuild.mjs) rather than by running initdb, which takes seconds and a second WebAssembly instance.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';

const PGDATA_ARCHIVE = 'pglite-pgdata.tar.gz';

/** The gzipped tar archive beside the bundle, or, run from source (tests, benchmarks), in the repository's dist/. */
export async function readInitialisedDataArchive(): Promise<Buffer | undefined> {
  for (const candidate of [join(__dirname, PGDATA_ARCHIVE), join(__dirname, '..', '..', '..', 'dist', PGDATA_ARCHIVE)]) {
    const bytes = await readFile(candidate).catch(() => undefined);
    if (bytes) return bytes;
  }
  return undefined;
}

/** A PGlite on the initialised data folder, or initialised by initdb when there is none or it is from another PGlite version. */
export async function createInitialisedPGlite(options: PGliteOptions): Promise<PGlite> {
  // Loaded on first use (its CommonJS build finds pglite.wasm and pglite.data beside the bundle).
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  const archive = await readInitialisedDataArchive();
  if (archive) {
    try {
      return await PGlite.create({ ...options, loadDataDir: new Blob([new Uint8Array(archive)], { type: 'application/x-gzip' }) });
    } catch {
      // A data folder PGlite cannot load: initdb makes one instead.
    }
  }
  return PGlite.create(options);
}
