/**
 * The schema, tables, rows and calls of the SQL equality test. Every call is JavaScript that both
 * Prisma Lens (as source text) and the generated client (evaluated, with `vars` in scope) read.
 * Lists only known at run time are shown with one element, so run-time lists hold one value and
 * calls that load relations pick one parent row: the client then expands `IN (…)` to one value too.
 */

export interface EqualityCase {
  name: string;
  code: string;
  /** Run-time values the call refers to by name. */
  vars?: Record<string, unknown>;
}

export const SCHEMA = `generator client {
  provider = "prisma-client-js"
  output   = "./client"
}

datasource db {
  provider = "postgresql"
}

enum Role {
  USER
  ADMIN
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String?
  role      Role     @default(USER)
  createdAt DateTime @default(now()) @map("created_at")
  posts     Post[]
  profile   Profile?

  @@map("users")
}

model Profile {
  id     Int    @id @default(autoincrement())
  bio    String
  userId Int    @unique
  user   User   @relation(fields: [userId], references: [id])
}

model Post {
  id        Int       @id @default(autoincrement())
  title     String
  published Boolean   @default(false)
  views     Int       @default(0)
  rating    Decimal?  @db.Decimal(4, 2)
  meta      Json?
  authorId  Int
  author    User      @relation(fields: [authorId], references: [id])
  comments  Comment[]
  tags      Tag[]

  @@index([authorId])
}

model Comment {
  id     Int    @id @default(autoincrement())
  body   String
  postId Int
  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
}

model Tag {
  id    Int    @id @default(autoincrement())
  name  String @unique
  posts Post[]
}
`;

/** The tables Prisma's migrations would create for SCHEMA. */
export const SCHEMA_DDL = `
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');
CREATE TABLE "users" ("id" SERIAL PRIMARY KEY, "email" TEXT NOT NULL UNIQUE, "name" TEXT, "role" "Role" NOT NULL DEFAULT 'USER', "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE "Profile" ("id" SERIAL PRIMARY KEY, "bio" TEXT NOT NULL, "userId" INTEGER NOT NULL UNIQUE REFERENCES "users"("id"));
CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "title" TEXT NOT NULL, "published" BOOLEAN NOT NULL DEFAULT false, "views" INTEGER NOT NULL DEFAULT 0, "rating" DECIMAL(4,2), "meta" JSONB, "authorId" INTEGER NOT NULL REFERENCES "users"("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE TABLE "Comment" ("id" SERIAL PRIMARY KEY, "body" TEXT NOT NULL, "postId" INTEGER NOT NULL REFERENCES "Post"("id") ON DELETE CASCADE);
CREATE TABLE "Tag" ("id" SERIAL PRIMARY KEY, "name" TEXT NOT NULL UNIQUE);
CREATE TABLE "_PostToTag" ("A" INTEGER NOT NULL REFERENCES "Post"("id") ON DELETE CASCADE, "B" INTEGER NOT NULL REFERENCES "Tag"("id") ON DELETE CASCADE, PRIMARY KEY ("A", "B"));
CREATE INDEX "_PostToTag_B_index" ON "_PostToTag"("B");
`;

export const SEED = `
INSERT INTO "users" ("email", "name", "role") VALUES ('alice@example.com', 'Alice', 'ADMIN'), ('bob@example.com', 'Bob', 'USER');
INSERT INTO "Profile" ("bio", "userId") VALUES ('Writes about databases', 1);
INSERT INTO "Post" ("title", "published", "views", "rating", "meta", "authorId") VALUES ('Indexes', true, 120, 4.5, '{"tags": ["sql"], "level": 2}', 1), ('Drafts', false, 3, NULL, NULL, 2);
INSERT INTO "Comment" ("body", "postId") VALUES ('Great read', 1);
INSERT INTO "Tag" ("name") VALUES ('postgres');
INSERT INTO "_PostToTag" ("A", "B") VALUES (1, 1);
`;

