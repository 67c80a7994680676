// The home page feed: the latest posts with their authors.
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function latestPosts(take = 20) {
  const posts = await prisma.post.findMany({ where: { published: true }, orderBy: { publishedAt: 'desc' }, take });
  const feed: { title: string; slug: string; author: string }[] = [];
  for (const post of posts) {
    const author = await prisma.user.findFirst({ where: { id: post.authorId }, select: { name: true } });
    feed.push({ title: post.title, slug: post.slug, author: author?.name ?? 'unknown' });
  }
  return feed;
}
