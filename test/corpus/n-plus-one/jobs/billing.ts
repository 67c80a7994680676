// @ts-nocheck
// jobs/billing.ts: the nightly billing run (invoices, reminders, retries).
import pMap from 'p-map';
import { prisma } from '../lib/prisma';
import { sendEmail } from '../lib/email';
import { chargeCard } from '../lib/payments';

const MAX_ATTEMPTS = 3;

export async function issueInvoices(period: { start: Date; end: Date }) {
  const orgs = await prisma.organization.findMany({ where: { plan: { not: 'free' } } });
  await pMap(
    orgs,
    async (org) => {
      const seats = await prisma.membership.count({ where: { orgId: org.id } });
                        //^^^^^^^^^^^^^^^^^^^^^^^ info: prisma.membership.count
      await prisma.invoice.create({ data: { orgId: org.id, amount: seats * 1200 } });
          //^^^^^^^^^^^^^^^^^^^^^ info: prisma.invoice.create
    },
    { concurrency: 5 },
  );
}

export async function sendReminders() {
  const overdue = await prisma.invoice.findMany({ where: { status: 'overdue' }, include: { org: { include: { members: { where: { role: 'admin' }, include: { user: true } } } } } });
                      //~~~~~~~~~~~~~~~~~~~~~~~ ok: one query with nested include
  for (const invoice of overdue) {
    for (const member of invoice.org.members) await sendEmail(member.user.email, `Invoice ${invoice.id} is overdue`);
                                                  //~~~~~~~~~ ok: no query, the data came with include
    await prisma.invoice.update({ where: { id: invoice.id }, data: { sentAt: new Date() } });
        //^^^^^^^^^^^^^^^^^^^^^ info: prisma.invoice.update
  }
}

export async function chargeWithRetry(invoiceId: number) {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      const invoice = await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId } });
                          //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: retry loop
      await chargeCard(invoice.orgId, invoice.amount);
      return await prisma.invoice.update({ where: { id: invoiceId }, data: { status: 'paid' } });
                 //~~~~~~~~~~~~~~~~~~~~~ ok: retry loop
    } catch (error) {
      if (attempt === MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 1000));
    }
  }
}

export async function markPaid(invoiceIds: number[]) {
  let retries = 0;
  while (retries < 5) {
    try {
      await prisma.invoice.updateMany({ where: { id: { in: invoiceIds } }, data: { status: 'paid' } });
          //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: retry loop
      break;
    } catch {
      retries++;
    }
  }
}

export async function closeMonth(orgIds: number[]) {
  const invoices = await prisma.invoice.findMany({ where: { orgId: { in: orgIds }, status: 'draft' } });
                       //~~~~~~~~~~~~~~~~~~~~~~~ ok: one query for all orgs
  const byOrg = Object.groupBy(invoices, (invoice) => invoice.orgId);
  for (const orgId of Object.keys(byOrg)) {
    const org = await prisma.organization.findFirst({ where: { id: Number(orgId) } });
                    //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info: prisma.organization.findFirst
    await sendEmail(org.slug, `${byOrg[orgId].length} invoices`);
  }
}
