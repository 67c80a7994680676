// @ts-nocheck
// src/plugins/reports.ts (Fastify): fastify.prisma is decorated by a plugin.
import type { FastifyPluginAsync } from 'fastify';

const reports: FastifyPluginAsync = async (fastify) => {
  fastify.get('/reports/orders', async (request) => {
    const { from, to } = request.query as { from: string; to: string };
    const orders = await fastify.prisma.order.findMany({ where: { createdAt: { gte: new Date(from), lte: new Date(to) } } });
    const customers = new Map();
    for (const order of orders) {
      if (!customers.has(order.userId)) {
        customers.set(order.userId, await fastify.prisma.user.findUnique({ where: { id: order.userId } }));
                                        //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: fastify.prisma.user.findUnique
      }
    }
    const lines = await fastify.prisma.orderItem.findMany({ where: { orderId: { in: orders.map((o) => o.id) } } });
                      //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query for all orders
    return { orders, customers: [...customers.values()], lines };
  });

  fastify.post('/reports/rebuild', async () => {
    const { prisma } = fastify;
    let skip = 0;
    const take = 200;
    let page;
    do {
      page = await prisma.order.findMany({ skip, take, orderBy: { id: 'asc' } });
                 //~~~~~~~~~~~~~~~~~~~~~ ok: offset pagination
      await prisma.$executeRaw`UPDATE "Order" SET total = sub.total FROM (SELECT "orderId", sum(price * quantity) AS total FROM "OrderItem" WHERE "orderId" = ANY(${page.map((o) => o.id)}) GROUP BY "orderId") sub WHERE "Order".id = sub."orderId"`;
          //~~~~~~~~~~~~~~~~~~ ok: one statement per page
      skip += take;
    } while (page.length === take);
    return { ok: true };
  });
};

export default reports;
