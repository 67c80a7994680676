/**
 * The call the user means at a cursor (the panel) or on a line (the CLI) is the call under the
 * cursor, else the first call that starts on its line, else the call that spans the line; none on a
 * line with no call.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { querySiteMeant, querySiteAt } from '../../server/src/explain/sql';

const SCHEMA_FILES = [
  {
    path: 'file:///project/prisma/schema.prisma',
    text: `datasource db {
  provider = "postgresql"
}

model Post {
  id        Int     @id
  published Boolean
  authorId  Int
}

model User {
  id    Int    @id
  email String @unique
}
`,
  },
];

const SOURCE = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function feed(take = 20) {
  const posts = await prisma.post.findMany({ where: { published: true }, take });
  const [users, total] = await Promise.all([prisma.user.findMany(), prisma.post.count()]);
  const one = await prisma.post.findFirst({
    where: { authorId: (await prisma.user.findFirst())!.id },
  });
  return { posts, users, total, one };
}
`;

const file = { uri: 'file:///project/src/feed.ts', text: SOURCE };

/** The callee meant with the cursor just before the `n`th occurrence of `needle` (plus `shift` characters). */
function atCursor(needle: string, shift = 0, n = 1): string | undefined {
  let offset = -1;
  for (let seen = 0; seen < n; seen++) offset = SOURCE.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, needle);
  const site = querySiteMeant(file, { offset: offset + shift }, SCHEMA_FILES);
  return site && `${site.callee} @${SOURCE.slice(0, site.span.start).split('\n').length}`;
}

function lineStart(line: number): number {
  return SOURCE.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
}

function onLine(line: number): string | undefined {
  const site = querySiteMeant(file, { line: line - 1 }, SCHEMA_FILES);
  return site && `${site.callee} @${SOURCE.slice(0, site.span.start).split('\n').length}`;
}

describe('the call the user means', () => {
  test('the cursor in the leading white space of the findMany line', () => {
    assert.equal(querySiteMeant(file, { offset: lineStart(5) }, SCHEMA_FILES)?.callee, 'prisma.post.findMany');
    assert.equal(querySiteMeant(file, { offset: lineStart(5) + 1 }, SCHEMA_FILES)?.callee, 'prisma.post.findMany');
  });

  test('the cursor on `const posts = await`, before the call', () => {
    assert.equal(atCursor('const posts'), 'prisma.post.findMany @5');
    assert.equal(atCursor('await prisma.post.findMany', 2), 'prisma.post.findMany @5');
  });

  test('the cursor inside the arguments', () => {
    assert.equal(atCursor('published: true'), 'prisma.post.findMany @5');
    assert.equal(atCursor('take })'), 'prisma.post.findMany @5');
  });

  test('two calls on one line: the one under the cursor, else the first', () => {
    assert.equal(atCursor('prisma.post.count'), 'prisma.post.count @6');
    assert.equal(atCursor('prisma.user.findMany'), 'prisma.user.findMany @6');
    assert.equal(atCursor(', prisma.post.count'), 'prisma.user.findMany @6', 'between the two calls');
    assert.equal(atCursor('const [users'), 'prisma.user.findMany @6');
  });

  test('a call inside another call: the inner one under the cursor, the outer one from the indentation of its line', () => {
    assert.equal(atCursor('prisma.user.findFirst'), 'prisma.user.findFirst @8');
    assert.equal(atCursor('where: { authorId', 2), 'prisma.post.findFirst @7', 'the cursor on `where`, inside the outer call');
    assert.equal(querySiteMeant(file, { offset: lineStart(8) }, SCHEMA_FILES)?.callee, 'prisma.user.findFirst', 'the indentation of the line where the inner call starts');
  });

  test('a line with no call: none', () => {
    assert.equal(querySiteMeant(file, { offset: lineStart(1) }, SCHEMA_FILES), undefined);
    assert.equal(querySiteMeant(file, { offset: lineStart(4) + 3 }, SCHEMA_FILES), undefined);
    assert.equal(onLine(3), undefined);
    assert.equal(onLine(10), undefined);
  });

  test('the CLI\'s <file>:<line> finds the same calls', () => {
    assert.equal(onLine(5), 'prisma.post.findMany @5');
    assert.equal(onLine(6), 'prisma.user.findMany @6');
    assert.equal(onLine(7), 'prisma.post.findFirst @7');
    assert.equal(onLine(8), 'prisma.user.findFirst @8');
    assert.equal(onLine(9), 'prisma.post.findFirst @7', 'the line that closes a call');
  });

  test('hover stays strict: only a call under the pointer answers', () => {
    assert.equal(querySiteAt(file, lineStart(5), SCHEMA_FILES), undefined);
  });
});
