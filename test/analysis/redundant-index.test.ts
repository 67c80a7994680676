/** Marker tests for redundant-index: prefixes of wider indexes, of unique constraints and of the primary key. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/redundant-index';
import { check, checkFix } from '../support/fixture';

describe('redundant-index', () => {
  it('flags indexes that a wider index, a unique constraint or the primary key serves', () => {
    check(rule, `
model Post {
  id       Int      @id
  authorId Int
  slug     String
  postedAt DateTime
  state    String

  @@index([authorId])
//^^^^^^^^^^^^^^^^^^^ info: Every write to "Post" maintains a redundant "@@index([authorId])": "@@index([authorId, postedAt])" serves the same queries.
  @@index([authorId, postedAt])
  @@index([slug])
//^^^^^^^^^^^^^^^ info: a redundant "@@index([slug])": "@@unique([slug, state])"
  @@unique([slug, state])
  @@index([id])
//^^^^^^^^^^^^^ info: the primary key "id"
  @@index([state, postedAt])
  @@index([state, postedAt])
//^^^^^^^^^^^^^^^^^^^^^^^^^^ info: "Post" maintains a redundant "@@index([state, postedAt])"
}
model Like {
  userId Int
  postId Int

  @@id([userId, postId])
  @@index([userId])
//^^^^^^^^^^^^^^^^^ info: the primary key "@@id([userId, postId])"
  @@index([postId])
}
`);
  });

  it('leaves alone non-prefixes, unique constraints, other index types, sort orders and prefix lengths', () => {
    check(rule, `
model Post {
  id       Int      @id
  authorId Int      @unique
  slug     String
  postedAt DateTime
  title    String
  tags     String[]
  body     String

  @@index([authorId, postedAt])
  @@index([postedAt])
  @@unique([slug])
  @@index([slug, title])
  @@index([title], type: Hash)
  @@index([tags], type: Gin)
  @@index([tags, title], type: Gin)
  @@index([title(sort: Desc), slug])
  @@index([title, slug, id])
  @@fulltext([body])
}
model Doc {
  id   Int    @id
  body String @db.Text

  @@index([body(length: 10)])
  @@index([body(length: 20), id])
}
`);
  });

  it('removes the redundant line as a safe fix', () => {
    checkFix(
      rule,
      `
model Post {
  id       Int @id
  authorId Int

  @@index([authorId])
  @@index([authorId, id])
}
`,
      `
model Post {
  id       Int @id
  authorId Int

  @@index([authorId, id])
}
`,
    );
  });
});
