/** Marker tests for n-plus-one through calls into other files: imported helpers, injected services, chains a few files deep. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { check } from '../support/fixture';
import { corpusWorkspace as workspace } from '../support/corpus-fixture';

describe('n-plus-one: calls into other files', () => {
  it('reports a loop that calls an imported helper which queries, at the call, with the chain as related information', () => {
    const findings = check(rule, workspace(`
//- src/lib/users.ts
import { prisma } from './db';
export async function loadAuthor(id: string) {
  return prisma.user.findFirst({ where: { id } });
}
export function displayName(user: { name: string }) {
  return user.name.trim();
}
//- src/app/feed.ts
import { displayName, loadAuthor } from '../lib/users';
export async function feed(posts: { authorId: string }[]) {
  for (const post of posts) {
    const author = await loadAuthor(post.authorId);
                       //^^^^^^^^^^ warning: "loadAuthor(post.authorId)" runs "prisma.user.findFirst" once per "post" of "posts" (for…of)
    console.log(displayName(author!));
               //~~~~~~~~~~~ ok: the helper runs no query
  }
}
`));
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]!.related, [{ uri: 'file:///fixture/src/lib/users.ts', line: 2, character: 9, endCharacter: 30, message: '"prisma.user.findFirst" runs here' }]);
    assert.match(findings[0]!.help, /^Make "loadAuthor" work on all the elements at once/);
  });

  it('never takes a Node.js module for a workspace file that exports the same name', () => {
    check(rule, workspace(`
//- src/commands.ts
import { prisma } from './db';
export const resolve = async (id: string) => prisma.user.findFirst({ where: { id } });
//- src/assets.ts
import { resolve } from 'node:path';
import { join } from 'path';
import { resolve as settle } from './commands';
export async function assetPaths(names: string[]) {
  for (const name of names) {
    console.log(resolve('/assets', name), join('/a', name));
               //~~~~~~~ ok: node:path's resolve runs no query
    await settle(name);
        //^^^^^^ warning: "settle(name)" runs "prisma.user.findFirst" once per "name" of "names" (for…of)
  }
}
`));
  });

  it('follows injected services (the constructor parameter names the class) and this.method, three files deep', () => {
    check(rule, workspace(`
//- src/users/user.repository.ts
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
@Injectable()
export class UserRepository {
  constructor(private readonly prisma: PrismaService) {}
  findById(id: string) {
    return this.prisma.user.findUnique({ where: { id }, include: { posts: true } });
  }
}
//- src/users/user.service.ts
import { Injectable } from '@nestjs/common';
import { UserRepository } from './user.repository';
@Injectable()
export class UserService {
  constructor(private readonly users: UserRepository, private readonly clock: Clock) {}
  async profile(id: string) {
    return this.load(id);
  }
  private async load(id: string) {
    const user = await this.users.findById(id);
    return user && { ...user, seen: this.clock.now() };
  }
}
//- src/teams/team.service.ts
import { Injectable } from '@nestjs/common';
import { UserService } from '../users/user.service';
import { Clock } from '../clock';
@Injectable()
export class TeamService {
  constructor(private readonly userService: UserService, private readonly clock: Clock) {}
  async members(ids: string[]) {
    const members = [];
    for (const id of ids) {
      members.push(await this.userService.profile(id));
                       //^^^^^^^^^^^^^^^^^^^^^^^^ warning: "this.userService.profile(id)" runs "this.prisma.user.findUnique" once per "id" of "ids" (for…of)
      this.clock.tick(id);
     //~~~~~~~~~~~~~~~ ok: the clock runs no query
    }
    return members;
  }
}
//- src/clock.ts
export class Clock {
  now() { return Date.now(); }
  tick(id: string) { return id; }
}
`));
  });

  it('follows calls in Promise.all(xs.map(…)) and namespace imports', () => {
    check(rule, workspace(`
//- src/services/audit.ts
import { db } from '../db';
export const audit = {
  async record(action: string) {
    await db.auditLog.create({ data: { action } });
  },
};
//- src/services/posts.ts
import { db } from '../db';
export async function archive(id: string) {
  await db.post.update({ where: { id }, data: { archived: true } });
}
//- src/routes/archive.ts
import * as posts from '../services/posts';
import { audit } from '../services/audit';
export async function POST(ids: string[]) {
  await Promise.all(ids.map((id) => posts.archive(id)));
                                  //^^^^^^^^^^^^^ warning: "posts.archive(id)" runs "db.post.update" once per "id" of "ids" (map)
  for (const id of ids) await audit.record(id);
                            //^^^^^^^^^^^^ warning: "audit.record(id)" runs "db.auditLog.create" once per "id" of "ids" (for…of)
}
`));
  });

  it('picks the file an aliased import points at among files exporting the same name', () => {
    check(rule, workspace(`
//- src/lib/permissions.ts
import { prisma } from './prisma';
export async function canEdit(userId: string, projectId: string) {
  return (await prisma.membership.count({ where: { userId, projectId } })) > 0;
}
//- src/client/permissions.ts
export function canEdit(role: string) {
  return role === 'admin';
}
//- src/app/api/projects/route.ts
import { canEdit } from '@/lib/permissions';
export async function GET(userId: string, projectIds: string[]) {
  const editable = [];
  for (const projectId of projectIds) {
    if (await canEdit(userId, projectId)) editable.push(projectId);
            //^^^^^^^ warning: "canEdit(userId, projectId)" runs "prisma.membership.count"
  }
  return editable;
}
//- src/app/client/list.ts
import { canEdit } from '../../client/permissions';
export function editable(roles: string[]) {
  return roles.filter((role) => canEdit(role));
                              //~~~~~~~ ok: this canEdit runs no query
}
`));
  });

  it('stays quiet when the helper queries only in a catch fallback or only inside its own loop', () => {
    check(rule, workspace(`
//- src/lib/cache.ts
import { prisma } from './prisma';
export async function settingFor(key: string) {
  try {
    return await remote.get(key);
  } catch {
    return prisma.notification.findFirst({ where: { key } });
  }
}
export async function touchAll(ids: string[]) {
  for (const id of ids) {
    await prisma.job.update({ where: { id }, data: { touchedAt: new Date() } });
        //^^^^^^^^^^^^^^^^^ warning: "prisma.job.update" runs once per "id" of "ids" (for…of)
  }
}
//- src/jobs/run.ts
import { settingFor, touchAll } from '../lib/cache';
export async function run(keys: string[], batches: string[][]) {
  for (const key of keys) await settingFor(key);
                              //~~~~~~~~~~ ok: queries only when the cache fails
  for (const batch of batches) await touchAll(batch);
                                   //~~~~~~~~ ok: reported inside touchAll already
}
`));
  });
});

describe('n-plus-one: clients behind wrappers', () => {
  it('takes <chain>.<model>.<operation>(…) for a query when the delegate names a model of the schema', () => {
    check(rule, workspace(`
//- src/jobs/settle.ts
import { dbWrite } from '~/server/db/client';
export async function settle(orders: { id: string }[]) {
  for (const order of orders) {
    await dbWrite.order.update({ where: { id: order.id }, data: { status: 'settled' } });
        //^^^^^^^^^^^^^^^^^^^^ warning: "dbWrite.order.update" runs once per "order" of "orders" (for…of)
    await queue.order.update(order.id);
        //~~~~~~~~~~~~~~~~~~ ok: nothing in queue.order names a database
    await metrics.session.update(order.id);
        //~~~~~~~~~~~~~~~~~~~~~~ ok: session is no model of the schema
    await createChatClient(order.id).order.update(order.id);
        //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: another service's client, whose resource shares a model's name
    await getClient().order.update({ where: { id: order.id }, data: { status: 'settled' } });
        //^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "order" of "orders" (for…of)
  }
}
//- src/teams/team.repository.ts
export class TaskRepository {
  constructor(private readonly _task: PrismaRepository<'task'>, private readonly prismaService: PrismaService) {}
  async close(ids: string[]) {
    for (const id of ids) {
      await this._task.model.task.update({ where: { id }, data: { done: true } });
          //^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "this._task.model.task.update" runs once per "id" of "ids" (for…of)
      await this.prismaService.txClient().auditLog.create({ data: { action: id } });
          //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "id" of "ids" (for…of)
    }
  }
}
`));
  });
});

describe('n-plus-one: tasks made per element', () => {
  it('reports a query in a task a loop callback returns, and not in a task a plain factory returns', () => {
    check(rule, workspace(`
//- src/jobs/reconcile.ts
export async function reconcile(candidates: { id: string }[]) {
  const tasks = candidates.map(({ id }) => async () => {
    const before = await dbRead.post.findFirst({ where: { id } });
                       //^^^^^^^^^^^^^^^^^^^^^ warning: runs once per element of "candidates" (map)
    return before;
  });
  await limitConcurrency(tasks, 5);
  const makeTask = (id: string) => async () => dbRead.post.findFirst({ where: { id } });
                                             //~~~~~~~~~~~~~~~~~~~~~~ ok: a factory, not a loop
  return makeTask;
}
`));
  });
});

describe('n-plus-one: a client handed out by a client\'s method', () => {
  it('takes this.prismaService.txClient() for a client even without a schema', () => {
    check(rule, `
//- src/invitation.service.ts
export class InvitationService {
  constructor(private readonly prismaService: PrismaService) {}
  async record(emails: string[]) {
    for (const email of emails) {
      await this.prismaService.txClient().invitationRecord.create({ data: { email } });
          //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "email" of "emails" (for…of)
      await this.drafts.client().message.create({ to: email });
          //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: the drafts store is no client
    }
  }
}
`);
  });
});

describe('n-plus-one: local helpers and instances in front of other files', () => {
  it('reports a local method that calls another file\'s query, and a method of an exported instance', () => {
    check(rule, workspace(`
//- src/autopost/autopost.repository.ts
export class AutopostRepository {
  constructor(private readonly _autopost: PrismaRepository<'job'>) {}
  changeActive(id: string, active: boolean) {
    return this._autopost.model.job.update({ where: { id }, data: { active } });
  }
}
//- src/monitor/index.ts
class MonitorManager {
  async setActive(id: string, active: boolean) {
    await prisma.project.update({ where: { id }, data: { active } });
  }
  describe(id: string) {
    return \`monitor \${id}\`;
  }
}
export const monitorManager = new MonitorManager();
//- src/autopost/autopost.service.ts
import { AutopostRepository } from './autopost.repository';
import { monitorManager } from '../monitor';
export class AutopostService {
  constructor(private readonly _autopostsRepository: AutopostRepository) {}
  async stopAll(ids: string[]) {
    for (const id of ids) {
      await this.changeActive(id, false);
          //^^^^^^^^^^^^^^^^^ warning: "this.changeActive(id, false)" runs "this._autopost.model.job.update" once per "id" of "ids" (for…of)
      await monitorManager.setActive(id, false);
          //^^^^^^^^^^^^^^^^^^^^^^^^ warning: "monitorManager.setActive(id, false)" runs "prisma.project.update"
      console.log(monitorManager.describe(id));
                 //~~~~~~~~~~~~~~~~~~~~~~~ ok: runs no query
    }
  }
  async changeActive(id: string, active: boolean) {
    const data = await this._autopostsRepository.changeActive(id, active);
    return data;
  }
}
`));
  });
});

describe('n-plus-one: read and write clients by name', () => {
  it('takes dbWrite and dbRead for clients without a schema', () => {
    check(rule, `
//- src/jobs/auctions.ts
export async function finalize(auctions: { id: number }[]) {
  for (const auction of auctions) {
    await dbWrite.auction.update({ where: { id: auction.id }, data: { finalized: true } });
        //^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "auction" of "auctions" (for…of)
    await dbConfig.auction.update(auction.id);
        //~~~~~~~~~~~~~~~~~~~~~ ok: no client by its name, and no schema to say auction is a model
  }
}
`);
  });
});

describe('n-plus-one: findUnique behind a concurrency limiter', () => {
  it('reports findUnique in a task or a limit(…) callback, which do not run in one tick (behind a limiter, as info)', () => {
    check(rule, workspace(`
//- src/jobs/canvas.ts
export async function cleanUp(canvasIds: string[]) {
  const limit = pLimit(3);
  await Promise.all(
    canvasIds.map((id) =>
      limit(async () => {
        const canvas = await prisma.post.findUnique({ where: { id } });
                           //^^^^^^^^^^^^^^^^^^^^^^ info: runs once per "id" of "canvasIds" (map); the loop limits its concurrency on purpose ("pLimit")
        return canvas;
      }),
    ),
  );
  const tasks = canvasIds.map((id) => async () => prisma.post.findUnique({ where: { id } }));
                                                //^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "id" of "canvasIds" (map)
  await Promise.all(canvasIds.map((id) => prisma.post.findUnique({ where: { id } })));
                                        //~~~~~~~~~~~~~~~~~~~~~~ ok: one tick, Prisma batches them
  return tasks;
}
`));
  });
});

describe('n-plus-one: an exported instance of a class from another file', () => {
  it('follows monitors.setActive(…) to the class the instance is made of, and stays quiet for its methods that run no query', () => {
    check(rule, workspace(`
//- src/monitor/manager.ts
import { prisma } from '../db';
export class MonitorManager {
  async setActive(projectId: number, active: boolean) {
    return this.locked(projectId, async () => prisma.project.update({ where: { id: projectId }, data: { name: String(active) } }));
  }
  describe(projectId: number) {
    return \`monitor \${projectId}\`;
  }
  private async locked<T>(id: number, run: () => Promise<T>) {
    return run();
  }
}
//- src/monitor/index.ts
import { MonitorManager } from './manager';
export const monitors = new MonitorManager();
//- src/jobs/daily.ts
import { monitors } from '../monitor/index';
export async function disableStale(candidates: { id: number }[]) {
  for (const candidate of candidates) {
    await monitors.setActive(candidate.id, false);
        //^^^^^^^^^^^^^^^^^^ warning: "monitors.setActive(candidate.id, false)" runs "prisma.project.update" once per "candidate" of "candidates" (for…of)
    console.log(monitors.describe(candidate.id));
              //~~~~~~~~~~~~~~~~~ ok: runs no query
  }
}
`));
  });
});
