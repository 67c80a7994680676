/**
 * A built embedded database as one file: PGlite's data folder taken after a CHECKPOINT (so the data
 * files hold every row and statistic, and recovery needs only the WAL segment of that checkpoint),
 * written as a small JSON header and the files' bytes, and read back into a new PGlite's in-memory
 * file system before PostgreSQL starts. Loading it costs a file read and one pass over its files,
 * where PGlite's own tar dump costs a Blob copy, a tar parse and every WAL segment, recycled ones too.
 */
import { crc32 } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';

const MAGIC = Buffer.from('PLPGDAT1', 'latin1');
/** The file format; part of the cache key, so that files of another format are never even read. */
export const SNAPSHOT_FORMAT = 1;
/** PGlite's data folder inside its WebAssembly file system (PGDATA in its initdb.ts). */
const DEFAULT_PGDATA = '/pglite/data';
const WAL_SEGMENT = /^pg_wal\/([0-9A-F]{24})$/;
const WAL_PAGE = 8192;
const SAFE_SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** What the saved database holds besides its files: rows per filled table, and the problems met filling them. */
export interface SnapshotState {
  tables: ReadonlyMap<string, number>;
  /** The name of every table of the schema by its catalog key, so that a start from the copy knows which tables a query reads without reading the catalog. */
  tableNames: ReadonlyMap<string, string>;
  problems: readonly string[];
}

export interface Snapshot extends SnapshotState {
  /** Folders under PGDATA, parents first, as relative paths. */
  directories: readonly string[];
  /** Files under PGDATA; a `size` beyond the data's length is zeros (the unused end of a WAL segment). */
  files: readonly SnapshotFile[];
}

export interface SnapshotFile {
  path: string;
  data: Uint8Array;
  size?: number;
}

interface SnapshotHeader {
  format: number;
  key: string;
  tables: [string, number][];
  tableNames: [string, string][];
  problems: string[];
  directories: string[];
  /** Path, size, and how many of its first bytes are stored (the rest are zeros). */
  files: [string, number, number][];
  crc32: number;
}

/** The part of Emscripten's FS API used here; PGlite's typings leave it untyped. */
interface EmscriptenFs {
  readdir(path: string): string[];
  stat(path: string): { mode: number };
  isDir(mode: number): boolean;
  readFile(path: string): Uint8Array;
  mkdirTree(path: string): void;
  open(path: string, flags: string): unknown;
  write(stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number, canOwn?: boolean): number;
  close(stream: unknown): void;
}

interface PGliteInternals {
  Module: { FS: unknown; ENV?: Record<string, string | undefined> };
}

function fileSystemOf(db: PGlite): { fs: EmscriptenFs; root: string } {
  const module = (db as unknown as PGliteInternals).Module;
  return { fs: module.FS as EmscriptenFs, root: module.ENV?.PGDATA ?? DEFAULT_PGDATA };
}

/**
 * Copies the data folder of a running PGlite after a CHECKPOINT. The caller must hold the database
 * (no query in flight) and must only do this in a state built by Prisma Lens itself.
 */
export async function takeSnapshot(db: PGlite, state: SnapshotState): Promise<Snapshot> {
  await db.exec('CHECKPOINT');
  // Recovery starts at the checkpoint's redo point and reads to the end of the WAL: the segments
  // before it were recycled, those after the insert point are preallocated, and the insert point's
  // own segment holds only stale bytes after it, which recovery reads as zeros just as well.
  const range = await db.query<{ first: string; last: string; used: number }>(
    'select pg_walfile_name(redo_lsn) as first, w.file_name as last, w.file_offset::int as used from pg_control_checkpoint(), pg_walfile_name_offset(pg_current_wal_insert_lsn()) w',
  );
  const { first, last, used } = range.rows[0] ?? { first: '', last: '', used: 0 };
  const { fs, root } = fileSystemOf(db);
  const directories: string[] = [];
  const files: SnapshotFile[] = [];
  const walk = (relative: string): void => {
    for (const name of fs.readdir(relative ? `${root}/${relative}` : root)) {
      if (name === '.' || name === '..') continue;
      const child = relative ? `${relative}/${name}` : name;
      const segment = WAL_SEGMENT.exec(child)?.[1];
      if (segment && first && (segment < first || segment > last)) continue;
      if (fs.isDir(fs.stat(`${root}/${child}`).mode)) {
        directories.push(child);
        walk(child);
      } else if (segment === last) {
        const data = fs.readFile(`${root}/${child}`);
        // Up to the end of the WAL page the insert point is on.
        files.push({ path: child, data: data.subarray(0, Math.min(data.length, Math.ceil((used + 1) / WAL_PAGE) * WAL_PAGE)), size: data.length });
      } else {
        files.push({ path: child, data: fs.readFile(`${root}/${child}`) });
      }
    }
  };
  walk('');
  return { tables: state.tables, tableNames: state.tableNames, problems: state.problems, directories, files };
}

/** The file's bytes, as chunks to write in order (the files' bytes are not copied). */
export function encodeSnapshot(snapshot: Snapshot, key: string): Uint8Array[] {
  let checksum = 0;
  for (const file of snapshot.files) checksum = crc32(file.data, checksum);
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    key,
    tables: [...snapshot.tables],
    tableNames: [...snapshot.tableNames],
    problems: [...snapshot.problems],
    directories: [...snapshot.directories],
    files: snapshot.files.map((file) => [file.path, Math.max(file.size ?? 0, file.data.byteLength), file.data.byteLength]),
    crc32: checksum,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return [MAGIC, length, json, ...snapshot.files.map((file) => file.data)];
}

