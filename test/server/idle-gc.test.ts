/**
 * The server collects V8's young generation between answers, once it was idle for a moment and the
 * young generation is half full, so that the collection's pause does not fall inside the next answer.
 *
 * Everything below is synchronous between filling the young generation and looking at it (timers are
 * mocked), so no other allocation (the test runner's, a natural collection) can change the outcome.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getHeapSpaceStatistics } from 'node:v8';
import { IDLE_MS, collectWhenIdle, collectYoungGenerationIfFull, whenIdle, youngGenerationFull } from '../../server/src/lsp/idle-gc';

/** Bytes in use in the young generation. */
function youngUsed(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size ?? 0;
}

/** Allocates short-lived objects until the young generation is half full (none of them is kept). */
function fillYoungGeneration(): void {
  let sink = 0;
  for (let round = 0; round < 10_000 && !youngGenerationFull(); round++) {
    const garbage = Array.from({ length: 1000 }, (_, i) => ({ i, text: `row ${i}` }));
    sink += garbage.length;
  }
  assert.ok(sink >= 0 && youngGenerationFull(), 'the young generation filled up');
}

describe('idle young-generation collection', () => {
  it('collects a half-full young generation, and leaves one that is not', () => {
    fillYoungGeneration();
    const before = youngUsed();
    assert.equal(collectYoungGenerationIfFull(), true, 'collected when half full');
    assert.ok(youngUsed() < before / 2, `young generation in use: ${before} bytes before, ${youngUsed()} after`);
    assert.equal(youngGenerationFull(), false);
    assert.equal(collectYoungGenerationIfFull(), false, 'nothing to do right after a collection');
  });

  it('collectWhenIdle collects only once the server was left alone', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] });
    fillYoungGeneration();
    collectWhenIdle();
    context.mock.timers.tick(IDLE_MS - 1);
    collectWhenIdle(); // another answer: the quiet moment starts again
    context.mock.timers.tick(IDLE_MS - 1);
    assert.equal(youngGenerationFull(), true, 'not collected while answers keep coming');
    context.mock.timers.tick(1);
    assert.equal(youngGenerationFull(), false, 'collected once idle');
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
