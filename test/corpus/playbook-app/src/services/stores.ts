// @ts-nocheck
// Store management for sellers.
import { prisma } from '../lib/prisma';

export async function openStore(ownerId: string, name: string, slug: string) {
  const store = await prisma.store.create({ data: { ownerId, name, slug } });
  await prisma.user.update({ where: { id: ownerId }, data: { role: 'seller' } });
  await prisma.auditLog.create({ data: { actorId: ownerId, action: 'open-store', subject: `store:${store.id}` } });
  return store;
}

export async function storeProducts(storeId: string, cursor?: string) {
  return prisma.product.findMany({
    where: { storeId, status: { not: 'archived' } },
    orderBy: { createdAt: 'desc' },
    take: 50,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
  });
}

export async function lowStock(storeId: string) {
  return prisma.product.findMany({ where: { storeId, stock: { lte: 5 } }, take: 100 });
}

export async function recentReviews(productId: string) {
  return prisma.review.findMany({ where: { productId }, orderBy: { createdAt: 'desc' }, take: 20 });
}

export async function topRated(minRating: number) {
  return prisma.product.findMany({ where: { rating: { gte: minRating } }, orderBy: { rating: 'desc' }, take: 10 });
}
