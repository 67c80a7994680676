/**
 * The folder where the embedded database's costly parts are kept between runs: Prisma's DDL per
 * schema text, and the built database (tables, generated rows, statistics) per DDL. Entries are
 * named from hashes Prisma Lens computes, never from workspace text; each is written to a temporary
 * file and renamed, so a reader sees a whole entry or none; the folder stays under a size bound by
 * removing the least recently used entries.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';

/** 500 MB: a handful of built databases at the default 100,000 rows per table. */
export const DEFAULT_CACHE_MAX_BYTES = 500 * 1024 * 1024;

export type CacheEntryKind = 'ddl' | 'database';

const SUFFIX: Record<CacheEntryKind, string> = { ddl: '.ddl.json', database: '.pgdata' };
const KEY = /^[0-9a-f]{64}$/;
const ENTRY_NAME = /^[0-9a-f]{64}\.(?:ddl\.json|pgdata)$/;
const TEMPORARY_NAME = /^\.[0-9a-f]{64}\.\d+\.[0-9a-f]+\.tmp$/;
/** A temporary file this old belongs to a writer that died; a live writer takes well under a minute. */
const STALE_TEMPORARY_MS = 60 * 60_000;
/** Node hands writev at most IOV_MAX buffers at a time on some systems; 256 stays well under every limit. */
const WRITEV_BATCH = 256;

export interface CacheEnvironment {
  PRISMA_LENS_CACHE_DIR?: string;
  PRISMA_LENS_CACHE_MAX_MB?: string;
  XDG_CACHE_HOME?: string;
  LOCALAPPDATA?: string;
}

/**
 * The cache folder: `$PRISMA_LENS_CACHE_DIR`, else the platform's user cache folder
 * (`$XDG_CACHE_HOME/prisma-lens` or `~/.cache/prisma-lens` on Linux, `~/Library/Caches/prisma-lens`
 * on macOS, `%LOCALAPPDATA%\prisma-lens\Cache` on Windows); undefined when there is no home folder.
 */
export function cacheDirectory(env: CacheEnvironment, platform: NodeJS.Platform = process.platform, home: string = safeHomedir()): string | undefined {
  if (env.PRISMA_LENS_CACHE_DIR) return path.resolve(env.PRISMA_LENS_CACHE_DIR);
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA || (home ? path.join(home, 'AppData', 'Local') : '');
    return local ? path.join(local, 'prisma-lens', 'Cache') : undefined;
  }
  if (platform === 'darwin') return home ? path.join(home, 'Library', 'Caches', 'prisma-lens') : undefined;
  // The XDG specification ignores a relative path.
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'prisma-lens');
  return home ? path.join(home, '.cache', 'prisma-lens') : undefined;
}

/**
 * A file's bytes in as few reads as the system allows: `readFile` reads half a megabyte per trip to
 * the thread pool, which on a busy machine made a 64 MB database wait for 128 turns.
 */
async function readWhole(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

function safeHomedir(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}

export class EmbeddedCache {
  constructor(
    readonly directory: string,
    readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES,
  ) {}

  /** The cache the environment names (see {@link cacheDirectory}), bounded by `$PRISMA_LENS_CACHE_MAX_MB` when set. */
  static fromEnvironment(env: CacheEnvironment): EmbeddedCache | undefined {
    const directory = cacheDirectory(env);
    if (!directory) return undefined;
    const megabytes = Number(env.PRISMA_LENS_CACHE_MAX_MB);
    return new EmbeddedCache(directory, Number.isFinite(megabytes) && megabytes > 0 ? megabytes * 1024 * 1024 : DEFAULT_CACHE_MAX_BYTES);
  }

  /** Where an entry lives; `key` must be a SHA-256 in hex, which is all this folder's names are made of. */
  entryPath(kind: CacheEntryKind, key: string): string {
    if (!KEY.test(key)) throw new Error(`not a cache key: ${key.slice(0, 80)}`);
    return path.join(this.directory, key + SUFFIX[kind]);
  }

  /** True when the entry exists (it may still turn out unreadable or corrupt). */
  async has(kind: CacheEntryKind, key: string): Promise<boolean> {
    const info = await stat(this.entryPath(kind, key)).catch(() => undefined);
    return info?.isFile() === true;
  }

  /** The entry's bytes, or undefined when there is none (or it cannot be read); a read marks the entry recently used. */
  async read(kind: CacheEntryKind, key: string): Promise<Buffer | undefined> {
    const file = this.entryPath(kind, key);
    const bytes = await readWhole(file).catch(() => undefined);
    if (bytes) {
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
    }
    return bytes;
  }

  /**
   * Writes an entry whole (a temporary file renamed over the entry), then removes the least recently
   * used entries beyond the size bound. An entry larger than the bound is not written. Resolves to
   * false when nothing was written; never rejects.
   */
  async write(kind: CacheEntryKind, key: string, chunks: readonly Uint8Array[]): Promise<boolean> {
    const file = this.entryPath(kind, key);
    const size = chunks.reduce((total, chunk) => total + chunk.byteLength, 0);
    if (size > this.maxBytes) return false;
    const temporary = path.join(this.directory, `.${key}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await mkdir(this.directory, { recursive: true, mode: 0o700 });
      const handle = await open(temporary, 'wx', 0o600);
      try {
        for (let start = 0; start < chunks.length; start += WRITEV_BATCH) {
          const batch = chunks.slice(start, start + WRITEV_BATCH);
          const { bytesWritten } = await handle.writev(batch);
          // A short write leaves no whole entry: nothing is renamed into place.
          if (bytesWritten !== batch.reduce((total, chunk) => total + chunk.byteLength, 0)) throw new Error('short write');
        }
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
    } catch {
      await rm(temporary, { force: true }).catch(() => undefined);
      return false;
    }
    await this.evict(file).catch(() => undefined);
    return true;
  }

  /** Removes an entry (one that could not be used), so that the next build replaces it. */
  async remove(kind: CacheEntryKind, key: string): Promise<void> {
    await rm(this.entryPath(kind, key), { force: true }).catch(() => undefined);
  }

  /**
   * Removes the least recently used entries (by modification time, which a read renews) until the
   * folder's entries fit the bound, never `keep`; and temporary files left by writers that died.
   * Files of other names are neither counted nor touched.
   */
  async evict(keep?: string): Promise<void> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    const entries: { file: string; size: number; usedMs: number }[] = [];
    const now = Date.now();
    for (const name of names) {
      const file = path.join(this.directory, name);
      if (TEMPORARY_NAME.test(name)) {
        const info = await stat(file).catch(() => undefined);
        if (info && now - info.mtimeMs > STALE_TEMPORARY_MS) await rm(file, { force: true }).catch(() => undefined);
        continue;
      }
      if (!ENTRY_NAME.test(name)) continue;
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) entries.push({ file, size: info.size, usedMs: info.mtimeMs });
    }
    let total = entries.reduce((sum, entry) => sum + entry.size, 0);
    entries.sort((a, b) => a.usedMs - b.usedMs);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      if (entry.file === keep) continue;
      await rm(entry.file, { force: true }).catch(() => undefined);
      total -= entry.size;
    }
  }
}
