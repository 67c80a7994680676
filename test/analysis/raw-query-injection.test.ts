/** Marker tests for raw-query-injection: raw SQL that pastes in request input is reported; values of any other origin, and input made safe, are not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/raw-query-injection';
import { check, checkFix } from '../support/fixture';

describe('raw-query-injection', () => {
  it("flags unsafe raw calls and Prisma.raw given SQL built from a request's values", () => {
    check(rule, `
//- src/routes/users.ts
app.get('/users', async (req, res) => {
  const { email, sort } = req.query;
  await prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE email = '\${email}'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection: "prisma.$queryRawUnsafe" runs SQL built from request input (interpolates "\${email}", from "req.query").
  await prisma.$executeRawUnsafe('DELETE FROM "Session" WHERE "userId" = ' + req.params.id);
//      ^^^^^^^^^^^^^^^^^^^^^^^^ error: (concatenates "req.params.id", from "req.params")
  const sql = \`SELECT * FROM "Post" ORDER BY \${sort}\`;
  await db.$queryRawUnsafe(sql);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${sort}", from "req.query"
  let query = 'SELECT * FROM "Tag" WHERE true';
  if (req.query.name) query += " AND name = '" + req.query.name + "'";
  await prisma.$queryRawUnsafe(query, 1);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: concatenates "req.query.name"
  await prisma.$queryRaw\`SELECT * FROM "User" ORDER BY \${Prisma.raw(\`"\${sort}" DESC\`)}\`;
//                                                       ^^^^^^^^^^ error: SQL injection: "Prisma.raw" puts request input into the SQL unescaped (interpolates "\${sort}", from "req.query")
  await this.prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE id IN (\${req.body.ids.join(',')})\`);
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${req.body.ids.join(',')}", from "req.body"
  for (const table of req.body.tables) await prisma.$executeRawUnsafe(\`TRUNCATE \${table}\`);
//                                           ^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${table}"
  const conditions: string[] = [];
  if (req.query.tag) conditions.push(\`tag = '\${req.query.tag}'\`);
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE \${conditions.join(' AND ')}\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${req.query.tag}"
  await prisma.$queryRaw\`SELECT * FROM "User" WHERE email = \${email}\`;
  await prisma.$queryRawUnsafe('SELECT * FROM "User" WHERE email = $1', email);
});
`);
  });

  it('traces each source of request input', () => {
    check(rule, `
//- src/server/fastify.ts
fastify.get('/tags', async (request, reply) => {
  const { name } = request.query as { name: string };
  return db.$queryRawUnsafe(\`SELECT * FROM "Tag" WHERE name = '\${name}'\`);
//       ^^^^^^^^^^^^^^^^^^ error: interpolates "\${name}", from "request.query"
});
//- src/pages/report.ts
export const getServerSideProps = async (ctx) => {
  const tenant = ctx.req.cookies.tenant;
  await db.$executeRawUnsafe(\`SET search_path TO "\${tenant}"\`);
//      ^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${tenant}", from "ctx.req.cookies"
  return { props: {} };
};
//- src/hono.ts
app.get('/search', async (c) => {
  const q = c.req.query('q');
  return c.json(await db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE title ILIKE '%\${q}%'\`));
//                    ^^^^^^^^^^^^^^^^^^ error: interpolates "\${q}", from "c.req.query('q')"
});
//- src/app/api/tags/route.ts
export async function POST(request: Request) {
  const { label } = await request.json();
  await db.$executeRawUnsafe(\`INSERT INTO "Tag" (label) VALUES ('\${label}')\`);
//      ^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${label}", from "request.json()"
  const { searchParams } = new URL(request.url);
  await db.$queryRawUnsafe(\`SELECT * FROM "Tag" ORDER BY \${searchParams.get('sort')}\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${searchParams.get('sort')}"
  const url = new URL(request.url);
  await db.$queryRawUnsafe(\`SELECT * FROM "Tag" WHERE slug = '\${url.searchParams.get('slug')}'\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${url.searchParams.get('slug')}"
}
//- src/app/api/users/[id]/route.ts
export async function GET(request: NextRequest, { params }: { params: { id: string } }) {
  const q = request.nextUrl.searchParams.get('q') ?? '';
  await db.$queryRawUnsafe(\`SELECT * FROM "User" WHERE id = '\${params.id}' AND name ILIKE '%\${q}%'\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${params.id}", "\${q}", from "params"
  await db.$queryRawUnsafe(\`SELECT * FROM "User" WHERE name = '\${request.headers.get('x-user')}'\`);
//      ^^^^^^^^^^^^^^^^^^ error: interpolates "\${request.headers.get('x-user')}", from "headers.get('x-user')"
}
//- src/app/actions.ts
'use server';
export async function rename(formData: FormData) {
  const name = formData.get('name')?.toString() ?? '';
  await db.$executeRawUnsafe(\`UPDATE "Team" SET name = '\${name}'\`);
//      ^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${name}", from "formData.get('name')"
}
//- src/app/posts/[slug]/page.tsx
export default async function Page({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: { q?: string } }) {
  const { slug } = await params;
  const rows = await db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE slug = '\${slug}' AND body ILIKE '%\${searchParams.q}%'\`);
//                   ^^^^^^^^^^^^^^^^^^ error: interpolates "\${slug}", "\${searchParams.q}", from "params"
  return null;
}
//- src/routes/search/+page.server.ts
export async function load({ url }) {
  const term = url.searchParams.get('term');
  return db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE title = '\${term}'\`);
//       ^^^^^^^^^^^^^^^^^^ error: interpolates "\${term}", from "searchParams.get('term')"
}
//- src/cli/drop.ts
const [, , table] = process.argv;
await prisma.$executeRawUnsafe(\`DROP TABLE "\${table}"\`);
//    ^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${table}", from "process.argv"
//- src/koa.ts
router.get('/posts', async (ctx) => {
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE title = '\${ctx.query.title}' AND body = '\${ctx.request.body.text}'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${ctx.query.title}", "\${ctx.request.body.text}", from "ctx.query"
});
//- src/lambda.ts
export const handler = async (event) => {
  const { name } = JSON.parse(event.body);
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Tag" WHERE name = '\${name}'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${name}", from "event.body"
};
//- src/routes/update.ts
router.patch('/posts/:id', async (req, res) => {
  const sets = Object.keys(req.body).map((key) => \`"\${key}" = $1\`).join(', ');
  await prisma.$executeRawUnsafe(\`UPDATE "Post" SET \${sets} WHERE id = $2\`, req.body.value, req.params.id);
//      ^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${key}", from "req.body"
});
//- src/reports/reports.controller.ts
@Controller('reports')
export class ReportsController {
  @Get(':id')
  async find(@Param('id') id: string, @Query('sort') sort, @Query('limit') limit: number, @Body() body: { where: string; page: number }) {
    await this.prisma.$queryRawUnsafe(\`SELECT * FROM "Report" WHERE id = '\${id}' ORDER BY \${sort} LIMIT \${limit}\`);
//        ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${id}", "\${sort}", from "@Param('id')")
    await this.prisma.$queryRawUnsafe(\`SELECT * FROM "Report" WHERE kind = '\${body.where}' OFFSET \${body.page}\`);
//        ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${body.where}", from "@Body().where")
  }
}
`);
  });

  it('reads a tRPC input as its zod schema lets it through', () => {
    check(rule, `
//- src/server/routers/post.ts
import { z } from 'zod';
import { sortSchema, listInput } from './schemas';
import { Visibility } from './enums';
const searchInput = z.object({
  term: z.string().min(1),
  email: z.string().email(),
  tags: z.array(z.string()),
  sort: sortSchema,
  status: z.enum(['draft', 'published']),
  visibility: z.nativeEnum(Visibility),
  limit: z.number().int(),
  kind: z.literal('post'),
  ownerId: z.string().uuid(),
  slug: z.string().regex(/^[a-z-]+$/),
});
export const postRouter = router({
  search: publicProcedure.input(searchInput).query(async ({ input, ctx }) => {
    await ctx.db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE title ILIKE '%\${input.term}%' ORDER BY \${input.sort}\`);
//        ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${input.term}", from "input"
    const { email } = input;
    await ctx.db.$queryRawUnsafe(\`SELECT * FROM "User" WHERE email = '\${email}'\`);
//        ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${email}", from "input"
    const tagList = input.tags.map((tag) => \`'\${tag}'\`).join(', ');
    await ctx.db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE tag IN (\${tagList})\`);
//        ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${tag}", from "input"
    await ctx.db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE status = '\${input.status}' AND visibility = '\${input.visibility}' AND kind = '\${input.kind}' AND "ownerId" = '\${input.ownerId}' AND slug = '\${input.slug}' LIMIT \${input.limit}\`);
  }),
  byName: publicProcedure.input(searchInput).query(async (opts) => {
    await db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE title = '\${opts.input.term}'\`);
//        ^^^^^^^^^^^^^^^^^^ error: interpolates "\${opts.input.term}", from "input"
  }),
  list: protectedProcedure.input(listInput).query(async ({ input: { orderBy } }) => {
    await db.$queryRawUnsafe(\`SELECT * FROM "Post" ORDER BY \${orderBy}\`);
//        ^^^^^^^^^^^^^^^^^^ error: interpolates "\${orderBy}", from "input"
  }),
  purge: adminProcedure.input(listInput).mutation(async (opts) => {
    await db.$executeRawUnsafe(\`DELETE FROM "Post" WHERE author = '\${opts.input.author}'\`);
  }),
});
`);
  });

  it("says so when an endpoint runs the caller's whole statement", () => {
    check(rule, `
//- src/app/api/sql/route.ts
export async function POST(request: Request) {
  const { sql } = await request.json();
  return Response.json(await prisma.$queryRawUnsafe(sql));
//                           ^^^^^^^^^^^^^^^^^^^^^^ error: Whoever sends the request can run any statement: "prisma.$queryRawUnsafe" runs the SQL text in "sql", from "request.json()".
}
//- src/table/table.controller.ts
export class TableController {
  @Post(':tableId/sql')
  async sqlQuery(@Param('tableId') tableId: string, @Body('sql') sql: string) {
    return this.prisma.$queryRawUnsafe(\`WITH base AS (SELECT * FROM "Record" WHERE "tableId" = $1) \${sql}\`, tableId);
//         ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: Whoever sends the request can run any statement: "this.prisma.$queryRawUnsafe" runs the SQL text in "sql", from "@Body('sql')".
  }
}
//- src/table.service.ts
export class TableService {
  async sqlQuery(tableId: string, sql: string) {
    const base = await this.builder.baseQuery(tableId);
    const combinedQuery = \`WITH base AS (\${base}) \${sql.replace(tableId, 'base')}\`;
    return this.prisma.$queryRawUnsafe(combinedQuery);
//         ^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: Whoever supplies "sql" can run any statement: "this.prisma.$queryRawUnsafe" runs the SQL text given to "sqlQuery".
  }
  async run(sql: string) {
    return this.prisma.$queryRawUnsafe(sql);
  }
  async search(query: string) {
    return this.prisma.$queryRawUnsafe(\`SELECT * FROM "Record" WHERE name LIKE '%\${query}%'\`);
  }
}
`);
  });

  it('turns an interpolated unsafe call into the tagged template, unquoting values', () => {
    checkFix(
      rule,
      `
//- src/users.ts
app.get('/users', async (req) => {
  const { email, age, limit } = req.query;
  const rows = await prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE email = '\${email}' AND age > \${age} LIMIT \${limit}\`);
});
`,
      `
app.get('/users', async (req) => {
  const { email, age, limit } = req.query;
  const rows = await prisma.$queryRaw\`SELECT * FROM "User" WHERE email = \${email} AND age > \${age} LIMIT \${limit}\`;
});
`,
    );
  });

  it('offers no fix when an interpolation builds an identifier or a pattern', () => {
    const findings = check(rule, `
//- src/users.ts
app.get('/users', async (req) => {
  const { column, q } = req.query;
  await prisma.$queryRawUnsafe(\`SELECT * FROM "User" ORDER BY \${column}\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
  await prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE name LIKE '%\${q}%'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
});
`);
    assert.deepEqual(findings.map((finding) => finding.fixes), [undefined, undefined]);
  });

  it('still flags request input beside an escaped value, behind a lookup fallback, or passed through text methods and a cast', () => {
    check(rule, `
//- src/pages/api/kv.ts
const typeToTable: Record<string, string> = { image: 'Image' };
const filterSchema = z.object({ name: z.string().min(1), status: z.enum(['Draft', 'Published']) });
export default async function handler(req, res) {
  const { key, type } = req.query;
  const json = JSON.stringify(req.body).replace(/'/g, "''");
  await prisma.$executeRawUnsafe(\`INSERT INTO "KeyValue" VALUES ('\${key}', '\${json}'::jsonb)\`);
//      ^^^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${key}"
  if (!type) return;
  await prisma.$queryRawUnsafe(\`SELECT * FROM "\${type}"\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${type}"
  await prisma.$queryRawUnsafe(\`SELECT * FROM "\${typeToTable[type] ?? type}"\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE title = '\${(req.query.title as string).trim().toLowerCase()}'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: from "req.query"
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE title = '\${String(req.headers['x-title'])}'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: from "req.headers"
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Post" ORDER BY \${req.query.column as 'id' | 'title'}\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: SQL injection
  const { name, status } = filterSchema.parse(req.query);
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Tag" WHERE name = '\${name}' AND status = '\${status}'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${name}", from "req.query"
  const payload = filterSchema.safeParse(req.query);
  const input = payload.data;
  await prisma.$queryRawUnsafe(\`SELECT * FROM "Tag" WHERE name = '\${input.name}'\`);
//      ^^^^^^^^^^^^^^^^^^^^^^ error: interpolates "\${input.name}"
  const names = (req.query.names as string).split(',');
  await prisma.$queryRaw\`SELECT 1 WHERE \${Prisma.join(names.map((n) => Prisma.raw(\`name = '\${n}'\`)), ' OR ')}\`;
//                                                                     ^^^^^^^^^^ error: SQL injection: "Prisma.raw" puts request input into the SQL unescaped (interpolates "\${n}", from "req.query")
}
`);
  });

  it('leaves alone request input made safe: numbers, allow-lists, constant maps, doubled quotes, enums of a schema, bind parameters', () => {
    check(rule, `
//- src/app/api/feed/route.ts
import { z } from 'zod';
const typeToTable = { image: 'Image', post: 'Post' } as const;
const feedBody = z.object({ period: z.enum(['day', 'week']), cursor: z.coerce.number(), ids: z.array(z.number()) });
function safeName(name: string) {
  if (!/^[a-z_]+$/.test(name)) throw new Error('bad name');
  return name;
}
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const page = Number(params.get('page'));
  await db.$queryRawUnsafe(\`SELECT * FROM "Post" OFFSET \${page * 20} LIMIT \${parseInt(params.get('limit') ?? '20', 10)}\`);
  const order = params.get('order') ?? 'asc';
  if (!['asc', 'desc'].includes(order)) throw new Error('bad order');
  await db.$queryRawUnsafe(\`SELECT * FROM "Post" ORDER BY id \${order}\`);
  const table = typeToTable[params.get('type')];
  await db.$queryRawUnsafe(\`SELECT * FROM "\${table}"\`);
  const note = (params.get('note') ?? '').replace(/'/g, "''");
  await db.$executeRawUnsafe(\`INSERT INTO "Note" (text) VALUES ('\${note}')\`);
  await db.$executeRawUnsafe(\`DROP TABLE IF EXISTS "\${safeName(params.get('table'))}"\`);
  const body = feedBody.parse(await request.json());
  await db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE period = '\${body.period}' AND id > \${body.cursor} AND id IN (\${body.ids.join(',')})\`);
  await db.$queryRawUnsafe('SELECT * FROM "Post" WHERE title = $1', params.get('title'));
  await db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE length(title) > \${params.get('title').length}\`);
  await db.$queryRaw\`SELECT * FROM "Post" WHERE title = \${params.get('title')}\`;
}
//- src/reports/reports.controller.ts
import { Availability } from '@prisma/client';
import type { ReportQuery } from './dto';
export class ReportsController {
  @Get()
  async list(@Query('availability') availability: Availability, @Query() query: ReportQuery, @Param('id') id: number) {
    await this.prisma.$queryRawUnsafe(\`SELECT * FROM "Report" WHERE availability = '\${availability}' AND id = \${id} ORDER BY \${query.sort}\`);
  }
}
`);
  });

  it('leaves alone values whose origin the file does not show to be a request: the false positives of real applications', () => {
    check(rule, `
//- src/server/services/metrics.ts
import { z } from 'zod';
import type { EntityIds } from './types';
import { METRICS, eventsList } from './metrics.config';
import { sortOrderEnum, reportInput } from './schemas';
import { getFeatureConfig } from './features';
const metricSchema = z.object({ table: z.string(), sort: sortOrderEnum });
type MetricInput = z.infer<typeof metricSchema>;
export async function updateCounts<T extends number>(ids: EntityIds, userId: T, scores: number[], metric: string) {
  await db.$executeRawUnsafe(\`UPDATE "Image" SET "userId" = \${userId} WHERE id IN (\${ids.join(',')})\`);
  await db.$executeRawUnsafe(\`UPDATE "Stats" SET data = '\${JSON.stringify(scores)}'::jsonb WHERE metric = '\${metric}'\`);
  const user = await db.user.findFirst({ where: { id: userId } });
  await db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE "userId" = \${user.id} AND "count" > \${Number(metric)}\`);
  const account = await db.account.findFirst({ where: { provider: 'github' } });
  await db.$queryRawUnsafe(\`SELECT * FROM "Repo" WHERE "ownerId" = '\${account.providerAccountId}'\`);
  for (const rank of METRICS) await db.$executeRawUnsafe(\`REFRESH MATERIALIZED VIEW "\${rank.table}"\`);
  for (const event of eventsList) await db.$executeRawUnsafe(\`DELETE FROM "Event" WHERE name = '\${event}'\`);
  const feature = await getFeatureConfig('feed');
  await db.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE \${feature.sqlFilter}\`);
  const escaped = metric.replace(/'/g, "''");
  await db.$queryRawUnsafe(\`SELECT * FROM "Stats" WHERE metric = '\${escaped}'\`);
}
export async function metricRows({ table, sort }: MetricInput) {
  return db.$queryRawUnsafe(\`SELECT * FROM "\${table}" ORDER BY value \${sort}\`);
}
export const daily = () => metricRows({ table: 'DailyMetric', sort: 'desc' });
export const statsRouter = router({
  top: publicProcedure.input(z.object({ sort: sortOrderEnum })).query(({ input }) => db.$queryRawUnsafe(\`SELECT * FROM "Post" ORDER BY score \${input.sort}\`)),
  report: adminProcedure.input(reportInput).query(({ input }) => db.$queryRawUnsafe(\`SELECT * FROM "\${input.table}"\`)),
});
`);
  });

  it('leaves alone what a handler holds that the sender does not choose, and values handed to other functions', () => {
    check(rule, `
//- src/routes/me.ts
app.get('/me', async (req, res) => {
  await prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE id = '\${req.user.id}' AND "sessionId" = '\${req.session.id}'\`);
  await findByName(req.query.name);
});
async function findByName(name: string) {
  return prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE name = '\${name}'\`);
}
export async function approve(request: AccessRequest) {
  return prisma.$queryRawUnsafe(\`SELECT * FROM "Grant" WHERE "requestId" = '\${request.id}' AND reason = '\${request.body}'\`);
}
export const meRouter = router({
  me: protectedProcedure.query(({ ctx }) => prisma.$queryRawUnsafe(\`SELECT * FROM "User" WHERE id = '\${ctx.session.user.id}'\`)),
});
//- src/hono.ts
app.get('/search', zValidator('query', searchSchema), async (c) => {
  const { q } = c.req.valid('query');
  return c.json(await prisma.$queryRawUnsafe(\`SELECT * FROM "Post" WHERE title = '\${q}'\`));
});
`);
  });

  it('leaves alone parameters of functions that are not request handlers, whatever their type', () => {
    check(rule, `
//- src/search.ts
import { z } from 'zod';
import type { ExternalConfig } from './config';
type Batch = { type: 'new'; startId: number; label: string } | { type: 'update'; label: number };
type OpenConfig = { alias: string };
const filterSchema = z.object({ name: z.string().min(1), status: z.enum(['Draft', 'Published']) });
export async function fetchValid(open: OpenConfig, external: ExternalConfig, name: string, batch: Batch, untyped, request: { id: number }) {
  await db.$queryRawUnsafe(\`SELECT * FROM "Model" WHERE alias = '\${name}'\`);
  await db.$queryRawUnsafe(\`SELECT \${open.alias}.id, \${external.alias}.id FROM "Model"\`);
  await db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE label = '\${batch.label}' AND id = \${untyped.startId} AND x = \${untyped}\`);
  const { name: parsedName } = filterSchema.parse(untyped);
  await db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE name = '\${parsedName}'\`);
  const byStatus = (status: string) => db.$queryRawUnsafe(\`SELECT * FROM "Image" WHERE status = '\${status}'\`);
  await byStatus(name);
  const names = [name, 'b'];
  await db.$queryRaw\`SELECT 1 WHERE \${Prisma.join(names.map((n) => Prisma.raw(\`name = '\${n}'\`)), ' OR ')}\`;
  await db.$queryRawUnsafe(\`SELECT * FROM "Request" WHERE body = '\${request.id}'\`);
  const urlMatch = /^(?<name>\\w+)$/.exec(name);
  await db.$executeRawUnsafe(\`CREATE DATABASE "\${urlMatch?.groups?.name}"\`);
}
`);
  });

  it('leaves alone values typed with an enum of the schema or a type of another module', () => {
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
});
