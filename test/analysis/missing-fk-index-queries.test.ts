/** Marker tests for missing-fk-index given the workspace's queries: a key no query needs is info, and what the analysis cannot see keeps the warning. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/missing-fk-index';
import { checkWithQueries } from '../support/fixture';

const POSTGRES = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}`;

describe('missing-fk-index with the workspace\'s queries', () => {
  const schema = (marks: { authorId?: string; postId?: string; tagId?: string } = {}) => `//- prisma/schema.prisma
${POSTGRES}
model User {
  id    Int    @id @default(autoincrement())
  posts Post[]
}
model Post {
  id       Int       @id @default(autoincrement())
  slug     String    @unique
  authorId Int
${marks.authorId ? `//^^^^^^^^ ${marks.authorId}\n` : ''}  author   User      @relation(fields: [authorId], references: [id], onDelete: Cascade)
  comments Comment[]
}
model Comment {
  id     Int    @id @default(autoincrement())
  postId Int
${marks.postId ? `//^^^^^^ ${marks.postId}\n` : ''}  post   Post   @relation(fields: [postId], references: [id], onDelete: Cascade)
  tagId  Int?
${marks.tagId ? `//^^^^^ ${marks.tagId}\n` : ''}  tag    Tag?   @relation(fields: [tagId], references: [id])
}
model Tag {
  id       Int       @id @default(autoincrement())
  comments Comment[]
}`;

  it('reports as info a key that no query reads by, loads through, or needs for a delete of its parent', () => {
    checkWithQueries(rule, `${schema({
      authorId: 'info: Deleting from "User" or loading "User.posts" scans all of "Post": "Post.authorId" has no index. No query in the workspace needs it yet.',
      postId: 'info: No query in the workspace needs it yet.',
      tagId: 'info: "Comment.tagId" has no index. No query in the workspace needs it yet.',
    })}
//- src/posts.ts
export const profile = (id: number) => prisma.user.findUnique({ where: { id } });
export const tags = () => prisma.tag.findMany({ take: 50 });
export const bySlug = (slug: string) => prisma.post.findUnique({ where: { slug } });
export const publish = (authorId: number, slug: string) => prisma.post.create({ data: { slug, authorId } });
export const comment = (postId: number) => prisma.comment.create({ data: { postId } });
`);
  });

  it('keeps the warning where a query filters by the key, loads the relation, counts it, or joins a to-one filter', () => {
    checkWithQueries(rule, `${schema({
      authorId: 'warning: "Post.authorId" has no index.',
      postId: 'warning: "Comment.postId" has no index.',
      tagId: 'warning: "Comment.tagId" has no index.',
    })}
//- src/read.ts
export const postsOf = (authorId: number) => prisma.post.findMany({ where: { authorId } });
export const withComments = (slug: string) => prisma.post.findUnique({ where: { slug }, include: { _count: { select: { comments: true } } } });
export const tagged = () => prisma.comment.findMany({ where: { tag: { id: 3 } } });
`);
  });

  it('keeps the warning where the parent is deleted, itself or through a cascade, or raw SQL names the table', () => {
    checkWithQueries(rule, `${schema({
      authorId: 'warning: "Post.authorId" has no index.',
      // Deleting a user cascades to its posts, whose comments' keys are then looked up.
      postId: 'warning: "Comment.postId" has no index.',
      tagId: 'warning: "Comment.tagId" has no index.',
    })}
//- src/delete.ts
export const remove = (id: number) => prisma.user.delete({ where: { id } });
export const cleanUp = () => prisma.$executeRaw\`UPDATE "Comment" SET "tagId" = NULL WHERE "tagId" = 0\`;
`);
  });

  it('keeps the warning where a table is in no query, an include is built elsewhere, or a related table is filtered by a filter built elsewhere', () => {
    checkWithQueries(rule, `${schema({
      // No query is made on "User": its rows may be read and deleted by code the workspace does not show.
      authorId: 'warning: "Post.authorId" has no index.',
      // A post is loaded with an include built elsewhere: it may load the comments.
      postId: 'warning: "Comment.postId" has no index.',
      // Tags are filtered by a filter built elsewhere: it may filter them by their comments.
      tagId: 'warning: "Comment.tagId" has no index.',
    })}
//- src/read.ts
export const tags = (where: object) => prisma.tag.findMany({ where, take: 50 });
export const post = (slug: string, include: object) => prisma.post.findUnique({ where: { slug }, include });
export const reply = (postId: number) => prisma.comment.create({ data: { postId } });
`);
  });

  it('keeps every warning when the workspace holds no query of the schema (its code is elsewhere)', () => {
    checkWithQueries(rule, `${schema({
      authorId: 'warning: "Post.authorId" has no index.',
      postId: 'warning: "Comment.postId" has no index.',
      tagId: 'warning: "Comment.tagId" has no index.',
    })}
//- src/other.ts
export const rows = () => db.$queryRaw\`SELECT 1\`;
`);
  });
});
