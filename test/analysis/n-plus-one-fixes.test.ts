/** The n-plus-one quick fixes, checked as before/after text: Map lookup, createMany, include. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/n-plus-one';
import { checkFix, findingsOf, parseFixture } from '../support/fixture';
import { corpusCode as code } from '../support/corpus-fixture';

const MAP_LOOKUP = 'Load the User rows before the loop with one findMany and look them up in a Map';

function fixTitles(source: string): string[] {
  const { files } = parseFixture(code(source));
  return findingsOf(rule, files).flatMap((finding) => (finding.fixes ?? []).map((fix) => `${fix.applicability}: ${fix.title}`));
}

describe('n-plus-one fixes', () => {
  it('loads a findFirst by one key before the loop and looks the rows up in a Map', () => {
    checkFix(
      rule,
      code(`
export async function authorsOf(posts: Post[]) {
  for (const post of posts) {
    const author = await prisma.user.findFirst({ where: { id: post.authorId }, select: { id: true, name: true } });
    console.log(author?.name);
  }
}
`),
      `
export async function authorsOf(posts: Post[]) {
  const usersById = new Map(
    (await prisma.user.findMany({ where: { id: { in: posts.map((post) => post.authorId) } }, select: { id: true, name: true } })).map((row) => [row.id, row]),
  );
  for (const post of posts) {
    const author = usersById.get(post.authorId) ?? null;
    console.log(author?.name);
  }
}
`,
      MAP_LOOKUP,
    );
  });

  it('maps the key straight from the collection when the element is the key, and keeps a free name', () => {
    checkFix(
      rule,
      code(`
const usersByEmail = new Map();
for (const email of input.emails) {
  if (!(await ctx.db.user.findUnique({ where: { email } }))) missing.push(email);
}
`),
      `
const usersByEmail = new Map();
const usersByEmail2 = new Map(
  (await ctx.db.user.findMany({ where: { email: { in: input.emails } } })).map((row) => [row.email, row]),
);
for (const email of input.emails) {
  if (!(usersByEmail2.get(email) ?? null)) missing.push(email);
}
`,
      'Load the User rows before the loop with one findMany and look them up in a Map',
    );
  });

  it('offers the Map lookup and include for a parent load, and no fix that would need a value computed in the loop', () => {
    assert.deepEqual(
      fixTitles(`
const posts = await prisma.post.findMany();
for (const post of posts) {
  const author = await prisma.user.findUnique({ where: { id: post.authorId } });
}
for (const post of posts) {
  const authorId = post.authorId ?? fallback;
  const author = await prisma.user.findUnique({ where: { id: authorId } });
}
for (const post of posts) {
  const author = await prisma.user.findFirst({ where: { id: post.authorId }, orderBy: { createdAt: 'desc' } });
}
`),
      ['unsafe: Load author with include on the query that loads posts', `unsafe: ${MAP_LOOKUP}`],
    );
  });

  it('adds include to the query that loaded the parents and reads the relation from the element', () => {
    checkFix(
      rule,
      code(`
const posts = await prisma.post.findMany({ where: { published: true } });
for (const post of posts) {
  const author = await prisma.user.findUnique({ where: { id: post.authorId } });
  render(post, author);
}
`),
      `
const posts = await prisma.post.findMany({ where: { published: true }, include: { author: true } });
for (const post of posts) {
  const author = post.author;
  render(post, author);
}
`,
      'Load author with include on the query that loads posts',
    );
  });

  it('adds a to-many relation, with its ordering and limit, to the parent query\'s select', () => {
    checkFix(
      rule,
      code(`
const users = await db.user.findMany({
  select: {
    id: true,
    name: true,
  },
});
const digest = await Promise.all(
  users.map(async (user) => ({ ...user, latest: await db.post.findMany({ where: { authorId: user.id }, orderBy: { publishedAt: 'desc' }, take: 3 }) })),
);
`),
      `
const users = await db.user.findMany({
  select: {
    id: true,
    name: true,
    posts: { orderBy: { publishedAt: 'desc' }, take: 3 },
  },
});
const digest = await Promise.all(
  users.map(async (user) => ({ ...user, latest: user.posts })),
);
`,
      'Load posts with include on the query that loads users',
    );
  });

  it('adds the include argument to a parent query called without arguments', () => {
    checkFix(
      rule,
      code(`
const orders = await prisma.order.findMany();
for (const order of orders) {
  order.items = await prisma.orderItem.findMany({ where: { orderId: order.id } });
}
`),
      `
const orders = await prisma.order.findMany({ include: { items: true } });
for (const order of orders) {
  order.items = order.items;
}
`,
    );
  });

  it('turns a create per element of a for…of into one createMany', () => {
    checkFix(
      rule,
      code(`
async function addItems(order: Order, cart: Cart) {
  for (const item of cart.items) {
    await prisma.orderItem.create({ data: { orderId: order.id, productId: item.productId, quantity: item.quantity, price: item.price } });
  }
}
`),
      `
async function addItems(order: Order, cart: Cart) {
  await prisma.orderItem.createMany({ data: cart.items.map((item) => ({ orderId: order.id, productId: item.productId, quantity: item.quantity, price: item.price })) });
}
`,
    );
  });

  it('turns await Promise.all(rows.map(create)) into one createMany', () => {
    checkFix(
      rule,
      code(`
await Promise.all(rows.map((row) => prisma.auditLog.create({ data: row })));
`),
      `
await prisma.auditLog.createMany({ data: rows });
`,
    );
  });

  it('offers no createMany when the loop does more than create, or the create nests writes', () => {
    assert.deepEqual(
      fixTitles(`
for (const item of items) {
  await prisma.orderItem.create({ data: { orderId, productId: item.productId, quantity: 1, price: 0 } });
  total += item.price;
}
for (const item of items) {
  await prisma.order.create({ data: { userId, items: { create: [{ productId: item.id, quantity: 1, price: 0 }] } } });
}
const created = await Promise.all(rows.map((row) => prisma.auditLog.create({ data: row })));
`),
      [],
    );
  });
});
