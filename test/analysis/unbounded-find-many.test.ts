/** Marker tests for unbounded-find-many: unlimited lists in request handlers, and bounded or non-request reads. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/unbounded-find-many';
import { check } from '../support/fixture';

const SCHEMA = `//- prisma/schema.prisma
model User {
  id        Int       @id
  email     String    @unique
  createdAt DateTime  @default(now())
  posts     Post[]
}
model Post {
  id        Int      @id
  authorId  Int
  author    User     @relation(fields: [authorId], references: [id])
  published Boolean
}
model Order {
  id        Int         @id
  userId    Int
  createdAt DateTime    @default(now())
  items     OrderItem[]
}
model OrderItem {
  id       Int   @id
  orderId  Int
  order    Order @relation(fields: [orderId], references: [id])
  quantity Int
}
model Category {
  id       Int        @id
  name     String
  parentId Int?
  parent   Category?  @relation("Tree", fields: [parentId], references: [id])
  children Category[] @relation("Tree")
}`;

describe('unbounded-find-many', () => {
  it('flags findMany without take in handlers of every framework shape', () => {
    check(rule, `
${SCHEMA}
//- app/posts/route.ts
export async function GET() {
  return Response.json(await prisma.post.findMany({ where: { published: true } }));
//                           ^^^^^^^^^^^^^^^^^^^^ info: The response grows with the table: "prisma.post.findMany" returns every matching "Post" row (no "take").
}
export const POST = async () => {
  const users = await prisma.user.findMany();
//                    ^^^^^^^^^^^^^^^^^^^^ info: every matching "User" row
  return Response.json(users);
};
app.get('/posts', async (req, res) => {
  res.json(await db.post.findMany({ where: { published: req.query.all !== '1' } }));
//               ^^^^^^^^^^^^^^^^ info: "db.post.findMany"
});
export const router = t.router({
  list: t.procedure.query(async ({ ctx }) => ctx.db.post.findMany({ orderBy: { id: 'desc' } })),
//                                           ^^^^^^^^^^^^^^^^^^^^ info: "ctx.db.post.findMany"
});
class UsersController {
  @Get()
  list() {
    return this.prisma.user.findMany({ select: { id: true } });
//         ^^^^^^^^^^^^^^^^^^^^^^^^^ info: "this.prisma.user.findMany"
  }
}
export async function action() {
  return prisma.order.findMany({ where: { userId: 1 } });
//       ^^^^^^^^^^^^^^^^^^^^^ info: every matching "Order" row
}
export async function loader() {
  return prisma.post.findMany({ include: { author: true } });
//       ^^^^^^^^^^^^^^^^^^^^ info: no "take"
}
`);
  });

  it('leaves alone take, spreads, lookup tables, bounded filters, scripts and non-handlers', () => {
    check(rule, `
${SCHEMA}
//- app/posts/route.ts
export async function GET() {
  await prisma.post.findMany({ take: 20 });
  await prisma.post.findMany({ where: { published: true }, ...paginate(page) });
  await prisma.category.findMany();
  await prisma.category.findMany({ where: { parentId: 1 } });
  await prisma.post.findMany({ where: { id: { in: ids } } });
  await prisma.user.findMany({ where: { email } });
  await prisma.post.findMany(args);
  await prisma.orderItem.findMany({ where: { orderId: 1 } });
  return null;
}
async function backfill() {
  for (const post of await prisma.post.findMany()) await index(post);
}
function GET2() {
  return prisma.post.findMany();
}
const cache = new Map();
cache.get('key', () => prisma.post.findMany());
`);
  });

  const OWNED = `//- prisma/schema.prisma
model Project {
  id        Int       @id
  apiKeys   ApiKey[]
  posts     Post[]
  comments  Comment[]
}
model User {
  id        Int       @id
  comments  Comment[]
}
model ApiKey {
  id        Int      @id
  projectId Int
  project   Project  @relation(fields: [projectId], references: [id])
  createdAt DateTime @default(now())
}
model Post {
  id        Int      @id
  projectId Int
  project   Project  @relation(fields: [projectId], references: [id])
  createdAt DateTime @default(now())
}
model Comment {
  id        Int      @id
  projectId Int
  project   Project  @relation(fields: [projectId], references: [id])
  userId    Int
  user      User     @relation(fields: [userId], references: [id])
  createdAt DateTime @default(now())
}
model Vote {
  id         Int      @id
  projectId  Int
  project    Project  @relation(fields: [projectId], references: [id])
  externalId String
  createdAt  DateTime @default(now())
}`;

  it('leaves alone cron and job routes, the settings-like rows of one owner, and rows of two parents at once', () => {
    check(rule, `
${OWNED}
//- app/api/cron/cleanup/route.ts
export async function GET() {
  return Response.json(await prisma.post.findMany({ where: { createdAt: { lt: new Date() } } }));
}
//- src/jobs/reindex/route.ts
export async function POST() {
  return Response.json(await prisma.comment.findMany());
}
//- app/api/projects/[id]/route.ts
export async function GET(request: Request, { params }: { params: { id: string } }) {
  const keys = await prisma.apiKey.findMany({ where: { projectId: Number(params.id) } });
  const mine = await prisma.comment.findMany({ where: { projectId: Number(params.id), userId: 1 } });
  const myVotes = await prisma.vote.findMany({ where: { projectId: Number(params.id), externalId: 'u1' } });
  const count = await prisma.post.count({ where: { createdAt: { gte: since } } });
  if (count > 10_000) throw new Error('Too many posts to export');
  const posts = await prisma.post.findMany({ where: { createdAt: { gte: since } } });
  return Response.json({ keys, mine, posts });
}
`);
  });

  it('still flags a count that guards nothing, and a settings-like model read with no owner', () => {
    check(rule, `
${OWNED}
//- app/api/projects/[id]/route.ts
export async function GET(request: Request, { params }: { params: { id: string } }) {
  const total = await prisma.comment.count({ where: { createdAt: { gte: since } } });
  console.log(total);
  const comments = await prisma.comment.findMany({ where: { createdAt: { gte: since } } });
//                       ^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Comment" row
  const posts = await prisma.post.findMany({ where: { projectId: { not: Number(params.id) } } });
//                    ^^^^^^^^^^^^^^^^^^^^ info: every matching "Post" row
  const keys = await prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' } });
//                   ^^^^^^^^^^^^^^^^^^^^^^ info: every matching "ApiKey" row
  return Response.json({ comments, posts, keys });
}
//- app/api/cronjob-status/route.ts
export async function GET() {
  return Response.json(await prisma.post.findMany());
//                           ^^^^^^^^^^^^^^^^^^^^ info: every matching "Post" row
}
`);
  });

  const SCOPED = `//- prisma/schema.prisma
enum Status {
  DRAFT
  ACTIVE
}
model User {
  id        String     @id
  email     String     @unique
  name      String
  createdAt DateTime   @default(now())
}
model Workspace {
  id        String     @id
  slug      String     @unique
  createdAt DateTime   @default(now())
}
model Document {
  id              String     @id
  workspaceId     String
  workspace       Workspace  @relation(fields: [workspaceId], references: [id])
  createdByUserId String
  createdBy       User       @relation(fields: [createdByUserId], references: [id])
  title           String
  status          Status
  archived        Boolean    @default(false)
  createdAt       DateTime   @default(now())
}
model Version {
  id         String    @id
  documentId String
  document   Document  @relation(fields: [documentId], references: [id])
  body       String
  createdAt  DateTime  @default(now())
}
model Bookmark {
  id        String    @id
  userEmail String
  user      User      @relation(fields: [userEmail], references: [email])
  url       String
  createdAt DateTime  @default(now())
}
model Account {
  id                String   @id
  provider          String
  providerAccountId String
  label             String
  createdAt         DateTime @default(now())
  @@unique([provider, providerAccountId])
}`;

  it('leaves alone reads pinned to one owner, one parent or one unique key', () => {
    check(rule, `
${SCOPED}
//- src/server/routers/documents.ts
export const documents = t.router({
  mine: t.procedure.query(({ ctx }) => ctx.db.document.findMany({ where: { createdByUserId: ctx.user.id } })),
  ofWorkspace: t.procedure.query(({ ctx, input }) => ctx.db.document.findMany({ where: { workspaceId: input.workspaceId, archived: false } })),
  drafts: t.procedure.query(({ ctx, input }) => ctx.db.document.findMany({ where: { AND: [{ status: 'DRAFT' }, { workspaceId: { equals: input.id } }] } })),
  versions: t.procedure.query(({ ctx, input }) => ctx.db.version.findMany({ where: { documentId: input.documentId }, orderBy: { createdAt: 'desc' } })),
  versionsOfMany: t.procedure.query(({ ctx, input }) => ctx.db.version.findMany({ where: { documentId: { in: input.ids } } })),
  bookmarks: t.procedure.query(({ ctx }) => ctx.db.bookmark.findMany({ where: { userEmail: ctx.session.user.email } })),
  byOwnerEmail: t.procedure.query(({ ctx }) => ctx.db.bookmark.findMany({ where: { user: { email: ctx.session.user.email } } })),
  byOwner: t.procedure.query(({ ctx }) => ctx.db.document.findMany({ where: { createdBy: { is: { id: ctx.user.id } } } })),
  inWorkspace: t.procedure.query(({ ctx, input }) => ctx.db.document.findMany({ where: { workspace: { slug: input.slug } } })),
  either: t.procedure.query(({ ctx, input }) => ctx.db.document.findMany({ where: { OR: [{ workspaceId: input.id }, { createdByUserId: ctx.user.id }] } })),
  users: t.procedure.query(({ ctx, input }) => ctx.db.user.findMany({ where: { email: { in: input.emails } } })),
  user: t.procedure.query(({ ctx, input }) => ctx.db.user.findMany({ where: { id: input.id } })),
  account: t.procedure.query(({ ctx, input }) => ctx.db.account.findMany({ where: { provider: 'github', providerAccountId: input.id } })),
});
`);
  });

  it('still flags filters that do not pin an owner, a parent or a key', () => {
    check(rule, `
${SCOPED}
//- src/server/routers/documents.ts
export const documents = t.router({
  all: t.procedure.query(({ ctx }) => ctx.db.document.findMany()),
//                                    ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  active: t.procedure.query(({ ctx }) => ctx.db.document.findMany({ where: { status: 'ACTIVE', archived: false } })),
//                                       ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  statuses: t.procedure.query(({ ctx }) => ctx.db.document.findMany({ where: { status: { in: ['DRAFT', 'ACTIVE'] } } })),
//                                         ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  recent: t.procedure.query(({ ctx, input }) => ctx.db.version.findMany({ where: { createdAt: { gte: input.since } } })),
//                                              ^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Version" row
  others: t.procedure.query(({ ctx }) => ctx.db.document.findMany({ where: { createdByUserId: { not: ctx.user.id } } })),
//                                       ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  search: t.procedure.query(({ ctx, input }) => ctx.db.document.findMany({ where: { title: { contains: input.q } } })),
//                                              ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  titled: t.procedure.query(({ ctx, input }) => ctx.db.document.findMany({ where: { title: input.title } })),
//                                              ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  orphans: t.procedure.query(({ ctx }) => ctx.db.bookmark.findMany({ where: { userEmail: null } })),
//                                        ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Bookmark" row
  ofProvider: t.procedure.query(({ ctx }) => ctx.db.account.findMany({ where: { provider: 'github' } })),
//                                           ^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Account" row
  byName: t.procedure.query(({ ctx, input }) => ctx.db.document.findMany({ where: { createdBy: { name: input.name } } })),
//                                              ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  notMine: t.procedure.query(({ ctx }) => ctx.db.document.findMany({ where: { createdBy: { isNot: { id: ctx.user.id } } } })),
//                                        ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  eitherOr: t.procedure.query(({ ctx }) => ctx.db.document.findMany({ where: { OR: [{ createdByUserId: ctx.user.id }, { archived: false }] } })),
//                                         ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
  notAnd: t.procedure.query(({ ctx }) => ctx.db.document.findMany({ where: { NOT: { workspaceId: ctx.workspaceId } } })),
//                                       ^^^^^^^^^^^^^^^^^^^^^^^^ info: every matching "Document" row
});
`);
  });
});
