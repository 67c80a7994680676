// api/src/services/posts/posts.js (RedwoodJS): `db` is the Prisma client.
import { db } from 'src/lib/db';

export const posts = () => db.post.findMany({ orderBy: { publishedAt: 'desc' } });
                         //~~~~~~~~~~~~~~~~ ok: one query

export const postsWithAuthors = async () => {
  const all = await db.post.findMany();
  return all.map(async (post) => ({ ...post, author: await db.user.findFirst({ where: { id: post.authorId } }) }));
                                                         //^^^^^^^^^^^^^^^^^ warning: db.user.findFirst
};

export const publishScheduled = async () => {
  const due = await db.post.findMany({ where: { published: false, publishedAt: { lte: new Date() } }, select: { id: true } });
                  //~~~~~~~~~~~~~~~~ ok: one query
  return db.post.updateMany({ where: { id: { in: due.map((post) => post.id) } }, data: { published: true } });
       //~~~~~~~~~~~~~~~~~~ ok: one statement
};

export const tagCounts = async ({ tagIds }) => {
  const counts = {};
  for (let i = 0; i < tagIds.length; i++) {
    counts[tagIds[i]] = await db.postTag.count({ where: { tagId: tagIds[i] } });
                            //^^^^^^^^^^^^^^^^ warning: db.postTag.count
  }
  return counts;
};

export const Post = {
  author: (_obj, { root }) => db.post.findUnique({ where: { id: root?.id } }).author(),
                            //~~~~~~~~~~~~~~~~~~ ok: fluent API, no loop
  comments: (_obj, { root }) => db.comment.findMany({ where: { postId: root?.id } }),
                              //~~~~~~~~~~~~~~~~~~~ ok: one query per resolver call, no loop in this code
};

export const deletePosts = async ({ ids }) => {
  const results = [];
  let i = 0;
  while (i < ids.length) {
    results.push(await db.post.delete({ where: { id: ids[i] } }));
                     //^^^^^^^^^^^^^^ warning: db.post.delete
    i += 1;
  }
  return results;
};
