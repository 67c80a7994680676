// @ts-nocheck
// src/graphql/resolvers.ts: Apollo resolvers over a Prisma context.
import type { Context } from './context';

export const resolvers = {
  Query: {
    feed: (_: unknown, args: { take: number }, { prisma }: Context) =>
      prisma.post.findMany({ where: { published: true }, take: args.take, orderBy: { publishedAt: 'desc' } }),
    //~~~~~~~~~~~~~~~~~~~~ ok: one query per request
    usersByIds: (_: unknown, args: { ids: number[] }, ctx: Context) =>
      Promise.all(args.ids.map((id) => ctx.prisma.user.findUnique({ where: { id } }))),
                                     //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
    postsBySlugs: (_: unknown, args: { slugs: string[] }, ctx: Context) =>
      Promise.all(args.slugs.map((slug) => ctx.prisma.post.findUnique({ where: { slug } }).author())),
                                         //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: fluent API on findUnique, batched
    tagsOf: async (_: unknown, args: { postIds: number[] }, ctx: Context) =>
      Promise.all(args.postIds.map((postId) => ctx.prisma.postTag.findUnique({ where: { postId_tagId: { postId, tagId: 1 } } }))),
                                             //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: compound unique key, batched
  },
  Post: {
    // GraphQL calls these once per post; the dataloader merges the findUnique calls of one tick.
    author: (post: { authorId: number }, _: unknown, ctx: Context) => ctx.prisma.user.findUnique({ where: { id: post.authorId } }),
                                                                    //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: no loop in this code
    comments: (post: { id: number }, _: unknown, ctx: Context) => ctx.prisma.post.findUnique({ where: { id: post.id } }).comments(),
                                                                //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: fluent API, no loop in this code
  },
  Mutation: {
    publishAll: async (_: unknown, args: { ids: number[] }, ctx: Context) => {
      const published = [];
      for (const id of args.ids) {
        published.push(await ctx.prisma.post.update({ where: { id }, data: { published: true, publishedAt: new Date() } }));
                           //^^^^^^^^^^^^^^^^^^^^^^ warning: ctx.prisma.post.update
      }
      return published;
    },
    tagPosts: async (_: unknown, args: { postIds: number[]; tag: string }, ctx: Context) => {
      const tag = await ctx.prisma.tag.upsert({ where: { name: args.tag }, create: { name: args.tag }, update: {} });
                      //~~~~~~~~~~~~~~~~~~~~~ ok: one upsert before the loop
      await ctx.prisma.postTag.createMany({ data: args.postIds.map((postId) => ({ postId, tagId: tag.id })), skipDuplicates: true });
          //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one insert
      return ctx.prisma.post.findMany({ where: { id: { in: args.postIds } } });
           //~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query
    },
    checkSlugs: async (_: unknown, args: { slugs: string[] }, ctx: Context) => {
      const taken = await Promise.all(
        args.slugs.map((slug) => ctx.prisma.post.findUnique({ where: { slug, published: true } })),
                               //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: equality on scalar fields, batched
      );
      const free = args.slugs.filter((_, i) => !taken[i]);
      const similar = await Promise.all(free.map((slug) => ctx.prisma.post.findFirst({ where: { slug: { startsWith: slug } } })));
                                                         //^^^^^^^^^^^^^^^^^^^^^^^^^ warning: ctx.prisma.post.findFirst
      return { free, similar };
    },
    verifyAuthors: async (_: unknown, args: { postIds: number[] }, ctx: Context) => {
      const posts = await Promise.all(
        args.postIds.map(async (id) => {
          const post = await ctx.prisma.post.findUnique({ where: { id } });
                           //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
          const author = await ctx.prisma.user.findUnique({ where: { id: post!.authorId } });
                             //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: issued after a batched await, still one batch
          return { post, author };
        }),
      );
      return posts.every((entry) => entry.author !== null);
           //~~~~~~~~~~~ ok: plain array method
    },
    expensiveCheck: async (_: unknown, args: { ids: number[] }, ctx: Context) =>
      Promise.all(
        args.ids.map((id) => ctx.prisma.user.findUnique({ where: { id, posts: { some: { published: true } } } })),
                           //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: ctx.prisma.user.findUnique
      ),
  },
};
