/** Prisma's validation through `validateSchema`: UTF-16 positions, Prisma 5/6 datasources, files told apart. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSchema } from '../../server/src/engines/schema-validation';

const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")\n}\n';

function errorsOf(files: { uri: string; text: string }[]) {
  const result = validateSchema(files);
  assert.ok('errors' in result, `validation failed: ${'failure' in result ? result.failure : ''}`);
  return result.errors;
}

describe('validateSchema', () => {
  it('gives positions as UTF-16 offsets, also after characters of two bytes, of four bytes and of two UTF-16 units', () => {
    const text = `${DATASOURCE}model Café {\n  id    Int    @id // ünïcödé 😀😀\n  price Floot\n}\n`;
    const errors = errorsOf([{ uri: 'file:///s/schema.prisma', text }]);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const [error] = errors;
    // UTF-8 byte offsets would land 16 characters further on.
    assert.equal(text.slice(error!.start, error!.end), 'Floot');
    assert.match(error!.message, /Type "Floot" is neither a built-in type/);
    assert.equal(error!.uri, 'file:///s/schema.prisma');
  });

  it("accepts a Prisma 6 datasource's connection settings, which Prisma 7's engine alone would reject", () => {
    assert.deepEqual(errorsOf([{ uri: 'file:///s/schema.prisma', text: `${DATASOURCE}model User {\n  id Int @id\n}\n` }]), []);
  });

  it('reports each error against its own file of a multi-file schema', () => {
    const post = 'model Post {\n  id Int @id\n  @@@\n}\n';
    const errors = errorsOf([
      { uri: 'file:///s/schema/main.prisma', text: DATASOURCE },
      { uri: 'file:///s/schema/post.prisma', text: post },
    ]);
    assert.deepEqual(errors.map((error) => [error.uri, error.start]), [['file:///s/schema/post.prisma', post.indexOf('@@@')]]);
  });

  it('accepts what Prisma 5/6 accept: their preview features and a view with @id; a misspelt feature is still an error', () => {
    const generator = (features: string) => `generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = [${features}]\n}\n`;
    const view = 'view UserInfo {\n  id    Int    @id\n  email String\n}\nview LatestLogin {\n  userId Int\n  teamId Int\n  at     DateTime\n\n  @@id([userId, teamId])\n}\n';
    const schema = `${generator('"metrics", "tracing", "multiSchema", "views"')}${DATASOURCE}model User {\n  id Int @id\n}\n${view}`;
    assert.deepEqual(errorsOf([{ uri: 'file:///s/schema.prisma', text: schema }]), []);
    // Today's engine stops at the generator when a feature is unknown: the views are checked on their own.
    assert.deepEqual(errorsOf([{ uri: 'file:///s/schema.prisma', text: `${generator('"views"')}${DATASOURCE}model User {\n  id Int @id\n}\n${view}` }]), []);
    const misspelt = errorsOf([{ uri: 'file:///s/schema.prisma', text: `${generator('"metricz"')}${DATASOURCE}model User {\n  id Int @id\n}\n` }]);
    assert.equal(misspelt.length, 1, JSON.stringify(misspelt));
    assert.match(misspelt[0]!.message, /"metricz" is not known/);
  });
});
