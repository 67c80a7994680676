/** Marker tests for deep-offset-pagination: skip from page numbers or request offsets, and the cursor pattern. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/deep-offset-pagination';
import { check } from '../support/fixture';

describe('deep-offset-pagination', () => {
  it('flags skips computed from page numbers or taken from the request', () => {
    check(rule, `
//- src/posts.ts
export async function list(page: number, pageSize: number, req: Request) {
  await prisma.post.findMany({ skip: (page - 1) * pageSize, take: pageSize });
//                             ^^^^ info: "prisma.post.findMany" skips a page number times the page size ("page")
  await prisma.post.findMany({ skip: input.page * 20, take: 20 });
//                             ^^^^ info: ("input.page")
  const skip = (pageNumber - 1) * limit;
  await prisma.user.findMany({ skip, take: limit });
//                             ^^^^ info: "prisma.user.findMany" skips
  const offset = Number(req.query.offset ?? 0);
  await prisma.user.findMany({ skip: offset, take: 50 });
//                             ^^^^ info: taken from the request
  await prisma.comment.findMany({ take: 10, skip: Number(searchParams.get('offset')) });
//                                          ^^^^ info: an offset taken from the request
  await prisma.comment.count({ skip: args.pg * args.size });
//                             ^^^^ info: ("args.pg")
}
`);
  });

  it('leaves alone the cursor pattern, constants, clamped pages and unrelated products', () => {
    check(rule, `
//- src/posts.ts
export async function list(cursor: number | undefined, page: number, batch: number) {
  await prisma.post.findMany({ cursor: { id: cursor }, skip: 1, take: 20 });
  await prisma.post.findMany({ skip: cursor ? 1 : 0, take: 20 });
  await prisma.post.findMany({ skip: Math.min(page, 10) * 20, take: 20 });
  await prisma.post.findMany({ skip: Math.floor(Math.random() * count), take: 1 });
  await prisma.post.findMany({ skip: batch * 1000, take: 1000 });
  const offset = 40;
  await prisma.post.findMany({ skip: offset, take: 20 });
  const start = computeStart();
  await prisma.post.findMany({ skip: start, take: 20 });
  const pageSize = 20;
  await prisma.post.findMany({ skip: pageSize, take: pageSize });
}
`);
  });
});
