/** Marker tests for missing-timestamps (off by default): models without creation or update times. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import rule from '../../server/src/analysis/rules/missing-timestamps';
import { check, checkFix } from '../support/fixture';

describe('missing-timestamps', () => {
  it('flags models without createdAt, updatedAt or both', () => {
    check(rule, `
model Order {
//    ^^^^^ info: Nothing says when a row of "Order" was written: the model has neither a creation nor an update time.
  id     Int    @id
  status String
}
model Invoice {
//    ^^^^^^^ info: Nothing says when a row of "Invoice" last changed: the model has no update time.
  id        Int      @id
  createdAt DateTime @default(now())
}
model Payment {
//    ^^^^^^^ info: Nothing says when a row of "Payment" was created: the model has no creation time.
  id        Int      @id
  updatedAt DateTime @updatedAt
}
model Shipment {
//    ^^^^^^^^ info: has no update time
  id       Int      @id
  postedAt DateTime @default(now())
}
model Refund {
//    ^^^^^^ info: has neither
  id     Int      @id
  dueAt  DateTime
}
`);
  });

  it('accepts other names and shapes of the two timestamps, join tables, views and types', () => {
    check(rule, `
model Order {
  id         Int      @id
  created_at DateTime @default(now())
  updated_at DateTime @updatedAt
}
model Invoice {
  id         Int      @id
  insertedAt DateTime
  modifiedAt DateTime
}
model Payment {
  id        Int      @id
  postedAt  DateTime @default(now())
  touchedAt DateTime @updatedAt
}
model Post {
  id   Int       @id
  tags PostTag[]
}
model Tag {
  id    Int       @id
  posts PostTag[]
  createdAt DateTime @default(now())
  updatedAt DateTime @updatedAt
}
model PostTag {
  postId Int
  tagId  Int
  post   Post @relation(fields: [postId], references: [id])
  tag    Tag  @relation(fields: [tagId], references: [id])

  @@id([postId, tagId])
}
view Report {
  id Int @unique
}
type Address {
  street String
}
`.replace('model Post {\n  id   Int       @id\n  tags PostTag[]\n}', 'model Post {\n  id   Int       @id\n  tags PostTag[]\n  createdAt DateTime @default(now())\n  updatedAt DateTime @updatedAt\n}'));
  });

  it('is off by default', () => {
    const files = [{ uri: 'file:///s.prisma', text: 'model Order {\n  id Int @id\n}\n' }];
    assert.equal(analyzeSchema(files).findings.filter((finding) => finding.ruleId === rule.id).length, 0);
  });

  it('adds both fields, with a default on updatedAt, as an unsafe fix', () => {
    checkFix(rule, `
model Order {
  id     Int    @id
  status String

  @@map("orders")
}
`, `
model Order {
  id     Int    @id
  status String
  createdAt DateTime @default(now())
  updatedAt DateTime @default(now()) @updatedAt

  @@map("orders")
}
`);
  });
});
