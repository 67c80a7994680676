/**
 * Writes the brotli-compressed copies of the largest files the .vsix ships (PGlite's WebAssembly,
 * its file-system bundle and the initialised data folder), which the package holds instead of the
 * files (.vscodeignore) and the language server unpacks in memory on first use
 * (server/src/engines/pglite-initial-data.ts). Brotli's 16 MB window finds what zip's deflate
 * cannot: the data folder's three near-identical databases shrink from 4.4 MB to 1.3 MB.
 * A copy made from the same bytes is kept (dist/compressed-copies.json records their hashes): the
 * best compression takes a minute per file, and every build copies the files anew.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gunzipSync } from 'node:zlib';

const dist = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'dist');

/** Mirrors compressedCopyName in server/src/engines/pglite-initial-data.ts. */
function compressedCopyName(name) {
  return name.endsWith('.tar.gz') ? `${name.slice(0, -'.gz'.length)}.br` : `${name}.br`;
}

const record = join(dist, 'compressed-copies.json');
const hashes = existsSync(record) ? JSON.parse(readFileSync(record, 'utf8')) : {};
for (const name of ['pglite.wasm', 'pglite.data', 'pglite-pgdata.tar.gz']) {
  const target = join(dist, compressedCopyName(name));
  const source = readFileSync(join(dist, name));
  const hash = createHash('sha256').update(source).digest('hex');
  if (hashes[name] === hash && existsSync(target)) continue;
  const bytes = name.endsWith('.gz') ? gunzipSync(source) : source;
  const compressed = brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  writeFileSync(target, compressed);
  hashes[name] = hash;
  writeFileSync(record, `${JSON.stringify(hashes, null, 2)}\n`);
  console.log(`${compressedCopyName(name)}: ${(compressed.length / 1e6).toFixed(2)} MB`);
}
