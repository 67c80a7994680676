/**
 * PGlite's in-memory file system, made to grow its files the way bulk loading needs: Emscripten
 * grows a file by an eighth once it passes 1 MB, copying all of it each time, so a table filled
 * 8 kB page by page to 10 MB is copied about twenty times over; growing by doubling copies it about
 * twice. Generating 300,000 rows spent about a tenth of its time in those copies.
 */
import type { PGlite } from '@electric-sql/pglite';

interface MemfsNode {
  contents: Uint8Array | null;
  usedBytes: number;
}

interface Memfs {
  expandFileStorage?: (node: MemfsNode, capacity: number) => void;
}

/** Past this size a file grows by this much at a time rather than doubling, so its spare memory stays bounded. */
const MAX_STEP = 64 * 1024 * 1024;

/**
 * Replaces the growth of this PGlite's in-memory files (its own Emscripten module, not others');
 * does nothing when the module does not expose MEMFS as expected.
 */
export function growFilesByDoubling(db: PGlite): void {
  const memfs = (db as unknown as { Module: { MEMFS?: Memfs } }).Module.MEMFS;
  if (typeof memfs?.expandFileStorage !== 'function') return;
  memfs.expandFileStorage = (node, capacity) => {
    const previous = node.contents?.length ?? 0;
    if (previous >= capacity) return;
    const grown = Math.max(capacity, previous + Math.min(previous, MAX_STEP), 256);
    const contents = new Uint8Array(grown);
    if (node.contents && node.usedBytes > 0) contents.set(node.contents.subarray(0, node.usedBytes));
    node.contents = contents;
  };
}
