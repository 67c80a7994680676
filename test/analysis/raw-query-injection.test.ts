/** Marker tests for raw-query-injection: unsafe raw SQL built from values, and the constant or parameterized forms. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/raw-query-injection';
import { check, checkFix } from '../support/fixture';

describe('raw-query-injection', () => {
  it('flags unsafe raw calls and Prisma.raw given SQL built from values', () => {
    check(rule, `
//- src/users.ts
export async function find(email: string, sort: string, id: string) {
  await prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE email = '\${email}'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: \`prisma.$queryRawUnsafe\` runs SQL built from values (interpolates \`\${email}\`)
  await prisma.$executeRawUnsafe('DELETE FROM "Session" WHERE "userId" = ' + id);
//      ^^^^^^^^^^^^^^^^^^^^^^^^ error: \`prisma.$executeRawUnsafe\` runs SQL built from values (concatenation)
  const sql = \`SELECT * FROM "Post" ORDER BY \${sort}\`;
  await db.$queryRawUnsafe(sql);
//      ^^^^^^^^^^^^^^^^^^ error: \`sql\` is assembled from values
  let query = 'SELECT * FROM "Tag" WHERE name = ' + "'" + sort + "'";
  await prisma.$queryRawUnsafe(query, 1);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
  await prisma.$queryRaw\`SELECT * FROM "User" ORDER BY \${Prisma.raw(\`"\${sort}" DESC\`)}\`;
//                                                       ^^^^^^^^^^ error: \`Prisma.raw\` inserts text built from values
  await this.prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE id IN (\${ids.join(',')})\`);
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates \`\${ids.join(',')}\`
  for (const table of tablesFromRequest) await prisma.$executeRawUnsafe(\`TRUNCATE \${table}\`);
//                                             ^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates \`\${table}\`
}
`);
  });

  it('leaves alone tagged templates, constants, numbers and placeholders', () => {
    check(rule, `
//- src/users.ts
const TABLE = '"User"';
const ORDER = process.env.NODE_ENV === 'test' ? 'id' : 'email';
export async function find(email: string, page: string, desc: boolean) {
  await prisma.$queryRaw\`SELECT * FROM "User" WHERE email = \${email}\`;
  await prisma.$queryRawUnsafe('SELECT * FROM "User" WHERE email = $1', email);
  await prisma.$queryRawUnsafe(\`SELECT * FROM \${TABLE} ORDER BY \${ORDER}\`);
  await prisma.$queryRawUnsafe(\`SELECT * FROM "User" LIMIT 20 OFFSET \${Number(page) * 20}\`);
  await prisma.$queryRawUnsafe('SELECT ' + '1');
  await prisma.$queryRawUnsafe(\`SELECT * FROM "User" ORDER BY id \${desc ? 'DESC' : 'ASC'}\`);
  await prisma.$queryRaw\`SELECT * FROM \${Prisma.raw('"User"')}\`;
  await cache.$queryRawUnsafe(\`SELECT \${email}\`);
  const text = \`Hello \${email}\`;
  await sendMail(text);
  for (const table of ['"Session"', '"User"']) await prisma.$executeRawUnsafe(\`TRUNCATE \${table}\`);
  for (const table of TABLES) await prisma.$executeRawUnsafe(\`DELETE FROM "\${table}"\`);
}
const TABLES = ['Post', 'Tag'];
`);
  });

  it('turns an interpolated unsafe call into the tagged template, unquoting values', () => {
    checkFix(
      rule,
      `
//- src/users.ts
const rows = await prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE email = '\${email}' AND age > \${age} LIMIT \${limit}\`);
`,
      `
const rows = await prisma.$queryRaw\`SELECT * FROM "User" WHERE email = \${email} AND age > \${age} LIMIT \${limit}\`;
`,
    );
  });

  it('offers no fix when an interpolation builds an identifier or a pattern', () => {
    const findings = check(rule, `
//- src/users.ts
await prisma.$queryRawUnsafe(\`SELECT * FROM "User" ORDER BY \${column}\`);
//    ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
await prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE name LIKE '%\${q}%'\`);
//    ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
`);
    assert.deepEqual(findings.map((finding) => finding.fixes), [undefined, undefined]);
  });
});
