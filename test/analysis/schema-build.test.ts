/**
 * The schema build after an edit reuses the previous build of the file (blocks before the edit as
 * they are, blocks after it moved): whatever the edit, the result must equal a fresh build.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildSchema, relationGraphOf } from '../../server/src/analysis/schema/build';
import { splitBlocks, splitEditedBlocks } from '../../server/src/analysis/schema/blocks';
import { LineIndex, rememberTextChange, textChange } from '../../server/src/analysis/text';

const EXAMPLE = readFileSync(join(__dirname, '..', '..', 'examples', 'blog', 'prisma', 'schema.prisma'), 'utf8');

/** Blocks on one line, a block closed on the line of another's header, braces in strings and comments, an unterminated block at the end. */
const AWKWARD = [
  'model A { id Int @id }',
  'model B { id Int @id',
  '  a   A   @relation(fields: [aId], references: [id])',
  '  aId Int }  model C {',
  '}',
  '// model D {',
  'enum E {',
  '  X // }',
  '}',
  'model F {',
  '  name String @default("}{")',
  '  bId  Int',
  '  b    B @relation(fields: [bId], references: [id])',
  '',
].join('\n');

/** Pieces a user types or deletes: braces, quotes, comments, whole blocks, relation lines, line breaks. */
const SNIPPETS = [
  '}',
  '{',
  '\n',
  '"',
  '//',
  ' ',
  'x',
  'model Q {\n',
  '\nmodel Z {\n  id Int @id\n}\n',
  '  b B @relation(fields: [bId], references: [id])\n  bId Int\n',
  '\n}\n',
  'enum K {\n',
  'datasource db {\n  provider = "mysql"\n}\n',
  '  key = "value"\n',
  '\r\n',
];

/** A small deterministic generator (a linear congruential one), so that a failure can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

let freshBuilds = 0;

/** A build with no earlier build of the file, with the file's URI in place of the fresh one. */
function freshBuild(uri: string, text: string): string {
  const freshUri = `file:///fresh/${freshBuilds++}.prisma`;
  return describeBuild(buildSchema([{ uri: freshUri, text }])).split(freshUri).join(uri);
}

function incrementalBuild(uri: string, text: string): string {
  return describeBuild(buildSchema([{ uri, text }]));
}

/** A build as text, its relation graph (patched from the last build's after an edit) included. */
function describeBuild(schema: ReturnType<typeof buildSchema>): string {
  const graph = relationGraphOf(schema);
  return JSON.stringify({ ...schema, files: [], graph: { start: [...graph.start], targets: [...graph.targets] } }, withoutRevisions);
}

/** Revisions tell reads apart (a fresh build has new ones): everything else must be equal. */
function withoutRevisions(key: string, value: unknown): unknown {
  return key === 'revision' ? undefined : value;
}

