// @ts-nocheck
// Nightly job: expire sessions, archive stale drafts, and report.
import { PrismaClient } from '@prisma/client';

async function main() {
  const prisma = new PrismaClient();
  const now = new Date();
  await prisma.session.deleteMany({ where: { expires: { lt: now } } });
  const stale = await prisma.product.findMany({ where: { status: 'draft', updatedAt: { lt: new Date(now.getTime() - 90 * 864e5) } } });
  await prisma.product.updateMany({ where: { id: { in: stale.map((p) => p.id) } }, data: { status: 'archived' } });
  await prisma.$executeRawUnsafe(`DELETE FROM "AuditLog" WHERE "createdAt" < now() - interval '365 days'`);
  const orders = await prisma.order.count({ where: { createdAt: { gte: new Date(now.getTime() - 864e5) } } });
  console.log(`archived ${stale.length} drafts; ${orders} orders today`);
  await prisma.$disconnect();
}

main();
