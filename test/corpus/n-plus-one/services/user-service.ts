// @ts-nocheck
// src/services/user.service.ts: a plain service class over a shared client.
import _ from 'lodash';
import async from 'async';
import { prisma } from '../db';
import { sendMail } from '../mail';
import { UsersApi } from '../clients/users-api';

const getUser = (id: number) => prisma.user.findUnique({ where: { id } });
const getCustomer = (id: number) => prisma.user.findFirst({ where: { id } });

async function enrich(order: { id: number; userId: number }) {
  return { ...order, customer: await getCustomer(order.userId) };
}

export class UserService {
  private db = prisma;
  private readonly api = new UsersApi();

  async renameAll(updates: Record<string, string>) {
    for (const [id, name] of Object.entries(updates)) {
      await this.db.user.update({ where: { id: Number(id) }, data: { name } });
          //^^^^^^^^^^^^^^^^^^^ warning: this.db.user.update
    }
  }

  async emails(users: { id: number; email: string }[]) {
    for (const { id, email } of users) {
      await this.db.user.update({ where: { id }, data: { email: email.toLowerCase() } });
          //^^^^^^^^^^^^^^^^^^^ warning: this.db.user.update
    }
  }

  async sequentialLookups(ids: number[]) {
    const users = [];
    for (const id of ids) users.push(await getUser(id));
                                         //^^^^^^^ warning: getUser
    return users;
  }

  async concurrentLookups(ids: number[]) {
    return Promise.all(ids.map((id) => getUser(id)));
                                     //~~~~~~~ ok: findUnique batched by the dataloader
  }

  async byReference(ids: number[]) {
    return Promise.all(ids.map(getUser));
                             //~~~~~~~ ok: findUnique batched by the dataloader
  }

  async ordersWithCustomers(orders: { id: number; userId: number }[]) {
    const result = [];
    for (const order of orders) result.push(await enrich(order));
                                                //^^^^^^ warning: enrich
    return result;
  }

  async validateAndCount(ids: number[]) {
    return Promise.all(
      ids.map(async (id) => {
        const user = await prisma.user.findUnique({ where: { id } });
                         //~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
        if (!user) throw new Error(`no user ${id}`);
        return prisma.post.count({ where: { authorId: id } });
             //^^^^^^^^^^^^^^^^^ warning: prisma.post.count
      }),
    );
  }

  async pairs(ids: number[]) {
    for (const id of ids) {
      const [user, posts] = await Promise.all([
        prisma.user.findUnique({ where: { id } }),
      //^^^^^^^^^^^^^^^^^^^^^^ info: prisma.user.findUnique
        prisma.post.findMany({ where: { authorId: id } }),
      //^^^^^^^^^^^^^^^^^^^^ info: prisma.post.findMany
      ]);
      await sendMail(user.email, `${posts.length} posts`);
    }
  }

  async remote(ids: number[]) {
    for (const id of ids) await this.api.user.update({ id, active: true });
                              //~~~~~~~~~~~~~~~~~~~~ ok: an HTTP client, not Prisma
  }

  async lodashLoop(users: { id: number }[]) {
    _.forEach(users, async (user) => {
      await prisma.notification.deleteMany({ where: { userId: user.id } });
          //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.notification.deleteMany
    });
  }

  async asyncLib(users: { id: number }[]) {
    await async.eachSeries(users, async (user) => {
      await prisma.profile.upsert({ where: { userId: user.id }, create: { userId: user.id, bio: '' }, update: {} });
          //^^^^^^^^^^^^^^^^^^^^^ warning: prisma.profile.upsert
    });
  }

  async deleteSequentially(ids: number[]) {
    await ids.reduce((previous, id) => previous.then(() => prisma.user.delete({ where: { id } })), Promise.resolve());
                                                         //^^^^^^^^^^^^^^^^^^ warning: prisma.user.delete
  }

  async selective(items: { id: number; full: boolean }[]) {
    return Promise.all(
      items.map((item) => prisma.user.findUnique({ where: { id: item.id }, select: item.full ? { id: true, email: true, name: true } : { id: true } })),
                        //^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.user.findUnique
    );
  }

  async normalized(emails: string[]) {
    return Promise.all(emails.map((email) => prisma.user.findUnique({ where: { email: email.trim().toLowerCase() }, include: { profile: true } })));
                                           //~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
  }
}
