// @ts-nocheck
// Next.js route handlers for the blog API (app/api/posts/route.ts).
import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/prisma';
import { getSession } from '@/lib/auth';

export async function GET(request: NextRequest) {
  const tag = request.nextUrl.searchParams.get('tag');
  const posts = await prisma.post.findMany({
    where: { published: true, ...(tag ? { tags: { some: { tag: { name: tag } } } } : {}) },
    orderBy: { publishedAt: 'desc' },
    take: 20,
  });

  const result = [];
  for (const post of posts) {
    const author = await prisma.user.findUnique({ where: { id: post.authorId }, select: { id: true, name: true } });
                       //^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.user.findUnique
    const commentCount = await prisma.comment.count({ where: { postId: post.id } });
                             //^^^^^^^^^^^^^^^^^^^^ warning: prisma.comment.count
    result.push({ ...post, author, commentCount });
  }
  return NextResponse.json(result);
}

export async function POST(request: NextRequest) {
  const session = await getSession();
  if (!session) return NextResponse.json({ error: 'unauthorized' }, { status: 401 });
  const body = (await request.json()) as { title: string; slug: string; tags: string[] };

  const post = await prisma.post.create({ data: { title: body.title, slug: body.slug, authorId: session.userId } });
                   //~~~~~~~~~~~~~~~~~~ ok: one insert, no loop
  for (const name of body.tags) {
    const tag = await prisma.tag.upsert({ where: { name }, create: { name }, update: {} });
                    //^^^^^^^^^^^^^^^^^ warning: prisma.tag.upsert
    await prisma.postTag.create({ data: { postId: post.id, tagId: tag.id } });
        //^^^^^^^^^^^^^^^^^^^^^ warning: prisma.postTag.create
  }
  return NextResponse.json(post, { status: 201 });
}

export async function DELETE(request: NextRequest) {
  const ids = (await request.json()) as number[];
  const owned = await prisma.post.findMany({ where: { id: { in: ids } }, select: { id: true, authorId: true } });
                    //~~~~~~~~~~~~~~~~~~~~ ok: one query for all ids
  const session = await getSession();
  const allowed = owned.filter((post) => post.authorId === session?.userId).map((post) => post.id);
  await prisma.comment.deleteMany({ where: { postId: { in: allowed } } });
      //~~~~~~~~~~~~~~~~~~~~~~~~~ ok: after the loop, one statement
  await prisma.post.deleteMany({ where: { id: { in: allowed } } });
      //~~~~~~~~~~~~~~~~~~~~~~ ok: after the loop, one statement
  return new NextResponse(null, { status: 204 });
}
