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
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection: "prisma.$queryRawUnsafe" runs SQL built from values (interpolates "\${email}")
  await prisma.$executeRawUnsafe('DELETE FROM "Session" WHERE "userId" = ' + id);
//      ^^^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection: "prisma.$executeRawUnsafe" runs SQL built from values (concatenation)
  const sql = \`SELECT * FROM "Post" ORDER BY \${sort}\`;
  await db.$queryRawUnsafe(sql);
//      ^^^^^^^^^^^^^^^^^^ error: "sql" is assembled from values
  let query = 'SELECT * FROM "Tag" WHERE name = ' + "'" + sort + "'";
  await prisma.$queryRawUnsafe(query, 1);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
  await prisma.$queryRaw\`SELECT * FROM "User" ORDER BY \${Prisma.raw(\`"\${sort}" DESC\`)}\`;
//                                                       ^^^^^^^^^^ error: SQL injection: "Prisma.raw" puts text built from values
  await this.prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE id IN (\${ids.join(',')})\`);
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${ids.join(',')}"
  for (const table of tablesFromRequest) await prisma.$executeRawUnsafe(\`TRUNCATE \${table}\`);
//                                             ^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${table}"
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

  it('leaves alone values no request controls: environment, module constants, numbers, dates, constant maps, checked and escaped values', () => {
    check(rule, `
