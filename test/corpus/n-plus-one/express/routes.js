// Express routes of the legacy admin API (CommonJS, plain JavaScript).
const express = require('express');
const { PrismaClient } = require('@prisma/client');

const router = express.Router();
const prisma = new PrismaClient();

router.use((req, _res, next) => {
  req.prisma = prisma;
  next();
});

router.get('/users/:id/activity', async (req, res) => {
  const posts = await req.prisma.post.findMany({ where: { authorId: Number(req.params.id) } });
  const activity = await Promise.all(
    posts.map(async (post) => ({
      post,
      comments: await req.prisma.comment.findMany({ where: { postId: post.id }, take: 5 }),
                    //^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: req.prisma.comment.findMany
    })),
  );
  res.json(activity);
});

router.post('/orders/bulk-status', async (req, res) => {
  const { ids, status } = req.body;
  let index = 0;
  do {
    await req.prisma.order.update({ where: { id: ids[index] }, data: { status } });
        //^^^^^^^^^^^^^^^^^^^^^^^ warning: req.prisma.order.update
    index++;
  } while (index < ids.length);
  res.sendStatus(204);
});

router.get('/categories/:id/tree', async (req, res) => {
  const root = await prisma.category.findUnique({ where: { id: Number(req.params.id) } });
                   //~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one lookup
  const queue = [root];
  const nodes = [];
  while (queue.length > 0) {
    const node = queue.shift();
    nodes.push(node);
    const children = await prisma.category.findMany({ where: { parentId: node.id } });
                         //^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.category.findMany
    queue.push(...children);
  }
  res.json(nodes);
});

router.get('/search', async (req, res) => {
  const terms = String(req.query.q || '').split(' ').filter(Boolean);
  const known = terms.filter(async (term) => prisma.tag.findFirst({ where: { name: term } }));
                                           //^^^^^^^^^^^^^^^^^^^^ warning: prisma.tag.findFirst
  const matches = await prisma.post.findMany({ where: { OR: terms.map((term) => ({ title: { contains: term } })) } });
                      //~~~~~~~~~~~~~~~~~~~~ ok: one query, the map builds the filter
  res.json({ known, matches });
});

router.get('/products/low-stock', async (req, res) => {
  const products = await prisma.product.findMany({ where: { stock: { lt: 5 } } });
  const flagged = [];
  for (const product of products) {
    const pending = await prisma.orderItem.aggregate({ where: { productId: product.id, order: { status: 'pending' } }, _sum: { quantity: true } });
                        //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: prisma.orderItem.aggregate
    if ((pending._sum.quantity || 0) > product.stock) flagged.push(product);
  }
  res.json(flagged);
});

router.post('/posts/validate', async (req, res) => {
  const valid = req.body.ids.every(async (id) => (await prisma.post.count({ where: { id, published: true } })) > 0);
                                                      //^^^^^^^^^^^^^^^^^ warning: prisma.post.count
  res.json({ valid });
});

module.exports = router;
