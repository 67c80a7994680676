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
