// @ts-nocheck
// test/integration/users.test.ts: integration tests against a real database.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { prisma } from '../src/lib/prisma';
import { inviteMembers } from '../src/app/actions';

const TABLES = ['Membership', 'Notification', 'Post', 'User', 'Organization'];

beforeEach(async () => {
  for (const table of TABLES) {
    await prisma.$executeRawUnsafe(`DELETE FROM "${table}"`);
        //~~~~~~~~~~~~~~~~~~~~~~~~ ok: test hook
  }
});

afterAll(async () => {
  await prisma.$disconnect();
});

describe('inviteMembers', () => {
  for (const role of ['member', 'admin']) {
    it(`invites as ${role}`, async () => {
      const org = await prisma.organization.create({ data: { slug: `acme-${role}`, name: 'Acme' } });
                      //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: test registered per case, not a data loop
      await inviteMembers({ orgId: org.id, emails: ['a@example.com', 'b@example.com'] });
      expect(await prisma.membership.count({ where: { orgId: org.id } })).toBe(2);
                 //~~~~~~~~~~~~~~~~~~~~~~~ ok: test registered per case, not a data loop
    });
  }

  it('creates users once', async () => {
    const emails = ['a@example.com', 'b@example.com', 'c@example.com'];
    const users = await Promise.all(emails.map((email) => prisma.user.findUnique({ where: { email } })));
                                                        //~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
    expect(users.every((user) => user === null)).toBe(true);
  });
});
