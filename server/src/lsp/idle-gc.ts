/**
 * Young-generation garbage collection while the server is idle. Each edit of a large schema leaves
 * a few megabytes of objects behind; V8 collects them when its young generation fills, which then
 * happens in the middle of an answer every few edits and adds the collection's pause (several
 * milliseconds on a 1,000-model schema) to that answer. After an answer, once no other work came
 * for a moment, the young generation is collected if it is half full: the pause falls between
 * keystrokes, where no one waits for it (as browsers schedule theirs in idle time).
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' | 'major' }) => void;

/** How long the server must have been left alone before collecting. */
export const IDLE_MS = 25;
/** The share of the young generation in use above which it is collected. */
const FULL_ENOUGH = 0.5;

let collect: Collect | null | undefined;

/** V8's collector, exposed (through a new context) without starting Node with `--expose-gc`; null where that fails. */
function collector(): Collect | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const exposed: unknown = runInNewContext('gc');
      collect = typeof exposed === 'function' ? (exposed as Collect) : null;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Whether the young generation is at least `FULL_ENOUGH` in use (of the half it allocates into: used and still available). */
export function youngGenerationFull(): boolean {
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  if (!young) return false;
  const capacity = young.space_used_size + young.space_available_size;
  return capacity > 0 && young.space_used_size >= capacity * FULL_ENOUGH;
}

/** A function that runs `work` once `idleMs` passed without another call: each call moves the moment on. */
export function whenIdle(work: () => void, idleMs: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      work();
    }, idleMs);
    timer.unref();
  };
}

/** Collects the young generation if it is at least `FULL_ENOUGH` in use; whether it did. */
export function collectYoungGenerationIfFull(): boolean {
  const gc = collector();
  if (!gc || !youngGenerationFull()) return false;
  gc({ type: 'minor' });
  return true;
}

let scheduled: (() => void) | undefined;

/**
 * Called after an answer that allocated much: collects the young generation, if half full, once
 * the server was idle for `IDLE_MS`.
 */
export function collectWhenIdle(): void {
  if (!collector()) return;
  scheduled ??= whenIdle(collectYoungGenerationIfFull, IDLE_MS);
  scheduled();
}