describe('schema build after edits', () => {
  for (const [name, base] of [
    ['the example schema', EXAMPLE],
    ['the example schema with CRLF line breaks', EXAMPLE.replace(/\n/g, '\r\n')],
    ['awkward block layouts', AWKWARD],
  ] as const) {
    it(`equals a fresh build after each of 300 random edits of ${name}`, () => {
      const random = randomSource(name.length);
      const uri = `file:///edited/${name.replace(/\W+/g, '-')}.prisma`;
      let text = base;
      buildSchema([{ uri, text }]);
      for (let step = 0; step < 300; step++) {
        const at = Math.floor(random() * (text.length + 1));
        const snippet = SNIPPETS[Math.floor(random() * SNIPPETS.length)]!;
        const roll = random();
        const removed = roll < 0.45 ? 0 : 1 + Math.floor(random() * 40);
        const next = text.slice(0, at) + (roll < 0.45 || roll >= 0.9 ? snippet : '') + text.slice(Math.min(text.length, at + removed));
        const change = textChange(text, next);
        if (change) {
          assert.deepEqual(splitEditedBlocks(text, splitBlocks(text), next, change).blocks, splitBlocks(next), `blocks after step ${step}`);
        }
        assert.equal(incrementalBuild(uri, next), freshBuild(uri, next), `build after step ${step}`);
        text = next;
      }
    });
  }

  it('equals a fresh build after 300 random edits reported by the editor, with ranges wider than what changed', () => {
    const random = randomSource(7);
    const uri = 'file:///edited/reported.prisma';
    let text = EXAMPLE;
    buildSchema([{ uri, text }]);
    for (let step = 0; step < 300; step++) {
      const at = Math.floor(random() * (text.length + 1));
      const removed = Math.min(text.length - at, random() < 0.45 ? 0 : 1 + Math.floor(random() * 40));
      const inserted = random() < 0.8 ? SNIPPETS[Math.floor(random() * SNIPPETS.length)]! : '';
      // The editor replaces whole words: the reported range takes in unchanged text on both sides.
      const before = Math.min(at, Math.floor(random() * 6));
      const after = Math.min(text.length - at - removed, Math.floor(random() * 6));
      const next = text.slice(0, at) + inserted + text.slice(at + removed);
      rememberTextChange(text, next, { start: at - before, oldEnd: at + removed + after, newEnd: at + inserted.length + after });
      const change = textChange(text, next);
      if (change) {
        assert.equal(text.slice(0, change.start) + next.slice(change.start, change.newEnd) + text.slice(change.oldEnd), next, `the range of step ${step} turns the text into the new one`);
        assert.deepEqual(splitEditedBlocks(text, splitBlocks(text), next, change).blocks, splitBlocks(next), `blocks after step ${step}`);
      }
      assert.equal(incrementalBuild(uri, next), freshBuild(uri, next), `build after step ${step}`);
      assert.deepEqual(LineIndex.forEditedText(new LineIndex(text), next).positionAt(next.length), new LineIndex(next).positionAt(next.length), `line index after step ${step}`);
      text = next;
    }
  });

  it('moves the blocks after an edit without reading them again', () => {
    const uri = 'file:///moved/schema.prisma';
    const before = buildSchema([{ uri, text: EXAMPLE }]);
    const edited = EXAMPLE.replace('model Post {', 'model Post {\n  subtitle String?');
    const after = buildSchema([{ uri, text: edited }]);
    const index = new LineIndex(edited);
    for (const model of after.models) {
      const previous = before.models.find((candidate) => candidate.name === model.name)!;
      if (model.span.start < edited.indexOf('model Post {')) assert.equal(model, previous, `${model.name} before the edit is taken over`);
      else assert.notEqual(model, previous, `${model.name} from the edit on is a new object`);
      if (model.name === 'Post') assert.notEqual(model.revision, previous.revision, 'the edited model is read again');
      else assert.equal(model.revision, previous.revision, `${model.name} keeps its revision`);
      for (const field of model.fields) {
        assert.equal(edited.slice(field.nameSpan.start, field.nameSpan.end), field.name, `${model.name}.${field.name} points at its name`);
        assert.equal(index.positionAt(field.lineSpan.start).character, 0, `${model.name}.${field.name}'s line starts a line`);
      }
    }
    assert.ok(after.models.filter((model) => model.span.start < edited.indexOf('model Post {')).length >= 2, 'models before the edit are checked');
    assert.ok(after.models.find((model) => model.name === 'Post')!.fields.some((field) => field.name === 'subtitle'));
  });

  it('leaves out what the parser half-reads, and never throws', () => {
    for (const broken of ['model X {\n  key = "value"\n}\n', 'model Z {\n  id Int enum K {\n', 'model Y {\n  @@index([\n}\n', 'model W {\n  @@index(fields: [\n}\n']) {
      const schema = buildSchema([{ uri: 'file:///broken/schema.prisma', text: `${broken}model Kept {\n  id Int @id\n}\n` }]);
      assert.ok(schema.models.some((model) => model.name === 'Kept'), `the model after ${JSON.stringify(broken)} is read`);
    }
  });

  it('takes the range the editor reported, narrowed to what differs in it, and not one that does not fit', () => {
    rememberTextChange('model Alpha {}', 'model Alps {}', { start: 6, oldEnd: 11, newEnd: 10 });
    assert.deepEqual(textChange('model Alpha {}', 'model Alps {}'), { start: 9, oldEnd: 11, newEnd: 10 });
    rememberTextChange('one two', 'one three', { start: 0, oldEnd: 1, newEnd: 1 });
    assert.deepEqual(textChange('one two', 'one three'), { start: 5, oldEnd: 7, newEnd: 9 }, 'a range whose lengths do not fit is compared again');
  });

  it('finds the smallest changed range between two texts', () => {
    assert.equal(textChange('abc', 'abc'), undefined);
    assert.deepEqual(textChange('model A {}', 'model AB {}'), { start: 7, oldEnd: 7, newEnd: 8 });
    assert.deepEqual(textChange('aaaa', 'aa'), { start: 2, oldEnd: 4, newEnd: 2 });
    const long = 'x'.repeat(70_000);
    assert.deepEqual(textChange(`${long}1${long}`, `${long}22${long}`), { start: 70_000, oldEnd: 70_001, newEnd: 70_002 });
  });

  it('derives line indexes of edited texts that equal fresh ones', () => {
    const random = randomSource(11);
    let previous = new LineIndex(EXAMPLE);
    let text = EXAMPLE;
    for (let step = 0; step < 200; step++) {
      const at = Math.floor(random() * (text.length + 1));
      text = text.slice(0, at) + SNIPPETS[Math.floor(random() * SNIPPETS.length)]! + text.slice(Math.min(text.length, at + Math.floor(random() * 30)));
      const derived = LineIndex.forEditedText(previous, text);
      const fresh = new LineIndex(text);
      assert.equal(derived.lineCount, fresh.lineCount, `line count after step ${step}`);
      for (let offset = 0; offset <= text.length; offset += 7) assert.deepEqual(derived.positionAt(offset), fresh.positionAt(offset));
      previous = derived;
    }
  });
});
