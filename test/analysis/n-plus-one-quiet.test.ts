/** Marker tests for n-plus-one on loops that run a query per iteration by design, each beside its true neighbour. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { check } from '../support/fixture';

const SCHEMA = readFileSync(join(__dirname, '..', 'corpus', 'n-plus-one', 'prisma', 'schema.prisma'), 'utf8');

function code(source: string, path = 'src/app.ts'): string {
  return `//- prisma/schema.prisma\n${SCHEMA}\n//- ${path}\n${source.replace(/^\n/, '')}`;
}

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
        //^^^^^^^^^^^^^^^^^^ warning: runs once per \`id\` of \`Object.values(byId)\` (for…of)
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
           //^^^^^^^^^^^^^^^^^^ warning: runs once per \`prompt\` of \`prompts\` (for…of)
  }
  await Promise.all(ops);
  const created = prompts.map((prompt) => prisma.tag.create({ data: { name: prompt.id } }));
                                        //^^^^^^^^^^^^^^^^^ warning: runs once per \`prompt\` of \`prompts\` (map)
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
          //^^^^^^^^^^^^^^^^^ warning: runs once per \`action\` of \`actions\` (for…of)
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
                     //^^^^^^^^^^^^^^^^^^^^^ warning: runs once per \`candidate\` of \`candidates\` (for…of)
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
        //^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs once per \`id\` of \`ids\` (for…of)
  }
}
`));
  });
});

describe('n-plus-one: for await over a source of events', () => {
  it('stays quiet over sockets, streams and subscriptions, and reports for await over rows or a list', () => {
    check(rule, code(`
import * as zmq from 'zeromq';
export async function consume(sock: zmq.Pull, changeStream: AsyncIterable<{ id: string }>, ids: string[]) {
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
  const messages = await prisma.job.findMany();
  for await (const message of messages) {
    await prisma.job.update({ where: { id: message.id }, data: { done: true } });
        //^^^^^^^^^^^^^^^^^ warning: \`prisma.job.update\` runs once per \`message\` of \`messages\` (for await…of)
  }
  for await (const id of ids) {
    await prisma.job.delete({ where: { id } });
        //^^^^^^^^^^^^^^^^^ warning: \`prisma.job.delete\` runs once per \`id\` of \`ids\` (for await…of)
  }
}
`));
  });
});
