// @ts-nocheck
// src/routes/blog/[slug]/+page.server.ts (SvelteKit): locals.prisma is set in hooks.server.ts.
import { error } from '@sveltejs/kit';
import type { PageServerLoad, Actions } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
  const post = await locals.prisma.post.findUnique({ where: { slug: params.slug }, include: { comments: true, tags: true } });
                   //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query with include
  if (!post) error(404);
  const commenters = await Promise.all(post.comments.map((comment) => locals.prisma.user.findUnique({ where: { id: comment.authorId } })));
                                                                    //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: findUnique batched by the dataloader
  const tagNames = [];
  for (const link of post.tags) {
    const tag = await locals.prisma.tag.findUnique({ where: { id: link.tagId } });
                    //^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: locals.prisma.tag.findUnique
    tagNames.push(tag?.name);
  }
  const related = await locals.prisma.post.findMany({ where: { tags: { some: { tagId: { in: post.tags.map((t) => t.tagId) } } } }, take: 5 });
                      //~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query for all tags
  return { post, commenters, tagNames, related };
};

export const actions: Actions = {
  moderate: async ({ request, locals }) => {
    const data = await request.formData();
    const hidden = data.getAll('hide').map(Number);
    await Promise.all(hidden.map((id) => locals.prisma.comment.update({ where: { id }, data: { body: '[hidden]' } })));
                                       //^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: locals.prisma.comment.update
  },
};
