/** The query-site index: which calls are Prisma Client queries, through which client, on which model. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { analyzeCode } from '../../server/src/analysis/analyze';
import { buildSchema } from '../../server/src/analysis/schema/build';

const schema = buildSchema([
  { uri: 'file:///fixture/prisma/schema.prisma', text: readFileSync(join(__dirname, '..', 'corpus', 'n-plus-one', 'prisma', 'schema.prisma'), 'utf8') },
]);

/** `callee model operation` for every query site of `source`, in source order. */
function sites(source: string, uri = 'file:///fixture/src/app.ts', withSchema = true): string[] {
  const analysis = analyzeCode({ uri, text: source }, withSchema ? schema : undefined, { rules: [] });
  assert.deepEqual(analysis.errors, []);
  return analysis.querySites.map((site) => `${site.callee} ${site.model?.name ?? '-'} ${site.operation}`);
}

describe('query sites', () => {
  it('finds every model operation and raw query, with the model resolved through the delegate name', () => {
    const operations = ['findMany', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'count', 'aggregate', 'groupBy', 'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete', 'deleteMany'];
    const source = [
      ...operations.map((operation) => `await prisma.orderItem.${operation}({});`),
      'await prisma.$queryRaw`SELECT 1`;',
      'await prisma.$executeRaw`UPDATE "Job" SET status = ${status}`;',
      "await prisma.$queryRawUnsafe('SELECT 1');",
      "await prisma.$executeRawUnsafe('VACUUM');",
    ].join('\n');
    assert.deepEqual(sites(source), [
      ...operations.map((operation) => `prisma.orderItem.${operation} OrderItem ${operation}`),
      'prisma.$queryRaw - $queryRaw',
      'prisma.$executeRaw - $executeRaw',
      'prisma.$queryRawUnsafe - $queryRawUnsafe',
      'prisma.$executeRawUnsafe - $executeRawUnsafe',
    ]);
  });

  it('reaches clients by name, member, parameter, destructuring, transaction and $extends', () => {
    assert.deepEqual(
      sites(`
import { db } from '~/server/db';
const client = globalForPrisma.prisma ?? new PrismaClient();
const xprisma = client.$extends({ query: {} });
const readReplica = new PrismaClient({ datasourceUrl: process.env.REPLICA_URL });
await db.user.findMany();
await client.user.findMany();
await xprisma.user.findMany();
await readReplica.user.findMany();
await ctx.db.post.findMany();
await ctx.prisma.post.findMany();
await req.app.locals.prisma.post.findMany();
await getPrisma(tenantId).post.findMany();
await client.$extends({}).post.findMany();
await (tx ?? prisma).post.findMany();
const { prisma: conn } = context;
class Repo {
  #prisma: PrismaClient;
  constructor(private readonly store: PrismaService) {}
  list() { return [this.#prisma.tag.findMany(), this.store.tag.findMany()]; }
}
await prisma.$transaction(async (t) => t.order.update({ where: { id: 1 }, data: {} }));
await prisma.$transaction(async (prisma) => prisma.order.update({ where: { id: 1 }, data: {} }));
const { post, user: users } = prisma;
await post.findMany();
await users.count();
const comments = db.comment;
await comments.deleteMany({});
await withRetry(() => prisma.job.update({ where: { id: 1 }, data: {} }));
await prisma.task
  .update({ where: { id: 1 }, data: {} });
`),
      [
        'db.user.findMany User findMany',
        'client.user.findMany User findMany',
        'xprisma.user.findMany User findMany',
        'readReplica.user.findMany User findMany',
        'ctx.db.post.findMany Post findMany',
        'ctx.prisma.post.findMany Post findMany',
        'req.app.locals.prisma.post.findMany Post findMany',
        'getPrisma(tenantId).post.findMany Post findMany',
        'client.$extends({}).post.findMany Post findMany',
        '(tx ?? prisma).post.findMany Post findMany',
        'this.#prisma.tag.findMany Tag findMany',
        'this.store.tag.findMany Tag findMany',
        't.order.update Order update',
        'prisma.order.update Order update',
        'post.findMany Post findMany',
        'users.count User count',
        'comments.deleteMany Comment deleteMany',
        'prisma.job.update Job update',
        'prisma.task.update Task update',
      ],
    );
  });

  it('names a delegate alias as written and resolves its client and delegate', () => {
    const analysis = analyzeCode({ uri: 'file:///fixture/src/app.ts', text: 'const { user: users } = ctx.db;\nawait users.findMany();' }, schema, { rules: [] });
    assert.deepEqual(
      analysis.querySites.map((site) => [site.callee, site.client, site.delegate, site.model?.name]),
      [['users.findMany', 'ctx.db', 'user', 'User']],
    );
  });

  it('reaches `this` in a class that extends PrismaClient, directly or through another class', () => {
    assert.deepEqual(
      sites(`
export class PrismaService extends PrismaClient implements OnModuleInit {
  async onModuleInit() { await this.$connect(); }
  activeUsers() { return this.user.findMany({ where: { name: { not: null } } }); }
}
class TenantPrisma extends PrismaService {
  projects = () => this.project.findMany();
}
class UserRepository {
  constructor(private readonly users: UserStore) {}
  all() { return this.user.findMany(); }
}
`),
      ['this.user.findMany User findMany', 'this.project.findMany Project findMany'],
    );
  });

  it('reaches clients behind wrappers when the delegate names a model and the chain names a database holder', () => {
    assert.deepEqual(
      sites(`
await dbWrite.order.update({ where: { id }, data: {} });
await this.repo.user.findMany();
await this._task.model.task.update({ where: { id }, data: {} });
await this.prismaService.txClient().auditLog.create({ data: {} });
await queue.order.update(id);
await stripe.invoice.update('in_1', {});
`),
      [
        'dbWrite.order.update Order update',
        'this.repo.user.findMany User findMany',
        'this._task.model.task.update Task update',
        'this.prismaService.txClient().auditLog.create AuditLog create',
      ],
    );
  });

  it('ignores arrays, maps, other ORMs and unknown delegates', () => {
    assert.deepEqual(
      sites(`
users.find((user) => user.id === id);
await userRepository.findMany({ where: { id } });
await db.query.users.findMany({ with: { posts: true } });
await prisma.unknownModel.findMany();
await prisma.user.findAll();
await api.user.update({ id });
await stripe.invoice.update('in_1', {});
await prisma.user.fields;
`),
      [],
    );
  });

  it('keeps the argument object as a syntax tree and points at the callee on one line', () => {
    const source = 'const rows = await prisma.post.findMany({ where: { published: true }, take: 10 });';
    const analysis = analyzeCode({ uri: 'file:///fixture/src/app.ts', text: source }, schema, { rules: [] });
    const site = analysis.querySites[0]!;
    assert.equal(source.slice(site.span.start, site.span.end), 'prisma.post.findMany');
    assert.equal(source.slice(site.callSpan.start, site.callSpan.end), 'prisma.post.findMany({ where: { published: true }, take: 10 })');
    assert.ok(site.args && ts.isObjectLiteralExpression(site.args));
    assert.deepEqual(
      site.args.properties.map((property) => property.name?.getText()),
      ['where', 'take'],
    );
  });

  it('accepts any delegate name without a schema, and parses TSX and JavaScript', () => {
    assert.deepEqual(sites('await prisma.whatever.findMany();', 'file:///fixture/src/app.ts', false), ['prisma.whatever.findMany - findMany']);
    assert.deepEqual(sites('export default async function Page() { const posts = await db.post.findMany(); return <ul>{posts.length}</ul>; }', 'file:///fixture/app/page.tsx'), [
      'db.post.findMany Post findMany',
    ]);
    assert.deepEqual(sites('module.exports = async (req) => req.prisma.user.findMany();', 'file:///fixture/api/users.js'), ['req.prisma.user.findMany User findMany']);
  });

  it('never throws on broken code', () => {
    assert.deepEqual(sites('for (const user of users) { await prisma.user.findMany({ where: { id: '), ['prisma.user.findMany User findMany']);
  });
});
