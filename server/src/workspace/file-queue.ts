import { pathToFileURL } from 'node:url';

/**
 * The files of an indexing pass as the listing finds them: work starts on the first folder's files
 * instead of after the last folder was read, so that the indexing thread, ready early, is not left
 * waiting for the whole tree. Files listed twice (nested workspace folders) are queued once.
 */
export class FileQueue {
  /** Every file listed so far, in the order they were listed. */
  readonly files: string[] = [];
  private readonly seen = new Set<string>();
  private readonly uris = new Map<string, string>();
  private next = 0;
  private listed = false;
  private waiting: { promise: Promise<void>; wake: () => void } | undefined;

  /** Queues files the listing found. */
  add(files: readonly string[]): void {
    let added = false;
    for (const file of files) {
      if (this.seen.has(file)) continue;
      this.seen.add(file);
      this.files.push(file);
      added = true;
    }
    if (added) this.wake();
  }

  /** The listing is over: no file will be added. */
  finish(): void {
    this.listed = true;
    this.wake();
  }

  /** Whether the listing is over. */
  get complete(): boolean {
    return this.listed;
  }

  /** Files listed and not yet taken. */
  get remaining(): number {
    return this.files.length - this.next;
  }

  /** Up to `size` of the files not yet taken, in listing order; none when none is waiting (see `changed`). */
  take(size: number): string[] {
    const end = Math.min(this.files.length, this.next + size);
    const batch = this.files.slice(this.next, end);
    this.next = end;
    return batch;
  }

  /** The `file:` URI of a file of the pass, made once (a pass asks for each file's several times). */
  uriOf(file: string): string {
    let uri = this.uris.get(file);
    if (uri === undefined) this.uris.set(file, (uri = pathToFileURL(file).toString()));
    return uri;
  }

  /** Resolves once files are added or the listing ends (at once if it has ended). */
  changed(): Promise<void> {
    if (this.listed) return Promise.resolve();
    if (!this.waiting) {
      let wake!: () => void;
      const promise = new Promise<void>((resolve) => (wake = resolve));
      this.waiting = { promise, wake };
    }
    return this.waiting.promise;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.wake();
  }
}