export const EQUALITY_CASES: EqualityCase[] = [
  // Filters
  { name: 'findMany without arguments', code: 'prisma.user.findMany()' },
  { name: 'findUnique by a run-time id', code: 'prisma.user.findUnique({ where: { id: userId } })', vars: { userId: 1 } },
  { name: 'findUnique by a literal unique field', code: "prisma.user.findUnique({ where: { email: 'alice@example.com' } })" },
  { name: 'findFirst with string filters and mode', code: "prisma.user.findFirst({ where: { name: { contains: 'li', mode: 'insensitive' }, email: { endsWith: '@example.com' } } })" },
  { name: 'numeric range filters with a run-time bound', code: 'prisma.post.findMany({ where: { views: { gte: 10, lt: maxViews } } })', vars: { maxViews: 1000 } },
  { name: 'in with a literal list', code: 'prisma.post.findMany({ where: { id: { in: [1, 2, 3] } } })' },
  { name: 'in with a run-time list', code: 'prisma.post.findMany({ where: { id: { in: ids } } })', vars: { ids: [1] } },
  { name: 'notIn and not', code: "prisma.post.findMany({ where: { id: { notIn: [5, 6] }, title: { not: 'Drafts' } } })" },
  { name: 'null checks', code: 'prisma.user.findMany({ where: { name: null, NOT: { profile: null } } })' },
  { name: 'not null on a nullable field', code: 'prisma.user.findMany({ where: { name: { not: null } } })' },
  { name: 'enum filter', code: "prisma.user.findMany({ where: { role: 'ADMIN' } })" },
  { name: 'enum in a run-time list', code: 'prisma.user.findMany({ where: { role: { in: roles } } })', vars: { roles: ['ADMIN'] } },
  { name: 'AND / OR / NOT', code: "prisma.post.findMany({ where: { OR: [{ published: true }, { views: { gt: 100 } }], NOT: { title: { startsWith: 'Old' } }, AND: [{ authorId: 1 }] } })" },
  { name: 'DateTime filter', code: "prisma.user.findMany({ where: { createdAt: { gte: new Date('2020-01-01T00:00:00.000Z') } } })" },
  { name: 'Decimal and DateTime literals', code: "prisma.post.findMany({ where: { rating: { gte: 4.5 }, author: { createdAt: { lt: '2100-01-01T00:00:00.000Z' } } } })" },
  { name: 'Decimal filter', code: 'prisma.post.findMany({ where: { rating: { gt: minRating } } })', vars: { minRating: 4 } },
  { name: 'Json path filters', code: "prisma.post.findMany({ where: { meta: { path: ['tags'], array_contains: ['sql'] } } })" },
  { name: 'Json equality with an object', code: 'prisma.post.findMany({ where: { meta: { equals: { level: 2 } } } })' },
  { name: 'Json path with a number', code: "prisma.post.findMany({ where: { meta: { path: ['level'], gte: 2 } } })" },
  // Relation filters
  { name: 'some on a to-many relation', code: 'prisma.user.findMany({ where: { posts: { some: { published: true } } } })' },
  { name: 'every and none', code: "prisma.user.findMany({ where: { posts: { every: { views: { gt: 0 } }, none: { title: 'Spam' } } } })" },
  { name: 'is on a to-one relation', code: "prisma.post.findMany({ where: { author: { is: { email: 'alice@example.com' } } } })" },
  { name: 'relation filter without is', code: "prisma.post.findMany({ where: { author: { role: 'USER' } } })" },
  { name: 'many-to-many filter', code: "prisma.post.findMany({ where: { tags: { some: { name: 'postgres' } } } })" },
  // include / select nesting
  { name: 'include a to-many relation', code: 'prisma.user.findMany({ where: { id: 1 }, include: { posts: true } })' },
  { name: 'include nested with a filter and order', code: "prisma.user.findUnique({ where: { id: 1 }, include: { posts: { where: { published: true }, orderBy: { views: 'desc' }, include: { comments: true } } } })" },
  { name: 'select scalars and a to-one relation', code: 'prisma.post.findMany({ where: { id: 1 }, select: { id: true, title: true, author: { select: { name: true } } } })' },
  { name: 'select a relation count', code: 'prisma.user.findMany({ select: { id: true, _count: { select: { posts: true } } } })' },
  { name: 'include a filtered relation count', code: 'prisma.user.findMany({ include: { _count: { select: { posts: { where: { published: true } } } } } })' },
  { name: 'relation count filtered by a run-time value', code: 'prisma.user.findMany({ select: { email: true, _count: { select: { posts: { where: { views: { gt: minViews } } } } } } })', vars: { minViews: 5 } },
  { name: 'include a many-to-many relation', code: 'prisma.post.findMany({ where: { id: 1 }, include: { tags: true } })' },
  { name: 'include a one-to-one relation', code: 'prisma.user.findUnique({ where: { id: 1 }, include: { profile: true } })' },
  { name: 'omit a field', code: 'prisma.user.findMany({ omit: { email: true } })' },
  // orderBy, cursors, take/skip, distinct
  { name: 'orderBy several fields with nulls', code: "prisma.user.findMany({ orderBy: [{ name: { sort: 'asc', nulls: 'last' } }, { id: 'desc' }] })" },
  { name: 'orderBy a relation count', code: "prisma.user.findMany({ orderBy: { posts: { _count: 'desc' } } })" },
  { name: 'orderBy a relation field', code: "prisma.post.findMany({ orderBy: { author: { email: 'asc' } } })" },
  { name: 'take and skip literals', code: 'prisma.post.findMany({ take: 10, skip: 20 })' },
  { name: 'take and skip at run time', code: 'prisma.post.findMany({ take: pageSize, skip: offset })', vars: { pageSize: 25, offset: 50 } },
  { name: 'cursor pagination', code: "prisma.post.findMany({ cursor: { id: lastId }, skip: 1, take: 5, orderBy: { id: 'asc' } })", vars: { lastId: 1 } },
  { name: 'negative take', code: "prisma.post.findMany({ take: -5, orderBy: { id: 'asc' } })" },
  { name: 'distinct', code: "prisma.post.findMany({ distinct: ['authorId'], orderBy: { authorId: 'asc' } })" },
  // Aggregates, groupBy, counts
  { name: 'count', code: 'prisma.post.count()' },
  { name: 'count with a filter', code: 'prisma.post.count({ where: { published: true } })' },
  { name: 'count of selected fields', code: 'prisma.user.count({ select: { _all: true, name: true } })' },
  { name: 'aggregate', code: 'prisma.post.aggregate({ _count: true, _avg: { views: true }, _max: { rating: true }, where: { authorId: authorId } })', vars: { authorId: 1 } },
  { name: 'groupBy with having and order', code: "prisma.post.groupBy({ by: ['authorId'], _sum: { views: true }, having: { views: { _sum: { gt: 1 } } }, orderBy: { authorId: 'asc' } })" },
  { name: 'groupBy with count', code: "prisma.user.groupBy({ by: ['role'], _count: { _all: true } })" },
  // Writes
  { name: 'create', code: "prisma.user.create({ data: { email: 'carol@example.com', name: name } })", vars: { name: 'Carol' } },
  { name: 'create with a nested create', code: "prisma.user.create({ data: { email: 'dan@example.com', posts: { create: { title: 'Hello' } } } })" },
  { name: 'create connecting a relation', code: "prisma.post.create({ data: { title: 'Linked', author: { connect: { id: 2 } }, tags: { connect: { id: 1 } } } })" },
  { name: 'create with a Json value', code: "prisma.post.create({ data: { title: 'Tagged', authorId: 1, meta: { tags: ['new'], level: 1 } } })" },
  { name: 'createMany', code: "prisma.tag.createMany({ data: [{ name: 'sql' }, { name: 'orm' }] })" },
  { name: 'update with increment', code: "prisma.post.update({ where: { id: 1 }, data: { views: { increment: 1 }, title: 'Indexes, revisited' } })" },
  { name: 'updateMany', code: 'prisma.post.updateMany({ where: { published: false }, data: { published: true } })' },
  { name: 'upsert', code: "prisma.tag.upsert({ where: { name: 'graphs' }, create: { name: 'graphs' }, update: {} })" },
  { name: 'delete', code: "prisma.tag.delete({ where: { name: 'orm' } })" },
  { name: 'deleteMany', code: "prisma.comment.deleteMany({ where: { body: { contains: 'spam' } } })" },
];
