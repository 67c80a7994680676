/** The SQL of a call, compiled by Prisma's query compiler: parameters, raw templates, and what cannot be shown, said in the user's terms. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileAt, querySiteAt } from '../../server/src/explain/sql';
import { sqlMarkdown } from '../../server/src/explain/sql-markdown';
import type { CompiledSql, CompiledStatements } from '../../server/src/explain/sql-types';

const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Status {
  DRAFT
  LIVE
}

model Author {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  createdAt DateTime @default(now())
  books     Book[]
}

model Book {
  id       Int      @id @default(autoincrement())
  title    String
  status   Status   @default(DRAFT)
  price    Decimal
  authorId Int
  author   Author   @relation(fields: [authorId], references: [id])
}
`;
const SCHEMA_FILES = [{ path: 'file:///project/prisma/schema.prisma', text: SCHEMA }];

/** Compiles the call marked by `‸` (the marker is removed from the source). */
async function compileMarked(source: string, schemaFiles = SCHEMA_FILES): Promise<CompiledSql | undefined> {
  const offset = source.indexOf('‸');
  assert.ok(offset >= 0, 'the case needs a ‸ marker');
  return compileAt({ uri: 'file:///project/src/books.ts', text: source.replace('‸', '') }, offset, schemaFiles);
}

async function statementsOf(source: string): Promise<CompiledStatements> {
  const result = await compileMarked(source);
  assert.ok(result, 'no call at the marker');
  assert.ok(!('error' in result), `unexpected error: ${'error' in result ? result.error : ''}`);
  return result as CompiledStatements;
}

async function errorOf(source: string, schemaFiles = SCHEMA_FILES): Promise<string> {
  const result = await compileMarked(source, schemaFiles);
  assert.ok(result && 'error' in result, `expected an error, got ${JSON.stringify(result)}`);
  return (result as { error: string }).error;
}

