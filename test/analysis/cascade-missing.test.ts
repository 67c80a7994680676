/** Marker tests for cascade-missing: required relations without onDelete, and the relations that made a choice. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/cascade-missing';
import { safeFixEdits } from '../../server/src/analysis/analyze';
import { check, checkFix, findingsOf, parseFixture } from '../support/fixture';

const USER = `model User {
  id       Int       @id
  posts    Post[]
  comments Comment[]
  profile  Profile?
  teams    Member[]
}`;

describe('cascade-missing', () => {
  it('flags required relations with no onDelete', () => {
    check(rule, `
${USER}
model Post {
  id       Int       @id
  authorId Int
  author   User      @relation(fields: [authorId], references: [id])
//^^^^^^ info: A "User" that still has its "posts" cannot be deleted: "Post.author" has no "onDelete".
  comments Comment[]
}
model Comment {
  id       Int  @id
  postId   Int
  post     Post @relation(fields: [postId], references: [id], onUpdate: Cascade)
//^^^^ info: A "Post" that still has its "comments" cannot be deleted
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
//^^^^^^ info: "Comment.author" has no "onDelete"
}
model Profile {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id])
//^^^^ info: its "profile"
}
model Team {
  id      Int      @id
  members Member[]
}
model Member {
  teamId Int
  userId Int
  team   Team @relation(fields: [teamId], references: [id])
//^^^^ info: "Member.team"
  user   User @relation(fields: [userId], references: [id])
//^^^^ info: "Member.user"

  @@id([teamId, userId])
}
model Audit {
  id      Int  @id
  actorId Int
  actor   Owner @relation(fields: [actorId], references: [id])
//^^^^^ info: An "Owner" that still has its "audits"
}
model Owner {
  id     Int     @id
  audits Audit[]
}
`);
  });

  it('leaves alone optional relations, explicit actions of every kind, back-relations and views', () => {
    check(rule, `
${USER}
model Post {
  id       Int       @id
  authorId Int?
  author   User?     @relation(fields: [authorId], references: [id])
  comments Comment[]
}
model Comment {
  id       Int  @id
  postId   Int
  post     Post @relation(fields: [postId], references: [id], onDelete: Cascade)
  authorId Int
  author   User @relation(fields: [authorId], references: [id], onDelete: Restrict)
}
model Profile {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id], onDelete: NoAction)
}
model Team {
  id      Int      @id
  members Member[]
}
model Member {
  teamId Int
  userId Int
  team   Team @relation(fields: [teamId], references: [id], onDelete: SetDefault)
  user   User @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@id([teamId, userId])
}
view PostSummary {
  id       Int  @unique
  authorId Int
}
`);
  });

  it('offers Cascade and the written-out default, neither applied by fix all', () => {
    const before = `
model User {
  id    Int    @id
  posts Post[]
}
model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
`;
    checkFix(rule, before, before.replace('references: [id])\n}\n', 'references: [id], onDelete: Cascade)\n}\n').replace(/^\n/, ''), 'Delete Post rows with their User (onDelete: Cascade)');
    checkFix(rule, before, before.replace('references: [id])\n}\n', 'references: [id], onDelete: Restrict)\n}\n').replace(/^\n/, ''), 'Keep blocking the delete, written out (onDelete: Restrict)');
    checkFix(rule, before.replace('model User {', 'datasource db {\n  provider = "sqlserver"\n  url      = env("DATABASE_URL")\n}\nmodel User {'), before.replace('model User {', 'datasource db {\n  provider = "sqlserver"\n  url      = env("DATABASE_URL")\n}\nmodel User {').replace('references: [id])\n}\n', 'references: [id], onDelete: NoAction)\n}\n').replace(/^\n/, ''), 'Keep blocking the delete, written out (onDelete: NoAction)');
    const { files } = parseFixture(before);
    assert.deepEqual(safeFixEdits(findingsOf(rule, files), files[0]!.uri), []);
  });
});
