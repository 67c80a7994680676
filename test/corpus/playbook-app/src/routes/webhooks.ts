// @ts-nocheck
// Express router for payment-provider webhooks.
import express from 'express';
import { PrismaClient } from '@prisma/client';

export const router = express.Router();

router.post('/webhooks/payments', async (req, res) => {
  const prisma = new PrismaClient();
  const event = req.body;
  const payment = await prisma.payment.findUnique({ where: { externalId: event.id } });
  if (!payment) {
    await prisma.payment.create({ data: { orderId: event.orderId, provider: 'stripe', externalId: event.id, amount: event.amount } });
    await prisma.order.update({ where: { id: event.orderId }, data: { status: 'PAID' } });
  }
  res.sendStatus(200);
});

router.get('/orders/:id/items', async (req, res) => {
  const { prisma } = req.app.locals;
  const items = await prisma.orderItem.findMany({ where: { orderId: req.params.id } });
  res.json(items);
});
