// @ts-nocheck
// app/api/webhooks/stripe/route.ts: applies a batch of Stripe events.
import { headers } from 'next/headers';
import Stripe from 'stripe';
import { db } from '@/lib/db';

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);

export async function POST(request: Request) {
  const events = (await request.json()) as Stripe.Event[];
  for (const event of events) {
    switch (event.type) {
      case 'invoice.paid': {
        const invoice = event.data.object as Stripe.Invoice;
        await db.invoice.update({ where: { id: Number(invoice.metadata.invoiceId) }, data: { status: 'paid' } });
            //^^^^^^^^^^^^^^^^^ warning: db.invoice.update
        break;
      }
      case 'customer.subscription.updated': {
        const subscription = event.data.object as Stripe.Subscription;
        const org = await db.organization.findFirst({ where: { slug: subscription.metadata.org } });
                        //^^^^^^^^^^^^^^^^^^^^^^^^^ warning: db.organization.findFirst
        if (org) await db.organization.update({ where: { id: org.id }, data: { plan: subscription.items.data[0].price.lookup_key } });
                     //^^^^^^^^^^^^^^^^^^^^^^ warning: db.organization.update
        break;
      }
      default:
        continue;
    }
  }
  await stripe.invoices.update('in_123', { metadata: {} });
      //~~~~~~~~~~~~~~~~~~~~~~ ok: the Stripe client, not Prisma
  return new Response(null, { status: 200 });
}

export async function PUT(request: Request) {
  const { invoiceIds } = (await request.json()) as { invoiceIds: number[] };
  const remaining = [...invoiceIds];
  while (remaining.length) {
    const id = remaining.pop()!;
    const invoice = await db.invoice.findUnique({ where: { id } });
                        //^^^^^^^^^^^^^^^^^^^^^ warning: db.invoice.findUnique
    if (invoice?.status === 'draft') await db.invoice.delete({ where: { id } });
                                         //^^^^^^^^^^^^^^^^^ warning: db.invoice.delete
  }
  return new Response(null, { status: 204 });
}
