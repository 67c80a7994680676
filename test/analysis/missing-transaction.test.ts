/** Marker tests for missing-transaction: dependent writes outside $transaction, and independent or transactional ones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/missing-transaction';
import { check } from '../support/fixture';

describe('missing-transaction', () => {
  it('flags a write that uses an earlier write, and transfers between rows', () => {
    check(rule, `
//- src/orders.ts
export async function placeOrder(userId: number, items: Item[]) {
  const order = await prisma.order.create({ data: { userId } });
  await prisma.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });
//      ^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: If "prisma.orderItem.createMany" fails, the data is left half-changed: it uses "order", the result of "prisma.order.create" outside a transaction.
  await prisma.user.update({ where: { id: userId }, data: { lastOrderId: order.id } });
//      ^^^^^^^^^^^^^^^^^^ warning: If "prisma.user.update" fails, the data is left half-changed: it uses "order"
}
export async function transfer(from: number, to: number, amount: number) {
  await prisma.account.update({ where: { id: from }, data: { balance: { decrement: amount } } });
  await prisma.account.update({ where: { id: to }, data: { balance: { increment: amount } } });
//      ^^^^^^^^^^^^^^^^^^^^^ warning: moves "balance" together with "prisma.account.update"
}
async function signUp(email: string) {
  const user = await db.user.create({ data: { email } });
  const team = await db.team.create({ data: { ownerId: user.id } });
//                   ^^^^^^^^^^^^^^ warning: uses "user"
  await db.membership.create({ data: { teamId: team.id, userId: user.id } });
//      ^^^^^^^^^^^^^^^^^^^^ warning: If "db.membership.create" fails, the data is left half-changed: it uses
}
const archive = async (id: number) => {
  const copy = await prisma.archivedPost.create({ data: { id } });
  await prisma.post.delete({ where: { id: copy.id } });
//      ^^^^^^^^^^^^^^^^^^ warning: If "prisma.post.delete" fails, the data is left half-changed: it uses "copy"
};
`);
  });

  it('leaves alone transactions, transaction clients, independent writes, reads and nested writes', () => {
    check(rule, `
//- src/orders.ts
export async function placeOrder(userId: number, items: Item[]) {
  await prisma.$transaction(async (tx) => {
    const order = await tx.order.create({ data: { userId } });
    await tx.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });
  });
  await prisma.order.create({ data: { userId, items: { create: items } } });
}
async function withTx(tx: Prisma.TransactionClient, userId: number) {
  const order = await tx.order.create({ data: { userId } });
  await tx.audit.create({ data: { orderId: order.id } });
}
async function touch(userId: number) {
  await prisma.user.update({ where: { id: userId }, data: { seenAt: new Date() } });
  await prisma.audit.create({ data: { userId, kind: 'seen' } });
}
async function readThenWrite(userId: number) {
  const user = await prisma.user.findUnique({ where: { id: userId } });
  await prisma.audit.create({ data: { userId: user.id } });
}
async function counters(id: number) {
  await prisma.post.update({ where: { id }, data: { views: { increment: 1 } } });
  await prisma.user.update({ where: { id }, data: { views: { increment: 1 } } });
}
async function openStore(ownerId: number) {
  const store = await prisma.store.create({ data: { ownerId } });
  await prisma.auditLog.create({ data: { subject: \`store:\${store.id}\` } });
  await prisma.userEvent.create({ data: { storeId: store.id } });
}
async function split(userId: number) {
  const order = await prisma.order.create({ data: { userId } });
  return order;
}
async function other(order: { id: number }) {
  await prisma.orderItem.deleteMany({ where: { orderId: order.id } });
}
`);
  });

  it('says when an HTTP call or a file write between the writes is something no transaction can undo', () => {
    const findings = check(rule, `
//- src/payouts.ts
export async function payout(partnerId: number, amount: number) {
  const payout = await prisma.payout.create({ data: { partnerId, amount } });
  const transfer = await fetch('https://api.example.com/transfers', { method: 'POST', body: JSON.stringify({ amount }) });
  await prisma.partner.update({ where: { id: partnerId }, data: { lastPayoutId: payout.id } });
//      ^^^^^^^^^^^^^^^^^^^^^ warning: If "prisma.partner.update" fails, the data is left half-changed: it uses "payout", the result of "prisma.payout.create" with "fetch(…)" between them.
}
export async function saveAvatar(userId: number, bytes: Buffer) {
  const file = await prisma.file.create({ data: { userId } });
  await fs.promises.writeFile(\`/data/\${file.id}\`, bytes);
  await prisma.user.update({ where: { id: userId }, data: { avatarId: file.id } });
//      ^^^^^^^^^^^^^^^^^^ warning: with "fs.promises.writeFile(…)" between them
}
export async function rename(userId: number, name: string) {
  const user = await prisma.user.update({ where: { id: userId }, data: { name } });
  await prisma.team.update({ where: { ownerId: user.id }, data: { name } });
//      ^^^^^^^^^^^^^^^^^^ warning: If "prisma.team.update" fails, the data is left half-changed: it uses "user", the result of "prisma.user.update" outside a transaction.
  await fetch('https://hooks.example.com/renamed');
}
`);
    assert.match(findings[0]!.help, /^No transaction can undo "fetch\(…\)": .*compensating step/);
    assert.match(findings[2]!.help, /prisma\.\$transaction/);
  });
});