//- src/jobs.ts
import { CUTOFF_DAYS, PARENT_TABLE } from './constants';
const typeToTable = { image: 'Image', post: 'Post' } as const;
class Scheduler {
  static readonly claimTimeoutMs = 5_000;
  async claim() {
    await this.db.$executeRawUnsafe(\`SET LOCAL statement_timeout = \${Scheduler.claimTimeoutMs}\`);
  }
}
function getSchema() {
  return new URL(process.env.DATABASE_URL).searchParams.get('schema');
}
function safeName(name: string) {
  if (!/^Delivery_\\d{4}_\\d{2}_\\d{2}$/.test(name)) throw new Error(\`bad partition \${name}\`);
  return name;
}
export function intList(values: number[]) {
  return values.map((value) => Math.trunc(value)).join(',');
}
async function deleteFile({ id, userId }: GetByIdInput & { userId: number }) {
  await prisma.$queryRaw\`DELETE FROM "File" WHERE id = \${id} \${Prisma.raw(\`AND "userId" = \${userId}\`)}\`;
}
export async function run(
  { entityIds, userId, field }: { entityIds: number[]; userId: number; field: 'url' | 'type' },
  type: string,
  since: Date,
  name: string,
  scores: { rank: number }[],
) {
  await prisma.$executeRawUnsafe(\`SET search_path TO "\${process.env.DB_SCHEMA}"\`);
  await prisma.$executeRawUnsafe(\`SET search_path TO "\${getSchema()}"\`);
  const databaseUrl = process.env.SAML_DATABASE_URL;
  const urlRegex = /^postgres:\\/\\/[^/]+\\/(?<database>[^?]+)$/;
  const dbName = urlRegex.exec(databaseUrl)?.groups?.database;
  await prisma.$executeRawUnsafe(\`CREATE DATABASE "\${dbName}"\`);
  await prisma.$queryRawUnsafe(\`SELECT * FROM "\${PARENT_TABLE}" WHERE "createdAt" > now() - INTERVAL '\${CUTOFF_DAYS} days'\`);
  await prisma.$queryRaw\`SELECT \${Prisma.raw(\`"\${field}"\`)} FROM "Image" WHERE id IN (\${Prisma.raw(entityIds.join(', '))}) AND "userId" = \${Prisma.raw(\`\${userId}\`)}\`;
  await prisma.$queryRaw\`SELECT 1 \${Prisma.raw(\`AND "createdAt" > '\${since.toISOString()}'\`)}\`;
  await deleteFile({ id: 1, userId: 2 });
  const table = typeToTable[type];
  if (!table) return;
  await prisma.$queryRawUnsafe(\`SELECT "userId" FROM "\${table}"\`);
  await prisma.$executeRawUnsafe(\`DROP TABLE IF EXISTS "\${safeName(name)}"\`);
  if (!['asc', 'desc'].includes(type)) throw new Error('bad order');
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Post" ORDER BY id \${type}\`);
  for (const { rank } of scores) {
    const brightness = (scores.length - rank + 1) / scores.length;
    await prisma.$executeRawUnsafe(\`UPDATE "Cosmetic" SET data = to_jsonb(\${brightness})\`);
  }
  const json = JSON.stringify(scores).replace(/'/g, "''");
  await prisma.$executeRawUnsafe(\`UPDATE "Setting" SET value = '\${json}'::jsonb\`);
  await prisma.$queryRaw\`SELECT * FROM (VALUES \${Prisma.raw(scores.map((s) => \`(\${intList([s.rank])})\`).join(','))}) AS v\`;
  const placeholders = scores.map((_, index) => \`($\${index * 2 + 1}, $\${index * 2 + 2})\`).join(', ');
  await prisma.$executeRawUnsafe(\`UPDATE "Org" SET usage = v.usage FROM (VALUES \${placeholders}) AS v(id, usage)\`, ...scores);
  const tagIdMatch = (col: string) => Prisma.sql\`\${Prisma.raw(\`"\${col}"\`)} = ANY(\${ids})\`;
  await prisma.$queryRaw\`SELECT * FROM "TagsOnImage" WHERE \${tagIdMatch('tagId')} OR \${tagIdMatch("parentTagId")}\`;
  const setClauses: string[] = [];
  let paramIndex = 1;
  setClauses.push(\`styling = $\${paramIndex}::jsonb\`);
  paramIndex++;
  await prisma.$executeRawUnsafe(\`UPDATE "Survey" SET \${setClauses.join(', ')} WHERE id = $\${paramIndex}\`, scores);
}
`);
  });

  it('still flags the neighbours: unchecked strings, a key not escaped beside an escaped value, a lookup with a fallback', () => {
    check(rule, `
//- src/kv.ts
const typeToTable: Record<string, string> = { image: 'Image' };
export async function set(key: string, value: unknown, type: string) {
  const json = JSON.stringify(value).replace(/'/g, "''");
  await prisma.$executeRawUnsafe(\`INSERT INTO "KeyValue" VALUES ('\${key}', '\${json}'::jsonb)\`);
//      ^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${key}"
  if (!type) return;
  await prisma.$queryRawUnsafe(\`SELECT * FROM "\${type}"\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${type}"
  await prisma.$queryRawUnsafe(\`SELECT * FROM "\${typeToTable[type] ?? type}"\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
  const byColumn = (column: string) => prisma.$queryRawUnsafe(\`SELECT * FROM "Tag" ORDER BY \${column}\`);
//                                     ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${column}"
  const match = /^(?<name>\\w+)$/.exec(key);
  await prisma.$executeRawUnsafe(\`CREATE DATABASE "\${match?.groups?.name}"\`);
//      ^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${match?.groups?.name}"
  await byColumn('name');
  await byColumn(type);
}
`);
  });

  it('leaves alone values whose declared type, schema or configuration in the file admits no quote', () => {
    check(rule, `
//- src/search.ts
import { z } from 'zod';
const FORMATS = ['SafeTensor', 'PickleTensor'] as const;
type Format = (typeof FORMATS)[number];
type SortOrder = 'asc' | 'desc';
enum Status { Draft = 'Draft', Published = 'Published' }
interface Range { startId: number; endId: number }
type Batch = { type: 'new'; startId: number; endId: number } | { type: 'update'; ids: number[] };
type IndexConfig = { key: string; alias: string; tableName: string };
const INDEXES: IndexConfig[] = [
  { key: 'models', alias: 'm', tableName: 'Model' },
  { key: 'users', alias: 'u', tableName: 'User' },
];
const filterSchema = z.object({
  formats: z.enum(FORMATS).array().optional(),
  status: z.nativeEnum(Status),
  limit: z.coerce.number().int().max(100),
  ownerId: z.string().uuid(),
});
async function fetchValid(cfg: IndexConfig, ids: number[]) {
  return db.$queryRaw\`SELECT \${Prisma.raw(\`\${cfg.alias}.id\`)} FROM \${Prisma.raw(\`"\${cfg.tableName}"\`)} WHERE id IN (\${Prisma.join(ids)})\`;
}
export async function cleanAll() {
  for (const cfg of INDEXES) await fetchValid(cfg, [1]);
}
export async function pull(batch: Batch, range: Range, sort: SortOrder, format: Format, status: Status, formats: Format[]) {
  if (batch.type === 'new') await db.$queryRaw\`SELECT * FROM "Image" i WHERE \${Prisma.raw(\`i.id BETWEEN \${batch.startId} AND \${batch.endId}\`)}\`;
  await db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE id >= \${range.startId} ORDER BY id \${sort}\`);
  await db.$queryRawUnsafe(\`SELECT * FROM "ModelFile" WHERE metadata->>'format' = '\${format}' AND status = '\${status}'\`);
  await db.$queryRaw\`SELECT 1 WHERE \${Prisma.join(formats.map((f) => Prisma.raw(\`metadata @> '{"format": "\${f}"}'\`)), ' OR ')}\`;
}
export const modelRouter = router({
  search: publicProcedure.input(filterSchema).query(async ({ input }) => {
    const { formats } = input;
    const clauses = (formats ?? []).map((format) => Prisma.raw(\`mf.metadata @> '{"format": "\${format}"}'\`));
    await db.$queryRawUnsafe(\`SELECT * FROM "Model" WHERE status = '\${input.status}' AND "userId" = '\${input.ownerId}' LIMIT \${input.limit}\`);
    return clauses;
  }),
});
export async function byParsed(body: unknown, params: { format: z.infer<typeof filterSchema> }) {
  const parsed = filterSchema.parse(body);
  await db.$queryRawUnsafe(\`SELECT * FROM "Model" WHERE status = '\${parsed.status}'\`);
}
export async function restore(req: Request) {
  const { formats } = filterSchema.parse(req.query);
  await db.$queryRawUnsafe(\`SELECT * FROM "ModelFile" WHERE format IN ('\${formats.join("', '")}')\`);
}
const actionSchema = filterSchema.superRefine((data, ctx) => data.limit > 0 || ctx.addIssue({ code: 'custom' }));
export async function act(req: Request) {
  const payload = actionSchema.safeParse(req.query);
  if (!payload.success) return;
  const input = payload.data;
  const limitClause = input.limit ? \`LIMIT \${input.limit}\` : '';
  await db.$queryRawUnsafe(\`SELECT * FROM "Model" \${limitClause}\`);
}
export async function byInferred({ status, limit }: z.infer<typeof filterSchema>) {
  await db.$queryRawUnsafe(\`SELECT * FROM "Model" WHERE status = '\${status}' LIMIT \${limit}\`);
}
`);
  });

  it('still flags values the file types as strings, leaves untyped, or takes from a request', () => {
    check(rule, `
//- src/search.ts
import { z } from 'zod';
import type { ExternalConfig } from './config';
type Batch = { type: 'new'; startId: number; label: string } | { type: 'update'; label: number };
type IndexConfig = { key: string; alias: string };
const INDEXES: IndexConfig[] = [{ key: 'models', alias: 'm' }];
type OpenConfig = { alias: string };
export function makeConfig(alias: string): OpenConfig {
  return { alias };
}
const filterSchema = z.object({ name: z.string().min(1), status: z.enum(['Draft', 'Published']), email: z.string().email() });
export async function fetchValid(cfg: IndexConfig, open: OpenConfig, external: ExternalConfig, name: string, batch: Batch, untyped) {
  await db.$queryRawUnsafe(\`SELECT * FROM "\${cfg.key}" WHERE alias = '\${name}'\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${name}"
  await db.$queryRawUnsafe(\`SELECT \${open.alias}.id FROM "Model" \${open.alias}\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${open.alias}"
  await db.$queryRawUnsafe(\`SELECT \${external.alias}.id FROM "Model"\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${external.alias}"
  await db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE label = '\${batch.label}'\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${batch.label}"
  await db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE id = \${untyped.startId}\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${untyped.startId}"
  await db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE id = \${untyped}\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${untyped}"
  const { status } = filterSchema.parse(untyped);
  const byStatus = (status: string) => db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE status = '\${status}'\`);
//                                     ^^^^^^^^^^^^^^^^^^ error: interpolates "\${status}"
  const names = [name, 'b'];
  await db.$queryRaw\`SELECT 1 WHERE \${Prisma.join(names.map((n) => Prisma.raw(\`name = '\${n}'\`)), ' OR ')}\`;
//                                                                 ^^^^^^^^^^ error: SQL injection: "Prisma.raw" puts text built from values (interpolates "\${n}")
}
export const modelRouter = router({
  search: publicProcedure.input(filterSchema).query(async ({ input }) => {
    const { name } = input;
    await db.$queryRawUnsafe(\`SELECT * FROM "Model" WHERE name = '\${name}' AND status = '\${input.status}'\`);
//        ^^^^^^^^^^^^^^^^^^ error: interpolates "\${name}"
    await db.$queryRawUnsafe(\`SELECT * FROM "User" WHERE email = '\${input.email}'\`);
//        ^^^^^^^^^^^^^^^^^^ error: interpolates "\${input.email}"
  }),
});
export default async function handler(req, res) {
  const { name } = filterSchema.parse(req.query);
  await db.$queryRawUnsafe(\`SELECT * FROM "Tag" WHERE name = '\${name}'\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${name}"
  const payload = filterSchema.safeParse(req.query);
  const input = payload.data;
  await db.$queryRawUnsafe(\`SELECT * FROM "Tag" WHERE name = '\${input.name}'\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${input.name}"
  const { sort } = req.query;
  await db.$queryRawUnsafe(\`SELECT * FROM "Post" ORDER BY \${sort}\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${sort}"
  await db.$queryRawUnsafe(\`SELECT * FROM "Post" ORDER BY \${req.query.column as 'id' | 'title'}\`);
//      ^^^^^^^^^^^^^^^^^^ error: SQL injection
}
`);
  });

  it('leaves alone values typed with an enum of the schema, and flags a type of the same file or of another module', () => {
    check(rule, `
//- prisma/schema.prisma
enum Availability {
  Public
  Private
}
model Model {
  id           Int          @id
  availability Availability
}
//- src/availability.ts
import { Availability, type Prisma } from '@prisma/client';
import { Availability as Access } from './enums';
import type { Visibility } from './types';
export async function update({ availability, visibility }: { availability: Availability; visibility: Visibility }, access: Access, ids: number[]) {
  await db.$executeRawUnsafe(\`UPDATE "Model" SET availability = '\${availability}'::"Availability" WHERE id IN (\${ids.join(', ')})\`);
  await db.$executeRawUnsafe(\`UPDATE "Model" SET availability = '\${access}'::"Availability", locked = '\${Availability.Private}'\`);
  await db.$executeRawUnsafe(\`UPDATE "Model" SET visibility = '\${visibility}'\`);
//      ^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${visibility}"
}
`);
  });

  it("says so when an endpoint runs the caller's whole statement", () => {
    check(rule, `
//- src/table.service.ts
export class TableService {
  async sqlQuery(tableId: string, sql: string) {
    const base = await this.builder.baseQuery(tableId);
    const combinedQuery = \`WITH base AS (\${base}) \${sql.replace(tableId, 'base')}\`;
    return this.prisma.$queryRawUnsafe(combinedQuery);
//         ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: Whoever supplies "sql" can run any statement: "this.prisma.$queryRawUnsafe" runs the SQL text given to "sqlQuery".
  }
}
`);
  });
});
