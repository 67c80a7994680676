/**
 * The server collects V8's young generation between answers, once it was idle for a moment and the
 * young generation is half full, so that the collection's pause does not fall inside the next answer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { collectWhenIdle, whenIdle, youngGenerationFull } from '../../server/src/lsp/idle-gc';

/** Young-generation collections (V8's minor GCs) seen while `during` runs. */
async function minorCollections(during: () => Promise<void>): Promise<number> {
  let minor = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) if (entry.detail?.kind === 1) minor++;
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    await during();
    // Entries are delivered asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    observer.disconnect();
  }
  return minor;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Allocates short-lived objects until the young generation is half full (none of them is kept). */
function fillYoungGeneration(): void {
  let sink = 0;
  for (let round = 0; round < 10_000 && !youngGenerationFull(); round++) {
    const garbage = Array.from({ length: 1000 }, (_, i) => ({ i, text: `row ${i}` }));
    sink += garbage.length;
  }
  assert.ok(sink >= 0 && youngGenerationFull(), 'the young generation filled up');
}

describe('collectWhenIdle', () => {
  it('collects a half-full young generation once the server is idle, and only then', async () => {
    const collections = await minorCollections(async () => {
      fillYoungGeneration();
      collectWhenIdle();
      await wait(200);
    });
    assert.ok(collections >= 1, `${collections} young-generation collections`);
    assert.equal(youngGenerationFull(), false, 'collected');
  });

  it('waits while calls keep coming (each answer moves the moment on)', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] });
    let runs = 0;
    const schedule = whenIdle(() => runs++, 25);
    for (let i = 0; i < 10; i++) {
      schedule();
      context.mock.timers.tick(10);
    }
    assert.equal(runs, 0, 'not while busy');
    context.mock.timers.tick(15);
    assert.equal(runs, 1, 'once idle');
    context.mock.timers.tick(100);
    assert.equal(runs, 1, 'once per quiet period');
  });
});
