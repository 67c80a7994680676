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

  it('answers at once in the editor: no queries until every file was read in the background, then all of them', async () => {
    const facts = new IndexUsageFacts();
    const many = Array.from({ length: 400 }, (_, index) => fileWith(`file:///w/f${index}.ts`, `{ where: { status: 'S${index}', authorId: ${index} } }`));
    let ready = 0;
    const schema = schemaOf(SCHEMA);
    const first = facts.factsSoon(many, schema, () => ready++);
    assert.equal(first.queries, undefined, 'unknown while files are left to read, never an empty list');
    assert.equal(facts.generation, 0);
    for (let turns = 0; ready === 0 && turns < 100_000; turns++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ready, 1);
    assert.equal(facts.generation, 1);
    assert.equal(facts.factsSoon(many, schema, () => ready++).queries?.length, 400);
    // An edit that keeps the shape answers from what was read; one that changes it waits again.
    assert.equal(facts.factsSoon(many, schemaOf(`// the blog\n${SCHEMA}`), () => ready++).queries?.length, 400);
    assert.equal(facts.factsSoon(many, schemaOf(SCHEMA.replace('  status   String', '  state    String')), () => ready++).queries, undefined);
    facts.cancel();
  });

  it('reads in slices, so that other work runs between them', async () => {
    const facts = new IndexUsageFacts();
    const many = Array.from({ length: 3000 }, (_, index) => fileWith(`file:///w/g${index}.ts`, `{ where: { status: 'S${index}' } }`));
    let ready = false;
    let turns = 0;
    facts.factsSoon(many, schemaOf(SCHEMA), () => (ready = true));
    while (!ready && turns < 100_000) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
    }
    assert.ok(ready);
    assert.ok(turns > 1, `the reading took ${turns} turns of the event loop`);
  });

  it('waits while the server answers a request, and reads once it has none', async () => {
    const facts = new IndexUsageFacts();
    let busy = true;
    facts.mayRun = () => !busy;
    let ready = false;
    const many = Array.from({ length: 400 }, (_, index) => fileWith(`file:///w/h${index}.ts`, `{ where: { status: 'S${index}' } }`));
    assert.equal(facts.factsSoon(many, schemaOf(SCHEMA), () => (ready = true)).queries, undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(ready, false, 'nothing read while a request is answered');
    busy = false;
    for (let waited = 0; !ready && waited < 10_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(ready, 'read once no request was answered');
    assert.equal(facts.factsSoon(many, schemaOf(SCHEMA), () => undefined).queries?.length, 400);
  });

  it('reads for two schemas in turn: the second replaces the first reading, which the next analysis starts again', async () => {
    const facts = new IndexUsageFacts();
    const other = schemaOf('datasource db {\n  provider = "postgresql"\n}\n\nmodel Order {\n  id     Int    @id\n  status String\n}\n');
    const orderFile = (index: number): IndexedFile => {
      const file = fileWith(`file:///w/orders/o${index}.ts`, `{ where: { status: 'S${index}' } }`);
      return { ...file, querySites: file.querySites.map((site) => ({ ...site, callee: 'prisma.order.findMany', delegate: 'order', model: 'Order' })) };
    };
    const posts = Array.from({ length: 300 }, (_, index) => fileWith(`file:///w/posts/p${index}.ts`, `{ where: { status: 'S${index}' } }`));
    const orders = Array.from({ length: 300 }, (_, index) => orderFile(index));
    const all = [...posts, ...orders];
    const until = async (done: () => boolean) => {
      for (let turns = 0; !done() && turns < 100_000; turns++) await new Promise((resolve) => setImmediate(resolve));
      assert.ok(done());
    };
    let postsReady = false;
    let ordersReady = false;
    assert.equal(facts.factsSoon(all, schemaOf(SCHEMA), () => (postsReady = true)).queries, undefined);
    assert.equal(facts.factsSoon(all, other, () => (ordersReady = true)).queries, undefined);
    await until(() => ordersReady);
    assert.equal(postsReady, false, 'the posts reading was replaced');
    assert.equal(facts.factsSoon(all, schemaOf(SCHEMA), () => (postsReady = true)).queries, undefined);
    await until(() => postsReady);
    assert.equal(facts.factsSoon(all, schemaOf(SCHEMA), () => undefined).queries?.length, 300);
    assert.equal(facts.factsSoon(all, other, () => undefined).queries?.length, 300);
  });
});
