// @ts-nocheck
'use server';
// app/settings/actions.ts: settings forms.
import { prisma } from '@/lib/prisma';

export async function saveTags(values: Record<string, string>) {
  await Promise.all(Object.entries(values).map(([name]) => prisma.tag.upsert({ where: { name }, create: { name }, update: {} })));
                                                         //^^^^^^^^^^^^^^^^^ warning: prisma.tag.upsert
}

export async function saveProfiles(profiles: { userId: number; bio: string }[]) {
  const existing = await prisma.profile.findMany({ where: { userId: { in: profiles.map((p) => p.userId) } } });
                       //~~~~~~~~~~~~~~~~~~~~~~~ ok: one query for all
  const known = new Set(existing.map((profile) => profile.userId));
  await prisma.profile.createMany({ data: profiles.filter((p) => !known.has(p.userId)) });
      //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one insert
  for (const profile of profiles.filter((p) => known.has(p.userId))) {
    await prisma.profile.update({ where: { userId: profile.userId }, data: { bio: profile.bio } });
        //^^^^^^^^^^^^^^^^^^^^^ warning: prisma.profile.update
  }
}

export async function inTransaction(ids: number[]) {
  return prisma.$transaction(async (tx) => {
    return Promise.all(ids.map((id) => tx.user.findUnique({ where: { id }, include: { profile: true } })));
                                     //~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
  });
}

export async function statusCounts(statuses: string[]) {
  const counts = {};
  for (const status of statuses) {
    counts[status] = await prisma.order.count({ where: { status } });
                         //^^^^^^^^^^^^^^^^^^ warning: prisma.order.count
  }
  return counts;
}

export async function firstFree(slugs: string[]) {
  for (const slug of slugs) {
    const taken = await prisma.organization.findUnique({ where: { slug }, select: { id: true } });
                      //^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.organization.findUnique
    if (!taken) return slug;
  }
  return null;
}

export async function loadAll() {
  const [users, posts] = await Promise.all([prisma.user.count(), prisma.post.count()]);
                                          //~~~~~~~~~~~~~~~~~ ok: two queries, no loop
  for (const user of await prisma.user.findMany({ take: 10 })) console.log(user.email);
                         //~~~~~~~~~~~~~~~~~~~~ ok: the loop's collection, read once
  return { users, posts };
}
