/**
 * Block comments (`/* … *\/`) hide what they hold from the schema reader as from Prisma: block
 * headers, braces, fields. The split of an edited text into blocks must still equal a fresh
 * split whatever the edit opens or closes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitBlocks, splitEditedBlocks } from '../../server/src/analysis/schema/blocks';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { prepareForParser } from '../../server/src/analysis/schema/parse';
import { textChange } from '../../server/src/analysis/text';

const COMMENTED = [
  'model A {',
  '  id Int @id',
  '  /**',
  '   * A note with { braces } and "quotes"',
  '   */',
  '  /* inline */ name String /* after */',
  '}',
  '/* model Gone {',
  '  id Int @id',
  '} */',
  'model B { /* } */ // a comment after the brace',
  '  id Int @id',
  '  url String @default("/* not a comment */")',
  '  // a line comment with /* in it',
  '  code String',
  '} /* a comment opened after a block',
  'model Hidden {',
  '}',
  '*/',
  'enum E {   ',
  '  X',
  '}',
  '',
].join('\n');

describe('block comments', () => {
  it('hide blocks, fields and braces', () => {
    assert.deepEqual(splitBlocks(COMMENTED).map((block) => block.name), ['A', 'B', 'E']);
    const schema = buildSchema([{ uri: 'file:///block-comments.prisma', text: COMMENTED }]);
    assert.deepEqual(schema.problems, []);
    assert.deepEqual(schema.enums.map((block) => block.values), [['X']]);
    assert.deepEqual(schema.models.map((model) => [model.name, model.fields.map((field) => field.name)]), [
      ['A', ['id', 'name']],
      ['B', ['id', 'url', 'code']],
    ]);
  });

  it('are blanked for the parser with every offset kept, strings and line comments untouched', () => {
    const prepared = prepareForParser(COMMENTED);
    assert.equal(prepared.length, COMMENTED.length);
    assert.equal(prepared.split('\n').length, COMMENTED.split('\n').length);
    for (const [offset, character] of [...COMMENTED].entries()) if (/\w/.test(character) && prepared[offset] !== ' ') assert.equal(prepared[offset], character);
    assert.doesNotMatch(prepared, /inline|after \*\/|braces/);
    assert.match(prepared, /@default\("\/\* not a comment \*\/"\)/);
    assert.match(prepared, /\/\/ a line comment with \/\* in it/);
  });

  it('keep dots of native types and numbers, and turn those of paths into composite types', () => {
    const text = 'model P {\n  id String @id @db.ObjectId\n  n Float @default(1.5)\n  @@index([home.geo.lat, tags])\n}';
    assert.equal(prepareForParser(text), text.replace('home.geo.lat', 'home-geo-lat'));
  });

  it('split and read an edited text as a fresh read does, whatever the edit opens or closes', () => {
    const snippets = ['/*', '*/', '/* model Q {\n', '}\n*/\n', '\nmodel Z {\n  id Int @id\n}\n', '}', '{', '\n', '"', '//'];
    let state = 7;
    const random = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state / 0x7fffffff;
    };
    const withoutRevisions = (key: string, value: unknown) => (key === 'revision' ? undefined : value);
    const read = (uri: string, text: string) => JSON.stringify({ ...buildSchema([{ uri, text }]), files: [] }, withoutRevisions);
    const edited = 'file:///edited/block-comments.prisma';
    let text = COMMENTED;
    read(edited, text);
    for (let step = 0; step < 400; step++) {
      const at = Math.floor(random() * (text.length + 1));
      const snippet = snippets[Math.floor(random() * snippets.length)]!;
      const removed = random() < 0.5 ? 0 : 1 + Math.floor(random() * 30);
      const next = text.slice(0, at) + snippet + text.slice(Math.min(text.length, at + removed));
      const change = textChange(text, next);
      if (change) assert.deepEqual(splitEditedBlocks(text, splitBlocks(text), next, change).blocks, splitBlocks(next), `blocks after step ${step}`);
      const fresh = `file:///fresh/block-comments-${step}.prisma`;
      assert.equal(read(edited, next), read(fresh, next).split(fresh).join(edited), `read after step ${step}`);
      text = next;
    }
  });
});
