// @ts-nocheck
// server/routers/org.ts: ctx.prisma, destructured clients and helper functions.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { router, adminProcedure, publicProcedure } from '../trpc';

async function seatsUsed(prisma: PrismaClient, orgId: number) {
  return prisma.membership.count({ where: { orgId } });
}

const requireAdmin = async (db: PrismaClient, orgId: number, userId: number) => {
  const membership = await db.membership.findUnique({ where: { userId_orgId: { userId, orgId } } });
  if (membership?.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN' });
  return membership;
};

export const orgRouter = router({
  overview: adminProcedure.query(async ({ ctx }) => {
    const orgs = await ctx.prisma.organization.findMany({ where: { members: { some: { userId: ctx.user.id } } } });
    const rows = [];
    for (const org of orgs) {
      rows.push({ org, seats: await seatsUsed(ctx.prisma, org.id) });
                                  //^^^^^^^^^ warning: seatsUsed
    }
    return rows;
  }),

  bulkRemove: adminProcedure.input(z.object({ orgIds: z.array(z.number()), userId: z.number() })).mutation(async ({ ctx: { prisma, user }, input }) => {
    await Promise.all(input.orgIds.map((orgId) => requireAdmin(prisma, orgId, user.id)));
                                                //~~~~~~~~~~~~ ok: findUnique on a compound key, batched by the dataloader
    for (const orgId of input.orgIds) {
      await prisma.membership.delete({ where: { userId_orgId: { userId: input.userId, orgId } } });
          //^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.membership.delete
    }
  }),

  invoices: publicProcedure.input(z.object({ orgIds: z.array(z.number()) })).query(async ({ ctx, input }) => {
    const { prisma } = ctx;
    const totals: Record<number, number> = {};
    for (const orgId of input.orgIds) {
      const sum = await prisma.invoice.aggregate({ where: { orgId, status: 'paid' }, _sum: { amount: true } });
                      //^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.invoice.aggregate
      totals[orgId] = sum._sum.amount ?? 0;
    }
    return totals;
  }),

  planLimits: publicProcedure.query(async ({ ctx }) => {
    const orgs = await ctx.prisma.organization.findMany({ select: { id: true, plan: true } });
                     //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query
    const limits = { free: 3, team: 20, enterprise: Infinity } as const;
    return orgs.filter((org) => limits[org.plan as keyof typeof limits] > 0);
         //~~~~~~~~~~~ ok: plain array filter, no query
  }),

  upgradeAll: adminProcedure.input(z.object({ orgIds: z.array(z.number()) })).mutation(async ({ ctx, input }) => {
    const results = await Promise.allSettled(
      input.orgIds.map((id) =>
        ctx.prisma.organization
          .update({ where: { id }, data: { plan: 'team' } }),
         //^^^^^^ warning: update
      ),
    );
    return results.filter((result) => result.status === 'rejected').length;
  }),
});
