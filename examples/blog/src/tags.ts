// The tag pages: a tag by its name, and a post with its tags.
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export function tagNamed(name: string) {
  return prisma.tag.findUnique({ where: { name } });
}

export function postWithTags(slug: string) {
  return prisma.post.findUnique({ where: { slug }, include: { tags: { include: { tag: true } } } });
}
