/** The queue an indexing pass takes its files from while the listing is still adding to it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FileQueue } from '../../server/src/workspace/file-queue';

describe('FileQueue', () => {
  it('hands out files in listing order, each once, also when listed twice', () => {
    const queue = new FileQueue();
    queue.add(['/w/a.ts', '/w/b.ts']);
    assert.deepEqual(queue.take(1), ['/w/a.ts']);
    queue.add(['/w/b.ts', '/w/c.ts']);
    assert.equal(queue.remaining, 2);
    assert.deepEqual(queue.take(5), ['/w/b.ts', '/w/c.ts']);
    assert.deepEqual(queue.take(5), []);
    assert.deepEqual(queue.files, ['/w/a.ts', '/w/b.ts', '/w/c.ts']);
  });

  it('wakes every waiter when files come, and once the listing is over', async () => {
    const queue = new FileQueue();
    const woken: string[] = [];
    const first = queue.changed().then(() => woken.push('first'));
    const second = queue.changed().then(() => woken.push('second'));
    queue.add([]);
    await Promise.resolve();
    assert.deepEqual(woken, [], 'nothing new, no one woken');
    queue.add(['/w/a.ts']);
    await Promise.all([first, second]);
    assert.deepEqual(woken, ['first', 'second']);

    let ended = false;
    const last = queue.changed().then(() => (ended = true));
    assert.equal(queue.complete, false);
    queue.finish();
    await last;
    assert.ok(ended && queue.complete);
    let after = false;
    await queue.changed().then(() => (after = true));
    assert.ok(after, 'a finished listing never keeps anyone waiting');
  });

  it('makes the URI of each file once', () => {
    const queue = new FileQueue();
    const file = '/w/app/[id]/page #1.ts';
    const uri = queue.uriOf(file);
    assert.equal(uri, pathToFileURL(file).toString());
    assert.equal(queue.uriOf(file), uri);
  });
});
