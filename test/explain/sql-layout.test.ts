/**
 * The SQL layout of the EXPLAIN panel and the CLI puts one clause per line and indents subqueries,
 * and never changes the meaning: the laid-out text has the original's tokens, on every statement of
 * the SQL equality cases and on literals, quoted identifiers and comments that hold clause keywords.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileAt } from '../../server/src/explain/sql';
import { layoutSql } from '../../shared/sql-layout';
import { EQUALITY_CASES, SCHEMA } from './sql-equality-cases';

/**
 * Tokens read independently of the layout's own reader: a literal, a quoted identifier or a comment
 * is one token with the white space inside it, so a line break put inside one changes the sequence.
 */
function tokensOf(sql: string): string[] {
  return sql.match(/[eE]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|"(?:[^"]|"")*"|\$q\$[\s\S]*?\$q\$|--[^\n]*|\/\*[\s\S]*?\*\/|\$\d+|\w+|\S/g) ?? [];
}

function assertSameStatement(original: string, laidOut: string): void {
  assert.deepEqual(tokensOf(laidOut), tokensOf(original), 'the tokens differ');
  assert.equal(laidOut.replace(/\s+/g, ''), original.replace(/\s+/g, ''), 'only white space may change');
}

describe('SQL layout', () => {
  test('the feed query: one clause per line', () => {
    const sql = 'SELECT "public"."posts"."id", "public"."posts"."title" FROM "public"."posts" WHERE "public"."posts"."published" = $1 ORDER BY "public"."posts"."published_at" DESC LIMIT $2 OFFSET $3';
    assert.equal(
      layoutSql(sql),
      [
        'SELECT "public"."posts"."id", "public"."posts"."title"',
        'FROM "public"."posts"',
        'WHERE "public"."posts"."published" = $1',
        'ORDER BY "public"."posts"."published_at" DESC',
        'LIMIT $2',
        'OFFSET $3',
      ].join('\n'),
    );
  });

  test('joins on their own lines, subqueries indented with their parentheses', () => {
    const sql =
      'SELECT "u"."id", COALESCE("a"."n", 0) AS "n" FROM "public"."users" AS "u" LEFT JOIN (SELECT "p"."authorId", COUNT(*) AS "n" FROM "public"."Post" AS "p" WHERE EXISTS(SELECT 1 FROM "public"."Tag" AS "t" WHERE "t"."id" = "p"."id") GROUP BY "p"."authorId") AS "a" ON ("u"."id" = "a"."authorId") INNER JOIN "public"."Profile" AS "j0" ON "j0"."userId" = "u"."id" WHERE 1=1 OFFSET $1';
    assert.equal(
      layoutSql(sql),
      [
        'SELECT "u"."id", COALESCE("a"."n", 0) AS "n"',
        'FROM "public"."users" AS "u"',
        'LEFT JOIN (',
        '  SELECT "p"."authorId", COUNT(*) AS "n"',
        '  FROM "public"."Post" AS "p"',
        '  WHERE EXISTS(',
        '    SELECT 1',
        '    FROM "public"."Tag" AS "t"',
        '    WHERE "t"."id" = "p"."id"',
        '  )',
        '  GROUP BY "p"."authorId"',
        ') AS "a" ON ("u"."id" = "a"."authorId")',
        'INNER JOIN "public"."Profile" AS "j0" ON "j0"."userId" = "u"."id"',
        'WHERE 1=1',
        'OFFSET $1',
      ].join('\n'),
    );
  });

  test('writes: VALUES, SET, ON CONFLICT and RETURNING start lines', () => {
    assert.equal(
      layoutSql('INSERT INTO "t" ("a","b") VALUES ($1,$2) ON CONFLICT ("a") DO UPDATE SET "b" = $3 RETURNING "t"."a"'),
      ['INSERT INTO "t" ("a","b")', 'VALUES ($1,$2)', 'ON CONFLICT ("a") DO UPDATE', 'SET "b" = $3', 'RETURNING "t"."a"'].join('\n'),
    );
    assert.equal(layoutSql('DELETE FROM "t" WHERE "t"."a" = $1'), 'DELETE FROM "t"\nWHERE "t"."a" = $1');
  });

  test('keywords inside literals, quoted identifiers and comments stay where they are', () => {
    const cases: [string, string][] = [
      [`SELECT 'FROM x WHERE y' AS "WHERE" FROM t WHERE "WHERE" = 'a''b ORDER BY' ORDER BY 1 LIMIT 2`, `SELECT 'FROM x WHERE y' AS "WHERE"\nFROM t\nWHERE "WHERE" = 'a''b ORDER BY'\nORDER BY 1\nLIMIT 2`],
      [`SELECT 1 /* FROM (SELECT */ FROM t`, `SELECT 1 /* FROM (SELECT */\nFROM t`],
      [`SELECT E'it\\'s FROM here' FROM t`, `SELECT E'it\\'s FROM here'\nFROM t`],
      [`SELECT $q$ WHERE ) (SELECT $q$ FROM t WHERE a = $1`, `SELECT $q$ WHERE ) (SELECT $q$\nFROM t\nWHERE a = $1`],
      [`SELECT "a""FROM" FROM t -- WHERE x`, `SELECT "a""FROM"\nFROM t -- WHERE x`],
    ];
    for (const [sql, expected] of cases) {
      const laidOut = layoutSql(sql);
      assert.equal(laidOut, expected, sql);
      assertSameStatement(sql, laidOut);
    }
  });

  test('FROM, ORDER BY and GROUP inside functions, windows and IS DISTINCT FROM are not clauses', () => {
    const sql = 'SELECT EXTRACT(YEAR FROM "d"), rank() OVER (ORDER BY "x"), percentile_cont(0.5) WITHIN GROUP (ORDER BY "x") FROM t WHERE "a" IS DISTINCT FROM "b" FOR UPDATE';
    assert.equal(
      layoutSql(sql),
      'SELECT EXTRACT(YEAR FROM "d"), rank() OVER (ORDER BY "x"), percentile_cont(0.5) WITHIN GROUP (ORDER BY "x")\nFROM t\nWHERE "a" IS DISTINCT FROM "b"\nFOR UPDATE',
    );
  });

  test('SQL that already has line breaks is left as it was written', () => {
    const written = 'SELECT id\n  FROM posts WHERE id = 1';
    assert.equal(layoutSql(written), written);
  });

  test('every statement of the SQL equality cases keeps its tokens', async () => {
    let statements = 0;
    for (const equalityCase of EQUALITY_CASES) {
      const source = `const prisma = new PrismaClient();\nexport async function run() {\n  return ${equalityCase.code};\n}\n`;
      const compiled = await compileAt({ uri: 'file:///project/src/case.ts', text: source }, source.indexOf('prisma.', source.indexOf('return')) + 1, [
        { path: 'file:///project/schema.prisma', text: SCHEMA },
      ]);
      assert.ok(compiled && !('error' in compiled), equalityCase.name);
      for (const statement of compiled.statements) {
        const laidOut = layoutSql(statement.sql);
        assertSameStatement(statement.sql, laidOut);
        assert.ok(laidOut.includes('\n') || !/ (FROM|VALUES|SET) /.test(statement.sql), `${equalityCase.name}: laid out\n${laidOut}`);
        statements++;
      }
    }
    assert.ok(statements >= 60, `${statements} statements`);
  });
});
