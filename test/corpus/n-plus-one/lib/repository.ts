// @ts-nocheck
// lib/repositories.ts: in-memory fakes and a repository layer used by the services.
import { prisma } from './prisma';

export class InMemoryUserRepository {
  private readonly users = new Map<number, { id: number; email: string }>();

  async findMany(where: { ids: number[] }) {
    return where.ids.map((id) => this.users.get(id)).filter(Boolean);
  }

  async findUnique(id: number) {
    return this.users.get(id) ?? null;
  }
}

export class PostRepository {
  async byAuthor(authorId: number) {
    return prisma.post.findMany({ where: { authorId } });
  }

  async byAuthors(authorIds: number[]) {
    const posts = await prisma.post.findMany({ where: { authorId: { in: authorIds } } });
                      //~~~~~~~~~~~~~~~~~~~~ ok: one query for all authors
    return authorIds.map((id) => posts.filter((post) => post.authorId === id));
                               //~~~~~~~~~~~~ ok: plain array methods
  }

  async feed(authorIds: number[]) {
    const feeds = [];
    for (const authorId of authorIds) feeds.push(await this.byAuthor(authorId));
                                                     //^^^^^^^^^^^^^ warning: this.byAuthor
    return feeds;
  }
}

export async function usersWithRepo(repo: InMemoryUserRepository, idLists: number[][]) {
  const found = [];
  for (const ids of idLists) {
    found.push(await repo.findMany({ ids }));
                   //~~~~~~~~~~~~~ ok: a repository, not Prisma
    found.push(await repo.findUnique(ids[0]));
                   //~~~~~~~~~~~~~~~ ok: a repository, not Prisma
  }
  const cache = { user: new Map<number, unknown>() };
  return idLists.flat().map((id) => cache.user.get(id));
                                  //~~~~~~~~~~~~~~ ok: a Map, not Prisma
}

export async function loadAuthors(posts: { authorId: number }[]) {
  const authors = new Map();
  for (const post of posts) {
    if (!authors.has(post.authorId)) {
      authors.set(post.authorId, await prisma.user.findUnique({ where: { id: post.authorId } }));
                                     //^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.user.findUnique
    }
  }
  return authors;
}

export async function anyUnpaid(orderIds: number[]) {
  const checks = await Promise.all(orderIds.map((id) => prisma.order.findFirst({ where: { id, status: 'pending' } })));
                                                      //^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.order.findFirst
  return checks.some(Boolean);
}

export async function everyPublished(posts: { id: number }[]) {
  const states = [];
  for (const post of posts) states.push(prisma.post.findUnique({ where: { id: post.id }, select: { published: true } }));
                                      //~~~~~~~~~~~~~~~~~~~~~~ ok: no await in the loop, batched by the dataloader
  return (await Promise.all(states)).every((state) => state?.published);
}

async function loadProfile(userId: number) {
  return prisma.profile.findFirst({ where: { userId } });
}

export async function profilesOf(userIds: number[]) {
  return Promise.all(userIds.map(loadProfile));
                               //^^^^^^^^^^^ warning: loadProfile
}

export async function commentsOfAll(posts: { id: number; commentIds: number[] }[]) {
  return Promise.all(
    posts.flatMap((post) => post.commentIds.map((id) => prisma.comment.findFirst({ where: { id, postId: post.id } }))),
                                                      //^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.comment.findFirst
  );
}
