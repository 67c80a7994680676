/**
 * What the embedded database reports while it gets ready for a request (compiling the schema's
 * tables, starting, creating tables, generating rows, planning), as plain data a CLI prints and a
 * language server forwards as a `$/progress` report, and the cancellation it honours between stages.
 */

/** The stages in the order they come; any may be skipped (a warm database goes straight to planning). */
export type EmbeddedStage = 'compiling' | 'starting' | 'creating-tables' | 'generating-rows' | 'analyzing' | 'saving' | 'planning';

export interface EmbeddedProgress {
  stage: EmbeddedStage;
  /** What the stage works on: `posts, 2 of 3 tables`; `from the cache` when starting from a saved database. */
  detail?: string;
  /** Milliseconds since the request began (its `use` or `run` call), so every report of a request shares one clock. */
  elapsedMs: number;
  /** Set on `starting`: true when the database comes from a copy saved in the cache folder. */
  fromCache?: boolean;
}

export interface EmbeddedRequestOptions {
  /** Called at the start of each stage; it must not throw (an exception is ignored). */
  onProgress?: (progress: EmbeddedProgress) => void;
  /**
   * Checked between stages: an aborted request rejects with the signal's reason. A stage in flight
   * finishes first (PGlite cannot be interrupted); a table being filled is completed and kept.
   */
  signal?: AbortSignal;
}

const STAGE_TEXT: Record<EmbeddedStage, string> = {
  compiling: "compiling the schema's tables",
  starting: 'starting the database',
  'creating-tables': 'creating tables',
  'generating-rows': 'generating rows',
  analyzing: 'analysing the tables',
  saving: 'saving the database for the next run',
  planning: 'planning',
};

/** One line for people: `generating rows (posts, 2 of 3 tables)`. */
export function describeProgress(progress: Pick<EmbeddedProgress, 'stage' | 'detail'>): string {
  const text = STAGE_TEXT[progress.stage];
  return progress.detail ? `${text} (${progress.detail})` : text;
}

/** A reporter bound to one request's clock; a callback that throws never breaks the request. */
export function progressReporter(options: EmbeddedRequestOptions, began = performance.now()): (stage: EmbeddedStage, extra?: Pick<EmbeddedProgress, 'detail' | 'fromCache'>) => void {
  return (stage, extra) => {
    if (!options.onProgress) return;
    try {
      options.onProgress({ stage, ...extra, elapsedMs: performance.now() - began });
    } catch {
      // Progress is informative only.
    }
  };
}
