// @ts-nocheck
// src/prisma/prisma.service.ts: the NestJS way of sharing one client.
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  async onModuleInit() {
    await this.$connect();
  }

  async onModuleDestroy() {
    await this.$disconnect();
  }

  /** Deletes stale sessions in chunks of 1,000 so no statement holds locks for long. */
  async purgeNotifications(before: Date) {
    const ids = (await this.notification.findMany({ where: { readAt: { lt: before } }, select: { id: true } })).map((n) => n.id);
                     //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query before the loop
    while (ids.length > 0) {
      const batch = ids.splice(0, 1000);
      await this.notification.deleteMany({ where: { id: { in: batch } } });
          //~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: chunk loop with in
    }
  }

  async touchUsers(userIds: number[]) {
    for (let i = 0; i < userIds.length; i++) {
      await this.user.update({ where: { id: userIds[i] }, data: { name: undefined } });
          //^^^^^^^^^^^^^^^^ warning: this.user.update
    }
  }
}
