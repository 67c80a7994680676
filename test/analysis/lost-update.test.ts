/** Marker tests for lost-update: read-modify-write without atomic updates, version checks or isolation. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/lost-update';
import { check, checkFix } from '../support/fixture';

describe('lost-update', () => {
  it('flags fields written back from a value read earlier', () => {
    check(rule, `
//- src/wallet.ts
export async function pay(id: number, amount: number) {
  const account = await prisma.account.findUniqueOrThrow({ where: { id } });
  await prisma.account.update({ where: { id }, data: { balance: account.balance - amount } });
//                                                     ^^^^^^^ warning: "balance" is written back from "account.balance", read earlier with "prisma.account.findUniqueOrThrow"
  const post = await prisma.post.findFirst({ where: { id } });
  const views = post.views + 1;
  await prisma.post.update({ where: { id }, data: { views } });
  await prisma.post.update({ where: { id }, data: { views: views } });
//                                                  ^^^^^ warning: "views" is written back from "post.views"
  const stock = await db.product.findUnique({ where: { id } });
  await db.product.update({ where: { id }, data: { quantity: Math.max(stock.quantity - 1, 0) } });
//                                                 ^^^^^^^^ warning: "stock.quantity"
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id } });
    await tx.user.update({ where: { id }, data: { credits: user.credits * 2 } });
//                                                ^^^^^^^ warning: "credits"
  });
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { id } });
  await prisma.wallet.update({ where: { id }, data: { balance: wallet.balance.minus(amount) } });
//                                                    ^^^^^^^ warning: "wallet.balance"
  await prisma.wallet.updateMany({ where: { id }, data: { balance: wallet.balance.plus(amount) } });
//                                                        ^^^^^^^ warning: "wallet.balance"
  const score = await prisma.score.findFirst({ where: { id } });
  await prisma.score.upsert({ where: { id }, create: { points: 1 }, update: { points: score.points + 1 } });
//                                                                            ^^^^^^ warning: "points"
}
`);
  });

  it('leaves alone atomic updates, version checks, isolated transactions, other models and plain values', () => {
    check(rule, `
//- src/wallet.ts
export async function pay(id: number, amount: number, input: { name: string }) {
  const account = await prisma.account.findUniqueOrThrow({ where: { id } });
  await prisma.account.update({ where: { id }, data: { balance: { decrement: amount } } });
  await prisma.account.updateMany({ where: { id, version: account.version }, data: { balance: account.balance - amount, version: { increment: 1 } } });
  await prisma.account.update({ where: { id, balance: account.balance }, data: { balance: account.balance - amount } });
  await prisma.account.update({ where: { id }, data: { name: input.name, note: account.note } });
  await prisma.invoice.update({ where: { id }, data: { balance: account.balance - amount } });
  await prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id } });
    await tx.user.update({ where: { id }, data: { credits: user.credits - 1 } });
  }, { isolationLevel: Prisma.TransactionIsolationLevel.Serializable });
  await prisma.account.update({ where: { id }, data: { balance: 100 - amount } });
}
`);
  });

  it('leaves alone a read value clamped by a constant bound, and flags clamps of arithmetic or of a request value', () => {
    check(rule, `
//- src/members.ts
const ALL_FLAGS = (1 << 8) - 1;
const MAX_LEVEL = 10;
export async function promote(id: number, score: number) {
  const member = await prisma.member.findUniqueOrThrow({ where: { id } });
  await prisma.member.update({ where: { id }, data: { flags: Math.max(ALL_FLAGS, member.flags) } });
  await prisma.member.update({ where: { id }, data: { level: Math.min(Math.max(member.level, 0), MAX_LEVEL) } });
  const ceiling = 100;
  const capped = Math.min(member.quota, ceiling, Number.MAX_SAFE_INTEGER);
  await prisma.member.update({ where: { id }, data: { quota: capped } });
  await prisma.member.update({ where: { id }, data: { level: Math.min(member.level + 1, MAX_LEVEL) } });
//                                                    ^^^^^ warning: "level" is written back from "member.level"
  await prisma.member.update({ where: { id }, data: { best: Math.max(member.best, score) } });
//                                                    ^^^^ warning: "best" is written back from "member.best"
}
export async function grantAccess(id: number, memberId: number) {
  const access = await prisma.member.findUnique({ where: { id: memberId } });
  await prisma.member.update({ where: { id }, data: { flags: Math.max(Permission.Download + Permission.Generate, access?.flags ?? 0) } });
  await prisma.member.update({ where: { id }, data: { flags: Math.max(access?.flags ?? 0, 0) + Permission.Download } });
//                                                    ^^^^^ warning: "flags" is written back from "access.flags"
}
`);
  });

  it('leaves alone optimistic locking, by a version in the where or by a row inserted under a unique version', () => {
    const schema = (revisionKey: string) => `//- prisma/schema.prisma
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
model Page {
  id        Int            @id
  version   Int
  body      String
  revisions PageRevision[]
}
model PageRevision {
  id      Int    @id @default(autoincrement())
  pageId  Int
  page    Page   @relation(fields: [pageId], references: [id])
  version Int
  body    String
  ${revisionKey}
}`;
    check(rule, `
${schema('@@unique([pageId, version])')}
//- src/pages.ts
export async function save(id: number, body: string) {
  const page = await prisma.page.findUniqueOrThrow({ where: { id } });
  const { version } = page;
  await prisma.page.update({ where: { id, version }, data: { body, version: { increment: 1 } } });
  await prisma.page.updateMany({ where: { id, version: page.version }, data: { body, version: page.version + 1 } });
  await prisma.$transaction(async (tx) => {
    const current = await tx.page.findUniqueOrThrow({ where: { id } });
    const next = current.version + 1;
    await tx.page.update({ where: { id }, data: { body, version: next } });
    await tx.pageRevision.create({ data: { pageId: id, version: next, body } });
  });
  await prisma.page.update({ where: { id }, data: { body, version: page.version + 1, revisions: { create: { version: page.version + 1, body } } } });
}
`);
    check(rule, `
${schema('@@index([pageId])')}
//- src/pages.ts
export async function save(id: number, body: string) {
  await prisma.$transaction(async (tx) => {
    const current = await tx.page.findUniqueOrThrow({ where: { id } });
    await tx.page.update({ where: { id }, data: { body, version: current.version + 1 } });
//                                                      ^^^^^^^ warning: "version" is written back from "current.version"
    await tx.pageRevision.create({ data: { pageId: id, version: current.version + 1, body } });
  });
}
`);
  });

  it('without a schema, trusts a version row inserted in the same transaction, and nothing else', () => {
    check(rule, `
//- src/docs.ts
export async function save(id: number, body: string) {
  await prisma.$transaction(async (tx) => {
    const doc = await tx.document.findUniqueOrThrow({ where: { id } });
    await tx.document.update({ where: { id }, data: { body, revision: doc.revision + 1 } });
    await tx.documentRevision.create({ data: { documentId: id, revision: doc.revision + 1, body } });
  });
  await prisma.$transaction(async (tx) => {
    const doc = await tx.document.findUniqueOrThrow({ where: { id } });
    await tx.document.update({ where: { id }, data: { revision: doc.revision + 1 } });
//                                                    ^^^^^^^^ warning: "revision" is written back from "doc.revision"
    await tx.auditLog.create({ data: { documentId: id } });
  });
  const doc = await prisma.document.findUniqueOrThrow({ where: { id } });
  await prisma.document.update({ where: { id }, data: { revision: doc.revision + 1 } });
//                                                      ^^^^^^^^ warning: "revision" is written back from "doc.revision"
  await prisma.documentRevision.create({ data: { documentId: id, revision: doc.revision + 1, body } });
  await prisma.$transaction(async (tx) => {
    const wallet = await tx.wallet.findUniqueOrThrow({ where: { id } });
    await tx.wallet.update({ where: { id }, data: { balance: wallet.balance - 1 } });
//                                                  ^^^^^^^ warning: "balance" is written back from "wallet.balance"
    await tx.ledger.create({ data: { walletId: id, balance: wallet.balance - 1 } });
  });
}
`);
  });

  it('offers { decrement } as an unsafe fix', () => {
    checkFix(rule, `
//- src/wallet.ts
const account = await prisma.account.findUniqueOrThrow({ where: { id } });
await prisma.account.update({ where: { id }, data: { balance: account.balance - amount } });
`, `
const account = await prisma.account.findUniqueOrThrow({ where: { id } });
await prisma.account.update({ where: { id }, data: { balance: { decrement: amount } } });
`);
  });

  it('follows included rows to their model, and accepts Repeatable Read only on PostgreSQL', () => {
    const schema = (provider: string) => `//- prisma/schema.prisma
datasource db {
  provider = "${provider}"
  url      = env("DATABASE_URL")
}
model Store {
  id      Int     @id
  balance Int
  orders  Order[]
}
model Order {
  id      Int   @id
  storeId Int
  store   Store @relation(fields: [storeId], references: [id])
  total   Int
}`;
    check(rule, `
${schema('postgresql')}
//- src/pay.ts
export async function pay(id: number) {
  const order = await prisma.order.findUniqueOrThrow({ where: { id }, include: { store: true } });
  const store = order.store;
  await prisma.store.update({ where: { id: store.id }, data: { balance: store.balance + order.total } });
//                                                             ^^^^^^^ warning: "balance" is written back from "store.balance", read earlier with "prisma.order.findUniqueOrThrow"
  await prisma.order.update({ where: { id }, data: { total: store.balance + 1 } });
  await prisma.$transaction(async (tx) => {
    const again = await tx.store.findUnique({ where: { id } });
    await tx.store.update({ where: { id }, data: { balance: again.balance - 1 } });
  }, { isolationLevel: 'RepeatableRead' });
}
`);
    check(rule, `
${schema('mysql')}
//- src/pay.ts
export async function pay(id: number) {
  await prisma.$transaction(async (tx) => {
    const again = await tx.store.findUnique({ where: { id } });
    await tx.store.update({ where: { id }, data: { balance: again.balance - 1 } });
//                                                 ^^^^^^^ warning: "again.balance"
  }, { isolationLevel: 'RepeatableRead' });
}
`);
  });
});
