/** Marker tests for unindexed-query: filters and limited sorts no index serves, and the ones an index does. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/unindexed-query';
import { applyEdits, check, findingsOf, parseFixture } from '../support/fixture';

const SCHEMA = `//- prisma/schema.prisma
model User {
  id        Int       @id
  email     String    @unique
  name      String
  country   String
  createdAt DateTime  @default(now())
  posts     Post[]
  comments  Comment[]

  @@map("users")
}
model Post {
  id        Int       @id
  authorId  Int
  author    User      @relation(fields: [authorId], references: [id])
  status    String
  title     String
  published Boolean
  postedAt  DateTime
  deletedAt DateTime?
  comments  Comment[]

  @@index([authorId, postedAt])
}
model Comment {
  id        Int      @id
  postId    Int
  post      Post     @relation(fields: [postId], references: [id])
  authorId  Int
  author    User     @relation(fields: [authorId], references: [id])
  flagged   Boolean
  createdAt DateTime

  @@index([postId])
  @@index([createdAt], type: Hash)
}
model Country {
  code String @id
  name String
}`;

describe('unindexed-query', () => {
  it('flags filters, OR branches, relation filters, ranges and limited sorts no index serves', () => {
    check(rule, `
${SCHEMA}
//- src/queries.ts
export async function queries(status: string, since: Date, email: string) {
  await prisma.post.findMany({ where: { status }, take: 20 });
//      ^^^^^^^^^^^^^^^^^^^^ warning: The database reads the whole "Post" table: "prisma.post.findMany" filters it on "status", and no index starts with it.
  await prisma.user.count({ where: { createdAt: { gte: since } } });
//      ^^^^^^^^^^^^^^^^^ warning: the whole "users" table: "prisma.user.count" filters it on "createdAt"
  await prisma.user.findFirst({ where: { OR: [{ email }, { name: email }] } });
//      ^^^^^^^^^^^^^^^^^^^^^ warning: The database reads the whole "users" table: "prisma.user.findFirst" filters it on "name", and no index starts with it.
  await prisma.post.findMany({ where: { author: { country: 'NL' } }, take: 10 });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "users" table: "prisma.post.findMany" filters it on "country" (through "author")
  await prisma.post.findMany({ orderBy: { postedAt: 'desc' }, take: 20 });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "Post" table: "prisma.post.findMany" sorts it by "postedAt" to take the first rows
  await prisma.user.findMany({ where: { comments: { some: { flagged: true, createdAt: { gt: since } } } } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "Comment" table: "prisma.user.findMany" filters it on "authorId", "createdAt" (through "comments")
  await prisma.post.deleteMany({ where: { AND: [{ status: 'DRAFT' }, { postedAt: { lt: since } }] } });
//      ^^^^^^^^^^^^^^^^^^^^^^ warning: the whole "Post" table: "prisma.post.deleteMany" filters it on "status", "postedAt"
}
`);
  });

  it('leaves alone indexed columns, unique lookups, booleans, null checks, text search, lookup tables and unlimited sorts', () => {
    check(rule, `
${SCHEMA}
//- src/queries.ts
export async function queries(authorId: number, email: string, q: string) {
  await prisma.post.findMany({ where: { authorId, status: 'PUBLISHED' }, orderBy: { postedAt: 'desc' }, take: 20 });
  await prisma.user.findFirst({ where: { email } });
  await prisma.user.findUnique({ where: { id: 1 } });
  await prisma.post.findMany({ where: { published: true, deletedAt: null }, take: 5 });
  await prisma.post.findMany({ where: { title: { contains: q } } });
  await prisma.user.findMany({ where: { name: { equals: q, mode: 'insensitive' } } });
  await prisma.country.findMany({ where: { name: q } });
  await prisma.post.findMany({ orderBy: { postedAt: 'desc' } });
  await prisma.comment.findMany({ where: { createdAt: { in: [d1, d2] } } });
  await prisma.post.findMany({ where: filters });
  await prisma.post.update({ where: { id: 1 }, data: { status: 'X' } });
  await prisma.user.findMany({ where: { posts: { none: { status: 'DRAFT' } } } });
}
`);
  });

  it('adds the index with equality columns first, then the sort columns, to the schema file', () => {
    const { files } = parseFixture(`
${SCHEMA}
//- src/queries.ts
await prisma.post.findMany({ where: { status: 'PUBLISHED', title: t }, orderBy: { postedAt: 'desc' }, take: 20 });
`);
    const [finding] = findingsOf(rule, files);
    const fix = finding!.fixes![0]!;
    assert.equal(fix.title, 'Add @@index([status, title, postedAt]) to Post');
    assert.equal(fix.applicability, 'safe');
    const schema = files.find((file) => file.uri === fix.edits[0]!.uri)!;
    assert.match(applyEdits(schema.text, fix.edits), /  @@index\(\[authorId, postedAt\]\)\n  @@index\(\[status, title, postedAt\]\)\n\}/);
  });

  it('leads a sorted index with a boolean flag the query compares, without asking for an index on the flag alone', () => {
    const { files } = parseFixture(`
${SCHEMA}
//- src/queries.ts
await prisma.post.findMany({ where: { published: true }, orderBy: { postedAt: 'desc' }, take: 20 });
await prisma.post.findMany({ where: { published: true, title: t } });
`);
    assert.deepEqual(findingsOf(rule, files).map((finding) => finding.fixes![0]!.title), ['Add @@index([published, postedAt]) to Post', 'Add @@index([title]) to Post']);
  });

  it('uses an index whose leading columns the equalities match (booleans and nested AND included), then one range or sort column', () => {
    check(rule, `
//- prisma/schema.prisma
model Coupon {
  id        Int      @id
  enabled   Boolean
  expiresAt DateTime
  code      String
  createdAt DateTime

  @@index([enabled, expiresAt])
}
//- src/coupons.ts
export async function coupons(now: Date) {
  await prisma.coupon.findMany({ where: { enabled: true, expiresAt: { lt: now } } });
  await prisma.coupon.updateMany({ where: { AND: [{ enabled: false }, { AND: [{ expiresAt: { gte: now } }] }] }, data: { code: '' } });
  await prisma.coupon.findMany({ where: { enabled: true }, orderBy: { expiresAt: 'asc' }, take: 10 });
  await prisma.coupon.count({ where: { expiresAt: { lt: now } } });
//      ^^^^^^^^^^^^^^^^^^^ warning: the whole "Coupon" table: "prisma.coupon.count" filters it on "expiresAt", and no index starts with it.
  await prisma.coupon.findMany({ where: { enabled: true, createdAt: { gte: now } } });
//      ^^^^^^^^^^^^^^^^^^^^^^ warning: the whole "Coupon" table: "prisma.coupon.findMany" filters it on "createdAt"
  await prisma.coupon.findMany({ where: { enabled: true }, orderBy: { createdAt: 'desc' }, take: 10 });
//      ^^^^^^^^^^^^^^^^^^^^^^ warning: the whole "Coupon" table: "prisma.coupon.findMany" sorts it by "createdAt"
}
`);
  });

  it('matches every column of a nested relation filter, and the joined foreign key, against composite unique and primary keys', () => {
    check(rule, `
//- prisma/schema.prisma
model Team {
  id          Int          @id
  name        String
  createdAt   DateTime
  memberships Membership[]
  rules       AccessRule[]
}
model Capability {
  id          Int          @id
  verb        String
  resource    String
  scoped      Boolean
  createdAt   DateTime
  memberships Membership[]

  @@unique([scoped, verb, resource])
}
model Membership {
  capabilityId Int
  capability   Capability @relation(fields: [capabilityId], references: [id])
  teamId       Int
  team         Team       @relation(fields: [teamId], references: [id])
  createdAt    DateTime

  @@id([capabilityId, teamId])
}
model AccessRule {
  id        Int      @id
  teamId    Int
  team      Team     @relation(fields: [teamId], references: [id])
  verb      String
  resource  String
  scoped    Boolean
  createdAt DateTime

  @@unique([scoped, verb, resource, teamId])
}
//- src/teams.ts
export async function teams(verb: string, resource: string, since: Date) {
  await prisma.team.findMany({ where: { rules: { some: { verb, resource, scoped: true } } } });
  await prisma.team.findMany({ where: { memberships: { some: { capability: { verb, resource, scoped: false } } } } });
  await prisma.team.findMany({ where: { rules: { some: { resource, scoped: true } } } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "AccessRule" table: "prisma.team.findMany" filters it on "teamId", "resource" (through "rules")
  await prisma.team.findMany({ where: { memberships: { some: { createdAt: { gte: since } } } } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "Membership" table: "prisma.team.findMany" filters it on "teamId", "createdAt" (through "memberships")
  await prisma.team.findMany({ where: { memberships: { some: { capability: { resource } } } } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "Capability" table: "prisma.team.findMany" filters it on "resource" (through "capability")
}
`);
  });

  it('leaves alone a to-one relation filter joined by key to rows an index finds, not one that filters the whole table', () => {
    check(rule, `
//- prisma/schema.prisma
model Account {
  id        Int       @id
  ownerId   Int
  currency  String
  planId    Int
  plan      Plan      @relation(fields: [planId], references: [id])
  settings  Settings?
  createdAt DateTime

  @@unique([ownerId, currency])
}
model Plan {
  id        Int       @id
  tier      String
  createdAt DateTime
  accounts  Account[]
}
model Settings {
  id        Int      @id
  accountId Int      @unique
  account   Account  @relation(fields: [accountId], references: [id])
  theme     String
  updatedAt DateTime
}
//- src/accounts.ts
export async function accounts(ownerId: number) {
  await prisma.account.findMany({ where: { ownerId, plan: { tier: 'pro' } } });
  await prisma.account.findFirst({ where: { AND: [{ ownerId }, { plan: { is: { tier: 'pro' } } }] } });
  await prisma.account.findMany({ where: { ownerId, settings: { theme: 'dark' } } });
  await prisma.account.findMany({ where: { plan: { tier: 'pro' } } });
//      ^^^^^^^^^^^^^^^^^^^^^^^ warning: the whole "Plan" table: "prisma.account.findMany" filters it on "tier" (through "plan")
  await prisma.account.count({ where: { currency: 'EUR', plan: { tier: 'pro' } } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "Account" table: "prisma.account.count" filters it on "currency"
}
`);
  });

  const provider = (name: string, relationMode = '') => `//- prisma/schema.prisma
datasource db {
  provider = "${name}"
  url      = env("DATABASE_URL")${relationMode ? `\n  relationMode = "${relationMode}"` : ''}
}
model Team {
  id    Int    @id
  links Link[]
}
model Link {
  id        Int      @id
  teamId    Int
  team      Team     @relation(fields: [teamId], references: [id])
  status    String
  createdAt DateTime
}`;

  it('leaves alone filters built elsewhere (a helper, a spread) and foreign keys InnoDB indexes on MySQL', () => {
    check(rule, `
${provider('mysql')}
//- src/links.ts
export async function links(teamId: number, segment: Segment) {
  await prisma.link.findMany({ where: { teamId } });
  await prisma.link.findMany({ where: { AND: [buildSegmentFilter(segment)] }, orderBy: { createdAt: 'desc' }, take: 20 });
  await prisma.link.findMany({ where: { ...scopeOf(segment) }, orderBy: { createdAt: 'desc' }, take: 20 });
}
`);
  });

  it('names the database that reads the whole table, and still flags a foreign key with relationMode prisma', () => {
    check(rule, `
${provider('mysql', 'prisma')}
//- src/links.ts
export async function links(teamId: number) {
  await prisma.link.findMany({ where: { teamId } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: MySQL reads the whole "Link" table: "prisma.link.findMany" filters it on "teamId", and no index starts with it.
}
`);
    check(rule, `
${provider('postgresql')}
//- src/links.ts
export async function links(teamId: number, status: string) {
  await prisma.link.count({ where: { teamId, status } });
//      ^^^^^^^^^^^^^^^^^ warning: PostgreSQL reads the whole "Link" table: "prisma.link.count" filters it on "teamId", "status", and no index starts with any of them.
  // The spread a helper builds may hold a column an index starts with: unknown, so quiet.
  await prisma.link.findMany({ where: { status, ...scopeOf(teamId) }, orderBy: { createdAt: 'desc' }, take: 20 });
  // A part the code shows, added in some runs only: the runs without it read by "status" alone.
  await prisma.link.findMany({ where: { status, ...(teamId ? { teamId } : {}) }, orderBy: { createdAt: 'desc' }, take: 20 });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "Link" table: "prisma.link.findMany" filters it on "status"
}
`);
    check(rule, `
${provider('sqlite')}
//- src/links.ts
await prisma.link.findFirst({ where: { status: 'live' } });
//    ^^^^^^^^^^^^^^^^^^^^^ warning: SQLite reads the whole "Link" table: "prisma.link.findFirst" filters it on "status", and no index starts with it.
`);
  });

  it('follows a to-one filter in OR branches that name each other (a 1:1 key on the other side) without looping', () => {
    check(rule, `
//- prisma/schema.prisma
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
model User {
  id   Int @id
  orgs Organisation[]
}
model Organisation {
  id           String @id
  name         String
  type         String
  subscription Subscription?
  ownerUserId  Int
  owner        User @relation(fields: [ownerUserId], references: [id])
  @@index([name])
  @@index([ownerUserId])
}
model Subscription {
  id             Int @id
  status         String
  planId         String @unique
  organisationId String @unique
  organisation   Organisation @relation(fields: [organisationId], references: [id])
  @@index([organisationId])
}
//- src/a.ts
export async function f(userId: number) {
  await prisma.organisation.findMany({ where: { ownerUserId: userId, subscription: { is: null } } });
  await prisma.organisation.findFirst({ where: { ownerUserId: userId, type: 'ORG', OR: [{ subscription: { is: null } }, { subscription: { status: 'INACTIVE' } }] } });
  await prisma.organisation.findFirst({ where: { type: 'ORG', OR: [{ subscription: { is: null } }, { subscription: { status: 'INACTIVE' } }] } });
  //    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: filters it on "type"
}
`);
  });

  /** Programs found by workspace, and their partners keyed by the given unique key. */
  const partners = (key: string) => `model Program {
  id          Int                 @id
  workspaceId Int
  name        String
  partners    DiscoveredPartner[]

  @@index([workspaceId])
}
model DiscoveredPartner {
  id         Int       @id
  programId  Int
  program    Program   @relation(fields: [programId], references: [id])
  partnerId  Int
  invitedAt  DateTime?
  messagedAt DateTime?

  @@unique([${key}])
}`;

  it('leaves alone a table whose rows a to-one relation filter finds through indexes, and a boolean the schema indexes alone', () => {
    check(rule, `
//- prisma/schema.prisma
${partners('programId, partnerId')}
model Report {
  id     Int          @id
  reason String
  status String
  image  ImageReport?
}
model ImageReport {
  reportId Int    @unique
  report   Report @relation(fields: [reportId], references: [id])
  imageId  Int

  @@index([imageId])
}
model McpServer {
  id        Int       @id
  name      String
  uid       String?
  isGlobal  Boolean   @default(false)
  deletedAt DateTime?

  @@unique([uid, name])
  @@index([isGlobal])
}
//- src/usage.ts
export async function usage(workspaceId: number, since: Date, imageId: number, names: string[], uid: string) {
  await prisma.discoveredPartner.aggregate({ _count: true, where: { program: { workspaceId }, OR: [{ invitedAt: { gt: since } }, { messagedAt: { gt: since } }] } });
//      ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: the workspace's programs by index, then their partners by "programId"
  await prisma.report.findFirst({ where: { reason: 'spam', image: { imageId }, status: 'open' } });
//      ~~~~~~~~~~~~~~~~~~~~~~~~ ok: the image's report rows by index, then each report by its key
  await prisma.mcpServer.findMany({ where: { name: { in: names }, OR: [{ uid }, { isGlobal: true }], deletedAt: null } });
//      ~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: "uid" leads a unique key, and the schema indexes "isGlobal" alone, whose default is false
}
`);
  });

  it('still reports a table the relation filter reaches by a key no index starts with, or whose related rows no index finds', () => {
    check(rule, `
//- prisma/schema.prisma
${partners('partnerId, programId')}
model Judge {
  id        Int      @id
  name      String
  active    Boolean  @default(true)
  createdAt DateTime

  @@index([active])
}
model Url {
  id          Int           @id
  vanity      String?
  destination String
  createdAt   DateTime
  invisible   InvisibleUrl?
}
model InvisibleUrl {
  id     Int    @id
  vanity String @unique
  urlId  Int    @unique
  url    Url    @relation(fields: [urlId], references: [id])
}
//- src/usage.ts
export async function usage(workspaceId: number, since: Date, name: string, id: number, vanity: string) {
  await prisma.judge.findMany({ where: { active: true, name } });
//      ^^^^^^^^^^^^^^^^^^^^^ warning: the whole "Judge" table: "prisma.judge.findMany" filters it on "name"
  await prisma.url.findFirst({ where: { OR: [{ id }, { vanity }, { invisible: { vanity } }] } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: the whole "Url" table: "prisma.url.findFirst" filters it on "vanity"
  await prisma.discoveredPartner.count({ where: { program: { workspaceId }, invitedAt: { gt: since } } });
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: the whole "DiscoveredPartner" table
  await prisma.discoveredPartner.count({ where: { program: { name }, invitedAt: { gt: since } } });
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: the whole "DiscoveredPartner" table
}
`);
  });
});
