/** Results computed from the disk, kept by key and revalidated by the modification times of what they read. */
import { stampsAreCurrent, type Stamps } from './walk';

interface Entry<T> {
  stamps: Stamps;
  result: Promise<T>;
  checkedAt: number;
  pendingCheck?: Promise<T>;
}

/** Results younger than this are reused without checking the disk: one burst of requests, one check. */
const FRESH_MS = 200;

/**
 * A cache whose entries are computed by a function that records what it read in `stamps`; a later
 * `get` costs a few `stat`s (none within FRESH_MS) and computes again only when something changed.
 */
export class StampedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly compute: (key: string, stamps: Stamps) => Promise<T>) {}

  get(key: string): Promise<T> {
    const entry = this.entries.get(key);
    if (!entry) return this.recompute(key);
    if (Date.now() - entry.checkedAt < FRESH_MS) return entry.result;
    entry.pendingCheck ??= (async () => {
      try {
        await entry.result;
        if (await stampsAreCurrent(entry.stamps)) {
          entry.checkedAt = Date.now();
          return entry.result;
        }
      } catch {
        // A failed computation is retried below.
      }
      return this.recompute(key);
    })().finally(() => {
      entry.pendingCheck = undefined;
    });
    return entry.pendingCheck;
  }

  /** Drops every entry, for callers that know the disk changed (a file-watcher event). */
  clear(): void {
    this.entries.clear();
  }

  private recompute(key: string): Promise<T> {
    const stamps: Stamps = new Map();
    const result = this.compute(key, stamps);
    this.entries.set(key, { stamps, result, checkedAt: Date.now() });
    result.catch(() => this.entries.delete(key));
    return result;
  }
}
