// @ts-nocheck
// workers/email.ts (BullMQ): sends digests; the processor runs once per job.
import { Worker, Queue } from 'bullmq';
import { prisma } from '../lib/prisma';
import { render } from '../emails/render';
import { send } from '../emails/send';

export const digestQueue = new Queue('digest');

export const worker = new Worker('digest', async (job) => {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: job.data.userId } });
                   //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one lookup per job
  const notifications = await prisma.notification.findMany({ where: { userId: user.id, readAt: null } });
                            //~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query per job
  const posts = [];
  for (const notification of notifications) {
    if (notification.kind !== 'new-post') continue;
    posts.push(await prisma.post.findFirst({ where: { authorId: notification.userId, published: true }, orderBy: { publishedAt: 'desc' } }));
                   //^^^^^^^^^^^^^^^^^^^^^ warning: prisma.post.findFirst
  }
  await send(user.email, render({ posts }));
  await prisma.notification.updateMany({ where: { id: { in: notifications.map((n) => n.id) } }, data: { readAt: new Date() } });
      //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one statement after the loop
});

export async function enqueueDigests() {
  const users = await prisma.user.findMany({ select: { id: true } });
                    //~~~~~~~~~~~~~~~~~~~~ ok: one query
  await digestQueue.addBulk(users.map((user) => ({ name: 'digest', data: { userId: user.id } })));
      //~~~~~~~~~~~~~~~~~~~ ok: a queue, not Prisma
  for (const user of users) {
    await prisma.auditLog.create({ data: { actorId: user.id, action: 'digest-enqueued' } });
        //^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.auditLog.create
  }
}

export const notificationService = {
  async unreadCount(userId: number) {
    return prisma.notification.count({ where: { userId, readAt: null } });
  },
  async badgeCounts(userIds: number[]) {
    const counts = {};
    for (const userId of userIds) counts[userId] = await this.unreadCount(userId);
                                                       //^^^^^^^^^^^^^^^^ warning: this.unreadCount
    return counts;
  },
};

export async function badges(userIds: number[]) {
  return Promise.all(userIds.map((id) => notificationService.unreadCount(id)));
                                       //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: notificationService.unreadCount
}
