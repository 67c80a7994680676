// @ts-nocheck
// app/api/authors/route.ts: author cards, with the per-author lookups written three ways.
import { NextResponse } from 'next/server';
import { db } from '@/server/db';

export async function GET() {
  const authors = await db.user.findMany({ where: { posts: { some: { published: true } } } });

  // Batched by Prisma's dataloader: same tick, equality on a unique scalar.
  const profiles = await Promise.all(authors.map((author) => db.profile.findUnique({ where: { userId: author.id } })));
                                                           //~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader

  // findFirst is never batched.
  const latest = await Promise.all(
    authors.map((author) => db.post.findFirst({ where: { authorId: author.id, published: true }, orderBy: { publishedAt: 'desc' } })),
                          //^^^^^^^^^^^^^^^^^ warning: db.post.findFirst
  );

  const stats = await Promise.allSettled(authors.map(async (author) => db.post.aggregate({ where: { authorId: author.id }, _sum: { views: true } })));
                                                                     //^^^^^^^^^^^^^^^^^ warning: db.post.aggregate

  return NextResponse.json(authors.map((author, i) => ({ ...author, profile: profiles[i], latest: latest[i], stats: stats[i] })));
}
