/** Summary statistics and number formatting for benchmark samples. */

export interface Summary {
  runs: number;
  min: number;
  median: number;
  p90: number;
  max: number;
}

/** Nearest-rank percentile: with 20 samples, p90 is the 18th smallest, a value that was actually measured. */
function percentile(sorted: readonly number[], fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { runs: sorted.length, min: sorted[0]!, median, p90: percentile(sorted, 0.9), max: sorted[sorted.length - 1]! };
}

/** Milliseconds with a precision that suits their size: 0.42 ms, 12.3 ms, 1,234 ms. */
export function ms(value: number): string {
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 100) return `${value.toFixed(1)} ms`;
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

/** The ratio of Prisma Lens time to peer time: below 1 means Prisma Lens took less time. */
export function ratio(lens: number, peer: number): string {
  if (peer <= 0) return 'n/a';
  const value = lens / peer;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)}×`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** Runs `action` and returns how long it took, in milliseconds, along with its result. */
export function timed<T>(action: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = action();
  return { ms: performance.now() - start, result };
}
