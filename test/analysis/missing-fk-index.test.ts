/** Marker tests for missing-fk-index: true and false cases, providers, multi-file and broken schemas. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/missing-fk-index';
import { check, checkFix, checkFixAll } from '../support/fixture';

const POSTGRES = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}`;

const USER = `model User {
  id    Int    @id @default(autoincrement())
  posts Post[]
}`;

describe('missing-fk-index', () => {
  it('flags an unindexed foreign key on PostgreSQL', () => {
    check(rule, `
${POSTGRES}
${USER}
model Post {
  id       Int  @id @default(autoincrement())
  authorId Int
//^^^^^^^^ warning: Deleting from "User" or loading "User.posts" scans all of "Post": "Post.authorId" has no index.
  author   User @relation(fields: [authorId], references: [id])
}
`);
  });

  it('accepts @@index, a wider index that starts with the key, and @unique', () => {
    check(rule, `
${POSTGRES}
${USER}
model Post {
  id       Int  @id @default(autoincrement())
  authorId Int
  author   User @relation(fields: [authorId], references: [id])

  @@index([authorId])
}
model Draft {
  id       Int      @id
  ownerId  Int
  owner    User     @relation(fields: [ownerId], references: [id])
  savedAt  DateTime

  @@index([ownerId(sort: Desc), savedAt])
}
model Profile {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id])
}
`);
  });

  it('flags a composite unique whose second column is the foreign key', () => {
    check(rule, `
${POSTGRES}
${USER}
model Post {
  id       Int    @id
  slug     String
  authorId Int
//^^^^^^^^ warning: "Post.authorId" has no index
  author   User   @relation(fields: [authorId], references: [id])

  @@unique([slug, authorId])
}
`);
  });

  it('accepts @@id([a, b]) for a and flags b', () => {
    check(rule, `
${POSTGRES}
model Post {
  id   Int       @id
  tags PostTag[]
}
model Tag {
  id    Int       @id
  posts PostTag[]
}
model PostTag {
  postId Int
  tagId  Int
//^^^^^ warning: loading "Tag.posts" scans all of "PostTag": "PostTag.tagId" has no index
  post   Post @relation(fields: [postId], references: [id], onDelete: Cascade)
  tag    Tag  @relation(fields: [tagId], references: [id], onDelete: Cascade)

  @@id([postId, tagId])
}
`);
  });

  it('flags a self-relation and names the referential action', () => {
    const findings = check(rule, `
${POSTGRES}
model Employee {
  id        Int        @id
  managerId Int?
//^^^^^^^^^ warning: Deleting from "Employee" or loading "Employee.reports" scans all of "Employee"
  manager   Employee?  @relation("Reports", fields: [managerId], references: [id])
  reports   Employee[] @relation("Reports")
}
`);
    assert.equal(findings[0]!.help, 'Add "@@index([managerId])" to model "Employee". Each delete or key update on "Employee" looks up its "Employee" rows to apply ON DELETE SET NULL.');
  });

  it('accepts the @unique side of a one-to-one relation and a shared primary key', () => {
    check(rule, `
${POSTGRES}
model User {
  id       Int       @id
  profile  Profile?
  settings Settings?
}
model Profile {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id])
}
model Settings {
  userId Int  @id
  user   User @relation(fields: [userId], references: [id])
}
`);
  });

  it('stays silent on MySQL, which indexes foreign keys itself', () => {
    check(rule, `
datasource db {
  provider = "mysql"
  url      = env("DATABASE_URL")
}
${USER}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
`);
  });

  it('flags MySQL with relationMode = "prisma" (and its old name referentialIntegrity)', () => {
    for (const setting of ['relationMode = "prisma"', 'referentialIntegrity = "prisma"']) {
      const findings = check(rule, `
datasource db {
  provider = "mysql"
  url      = env("DATABASE_URL")
  ${setting}
}
${USER}
model Post {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: Deleting from "User" or loading "User.posts" scans all of "Post"
  author   User @relation(fields: [authorId], references: [id])
}
`);
      assert.match(findings[0]!.help, /Prisma emulates ON DELETE RESTRICT with a query on each delete from "User" \(relationMode = "prisma"\)\.$/);
    }
  });

  it('flags SQLite, SQL Server and CockroachDB; ignores MongoDB', () => {
    for (const provider of ['sqlite', 'sqlserver', 'cockroachdb']) {
      check(rule, `
datasource db {
  provider = "${provider}"
}
${USER}
model Post {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: has no index
  author   User @relation(fields: [authorId], references: [id])
}
`);
    }
    check(rule, `
datasource db {
  provider = "mongodb"
}
model User {
  id    String @id @map("_id") @db.ObjectId
  posts Post[]
}
model Post {
  id       String @id @map("_id") @db.ObjectId
  authorId String @db.ObjectId
  author   User   @relation(fields: [authorId], references: [id])
}
`);
  });

  it('reads a multi-file schema: datasource in one file, models in others', () => {
    check(rule, `
//- prisma/schema/main.prisma
${POSTGRES}
//- prisma/schema/user.prisma
${USER}
//- prisma/schema/post.prisma
model Post {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: "Post.authorId" has no index
  author   User @relation(fields: [authorId], references: [id])
}
`);
    check(rule, `
//- prisma/schema/post.prisma
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
//- prisma/schema/user.prisma
${USER}
//- prisma/schema/main.prisma
datasource db {
  provider = "mysql"
  url      = env("DATABASE_URL")
}
`);
  });

  it('names the mapped table, and @map does not change which field the index names', () => {
    check(rule, `
${POSTGRES}
${USER}
model Post {
  id       Int  @id
  authorId Int  @map("author_id")
//^^^^^^^^ warning: scans the whole "posts" table
  author   User @relation(fields: [authorId], references: [id])

  @@map("posts")
}
model Comment {
  id       Int  @id
  authorId Int  @map("author_id")
  author   User @relation(fields: [authorId], references: [id])

  @@index([authorId], map: "comment_author_idx")
  @@map("comments")
}
`);
  });

  it('requires the key as the leading columns: a trailing position does not cover it', () => {
    check(rule, `
${POSTGRES}
${USER}
model Post {
  id        Int      @id
  createdAt DateTime
  authorId  Int
//^^^^^^^^ warning: has no index
  author    User     @relation(fields: [authorId], references: [id])

  @@index([createdAt, authorId])
}
`);
  });

  it('treats a composite foreign key as covered by its columns in any order, and one an index starts with one column of as info', () => {
    check(rule, `
${POSTGRES}
model Tenant {
  id      Int
  region  String
  users   Member[]
  @@id([id, region])
}
model Member {
  id       Int    @id
  tenantId Int
//^^^^^^^^ info: reads every "Member" row of its "tenantId" through the index that starts with it: no index covers "Member(tenantId, region)".
  region   String
  tenant   Tenant @relation(fields: [tenantId, region], references: [id, region])

  @@index([tenantId])
}
model Guest {
  id       Int    @id
  tenantId Int
  region   String
  tenant   Tenant @relation(fields: [tenantId, region], references: [id, region])

  @@index([region, tenantId])
}
model Visitor {
  id       Int    @id
  tenantId Int
//^^^^^^^^ warning: scans all of "Visitor": "Visitor(tenantId, region)" has no index.
  region   String
  name     String
  tenant   Tenant @relation(fields: [tenantId, region], references: [id, region])

  @@index([name, tenantId])
}
`.replace('  users   Member[]', '  users   Member[]\n  guests  Guest[]\n  visitors Visitor[]'));
  });

  it('does not count full-text, GIN or BRIN indexes; counts Hash', () => {
    check(rule, `
${POSTGRES}
${USER}
model Post {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: has no index
  author   User @relation(fields: [authorId], references: [id])

  @@index([authorId], type: Brin)
}
model Note {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])

  @@index([authorId], type: Hash)
}
`);
  });

  it('ignores implicit many-to-many relations, views and relations to unknown models', () => {
    check(rule, `
${POSTGRES}
model Post {
  id   Int   @id
  tags Tag[]
}
model Tag {
  id    Int    @id
  posts Post[]
}
view PostStats {
  postId Int  @unique
  userId Int
  user   Gone @relation(fields: [userId], references: [id])
}
model Orphan {
  id     Int  @id
  userId Int
  user   Gone @relation(fields: [userId], references: [id])
}
`);
  });

  it('reports a foreign key used by two relations once', () => {
    check(rule, `
${POSTGRES}
model User {
  id      Int    @id
  posts   Post[] @relation("written")
  edits   Post[] @relation("edited")
}
model Post {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: has no index
  author   User @relation("written", fields: [authorId], references: [id])
  editor   User @relation("edited", fields: [authorId], references: [id])
}
`);
  });

  it('treats a schema without a datasource like PostgreSQL', () => {
    check(rule, `
${USER}
model Post {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: has no index
  author   User @relation(fields: [authorId], references: [id])
}
`);
  });

  it('keeps reporting in other models while one model has a syntax error', () => {
    check(rule, `
${POSTGRES}
model User {
  id    Int    @id
  posts Post[]
  name String @default(
}
model Post {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: has no index
  author   User @relation(fields: [authorId], references: [id])
}
`);
  });

  it('keeps reporting in a model with a half-typed line and before an unterminated block', () => {
    check(rule, `
${POSTGRES}
${USER}
model Post {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: has no index
  author   User @relation(fields: [authorId], references: [id])
  tit
}
model Comment {
  id       Int  @id
  authorId Int
//^^^^^^^^ warning: has no index
  author   User @relation(fields: [authorId], references: [id])
model Tag {
  id Int @id
}
`);
  });

  it('is not confused by braces in strings and comments', () => {
    check(rule, `
${POSTGRES}
${USER}
// model Fake { not a block }
model Post {
  id       Int    @id
  meta     String @default("{ } }") // a } in a comment
  authorId Int
//^^^^^^^^ warning: has no index
  author   User   @relation(fields: [authorId], references: [id])
}
`);
  });
});

describe('missing-fk-index fixes', () => {
  it('adds @@index after a blank line when the model ends with fields', () => {
    checkFix(
      rule,
      `
${POSTGRES}
${USER}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}`,
      `
${POSTGRES}
${USER}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])

  @@index([authorId])
}`,
      'Add @@index([authorId]) to Post',
    );
  });

  it('goes after existing indexes and before @@map, in the model\'s own indentation and line endings', () => {
    const before = `${POSTGRES}\n${USER}\nmodel Post {\n    id       Int  @id\n    authorId Int\n    author   User @relation(fields: [authorId], references: [id])\n    slug     String\n\n    @@unique([slug])\n    @@map("posts")\n    @@schema("blog")\n}\n`;
    const after = before.replace('    @@unique([slug])\n', '    @@unique([slug])\n    @@index([authorId])\n');
    checkFix(rule, before, after);
    checkFix(rule, before.replace(/\n/g, '\r\n'), after.replace(/\n/g, '\r\n'));
  });

  it('keeps one blank line between fields and a new index placed before @@map', () => {
    const withBlank = `${POSTGRES}\n${USER}\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n\n  @@map("posts")\n}\n`;
    checkFix(rule, withBlank, withBlank.replace('\n  @@map', '\n  @@index([authorId])\n  @@map'));
    const withoutBlank = withBlank.replace('\n\n  @@map', '\n  @@map');
    checkFix(rule, withoutBlank, withoutBlank.replace('\n  @@map', '\n\n  @@index([authorId])\n  @@map'));
  });

  it('fixes a composite key and a one-line model', () => {
    checkFix(
      rule,
      `${POSTGRES}
model Tenant {
  id     Int
  region String
  users  Member[]
  @@id([id, region])
}
model Member {
  id       Int    @id
  tenantId Int
  region   String
  tenant   Tenant @relation(fields: [tenantId, region], references: [id, region]) }`,
      `${POSTGRES}
model Tenant {
  id     Int
  region String
  users  Member[]
  @@id([id, region])
}
model Member {
  id       Int    @id
  tenantId Int
  region   String
  tenant   Tenant @relation(fields: [tenantId, region], references: [id, region]) 

  @@index([tenantId, region])
}`,
    );
  });

  it('fixes every foreign key of a file at once with one blank line', () => {
    checkFixAll(
      rule,
      `${POSTGRES}
model User {
  id       Int       @id
  posts    Post[]    @relation("author")
  reviews  Post[]    @relation("reviewer")
  comments Comment[]
}
model Post {
  id         Int       @id
  authorId   Int
  reviewerId Int?
  author     User      @relation("author", fields: [authorId], references: [id])
  reviewer   User?     @relation("reviewer", fields: [reviewerId], references: [id])
  comments   Comment[]
}
model Comment {
  id       Int  @id
  postId   Int
  userId   Int
  post     Post @relation(fields: [postId], references: [id])
  user     User @relation(fields: [userId], references: [id])

  @@index([postId])
}
`,
      `${POSTGRES}
model User {
  id       Int       @id
  posts    Post[]    @relation("author")
  reviews  Post[]    @relation("reviewer")
  comments Comment[]
}
model Post {
  id         Int       @id
  authorId   Int
  reviewerId Int?
  author     User      @relation("author", fields: [authorId], references: [id])
  reviewer   User?     @relation("reviewer", fields: [reviewerId], references: [id])
  comments   Comment[]

  @@index([authorId])
  @@index([reviewerId])
}
model Comment {
  id       Int  @id
  postId   Int
  userId   Int
  post     Post @relation(fields: [postId], references: [id])
  user     User @relation(fields: [userId], references: [id])

  @@index([postId])
  @@index([userId])
}
`,
    );
  });

  it('offers no fix for a model that is not closed yet', () => {
    checkFix(rule, `${POSTGRES}\n${USER}\nmodel Post {\n  id Int @id\n  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n  x Int\n}`,
      `${POSTGRES}\n${USER}\nmodel Post {\n  id Int @id\n  authorId Int\n  author User @relation(fields: [authorId], references: [id])\n  x Int\n\n  @@index([authorId])\n}`);
  });
});
