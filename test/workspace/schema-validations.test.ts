/** The editor's cache of Prisma's validation: answered at once, validated after a pause, carried over edits, refreshed only on change. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SchemaError } from '../../server/src/analysis/facts/workspace-facts';
import type { SchemaFile } from '../../server/src/analysis/schema/model';
import type { PrismaValidation } from '../../server/src/engines/schema-validation';
import { SchemaValidations } from '../../server/src/workspace/schema-validations';

const URI = 'file:///p/schema.prisma';

/** A validation that reports every `Floot` of the texts, and counts its calls; `onChange` resolves the next `changed()`. */
function harness(debounceMs = 5) {
  const calls: string[] = [];
  const waiters: (() => void)[] = [];
  let changes = 0;
  const validations = new SchemaValidations({
    debounceMs,
    validate: async (files: readonly SchemaFile[]): Promise<PrismaValidation> => {
      calls.push(files.map((file) => file.text).join('|'));
      const errors: SchemaError[] = [];
      for (const file of files) for (let at = file.text.indexOf('Floot'); at >= 0; at = file.text.indexOf('Floot', at + 1)) errors.push({ uri: file.uri, start: at, end: at + 5, message: 'unknown type' });
      return { errors };
    },
    onChange: () => {
      changes++;
      for (const resolve of waiters.splice(0)) resolve();
    },
    log: () => undefined,
  });
  const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
  return { validations, calls, changed, changes: () => changes, settle: () => new Promise((resolve) => setTimeout(resolve, 30)) };
}

const file = (text: string): SchemaFile[] => [{ uri: URI, text }];
const spans = (lookup: { errors: readonly SchemaError[] } | undefined) => lookup?.errors.map((error) => [error.start, error.end]);

describe('SchemaValidations', () => {
  it('answers nothing at first, validates after the pause, and then answers from the cache', async () => {
    const { validations, calls, changed } = harness();
    const text = 'model A {\n  x Floot\n}\n';
    assert.equal(validations.lookup('s', file(text)), undefined);
    await changed();
    assert.deepEqual(spans(validations.lookup('s', file(text))), [[text.indexOf('Floot'), text.indexOf('Floot') + 5]]);
    assert.deepEqual(spans(validations.lookup('s', file(text))), [[text.indexOf('Floot'), text.indexOf('Floot') + 5]]);
    assert.equal(calls.length, 1, 'validated once for one text');
  });

  it('validates the first text of a schema at once, and later texts only after the pause in typing', async () => {
    const { validations, calls, changed } = harness(60_000);
    validations.lookup('s', file('model A {\n  x Floot\n}\n'));
    const first = await Promise.race([changed().then(() => 'validated'), new Promise((resolve) => setTimeout(resolve, 2_000, 'waited'))]);
    assert.equal(first, 'validated', 'the first text is validated without waiting for the pause');
    assert.equal(calls.length, 1);
    validations.lookup('s', file('model A {\n  xy Floot\n}\n'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(calls.length, 1, 'an edited text waits for the pause');
    validations.clear();
  });

  it('carries errors over an edit: before it they stay, after it they move, inside it they wait', async () => {
    const { validations, changed } = harness();
    const text = 'model A {\n  x Floot\n  y Floot\n}\n';
    validations.lookup('s', file(text));
    await changed();
    const first = text.indexOf('Floot');
    const second = text.lastIndexOf('Floot');
    // An edit between the two errors: the first stays, the second moves by the three added characters.
    const between = text.replace('  y', '  yyyy');
    assert.deepEqual(spans(validations.lookup('s', file(between))), [[first, first + 5], [second + 3, second + 8]]);
    // An edit inside the first error: it waits for the next validation.
    const inside = text.replace('x Floot', 'x Float');
    assert.deepEqual(spans(validations.lookup('s', file(inside))), [[second, second + 5]]);
  });

  it('keeps one key for a valid schema and asks for no refresh while it stays valid', async () => {
    const { validations, calls, changes, settle } = harness();
    validations.lookup('s', file('model A {\n  x Int\n}\n'));
    await settle();
    const first = validations.lookup('s', file('model A {\n  x Int\n}\n'));
    validations.lookup('s', file('model A {\n  x Int\n  y Int\n}\n'));
    await settle();
    const second = validations.lookup('s', file('model A {\n  x Int\n  y Int\n}\n'));
    assert.equal(calls.length, 2);
    assert.deepEqual(first, second);
    assert.deepEqual(first?.errors, []);
    assert.equal(changes(), 0);
  });

  it('validates only the last text of a burst of edits', async () => {
    const { validations, calls, changed } = harness();
    validations.lookup('s', file('model A {\n  x Floot\n}\n'));
    await changed();
    for (let i = 0; i < 5; i++) validations.lookup('s', file(`model A {\n  x${i} Floot\n}\n`));
    await changed();
    assert.deepEqual(calls, ['model A {\n  x Floot\n}\n', 'model A {\n  x4 Floot\n}\n']);
  });

  it('forgets everything on clear, so a late answer changes nothing', async () => {
    const { validations, calls, changes, settle } = harness();
    validations.lookup('s', file('model A {\n  x Floot\n}\n'));
    validations.clear();
    await settle();
    assert.equal(calls.length, 1, 'the first validation started at once');
    assert.equal(changes(), 0, 'its answer, arriving after the clear, changes nothing');
    assert.equal(validations.lookup('s', file('model A {\n  x Floot\n}\n')), undefined, 'nothing is remembered');
    validations.clear();
  });
});
