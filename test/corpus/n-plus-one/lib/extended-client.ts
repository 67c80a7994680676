// @ts-nocheck
// lib/extended-client.ts: a client with soft delete and a tenant-scoped factory.
import { Prisma, PrismaClient } from '@prisma/client';

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };
export const basePrisma = globalForPrisma.prisma ?? new PrismaClient();
if (process.env.NODE_ENV !== 'production') globalForPrisma.prisma = basePrisma;

export const xprisma = basePrisma.$extends({
  model: {
    $allModels: {
      async exists<T>(this: T, where: Prisma.Args<T, 'findFirst'>['where']): Promise<boolean> {
        const context = Prisma.getExtensionContext(this);
        return (await (context as any).findFirst({ where })) !== null;
                                     //~~~~~~~~~ ok: not a Prisma delegate call
      },
    },
  },
});

export function tenantClient(orgId: number) {
  return basePrisma.$extends({
    query: {
      project: {
        async findMany({ args, query }) {
          args.where = { ...args.where, orgId };
          return query(args);
               //~~~~~ ok: not a delegate call
        },
      },
    },
  });
}

export async function tenantSummaries(orgIds: number[]) {
  const summaries = [];
  for (const orgId of orgIds) {
    const tenant = tenantClient(orgId);
    summaries.push(await tenant.project.findMany());
                       //^^^^^^^^^^^^^^^^^^^^^^^ warning: tenant.project.findMany
  }
  return summaries;
}

export async function emailsTaken(emails: string[]) {
  const results = await Promise.all(emails.map((email) => basePrisma.user.findUnique({ where: { email }, select: { id: true } })));
                                                        //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
  return emails.filter((_, i) => results[i] !== null);
}

export async function firstActive(userIds: number[]) {
  for (const userId of userIds) {
    const posts = await basePrisma.post.count({ where: { authorId: userId, published: true } });
                      //^^^^^^^^^^^^^^^^^^^^^ warning: basePrisma.post.count
    if (posts > 0) return userId;
  }
  return undefined;
}
