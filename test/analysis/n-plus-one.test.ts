/** Marker tests for n-plus-one: the loop forms, the clients, local helpers, and what is not an N+1. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { check } from '../support/fixture';
import { corpusCode as code } from '../support/corpus-fixture';

describe('n-plus-one: loop forms', () => {
  it('flags a relation load in for…of and names the element, the collection and the cost', () => {
    check(rule, code(`
const users = await prisma.user.findMany();
for (const user of users) {
  const posts = await prisma.post.findMany({ where: { authorId: user.id } });
                    //^^^^^^^^^^^^^^^^^^^^ warning: 1 + N queries: "prisma.post.findMany" runs once per "user" of "users" (for…of).
}
`));
  });

  it('flags for, for…in, for await, while and do…while loops over collections', () => {
    check(rule, code(`
for (let i = 0; i < orders.length; i++) {
  await prisma.order.update({ where: { id: orders[i].id }, data: { status: 'paid' } });
      //^^^^^^^^^^^^^^^^^^^ warning: runs once per element of "orders" (for)
}
for (const key in byEmail) {
  await prisma.user.upsert({ where: { email: key }, create: byEmail[key], update: byEmail[key] });
      //^^^^^^^^^^^^^^^^^^ warning: runs once per "key" of "byEmail" (for…in)
}
for await (const line of readLines(file)) {
  await prisma.product.create({ data: parse(line) });
      //^^^^^^^^^^^^^^^^^^^^^ warning: (for await…of)
}
while (queue.length > 0) {
  const node = queue.shift()!;
  const children = await prisma.category.findMany({ where: { parentId: node.id } });
                       //^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per element of "queue" (while)
  queue.push(...children);
}
let i = 0;
do {
  await prisma.notification.delete({ where: { id: ids[i] } });
      //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: (do…while)
} while (++i < ids.length);
`));
  });

  it('flags counted loops that write one row per step, like seed scripts', () => {
    check(rule, code(`
for (let n = 0; n < 50; n++) {
  await prisma.user.create({ data: { email: \`user\${n}@example.com\` } });
      //^^^^^^^^^^^^^^^^^^ warning: runs once per iteration while "n < 50" (for)
}
`));
  });

  it('flags the callbacks of array methods and of p-map style helpers', () => {
    check(rule, code(`
const withCounts = await Promise.all(posts.map(async (post) => ({ ...post, comments: await prisma.comment.count({ where: { postId: post.id } }) })));
                                                                                         //^^^^^^^^^^^^^^^^^^^^ warning: runs once per "post" of "posts" (map)
const rows = (await Promise.all(orgs.map((org) => prisma.project.findMany({ where: { orgId: org.id } })))).flat();
                                                //^^^^^^^^^^^^^^^^^^^^^^^ warning: (map)
const tags = await Promise.all(posts.flatMap((post) => post.tagIds.map((tagId) => prisma.tag.findFirst({ where: { id: tagId } }))));
                                                                                //^^^^^^^^^^^^^^^^^^^^ warning: N × M queries: "prisma.tag.findFirst" runs once per "tagId" of "post.tagIds" (map), inside a loop over "posts".
users.forEach(async (user) => {
  await prisma.notification.create({ data: { userId: user.id, kind: 'digest' } });
      //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: (forEach)
});
const total = await orders.reduce(async (sum, order) => (await sum) + (await prisma.orderItem.count({ where: { orderId: order.id } })), Promise.resolve(0));
                                                                           //^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "order" of "orders" (reduce)
const active = await pMap(members, async (member) => prisma.user.findFirst({ where: { id: member.userId, name: { not: null } } }));
                                                   //^^^^^^^^^^^^^^^^^^^^^ warning: (pMap)
const settled = await Promise.allSettled(ids.map((id) => prisma.order.findMany({ where: { userId: id } })));
                                                       //^^^^^^^^^^^^^^^^^^^^^ warning: (map)
`));
  });

  it('flags a .then in a loop and a query behind a wrapper such as withRetry', () => {
    check(rule, code(`
for (const id of ids) {
  prisma.post.findFirst({ where: { authorId: id } }).then((post) => cache.set(id, post));
//^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "id" of "ids"
  await withRetry(() => prisma.profile.upsert({ where: { userId: id }, create: { userId: id, bio: '' }, update: {} }));
                      //^^^^^^^^^^^^^^^^^^^^^ warning: "prisma.profile.upsert" runs once per "id" of "ids"
}
`));
  });
});

describe('n-plus-one: clients', () => {
  it('recognises db, ctx.db, ctx.prisma, this.prisma, this.#prisma and a destructured client', () => {
    check(rule, code(`
export const postRouter = router({
  feed: publicProcedure.query(async ({ ctx }) => {
    const posts = await ctx.db.post.findMany();
    for (const post of posts) post.author = await ctx.db.user.findFirst({ where: { id: post.authorId } });
                                                //^^^^^^^^^^^^^^^^^^^^^ warning: "ctx.db.user.findFirst"
    for (const post of posts) await ctx.prisma.comment.deleteMany({ where: { postId: post.id } });
                                  //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "ctx.prisma.comment.deleteMany"
  }),
});
class ReportService {
  #prisma = new PrismaClient();
  constructor(private readonly prisma: PrismaService) {}
  async run(ids: number[]) {
    for (const id of ids) await this.prisma.invoice.findMany({ where: { orgId: id } });
                              //^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "this.prisma.invoice.findMany"
    for (const id of ids) await this.#prisma.invoice.count({ where: { orgId: id } });
                              //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "this.#prisma.invoice.count"
  }
}
export async function handler({ db }: Context, ids: number[]) {
  for (const id of ids) await db.task.updateMany({ where: { projectId: id }, data: { status: 'archived' } });
                            //^^^^^^^^^^^^^^^^^^ warning: "db.task.updateMany"
}
`));
  });

  it('recognises a PrismaService that extends PrismaClient, $extends clients and transaction clients', () => {
    check(rule, code(`
@Injectable()
export class PrismaService extends PrismaClient {
  async archive(ids: number[]) {
    for (const id of ids) await this.project.delete({ where: { id } });
                              //^^^^^^^^^^^^^^^^^^^ warning: "this.project.delete"
  }
}
const xprisma = basePrisma.$extends({ result: {} });
export async function importAll(rows: Row[]) {
  for (const row of rows) await xprisma.product.upsert({ where: { sku: row.sku }, create: row, update: row });
                              //^^^^^^^^^^^^^^^^^^^^^^ warning: "xprisma.product.upsert"
  await base.$transaction(async (t) => {
    for (const row of rows) await t.product.update({ where: { sku: row.sku }, data: { stock: row.stock } });
                                //^^^^^^^^^^^^^^^^ warning: "t.product.update"
  });
  await prisma.$transaction(async (prisma) => {
    for (const row of rows) {
      await prisma.product
        .update({ where: { sku: row.sku }, data: { price: row.price } });
       //^^^^^^ warning: "prisma.product.update" runs once per "row" of "rows"
    }
  });
}
`));
  });

  it('does not mistake arrays, maps and repositories with findMany-like methods for Prisma', () => {
    check(rule, code(`
for (const user of users) {
  const post = posts.find((p) => p.authorId === user.id);
  const cached = cache.user.get(user.id);
  const rows = await userRepository.findMany({ where: { id: user.id } });
  const again = await this.users.findMany({ where: { id: user.id } });
  const api = await trpc.user.byId.query({ id: user.id });
}
`));
  });
});

describe('n-plus-one: local helpers', () => {
  it('reports the call of a local function that queries, and names the query inside', () => {
    check(rule, code(`
async function loadAuthor(post: Post) {
  return prisma.user.findFirst({ where: { id: post.authorId } });
}
const loadComments = (postId: number) => prisma.comment.findMany({ where: { postId } });
export async function feed(posts: Post[]) {
  for (const post of posts) {
    const author = await loadAuthor(post);
                       //^^^^^^^^^^ warning: "loadAuthor(post)" runs "prisma.user.findFirst" once per "post" of "posts" (for…of)
    const comments = await loadComments(post.id);
                         //^^^^^^^^^^^^ warning: "loadComments(post.id)" runs "prisma.comment.findMany"
  }
  return Promise.all(posts.map(loadAuthor));
                             //^^^^^^^^^^ warning: "loadAuthor" runs "prisma.user.findFirst" once per "post" of "posts" (map)
}
class OrderService {
  private async total(orderId: number) {
    return this.prisma.orderItem.aggregate({ where: { orderId }, _sum: { price: true } });
  }
  async totals(orders: Order[]) {
    return Promise.all(orders.map((order) => this.total(order.id)));
                                           //^^^^^^^^^^ warning: "this.total(order.id)" runs "this.prisma.orderItem.aggregate"
  }
}
`));
  });

  it('resolves the methods of an object-literal service and clients returned by a local factory', () => {
    check(rule, code(`
const tenantClient = (orgId: number) => basePrisma.$extends({ query: {} });
export const billing = {
  async openInvoices(orgId: number) {
    return tenantClient(orgId).invoice.findMany({ where: { orgId, status: 'open' } });
  },
  async all(orgIds: number[]) {
    for (const orgId of orgIds) await this.openInvoices(orgId);
                                    //^^^^^^^^^^^^^^^^^ warning: "this.openInvoices(orgId)" runs "tenantClient(orgId).invoice.findMany"
  },
};
export const report = (orgIds: number[]) => Promise.all(orgIds.map((orgId) => billing.openInvoices(orgId)));
                                                                            //^^^^^^^^^^^^^^^^^^^^ warning: "billing.openInvoices(orgId)"
`));
  });

  it('reports a server component rendered per element', () => {
    check(rule, code(`
async function AuthorBadge({ authorId }: { authorId: number }) {
  const author = await prisma.user.findFirst({ where: { id: authorId } });
  return <span>{author?.name}</span>;
}
export default async function Page() {
  const posts = await prisma.post.findMany();
  return <ul>{posts.map((post) => <li key={post.id}><AuthorBadge authorId={post.authorId} /></li>)}</ul>;
                                                   //^^^^^^^^^^^ warning: "<AuthorBadge>" runs "prisma.user.findFirst"
}
`, 'app/page.tsx'));
  });
});

describe('n-plus-one: not an N+1', () => {
  it('accepts findUnique calls that the dataloader batches', () => {
    check(rule, code(`
const users = await Promise.all(ids.map((id) => prisma.user.findUnique({ where: { id } })));
const members = await Promise.all(pairs.map(({ userId, orgId }) => prisma.membership.findUnique({ where: { userId_orgId: { userId, orgId } } })));
const authors = await Promise.all(posts.map(async (post) => {
  const author = await prisma.user.findUniqueOrThrow({ where: { id: post.authorId }, select: { name: true } });
  const profile = await prisma.profile.findUnique({ where: { userId: author.id } });
  return { author, profile };
}));
const pending: Promise<unknown>[] = [];
for (const id of ids) pending.push(prisma.post.findUnique({ where: { id } }));
`));
  });

  it('flags findUnique calls the dataloader cannot batch', () => {
    check(rule, code(`
for (const id of ids) {
  const user = await prisma.user.findUnique({ where: { id } });
                   //^^^^^^^^^^^^^^^^^^^^^^ warning: (for…of)
}
await Promise.all(emails.map((email) => prisma.user.findUnique({ where: { email: { in: [email] } } })));
                                      //^^^^^^^^^^^^^^^^^^^^^^ warning: (map)
await Promise.all(ids.map(async (id) => {
  const cached = await redis.get(\`user:\${id}\`);
  return cached ?? prisma.user.findUnique({ where: { id } });
                 //^^^^^^^^^^^^^^^^^^^^^^ warning: (map)
}));
await Promise.all(ids.map((id) => fetchRemote(id).then((remote) => prisma.user.findUnique({ where: { id: remote.userId } }))));
                                                                 //^^^^^^^^^^^^^^^^^^^^^^ warning: (map)
`));
  });

  it('accepts pagination, retry and compare-and-swap loops', () => {
    check(rule, code(`
let cursor: number | undefined;
let hasMore = true;
while (hasMore) {
  const page = await prisma.post.findMany({ take: 100, ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}), orderBy: { id: 'asc' } });
  hasMore = page.length === 100;
  cursor = page.at(-1)?.id;
}
for (let page = 0; page < pageCount; page++) {
  const rows = await prisma.order.findMany({ skip: page * 500, take: 500 });
}
let lastId = 0;
for (;;) {
  const batch = await prisma.user.findMany({ where: { id: { gt: lastId } }, take: 1000, orderBy: { id: 'asc' } });
  if (batch.length === 0) break;
  lastId = batch[batch.length - 1].id;
}
for (let attempt = 1; attempt <= 3; attempt++) {
  try {
    return await prisma.order.create({ data });
  } catch (error) {
    if (attempt === 3) throw error;
  }
}
while (true) {
  const task = await prisma.task.findUniqueOrThrow({ where: { id } });
  const { count } = await prisma.task.updateMany({ where: { id, version: task.version }, data: { status: 'done', version: { increment: 1 } } });
  if (count === 1) break;
}
`));
  });

  it('accepts chunk loops, queries after the loop and $transaction batches', () => {
    check(rule, code(`
for (const chunk of chunks(ids, 500)) {
  await prisma.notification.deleteMany({ where: { id: { in: chunk } } });
}
for (let i = 0; i < rows.length; i += 1000) {
  const slice = rows.slice(i, i + 1000);
  await prisma.product.createMany({ data: slice });
}
const emails: string[] = [];
for (const user of users) emails.push(user.email);
const existing = await prisma.user.findMany({ where: { email: { in: emails } } });
await prisma.$transaction(items.map((item) => prisma.orderItem.update({ where: { id: item.id }, data: { quantity: item.quantity } })));
const ops = [];
for (const item of items) ops.push(prisma.product.update({ where: { id: item.productId }, data: { stock: { decrement: item.quantity } } }));
await prisma.$transaction(ops);
`));
  });

  it('accepts a loop that steps through a collection a chunk at a time', () => {
    check(rule, code(`
for (let i = 0; i < ids.length; i += 100) {
  await prisma.user.findMany({ where: { id: { in: ids.slice(i, i + 100) } } });
}
`));
  });

  it('flags a walk along a chain of rows, but not polling one row', () => {
    check(rule, code(`
let current = await prisma.category.findUnique({ where: { id } });
while (current?.parentId) {
  current = await prisma.category.findUnique({ where: { id: current.parentId } });
                //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per iteration while "current?.parentId" (while)
}
let job = await prisma.job.findUniqueOrThrow({ where: { id } });
while (job.status === 'running') {
  await sleep(500);
  job = await prisma.job.findUniqueOrThrow({ where: { id } });
}
`));
  });

  it('accepts test hooks', () => {
    check(rule, code(`
beforeEach(async () => {
  for (const table of ['Comment', 'Post', 'User']) await prisma.$executeRawUnsafe(\`DELETE FROM "\${table}"\`);
});
`, 'test/posts.test.ts'));
  });
});

describe('n-plus-one: an interactive transaction per element', () => {
  it('reports the queries of a $transaction callback run once per element, though the callback returns', () => {
    check(rule, code(`
export async function rescan(postIds: number[]) {
  for (const postId of postIds) {
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw\`SELECT pg_advisory_xact_lock(\${postId})\`;
          //^^^^^^^^^^^^^^ warning: runs once per "postId" of "postIds" (for…of)
      await tx.post.update({ where: { id: postId }, data: { views: 0 } });
          //^^^^^^^^^^^^^^ warning: runs once per "postId" of "postIds" (for…of)
      return tx.post.count({ where: { authorId: postId } });
           //^^^^^^^^^^^^^ warning: runs once per "postId" of "postIds" (for…of)
    });
  }
}
`));
  });

  it('still accepts a loop that returns right after its one query', () => {
    check(rule, code(`
export async function firstPublished(posts: { id: number; published: boolean }[]) {
  for (const post of posts) {
    if (post.published) return prisma.post.findUnique({ where: { id: post.id }, include: { comments: true } });
                             //~~~~~~~~~~~~~~~~~~~~~~ ok: the loop ends with this query
  }
}
`));
  });
});

describe('n-plus-one: queries spread onto a list', () => {
  it('reports queries a callback spreads onto a list that Promise.all runs, and not onto one a $transaction runs', () => {
    check(rule, code(`
export async function sync(removed: { id: number }[], renamed: { id: number; name: string }[]) {
  const operations: Promise<unknown>[] = [];
  operations.push(...removed.map(({ id }) => prisma.tag.delete({ where: { id } })));
                                           //^^^^^^^^^^^^^^^^^ warning: runs once per element of "removed" (map)
  await Promise.all(operations);
  const batch: Prisma.PrismaPromise<unknown>[] = [];
  batch.push(...renamed.map(({ id, name }) => prisma.tag.update({ where: { id }, data: { name } })));
                                            //~~~~~~~~~~~~~~~~~ ok: run together by the $transaction below
  await prisma.$transaction(batch);
}
`));
  });
});
