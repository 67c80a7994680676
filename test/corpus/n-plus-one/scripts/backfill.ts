// @ts-nocheck
// scripts/backfill-slugs.ts: one-off maintenance scripts, written in a hurry.
import { PrismaClient } from '@prisma/client';
import slugify from 'slugify';

const prisma = new PrismaClient({ log: ['warn'] });
const PAGE_SIZE = 500;

export async function backfillSlugs() {
  let cursor: number | undefined;
  let hasMore = true;
  while (hasMore) {
    const page = await prisma.post.findMany({
                     //~~~~~~~~~~~~~~~~~~~~ ok: pagination with cursor and take
      take: PAGE_SIZE,
      ...(cursor !== undefined ? { skip: 1, cursor: { id: cursor } } : {}),
      orderBy: { id: 'asc' },
    });
    for (const post of page) {
      await prisma.post.update({ where: { id: post.id }, data: { slug: slugify(post.title) } });
          //^^^^^^^^^^^^^^^^^^ warning: prisma.post.update
    }
    hasMore = page.length === PAGE_SIZE;
    cursor = page.at(-1)?.id;
  }
}

export async function recountViews() {
  let lastId = 0;
  for (;;) {
    const posts = await prisma.post.findMany({ where: { id: { gt: lastId } }, take: PAGE_SIZE, orderBy: { id: 'asc' }, select: { id: true } });
                      //~~~~~~~~~~~~~~~~~~~~ ok: keyset pagination
    if (posts.length === 0) break;
    await prisma.$executeRaw`UPDATE "Post" p SET views = (SELECT count(*) FROM "Comment" c WHERE c."postId" = p.id) WHERE p.id = ANY(${posts.map((post) => post.id)})`;
        //~~~~~~~~~~~~~~~~~~ ok: one statement per page
    lastId = posts[posts.length - 1].id;
  }
}

export async function exportUsers(write: (row: unknown) => void) {
  const total = await prisma.user.count();
                    //~~~~~~~~~~~~~~~~~ ok: before the loop
  for (let page = 0; page * PAGE_SIZE < total; page++) {
    const users = await prisma.user.findMany({ skip: page * PAGE_SIZE, take: PAGE_SIZE, orderBy: { id: 'asc' } });
                      //~~~~~~~~~~~~~~~~~~~~ ok: offset pagination
    users.forEach(write);
  }
}

export async function fixEmails() {
  const users = await prisma.user.findMany({ where: { email: { contains: ' ' } } });
  for (const user of users) {
    await prisma.$executeRaw`UPDATE "User" SET email = ${user.email.trim()} WHERE id = ${user.id}`;
        //^^^^^^^^^^^^^^^^^^ warning: prisma.$executeRaw
  }
}

export async function deleteOrphans(ids: number[]) {
  for (let i = 0; i < ids.length; i += 1000) {
    const slice = ids.slice(i, i + 1000);
    await prisma.comment.deleteMany({ where: { postId: { in: slice } } });
        //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: chunk loop with in
  }
}

export async function relinkCategories(mapping: Record<string, number>) {
  for (const name in mapping) {
    await prisma.category.updateMany({ where: { name }, data: { parentId: mapping[name] } });
        //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.category.updateMany
  }
}

export async function drainReadNotifications() {
  let deleted = 0;
  do {
    deleted = await prisma.$executeRawUnsafe('DELETE FROM "Notification" WHERE id IN (SELECT id FROM "Notification" WHERE "readAt" IS NOT NULL LIMIT 1000)');
                  //~~~~~~~~~~~~~~~~~~~~~~~~ ok: drain loop, one batch per turn
  } while (deleted > 0);
}