/**
 * Reads a saved database, or undefined when the bytes are not one saved under `key`: another
 * format, another key (a foreign file), a truncated or altered file, or a path that leaves PGDATA.
 */
export function decodeSnapshot(bytes: Buffer, key: string): Snapshot | undefined {
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const contentStart = MAGIC.length + 4 + headerLength;
  if (contentStart > bytes.length) return undefined;
  let header: SnapshotHeader;
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length + 4, contentStart).toString('utf8')) as SnapshotHeader;
  } catch {
    return undefined;
  }
  if (!isHeader(header) || header.format !== SNAPSHOT_FORMAT || header.key !== key) return undefined;
  if (![...header.directories, ...header.files.map(([file]) => file)].every(isSafePath)) return undefined;
  const files: SnapshotFile[] = [];
  let offset = contentStart;
  let checksum = 0;
  for (const [file, size, stored] of header.files) {
    if (stored > size || offset + stored > bytes.length) return undefined;
    // A plain Uint8Array over the same memory: Emscripten's file system expects slice() to copy, as a Buffer's does not.
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, stored);
    checksum = crc32(data, checksum);
    if (stored === size) {
      files.push({ path: file, data });
    } else {
      const whole = new Uint8Array(size);
      whole.set(data);
      files.push({ path: file, data: whole });
    }
    offset += stored;
  }
  if (offset !== bytes.length || checksum !== header.crc32) return undefined;
  return { tables: new Map(header.tables), tableNames: new Map(header.tableNames), problems: header.problems, directories: header.directories, files };
}

function isHeader(value: unknown): value is SnapshotHeader {
  const header = value as Partial<SnapshotHeader> | null;
  const counted = (list: unknown, numbers: number): boolean =>
    Array.isArray(list) &&
    list.every((item) => Array.isArray(item) && item.length === numbers + 1 && typeof item[0] === 'string' && item.slice(1).every((value) => Number.isInteger(value) && (value as number) >= 0));
  return (
    typeof header === 'object' && header !== null && typeof header.key === 'string' && typeof header.crc32 === 'number' &&
    counted(header.tables, 1) && counted(header.files, 2) &&
    Array.isArray(header.tableNames) && header.tableNames.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string')) &&
    Array.isArray(header.problems) && header.problems.every((problem) => typeof problem === 'string') &&
    Array.isArray(header.directories) && header.directories.every((directory) => typeof directory === 'string')
  );
}

function isSafePath(relative: string): boolean {
  return relative.length > 0 && relative.split('/').every((segment) => SAFE_SEGMENT.test(segment) && segment !== '.' && segment !== '..');
}

/**
 * The folders and files of a tar archive of a data folder (the build's initialised one, written by
 * PGlite's dumpDataDir): ustar headers, folders and regular files only; throws on anything else, so
 * that the caller falls back to PGlite's own loader. The files' bytes are views of `tar`, not copies.
 */
export function snapshotFromTar(tar: Uint8Array): Snapshot {
  const bytes = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
  const text = (start: number, length: number): string => {
    const field = bytes.subarray(start, start + length);
    const end = field.indexOf(0);
    return field.subarray(0, end < 0 ? length : end).toString('utf8');
  };
  const directories: string[] = [];
  const files: SnapshotFile[] = [];
  let offset = 0;
  while (offset + 512 <= bytes.length && bytes[offset] !== 0) {
    const name = text(offset, 100);
    const prefix = text(offset + 345, 155);
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(bytes[offset + 156] || 0x30);
    const relative = (prefix ? `${prefix}/${name}` : name).replace(/^\.?\/+/, '').replace(/\/+$/, '');
    offset += 512;
    if (!Number.isInteger(size) || size < 0 || offset + size > bytes.length) throw new Error('truncated tar archive');
    if (type === '5') {
      if (relative && relative !== '.') directories.push(relative);
    } else if (type === '0') {
      files.push({ path: relative, data: new Uint8Array(bytes.buffer, bytes.byteOffset + offset, size) });
    } else {
      throw new Error(`tar entry of type ${type}`);
    }
    offset += Math.ceil(size / 512) * 512;
  }
  if (![...directories, ...files.map((file) => file.path)].every(isSafePath)) throw new Error('a tar entry leaves the data folder');
  return { tables: new Map(), tableNames: new Map(), problems: [], directories, files };
}

type MemoryFsClass = typeof import('@electric-sql/pglite').MemoryFS;

/**
 * PGlite's in-memory file system, filled with the snapshot's files before PostgreSQL starts (PGlite
 * then finds a data folder and skips initdb). The snapshot may still be read while PGlite loads its
 * WebAssembly; when it fails, so does PGlite's start. The files' memory is handed over, not copied:
 * the in-memory file system copies a file only when it grows.
 */
export function snapshotFileSystem(MemoryFS: MemoryFsClass, pending: Snapshot | Promise<Snapshot>): InstanceType<MemoryFsClass> {
  class SnapshotFileSystem extends MemoryFS {
    override async initialSyncFs(): Promise<void> {
      const snapshot = await pending;
      const { fs, root } = fileSystemOf(this.pg!);
      const made = new Set<string>();
      const folder = (relative: string): void => {
        if (made.has(relative)) return;
        fs.mkdirTree(relative ? `${root}/${relative}` : root);
        made.add(relative);
      };
      folder('');
      for (const directory of snapshot.directories) folder(directory);
      for (const file of snapshot.files) {
        folder(file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '');
        const stream = fs.open(`${root}/${file.path}`, 'w');
        try {
          if (file.data.byteLength > 0) fs.write(stream, file.data, 0, file.data.byteLength, 0, true);
        } finally {
          fs.close(stream);
        }
      }
    }
  }
  return new SnapshotFileSystem();
}
