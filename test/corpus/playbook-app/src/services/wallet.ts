// @ts-nocheck
// Wallet payments: buyers pay orders from their balance; sellers are credited.
import { Prisma } from '@prisma/client';
import { prisma } from '../lib/prisma';

export class InsufficientFunds extends Error {}

/** Pays an order from the buyer's wallet, crediting the store minus its fee. */
export async function payFromWallet(orderId: string) {
  const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId }, include: { items: { include: { product: { include: { store: true } } } } } });
  const wallet = await prisma.wallet.findUniqueOrThrow({ where: { userId: order.buyerId } });
  if (Number(wallet.balance) < order.total) throw new InsufficientFunds();
  await prisma.wallet.update({ where: { id: wallet.id }, data: { balance: wallet.balance.minus(order.total) } });
  const store = order.items[0].product.store;
  await prisma.store.update({ where: { id: store.id }, data: { balance: store.balance + order.total * (1 - store.payoutFee) } });
  await prisma.order.update({ where: { id: orderId }, data: { status: 'PAID' } });
}

/** Tops up a wallet with optimistic locking: retried when another write got there first. */
export async function topUp(userId: string, amount: Prisma.Decimal) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const wallet = await prisma.wallet.findUniqueOrThrow({ where: { userId } });
    const { count } = await prisma.wallet.updateMany({
      where: { id: wallet.id, version: wallet.version },
      data: { balance: wallet.balance.plus(amount), version: { increment: 1 } },
    });
    if (count === 1) return;
  }
  throw new Error('wallet is busy');
}

/** Moves money between two wallets atomically. */
export async function transfer(fromUserId: string, toUserId: string, amount: Prisma.Decimal) {
  await prisma.$transaction(async (tx) => {
    const from = await tx.wallet.update({ where: { userId: fromUserId }, data: { balance: { decrement: amount } } });
    if (from.balance.isNegative()) throw new InsufficientFunds();
    await tx.wallet.update({ where: { userId: toUserId }, data: { balance: { increment: amount } } });
  });
}

/** Refunds an order: the buyer gets the money back and the store pays it. */
export async function refund(orderId: string, amount: Prisma.Decimal) {
  const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
  await prisma.wallet.update({ where: { userId: order.buyerId }, data: { balance: { increment: amount } } });
  await prisma.store.updateMany({ where: { ownerId: order.buyerId }, data: { balance: { decrement: Number(amount) } } });
  await prisma.auditLog.create({ data: { actorId: order.buyerId, action: 'refund', subject: `order:${orderId}` } });
}
