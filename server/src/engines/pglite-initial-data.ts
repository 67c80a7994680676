/**
 * PGlite started on the build's freshly initialised data folder (dist/pglite-pgdata.tar.gz, made by
 * esbuild.mjs) rather than by running initdb, which takes seconds and a second WebAssembly instance;
 * and PGlite's own files as the build or the .vsix leaves them beside the bundle.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip } from 'node:zlib';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';

const PGDATA_ARCHIVE = 'pglite-pgdata.tar.gz';

/**
 * The name of the brotli-compressed copy of a file that the .vsix ships instead of the file itself
 * (scripts/compress-package-assets.mjs): about a third of the size of its zip entry, for the files
 * whose zip entries are largest. A gzipped tar archive's copy holds the tar archive itself.
 */
export function compressedCopyName(name: string): string {
  return name.endsWith('.tar.gz') ? `${name.slice(0, -'.gz'.length)}.br` : `${name}.br`;
}

/**
 * A file beside the bundle, or its compressed copy unpacked, or, run from source (tests,
 * benchmarks), the one in the repository's dist/; gzipped files are returned unpacked too.
 */
async function readBesideBundle(name: string): Promise<Buffer | undefined> {
  for (const folder of [__dirname, join(__dirname, '..', '..', '..', 'dist')]) {
    const bytes = await readFile(join(folder, name)).catch(() => undefined);
    if (bytes) return name.endsWith('.gz') ? gunzipInOneChunk(bytes) : bytes;
    const compressed = await readFile(join(folder, compressedCopyName(name))).catch(() => undefined);
    if (compressed) return promisify(brotliDecompress)(compressed);
  }
  return undefined;
}

async function gunzipInOneChunk(archive: Buffer): Promise<Buffer> {
  // One output chunk as large as the gzip trailer says the data is: zlib then hands it over as it
  // is, where its default 16 kB chunks are copied once more into one buffer at the end.
  const size = archive.length >= 4 ? archive.readUInt32LE(archive.length - 4) : 0;
  return promisify(gunzip)(archive, { chunkSize: Math.min(Math.max(size + 1, 64 * 1024), 1 << 28) });
}

/** The initialised data folder as a tar archive, or undefined when the build made none. */
export function readInitialisedDataTar(): Promise<Buffer | undefined> {
  return readBesideBundle(PGDATA_ARCHIVE);
}

type PGliteFiles = Pick<PGliteOptions, 'pgliteWasmModule' | 'fsBundle'>;
let pgliteFiles: Promise<PGliteFiles> | undefined;

/**
 * The options that hand PGlite its WebAssembly module and file-system bundle when only their
 * compressed copies are beside the bundle (the .vsix); none when PGlite finds the files itself.
 * The module is compiled once per process (or thread) and shared by every PGlite it starts.
 */
export function pgliteFileOptions(): Promise<PGliteFiles> {
  pgliteFiles ??= (async () => {
    const options: PGliteFiles = {};
    if (!(await exists(join(__dirname, 'pglite.wasm')))) {
      const wasm = await readCompressedCopy('pglite.wasm');
      if (wasm) options.pgliteWasmModule = await WebAssembly.compile(new Uint8Array(wasm));
    }
    if (!(await exists(join(__dirname, 'pglite.data')))) {
      const data = await readCompressedCopy('pglite.data');
      if (data) options.fsBundle = new Blob([new Uint8Array(data)]);
    }
    return options;
  })();
  return pgliteFiles;
}

function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

async function readCompressedCopy(name: string): Promise<Buffer | undefined> {
  const compressed = await readFile(join(__dirname, compressedCopyName(name))).catch(() => undefined);
  return compressed && promisify(brotliDecompress)(compressed);
}

/** A PGlite on the initialised data folder, or initialised by initdb when there is none or it is from another PGlite version. */
export async function createInitialisedPGlite(options: PGliteOptions): Promise<PGlite> {
  // Loaded on first use (its CommonJS build finds pglite.wasm and pglite.data beside the bundle).
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  const files = await pgliteFileOptions();
  const archive = await readInitialisedDataTar();
  if (archive) {
    try {
      return await PGlite.create({ ...options, ...files, loadDataDir: new Blob([new Uint8Array(archive)], { type: 'application/x-tar' }) });
    } catch {
      // A data folder PGlite cannot load: initdb makes one instead.
    }
  }
  return PGlite.create({ ...options, ...files });
}
