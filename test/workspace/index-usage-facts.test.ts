/** The workspace facts of indexed files are read again only when a file or what queries read of the schema changed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema } from '../../server/src/analysis/schema/build';
import type { IndexedFile } from '../../server/src/workspace/code-index';
import { IndexUsageFacts } from '../../server/src/workspace/index-usage';

const SCHEMA = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int    @id
  status   String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
}
`;

/** An indexed file with one `prisma.post.findMany` call whose argument object is `args`. */
function fileWith(uri: string, args: string): IndexedFile {
  const span = { start: 0, end: 21 };
  const position = { line: 0, character: 0 };
  return {
    uri,
    contentHash: `${uri}#${args}`,
    schemaKey: 'schema',
    querySites: [
      {
        kind: 'model',
        callee: 'prisma.post.findMany',
        client: 'prisma',
        delegate: 'post',
        model: 'Post',
        operation: 'findMany',
        span,
        range: { start: position, end: position },
        callSpan: { start: 0, end: 22 + args.length },
        args: { span: { start: 21, end: 21 + args.length }, text: args },
      },
    ],
  };
}

const files = [fileWith('file:///w/a.ts', "{ where: { status: 'DRAFT' } }"), fileWith('file:///w/b.ts', '{ where: { authorId: 1 } }')];
const schemaOf = (text: string) => buildSchema([{ uri: 'file:///w/prisma/schema.prisma', text }]);
const columns = (facts: ReturnType<IndexUsageFacts['factsFor']>) => facts.queries.flatMap((query) => query.paths.flatMap((path) => path.equality)).sort();

describe('workspace facts for index usage', () => {
  it('reads the calls again only when what the queries read of the schema changed', () => {
    const facts = new IndexUsageFacts();
    assert.deepEqual(columns(facts.factsFor(files, schemaOf(SCHEMA))), ['authorId', 'status']);
    assert.equal(facts.lastReread, 2);

    // An index, a comment and moved text change nothing the queries read.
    const indexed = SCHEMA.replace('  author   User   @relation(fields: [authorId], references: [id])\n', '  author   User   @relation(fields: [authorId], references: [id])\n\n  @@index([status]) // drafts\n');
    assert.deepEqual(columns(facts.factsFor(files, schemaOf(`// the blog\n${indexed}`))), ['authorId', 'status']);
    assert.equal(facts.lastReread, 0);

    // A renamed field does: `status` is no longer a column of Post.
    assert.deepEqual(columns(facts.factsFor(files, schemaOf(SCHEMA.replace('  status   String', '  state    String')))), ['authorId']);
    assert.equal(facts.lastReread, 2);

    // Back to the first shape: the facts of that shape are read again, and equal the first ones.
    assert.deepEqual(columns(facts.factsFor(files, schemaOf(SCHEMA))), ['authorId', 'status']);
  });

  it('reads again the one file that changed', () => {
    const facts = new IndexUsageFacts();
    const schema = schemaOf(SCHEMA);
    facts.factsFor(files, schema);
    assert.deepEqual(columns(facts.factsFor([files[0]!, fileWith('file:///w/b.ts', "{ where: { id: 3, status: 'X' } }")], schema)), ['id', 'status', 'status']);
    assert.equal(facts.lastReread, 1);
  });
});
