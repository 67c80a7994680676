// @ts-nocheck
// scripts/maintenance.ts: cron tasks run by the ops team.
import { PrismaClient } from '@prisma/client';
import { chunk } from 'lodash';

const prisma = new PrismaClient();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitForDatabase() {
  for (let i = 0; i < 30; i++) {
    try {
      await prisma.$queryRaw`SELECT 1`;
          //~~~~~~~~~~~~~~~~ ok: retry loop until the database answers
      return;
    } catch {
      await sleep(1000);
    }
  }
  throw new Error('database not reachable');
}

export async function ancestors(categoryId: number) {
  const chain = [];
  let current = await prisma.category.findUnique({ where: { id: categoryId } });
                    //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: before the loop
  while (current?.parentId) {
    current = await prisma.category.findUnique({ where: { id: current.parentId } });
                  //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.category.findUnique
    if (current) chain.push(current);
  }
  return chain;
}

export async function rebuildCounters(ids: number[]) {
  for (const group of chunk(ids, 200)) {
    await Promise.all(group.map((id) => prisma.post.findUnique({ where: { id } })));
                                      //~~~~~~~~~~~~~~~~~~~~~~ ok: one batched findUnique per chunk
  }
}

export async function syncBuckets(byOrg: Record<number, { amount: number }[]>) {
  for (const [orgId, invoices] of Object.entries(byOrg)) {
    await prisma.invoice.createMany({ data: invoices.map((invoice) => ({ ...invoice, orgId: Number(orgId) })) });
        //^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.invoice.createMany
  }
}

export async function* paginate(take = 100) {
  let skip = 0;
  while (true) {
    const rows = await prisma.order.findMany({ skip, take, orderBy: { id: 'asc' } });
                     //~~~~~~~~~~~~~~~~~~~~~ ok: pagination generator
    if (rows.length === 0) return;
    yield rows;
    skip += take;
  }
}

export async function closeOldOrders() {
  for await (const page of paginate()) {
    await prisma.order.updateMany({ where: { id: { in: page.map((order) => order.id) } }, data: { status: 'closed' } });
        //~~~~~~~~~~~~~~~~~~~~~~~ ok: one statement per page
  }
}

export async function drainQueue() {
  while ((await prisma.job.count({ where: { status: 'queued' } })) > 0) {
              //~~~~~~~~~~~~~~~~ ok: the loop condition runs once per turn of a drain loop
    const jobs = await prisma.job.findMany({ where: { status: 'queued' }, take: 50 });
                     //~~~~~~~~~~~~~~~~~~~ ok: drain loop, one batch per turn
    await prisma.job.updateMany({ where: { id: { in: jobs.map((job) => job.id) } }, data: { status: 'running' } });
        //~~~~~~~~~~~~~~~~~~~~~ ok: drain loop, one batch per turn
  }
}

export async function scores(users: { id: number; posts: number; comments: number }[]) {
  for (const user of users) {
    await prisma.user.update({ where: { id: user.id }, data: { name: `score:${user.posts * 2 + user.comments}` } });
        //^^^^^^^^^^^^^^^^^^ warning: prisma.user.update
  }
}

export async function listeners(queues: { on: (event: string, fn: (job: { id: number }) => void) => void }[]) {
  for (const queue of queues) {
    queue.on('completed', async (job) => {
      await prisma.job.update({ where: { id: job.id }, data: { status: 'done' } });
          //~~~~~~~~~~~~~~~~~ ok: registers a handler, runs per event
    });
  }
}

export async function cleanup(userIds: number[]) {
  await new Promise<void>(async (resolve) => {
    for (const userId of userIds) await prisma.session?.deleteMany?.({ where: { userId } });
    resolve();
  });
  for (const userId of userIds) {
    if (userId < 0) continue;
    await prisma.notification.deleteMany({ where: { userId } });
        //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.notification.deleteMany
  }
}
