// @ts-nocheck
// app/api/import/route.ts: CSV import of users and their memberships.
import { parse } from 'csv-parse';
import { prisma } from '@/lib/prisma';

async function findOrCreateOrg(slug: string) {
  const existing = await prisma.organization.findFirst({ where: { slug } });
  return existing ?? prisma.organization.create({ data: { slug, name: slug } });
}

export async function POST(request: Request) {
  const parser = (request.body as unknown as NodeJS.ReadableStream).pipe(parse({ columns: true }));
  let imported = 0;
  for await (const row of parser) {
    const user = await prisma.user.upsert({ where: { email: row.email }, create: { email: row.email, name: row.name }, update: {} });
                     //^^^^^^^^^^^^^^^^^^ warning: prisma.user.upsert
    const org = await findOrCreateOrg(row.org);
                    //^^^^^^^^^^^^^^^ warning: findOrCreateOrg
    await prisma.membership.upsert({
        //^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.membership.upsert
      where: { userId_orgId: { userId: user.id, orgId: org.id } },
      create: { userId: user.id, orgId: org.id, role: row.role },
      update: { role: row.role },
    });
    imported++;
  }
  return Response.json({ imported });
}

export async function PUT(request: Request) {
  const rows = (await request.json()) as { email: string; name: string }[];
  const batches = [];
  for (let i = 0; i < rows.length; i += 500) batches.push(rows.slice(i, i + 500));
  for (const batch of batches) {
    await prisma.user.createMany({ data: batch, skipDuplicates: true });
        //~~~~~~~~~~~~~~~~~~~~~~ ok: chunk loop with createMany
    const created = await prisma.user.findMany({ where: { email: { in: batch.map((row) => row.email) } } });
                        //~~~~~~~~~~~~~~~~~~~~ ok: chunk loop with in
    await prisma.notification.createMany({ data: created.map((user) => ({ userId: user.id, kind: 'welcome' })) });
        //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: chunk loop, one insert per chunk
  }
  return Response.json({ ok: true });
}

export async function PATCH(request: Request) {
  const { orgs } = (await request.json()) as { orgs: { slug: string; members: string[] }[] };
  for (const org of orgs) {
    const record = await prisma.organization.findUnique({ where: { slug: org.slug } });
                       //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.organization.findUnique
    for (const email of org.members) {
      const member = await prisma.user.findUnique({ where: { email } });
                         //^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.user.findUnique
      if (member && record) await prisma.membership.create({ data: { userId: member.id, orgId: record.id, role: 'member' } });
                                //^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.membership.create
    }
  }
  return Response.json({ ok: true });
}