describe('model operations', () => {
  test('run-time values become typed parameters; literals keep their values', async () => {
    const { statements, model, operation } = await statementsOf(`await prisma.‸book.findMany({ where: { authorId: authorId, title: { contains: 'sql' } }, take: 5 });`);
    assert.equal(model, 'Book');
    assert.equal(operation, 'findMany');
    assert.equal(statements.length, 1);
    assert.match(statements[0]!.sql, /^SELECT .* FROM "public"\."Book" WHERE \("public"\."Book"\."authorId" = \$1 AND "public"\."Book"\."title"::text LIKE \('%' \|\| \$2 \|\| '%'\)\)/);
    assert.deepEqual(statements[0]!.params.slice(0, 3), [
      { name: 'authorId', type: 'Int' },
      { name: 'literal', type: 'String', value: 'sql' },
      { name: 'literal', type: 'BigInt', value: '5' },
    ]);
  });

  test('an include adds a statement that takes the keys of the first', async () => {
    const { statements } = await statementsOf(`prisma.author.‸findMany({ where: { email }, include: { books: { where: { status: 'LIVE' } } } })`);
    assert.equal(statements.length, 2);
    assert.match(statements[1]!.sql, /"public"\."Book"\."authorId" IN \(\$\d\)/);
    const keys = statements[1]!.params.find((param) => param.name.includes('earlier statement'));
    assert.deepEqual(keys, { name: 'id of the rows an earlier statement returned', type: 'Int' });
    // A literal enum stays a literal, cast the way Prisma Client's request has it.
    assert.match(statements[1]!.sql, /"status" = CAST\(\$1::text AS "public"\."Status"\)/);
  });

  test('a run-time enum is named, and compiled with the cast Prisma Client sends', async () => {
    const { statements } = await statementsOf(`prisma.book.‸findMany({ where: { status: { in: wanted } } })`);
    assert.match(statements[0]!.sql, /"status" IN \(CAST\(\$1::text AS "public"\."Status"\)\)/);
    assert.deepEqual(statements[0]!.params[0], { name: 'an element of wanted', type: 'Status' });
  });

  test('run-time take and skip are parameters named after the source', async () => {
    const { statements } = await statementsOf(`prisma.book.‸findMany({ take: page.size, skip: page.size * page.index })`);
    assert.deepEqual(
      statements[0]!.params.map((param) => param.name),
      ['page.size', 'page.size * page.index'],
    );
  });

  test('an upsert marks the statements of each path', async () => {
    const result = await statementsOf(`prisma.author.‸upsert({ where: { email }, create: { email }, update: {} })`);
    const { statements } = result;
    assert.ok(statements.some((statement) => statement.when === 'only when the earlier statement found no rows' && statement.sql.startsWith('INSERT')));
    assert.ok(statements.some((statement) => statement.when === undefined));
    assert.match(sqlMarkdown(result), /\*Only when the earlier statement found no rows:\*\n\n```sql\nINSERT INTO "public"\."Author"/);
  });

  test('a value made by a @default is named as such', async () => {
    const { statements } = await statementsOf(`prisma.author.‸create({ data: { email: 'a@b.c', createdAt: undefined } })`);
    assert.match(statements[0]!.sql, /^INSERT INTO "public"\."Author" \("email","createdAt"\) VALUES \(\$1,\$2\)/);
    assert.deepEqual(statements[0]!.params, [
      { name: 'literal', type: 'String', value: 'a@b.c' },
      { name: 'createdAt, made by Prisma when the call runs (its @default)', type: 'DateTime' },
    ]);
  });

  test('count and aggregate are aggregates on the protocol', async () => {
    const count = await statementsOf(`prisma.book.‸count({ where: { price: { gt: 10 } } })`);
    assert.match(count.statements[0]!.sql, /^SELECT COUNT\(\*\)/);
    // A number at a Decimal field is no parameter in Prisma Client's request: the compiler sends it as a Decimal.
    assert.equal(count.statements[0]!.params[0]!.type, 'Decimal');
    assert.equal(Number(count.statements[0]!.params[0]!.value), 10);
    const aggregate = await statementsOf(`prisma.book.‸aggregate({ _avg: { price: true }, _count: true })`);
    assert.match(aggregate.statements[0]!.sql, /^SELECT AVG\("price"\) AS "_avg\$price", COUNT\(\*\) AS "_count\$_all" FROM \(SELECT .* FROM "public"\."Book"/);
  });

  test('the innermost call under the cursor wins', async () => {
    const source = `await prisma.author.findMany({ where: { id: { in: (await prisma.‸book.findMany()).map((b) => b.authorId) } } });`;
    const site = querySiteAt({ uri: 'file:///project/src/a.ts', text: source.replace('‸', '') }, source.indexOf('‸'), SCHEMA_FILES);
    assert.equal(site?.callee, 'prisma.book.findMany');
  });
});

describe('raw SQL', () => {
  test('template substitutions become parameters', async () => {
    const { statements } = await statementsOf('await prisma.‸$queryRaw`SELECT * FROM "Book" WHERE "authorId" = ${authorId} AND title = ${"Dune"}`;');
    assert.deepEqual(statements, [
      {
        sql: 'SELECT * FROM "Book" WHERE "authorId" = $1 AND title = $2',
        params: [
          { name: 'authorId', type: 'Unknown' },
          { name: 'literal', type: 'String', value: 'Dune' },
        ],
      },
    ]);
  });

  test('Prisma.raw is spliced in, Prisma.sql passed as the argument is read', async () => {
    const { statements } = await statementsOf('prisma.‸$executeRaw(Prisma.sql`DELETE FROM ${Prisma.raw("\\"Book\\"")} WHERE id = ${id}`)');
    assert.equal(statements[0]!.sql, 'DELETE FROM "Book" WHERE id = $1');
  });

  test('$queryRawUnsafe with a literal SQL string', async () => {
    const { statements } = await statementsOf(`prisma.‸$queryRawUnsafe('SELECT 1 WHERE $1 = $2', a, 2)`);
    assert.deepEqual(statements[0], { sql: 'SELECT 1 WHERE $1 = $2', params: [{ name: 'a', type: 'Unknown' }, { name: 'literal', type: 'Int', value: 2 }] });
  });
});

describe('what cannot be shown is said in the user terms', () => {
  test('a where object built elsewhere', async () => {
    assert.equal(
      await errorOf(`prisma.book.‸findMany({ where: filters })`),
      'The SQL of `prisma.book.findMany` cannot be shown: `where` is `filters`, only known when the code runs; its shape decides the SQL, so write the object in the call to see it',
    );
  });

  test('a spread in the arguments', async () => {
    assert.match(await errorOf(`prisma.book.‸findMany({ ...pagination, where: { id: 1 } })`), /spreads `pagination`, whose properties are only known when the code runs/);
  });

  test('a field the model does not have', async () => {
    assert.equal(
      await errorOf(`prisma.book.‸findMany({ where: { titel: 'x' } })`),
      "Prisma rejects this call: `where.titel`: `titel` is not a field there (the schema's `Book` and its relations define what `where` accepts)",
    );
  });

  test('the compiler validation, said about the call', async () => {
    const cases: [string, string][] = [
      [`prisma.book.‸findMany({ where: { id: 'seven' } })`, 'Prisma rejects this call: `id` takes `IntFilter` or `Int`, not the value given'],
      [`prisma.book.‸findMany({ where: { author: { is: { email: 1 } } } })`, 'Prisma rejects this call: `email` takes `StringFilter` or `String`, not the value given'],
      [`prisma.book.‸findMany({ where: { title: { containz: 'x' } } })`, "Prisma rejects this call: `where.title.containz`: `containz` is not a field there (the schema's `Book` and its relations define what `where` accepts)"],
      [`prisma.book.‸findMany({ include: { reviews: true } })`, 'Prisma rejects this call: `reviews` is not a field of `Book`'],
      [`prisma.author.‸findUnique({ where: { createdAt: new Date('2020-01-01') } })`, 'Prisma rejects this call: `where` needs a unique field of `Author` (one of `id`, `email`)'],
      [`prisma.book.‸create({ data: { title: 'x', price: 1 } })`, 'Prisma rejects this call: `data.author` is required: `author` has no default in the schema, so the call must set it'],
      [`prisma.book.‸findMany({ take: 'ten' })`, 'Prisma rejects this call: `take` takes `Int`, not the value given'],
      [
        `prisma.book.‸findMany({ select: { id: true }, include: { author: true } })`,
        'The SQL of `prisma.book.findMany` cannot be shown: `select` and `include` cannot be used together: Prisma Client rejects the call (nest the relation inside `select`)',
      ],
      [
        `prisma.book.‸findMany({ orderBy: { title: direction } })`,
        'The SQL of `prisma.book.findMany` cannot be shown: `orderBy.title` is `direction`, only known when the code runs; it changes the SQL itself, so Prisma Lens needs it written in the call',
      ],
    ];
    for (const [source, message] of cases) assert.equal(await errorOf(source), message, source);
  });

  test('a delegate the schema does not declare', async () => {
    assert.match(await errorOf(`prisma.‸author.findMany({})`, [{ path: 'file:///s.prisma', text: 'datasource db {\n  provider = "postgresql"\n}\nmodel Other {\n  id Int @id\n}\n' }]).catch(() => 'no call'), /no call|no model/);
  });

  test('a schema for another database', async () => {
    const mysql = SCHEMA.replace('"postgresql"', '"mysql"');
    assert.equal(await errorOf(`prisma.book.‸findMany()`, [{ path: 'file:///s.prisma', text: mysql }]), "the schema's provider is mysql; Prisma Lens shows SQL for PostgreSQL");
  });

  test('a schema the compiler cannot read', async () => {
    const broken = SCHEMA.replace(/\}\s*$/, '');
    assert.equal(
      await errorOf(`prisma.book.‸findMany()`, [{ path: 'file:///s.prisma', text: broken }]),
      'Prisma rejects this call: the compiler finds no model `Book` for `findMany` in the schema, which most likely has a syntax error there (`prisma validate` shows it)',
    );
  });

  test('no schema at all', async () => {
    assert.equal(await errorOf(`prisma.book.‸findMany()`, []), 'no Prisma schema was found for this file, so its SQL cannot be shown');
  });

  test('half-typed code does not throw', async () => {
    const result = await compileMarked(`const x = await prisma.book.‸findMany({ where: { title: { contains: `);
    assert.ok(result);
    assert.ok('statements' in result || 'error' in result);
  });

  test('a position with no Prisma call gives nothing', async () => {
    assert.equal(await compileMarked(`const ‸x = books.findMany({ where: {} });`), undefined);
  });
});

describe('hover markdown', () => {
  test('shows each statement in an sql block with its parameters', async () => {
    const result = await compileMarked(`prisma.book.‸findFirst({ where: { id } })`);
    const markdown = sqlMarkdown(result!);
    assert.match(markdown, /^\*\*SQL of `prisma\.book\.findFirst`\*\* \(one statement\)/);
    assert.match(markdown, /```sql\nSELECT .*\n```/);
    assert.match(markdown, /`\$1` id: Int/);
    assert.match(markdown, /`\$2` = `"1"` \(BigInt\)/);
  });

  test('a statement with thousands of values is cut to what a hover can show', async () => {
    const ids = Array.from({ length: 3000 }, (_, index) => index + 1).join(', ');
    const result = await compileMarked(`prisma.book.‸findMany({ where: { id: { in: [${ids}] } } })`);
    assert.ok(result && 'statements' in result);
    assert.equal(result.statements[0]!.params.length, 3001);
    const markdown = sqlMarkdown(result);
    assert.ok(markdown.length < 8_000, `${markdown.length} characters`);
    assert.match(markdown, /more characters; `prisma-lens explain` prints the whole statement\)/);
    assert.match(markdown, /…and 2,981 more parameters$/);
  });

  test('an error reads as a sentence', () => {
    assert.equal(sqlMarkdown({ error: 'the schema has no model `x`' }), '**Prisma Lens**: the schema has no model `x`');
  });
});
