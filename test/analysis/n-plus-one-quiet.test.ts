/** Marker tests for n-plus-one on loops that run a query per iteration by design, each beside its true neighbour. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { check } from '../support/fixture';
import { corpusCode as code } from '../support/corpus-fixture';

describe('n-plus-one: loops over collections the code defines', () => {
  it('stays quiet over literal lists, constants, and the keys or values of constant objects and enums', () => {
    check(rule, code(`
import { Role } from '@prisma/client';
const DEFAULT_TEAMS = { admins: { name: 'Admins' }, members: { name: 'Members' } };
const limits = { free: 10, pro: 100 };
export async function setUp(orgId: string) {
  for (const slot of ['a', 'b'] as const) {
    await prisma.job.create({ data: { orgId, slot } });
        //~~~~~~~~~~~~~~~~~ ok: two slots written in the code
  }
  await Promise.all(DEFAULT_ROLES.map((role) => prisma.membership.create({ data: { orgId, role } })));
                                              //~~~~~~~~~~~~~~~~~~~~~~~~ ok: a constant list
  for (const [, team] of Object.entries(DEFAULT_TEAMS)) {
    await prisma.project.create({ data: { orgId, name: team.name } });
        //~~~~~~~~~~~~~~~~~~~~~ ok: the entries of a constant object
  }
  for (const role of Object.values(Role)) {
    await prisma.membership.count({ where: { orgId, role } });
        //~~~~~~~~~~~~~~~~~~~~~~~ ok: the values of an enum
  }
  for (const plan of Object.keys(limits)) {
    await prisma.invoice.count({ where: { orgId, plan } });
        //~~~~~~~~~~~~~~~~~~~~ ok: the keys of a constant object
  }
}
`));
  });

  it('still reports lists and objects filled from data, and literal lists that spread data', () => {
    check(rule, code(`
export async function sync(users: { id: string }[], extra: string[]) {
  const byId: Record<string, string> = {};
  for (const user of users) byId[user.id] = user.id;
  for (const id of Object.values(byId)) {
    await prisma.user.update({ where: { id }, data: { synced: true } });
        //^^^^^^^^^^^^^^^^^^ warning: runs once per "id" of "Object.values(byId)" (for…of)
  }
  for (const id of ['root', ...extra]) {
    await prisma.user.findFirst({ where: { id } });
        //^^^^^^^^^^^^^^^^^^^^^ warning: (for…of)
  }
}
`));
  });
});

describe('n-plus-one: queries built in a loop and run later', () => {
  it('stays quiet when un-awaited queries are pushed or returned for a later $transaction', () => {
    check(rule, code(`
export async function relabel(prompts: { id: string }[], debts: { id: string; balance: number }[]) {
  const ops = [] as Prisma.PrismaPromise<unknown>[];
  prompts.forEach((prompt) => {
    ops.push(prisma.post.update({ where: { id: prompt.id }, data: { title: 'x' } }));
                 //~~~~~~~~~~~~~~~~~~ ok: pushed un-awaited, run by the $transaction below
  });
  for (const debt of debts) {
    ops.push(prisma.invoice.update({ where: { id: debt.id }, data: { amount: debt.balance } }));
           //~~~~~~~~~~~~~~~~~~~~~ ok: pushed un-awaited
  }
  await prisma.$transaction(ops);
}
function seedTags(names: string[]) {
  return names.map((name) => prisma.tag.create({ data: { name } }));
                           //~~~~~~~~~~~~~~~~~ ok: returned un-awaited to the caller's $transaction
}
export async function seed(names: string[]) {
  await prisma.$transaction([...seedTags(names)]);
}
`));
  });

  it('reports the same lists when Promise.all runs them, one round trip each', () => {
    check(rule, code(`
export async function relabel(prompts: { id: string }[]) {
  const ops = [];
  for (const prompt of prompts) {
    ops.push(prisma.post.update({ where: { id: prompt.id }, data: { title: 'x' } }));
           //^^^^^^^^^^^^^^^^^^ warning: runs once per "prompt" of "prompts" (for…of)
  }
  await Promise.all(ops);
  const created = prompts.map((prompt) => prisma.tag.create({ data: { name: prompt.id } }));
                                        //^^^^^^^^^^^^^^^^^ warning: runs once per "prompt" of "prompts" (map)
  return Promise.all(created);
}
`));
  });
});

describe('n-plus-one: a query only in a catch', () => {
  it('stays quiet for a query in the catch of an iteration, and reports the one in its try', () => {
    check(rule, code(`
export async function runActions(actions: { id: string }[]) {
  for (const action of actions) {
    try {
      await prisma.job.update({ where: { id: action.id }, data: { status: 'running' } });
          //^^^^^^^^^^^^^^^^^ warning: runs once per "action" of "actions" (for…of)
      await execute(action);
    } catch (error) {
      await prisma.job.update({ where: { id: action.id }, data: { status: 'failed' } });
          //~~~~~~~~~~~~~~~~~ ok: only for the actions that fail
    }
  }
}
`));
  });
});

describe('n-plus-one: a loop that ends right after its query', () => {
  it('stays quiet when return, throw or break follows the query, and reports a conditional exit', () => {
    check(rule, code(`
export async function firstMatch(candidates: { email: string }[]) {
  for (const candidate of candidates) {
    if (candidate.email.endsWith('@example.com')) {
      const user = await prisma.user.findFirst({ where: { email: candidate.email } });
                       //~~~~~~~~~~~~~~~~~~~~~ ok: the loop returns right after it
      return user;
    }
  }
  for (const candidate of candidates) {
    if (!candidate.email) continue;
    await prisma.notification.create({ data: { email: candidate.email } });
        //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: breaks right after the first one
    break;
  }
  for (const candidate of candidates) {
    const user = await prisma.user.findFirst({ where: { email: candidate.email } });
                     //^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "candidate" of "candidates" (for…of)
    if (user) return user;
  }
  for (const candidate of candidates) {
    switch (candidate.email) {
      case 'admin': {
        await prisma.user.update({ where: { email: candidate.email }, data: { admin: true } });
            //^^^^^^^^^^^^^^^^^^ warning: (for…of)
        break;
      }
    }
  }
  return null;
}
`));
  });
});

describe('n-plus-one: parts of collections the code defines', () => {
  it('stays quiet over a filtered literal list and a local holding an enum\'s values', () => {
    check(rule, code(`
import { Role } from '@prisma/client';
export async function counts(orgId: string, logo?: string) {
  const roles = Object.values(Role);
  const byRole = await Promise.all(roles.map((role) => prisma.membership.count({ where: { orgId, role } })));
                                                     //~~~~~~~~~~~~~~~~~~~~~~~ ok: one per value of the enum
  await Promise.all(
    [{ item: 'logo', value: logo }, { item: 'name', value: undefined }]
      .filter(({ value }) => value !== undefined)
      .map(({ item, value }) => prisma.project.updateMany({ where: { orgId }, data: { [item]: value } })),
                              //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: at most two items written in the code
  );
  return byRole;
}
`));
  });
});

describe('n-plus-one: a short list of kinds a function builds, and a constant configuration\'s entry', () => {
  it('stays quiet over a few rows built from the call\'s values and over the keys of an entry of a module\'s constant object', () => {
    check(rule, code(`
const queues = {
  Comment: { fields: { content: true }, table: 'comment' },
  Post: { fields: { title: true, content: true }, table: 'post' },
};
export async function createPrices(modelId: number, input: { inputPrice?: number; outputPrice?: number; totalPrice?: number }) {
  const prices = [
    { usageType: 'input', price: input.inputPrice },
    { usageType: 'output', price: input.outputPrice },
    { usageType: 'total', price: input.totalPrice },
  ];
  await Promise.all(
    prices
      .filter(({ price }) => price != null)
      .map(({ usageType, price }) => prisma.invoice.create({ data: { orgId: modelId, amount: price!, status: usageType } })),
                                   //~~~~~~~~~~~~~~~~~~~~~ ok: three kinds of price at most
  );
}
export async function clean(type: keyof typeof queues, ids: number[]) {
  const { fields } = queues[type];
  for (const column of Object.keys(fields)) {
    await prisma.job.deleteMany({ where: { id: { in: ids }, type: column } });
        //~~~~~~~~~~~~~~~~~~~~~ ok: one per column the configuration names
  }
}
`));
  });

  it('still reports a function\'s rows of literals, a long or spread list, and the keys of an object the call passes in', () => {
    check(rule, code(`
export async function seedTags(orgId: number, extra: { name: string }[], config: { fields: Record<string, true> }) {
  const tags = [{ name: 'Books' }, { name: 'Games' }];
  for (const tag of tags) {
    await prisma.tag.create({ data: tag });
        //^^^^^^^^^^^^^^^^^ warning: (for…of)
  }
  const rows = [{ name: 'a', orgId }, ...extra.map((row) => ({ ...row, orgId }))];
  for (const row of rows) {
    await prisma.tag.create({ data: { name: row.name } });
        //^^^^^^^^^^^^^^^^^ warning: (for…of)
  }
  const { fields } = config;
  for (const column of Object.keys(fields)) {
    await prisma.job.deleteMany({ where: { type: column } });
        //^^^^^^^^^^^^^^^^^^^^^ warning: (for…of)
  }
}
`));
  });
});

describe('n-plus-one: a list of statements', () => {
  it('stays quiet when each element is a whole SQL statement, and reports a statement per row', () => {
    check(rule, code(`
export async function migrate(sqlList: string[], ids: number[], fields: string[]) {
  for (const sql of sqlList) {
    await prisma.$executeRawUnsafe(sql);
        //~~~~~~~~~~~~~~~~~~~~~~~~ ok: each element is a statement of its own
  }
  for (const field of fields) {
    for (const statement of alterTable(field).toSQL()) {
      await prisma.$executeRawUnsafe(statement.sql);
          //~~~~~~~~~~~~~~~~~~~~~~~~ ok: the statements of one schema change per field
    }
  }
  for (const id of ids) {
    await prisma.$executeRawUnsafe('DELETE FROM "Post" WHERE id = $1', id);
        //^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "id" of "ids" (for…of)
  }
}
`));
  });
});

describe('n-plus-one: for await over a source of events', () => {
  it('stays quiet over sockets, streams and subscriptions, and reports for await over rows or a list', () => {
    check(rule, code(`
import * as zmq from 'zeromq';
export async function consume(sock: zmq.Pull, changeStream: AsyncIterable<{ id: string }>, ids: string[], signal: AbortSignal) {
  for await (const [msg] of sock) {
    await prisma.job.create({ data: { payload: String(msg) } });
        //~~~~~~~~~~~~~~~~~ ok: one write per message as it arrives
  }
  const queue = new zmq.Pull();
  for await (const [msg] of queue) {
    await prisma.job.update({ where: { id: String(msg) }, data: { done: true } });
        //~~~~~~~~~~~~~~~~~ ok: a socket made with new
  }
  for await (const change of changeStream) {
    await prisma.job.findUnique({ where: { id: change.id } });
        //~~~~~~~~~~~~~~~~~~~~~ ok: a stream of changes
  }
  for await (const _ of setInterval(30_000, undefined, { signal })) {
    await prisma.job.updateMany({ where: { done: false }, data: { stale: true } });
        //~~~~~~~~~~~~~~~~~~~~~ ok: a timer: one pass every 30 seconds, polling
  }
  const messages = await prisma.job.findMany();
  for await (const message of messages) {
    await prisma.job.update({ where: { id: message.id }, data: { done: true } });
        //^^^^^^^^^^^^^^^^^ warning: "prisma.job.update" runs once per "message" of "messages" (for await…of)
  }
  for await (const id of ids) {
    await prisma.job.delete({ where: { id } });
        //^^^^^^^^^^^^^^^^^ warning: "prisma.job.delete" runs once per "id" of "ids" (for await…of)
  }
}
`));
  });
});

describe('n-plus-one: fixed collections the code names through a local, a registry or a count', () => {
  it('stays quiet over a module constant list, a sorted copy of a list of definitions, a fixed count, a few values and registered definitions', () => {
    check(rule, code(`
const SLOTS_TO_CLEAN = ['a', 'b'];
const ranks = ['Knight', 'Templar'] as const;
const migrations: { id: number; run: () => Promise<void> }[] = [{ id: 1, run: async () => {} }];
export async function cleanUp(orgId: number, planLimit: number) {
  for (const rank of ranks) {
    await prisma.job.deleteMany({ where: { type: rank } });
        //~~~~~~~~~~~~~~~~~~~~~ ok: two ranks written as const at module level
  }
  const ordered = [...migrations].sort((a, b) => a.id - b.id);
  for (let i = 0; i < ordered.length; i++) {
    await prisma.auditLog.create({ data: { actorId: ordered[i]!.id, action: 'migrate' } });
        //~~~~~~~~~~~~~~~~~~~~~~ ok: a sorted copy of the module's migration definitions
  }
  await Promise.all(mockUsers(50).map((data) => prisma.user.create({ data })));
                                              //~~~~~~~~~~~~~~~~~~ ok: fifty mock users
  const codes = Array.from({ length: 9 }, () => Math.random().toString(36));
  for (const code of codes) {
    await prisma.auditLog.create({ data: { actorId: orgId, action: code } });
        //~~~~~~~~~~~~~~~~~~~~~~ ok: nine codes
  }
  const thresholds = [...new Set([planLimit, DEFAULT_LIMIT])];
  for (const amount of thresholds) {
    await prisma.invoice.create({ data: { orgId, amount } });
        //~~~~~~~~~~~~~~~~~~~~~ ok: at most two values written in the code
  }
}
export class JobQueue {
  private definitions: Record<string, { id: string; name: string }> = {};
  private crons: { id: string }[] = [];
  defineJob(definition: { id: string; name: string; cron?: string }) {
    this.definitions[definition.id] = definition;
    if (definition.cron) this.crons.push({ id: definition.id });
  }
  async trigger(name: string) {
    const eligible = Object.values(this.definitions).filter((job) => job.name === name);
    await Promise.all(eligible.map((job) => prisma.job.create({ data: { type: job.id, payload: {} } })));
                                          //~~~~~~~~~~~~~~~~~ ok: the job definitions the code registered
    for (const cron of this.crons) {
      await prisma.job.create({ data: { type: cron.id, payload: {} } });
          //~~~~~~~~~~~~~~~~~ ok: the crons registered by defineJob
    }
  }
}
`));
  });

  it("still reports a list the loop fills, a function's own list of literal rows, a count from data and a field filled from rows", () => {
    check(rule, code(`
export async function walk(root: { id: number }) {
  const queue = [root];
  while (queue.length > 0) {
    const node = queue.shift()!;
    const children = await prisma.category.findMany({ where: { parentId: node.id } });
                         //^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per element of "queue" (while)
    queue.push(...children);
  }
  const names = ['Books', 'Games'];
  for (const name of names) {
    await prisma.tag.create({ data: { name } });
        //^^^^^^^^^^^^^^^^^ warning: runs once per "name" of "names" (for…of)
  }
  const chosen = DEFAULT_ROLES.map((role) => ({ role, enabled: root.id > 0 })).filter((entry) => entry.enabled);
  for (const { role } of chosen) {
    await prisma.membership.create({ data: { userId: root.id, orgId: 1, role } });
        //^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per element of "chosen" (for…of)
  }
  for (const post of await topPosts(5)) {
    await prisma.comment.count({ where: { postId: post.id } });
        //^^^^^^^^^^^^^^^^^^^^ warning: runs once per "post" of "topPosts(5)" (for…of)
  }
  const slots = Array.from({ length: root.id }, (_, i) => i);
  for (const slot of slots) {
    await prisma.job.create({ data: { type: String(slot), payload: {} } });
        //^^^^^^^^^^^^^^^^^ warning: runs once per "slot" of "slots" (for…of)
  }
}
export class Users {
  private known: { id: number }[] = [];
  async load() {
    this.known = await prisma.user.findMany();
  }
  async touch() {
    for (const user of this.known) {
      await prisma.user.update({ where: { id: user.id }, data: { name: 'x' } });
          //^^^^^^^^^^^^^^^^^^ warning: runs once per "user" of "this.known" (for…of)
    }
  }
}
`));
  });
});

describe('n-plus-one: one set-based write per distinct value', () => {
  it('stays quiet when each key of a grouping writes its whole group at once', () => {
    check(rule, code(`
export async function relabel(byStatus: Record<string, number[]>, byKind: Record<string, number[]>, byOrg: Map<number, number[]>) {
  for (const status in byStatus) {
    const ids = byStatus[status];
    await prisma.invoice.updateMany({ where: { id: { in: ids } }, data: { status } });
        //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one write per distinct status, over all its invoices
  }
  await Promise.all(
    Object.entries(byKind).map(([kind, groupIds]) => prisma.$executeRaw\`UPDATE "Notification" SET "kind" = \${kind} WHERE id IN (\${Prisma.join(groupIds)})\`),
                                                   //~~~~~~~~~~~~~~~~~~ ok: one raw update per kind, over the whole group
  );
  for (const orgId of byOrg.keys()) {
    const projectIds = Array.from(byOrg.get(orgId) ?? []);
    await prisma.$queryRaw\`SELECT * FROM "Task" WHERE "projectId" = ANY(\${projectIds})\`;
        //~~~~~~~~~~~~~~~~ ok: one read per organisation, over all its projects
  }
}
`));
  });

  it('still reports one write per row of the group, and a scalar in a raw IN', () => {
    check(rule, code(`
export async function relabel(byStatus: Record<string, number[]>, users: { id: number; postIds: number[] }[]) {
  for (const status in byStatus) {
    for (const id of byStatus[status]) {
      await prisma.invoice.update({ where: { id }, data: { status } });
          //^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "id" of "byStatus[status]" (for…of), inside a loop over "byStatus"
    }
  }
  for (const user of users) {
    await prisma.$executeRaw\`UPDATE "Post" SET "views" = 0 WHERE id IN (\${Prisma.join(user.postIds)})\`;
        //^^^^^^^^^^^^^^^^^^ warning: runs once per "user" of "users" (for…of)
    await prisma.$queryRaw\`SELECT * FROM "Post" WHERE "authorId" IN (\${user.id})\`;
        //^^^^^^^^^^^^^^^^ warning: runs once per "user" of "users" (for…of)
  }
}
`));
  });
});

describe('n-plus-one: a batch or a page per iteration', () => {
  it('stays quiet when an inner loop reads a page or a chunk at a time, whatever loop is around it', () => {
    check(rule, code(`
export async function settle(groups: { orgId: number }[], ids: number[]) {
  for (const { orgId } of groups) {
    while (true) {
      const due = await prisma.invoice.findMany({ where: { orgId, status: 'due' }, take: 500 });
                      //~~~~~~~~~~~~~~~~~~~~~~~ ok: a batch loop inside a loop over a few groups
      if (due.length === 0) break;
      await prisma.invoice.updateMany({ where: { id: { in: due.map((invoice) => invoice.id) } }, data: { status: 'paid' } });
          //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one write per batch
    }
  }
  for (const group of groups) {
    for (let i = 0; i < ids.length; i += 100) {
      const slice = ids.slice(i, i + 100);
      await report({ orgId: group.orgId, count: slice.length });
      await prisma.auditLog.upsert({ where: { id: i }, create: { actorId: group.orgId, action: 'batch' }, update: {} });
          //~~~~~~~~~~~~~~~~~~~~~~ ok: one write per chunk of a stepped loop
    }
  }
  let deleted = 0;
  const failed: number[] = [];
  while (deleted + failed.length < 500) {
    const users = await prisma.user.findMany({ where: { id: { notIn: failed } }, take: 50 });
                      //~~~~~~~~~~~~~~~~~~~~ ok: a page per turn; the condition counts, it walks no list
    if (users.length === 0) break;
    for (const user of users) (await remove(user.id)) ? deleted++ : failed.push(user.id);
  }
}
`));
  });

  it('still reports a query per element inside a retry loop, per element of a stepped loop, and per element of a measured list', () => {
    check(rule, code(`
export async function settle(users: { id: number }[], ids: number[]) {
  for (const user of users) {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await prisma.user.update({ where: { id: user.id }, data: { name: 'x' } });
            //^^^^^^^^^^^^^^^^^^ warning: runs once per "user" of "users" (for…of)
        break;
      } catch {}
    }
  }
  for (let i = 0; i < ids.length; i += 2) {
    const pair = ids.slice(i, i + 2);
    await prisma.post.update({ where: { id: ids[i] }, data: { views: pair.length } });
        //^^^^^^^^^^^^^^^^^^ warning: (for)
  }
  let i = 0;
  while (i < users.length) {
    await prisma.post.count({ where: { authorId: users[i]!.id } });
        //^^^^^^^^^^^^^^^^^ warning: runs once per element of "users" (while)
    i++;
  }
}
`));
  });
});

describe('n-plus-one: a query that runs for one iteration at most', () => {
  it('stays quiet behind a first-iteration test or a key compared with a constant', () => {
    check(rule, code(`
export async function save(values: { id: number; title: string }[], orgs: { id: number }[]) {
  const saved: { id: number }[] = [];
  for (const value of values) {
    saved.push(await prisma.post.upsert({ where: { id: value.id }, create: { title: value.title, authorId: 1, slug: value.title }, update: {} }));
                   //^^^^^^^^^^^^^^^^^^ warning: runs once per "value" of "values" (for…of)
    if (saved.length === 1) {
      await prisma.postTag.deleteMany({ where: { postId: saved[0]!.id } });
          //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: only on the first iteration
    }
  }
  await Promise.all(values.map(async (value, index) => {
    if (index === 0) await prisma.auditLog.create({ data: { actorId: value.id, action: 'first' } });
                         //~~~~~~~~~~~~~~~~~~~~~~ ok: only for the first element
  }));
  for (const org of orgs) {
    if (org.id === ACME_ORG_ID) {
      const owner = await prisma.organization.findUniqueOrThrow({ where: { id: OWNER_ORG_ID } });
                        //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: only for the one organisation with that id
      console.log(owner);
    }
  }
}
`));
  });

  it('still reports a test that many elements pass', () => {
    check(rule, code(`
export async function save(users: { id: number; role: string; posts: unknown[] }[]) {
  for (const user of users) {
    if (user.posts.length === 0) {
      await prisma.post.create({ data: { title: 'Hello', authorId: user.id, slug: String(user.id) } });
          //^^^^^^^^^^^^^^^^^^ warning: runs once per "user" of "users" (for…of)
    }
    if (user.role === 'admin') {
      await prisma.membership.count({ where: { userId: user.id } });
          //^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "user" of "users" (for…of)
    }
  }
}
`));
  });
});

describe('n-plus-one: a bulk write of a whole set per iteration', () => {
  it('stays quiet when each turn writes one row per element of another list at once', () => {
    check(rule, code(`
export async function invite(orgs: { id: number }[], users: { id: number; email: string }[]) {
  for (const org of orgs) {
    await prisma.membership.createMany({ data: users.map((user) => ({ userId: user.id, orgId: org.id, role: 'member' })) });
        //~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one insert of all users per organisation
  }
}
`));
  });

  it("still reports a bulk write of each element's own rows", () => {
    check(rule, code(`
export async function importPosts(users: { id: number; posts: { title: string }[] }[]) {
  for (const user of users) {
    await prisma.post.createMany({ data: user.posts.map((post) => ({ title: post.title, authorId: user.id, slug: post.title })) });
        //^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per "user" of "users" (for…of)
  }
}
`));
  });
});
