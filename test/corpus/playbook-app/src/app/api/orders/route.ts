// @ts-nocheck
// Orders of the signed-in buyer, and checkout.
import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/prisma';
import { requireUser } from '@/lib/auth';

export async function GET(request: NextRequest) {
  const user = await requireUser(request);
  const orders = await prisma.order.findMany({
    where: { buyerId: user.id },
    orderBy: { createdAt: 'desc' },
    include: { items: true },
  });
  return NextResponse.json(orders);
}

export async function POST(request: NextRequest) {
  const user = await requireUser(request);
  const { items } = await request.json();
  const products = await prisma.product.findMany({ where: { id: { in: items.map((item) => item.productId) } } });
  const total = items.reduce((sum, item) => sum + Number(products.find((p) => p.id === item.productId).price) * item.quantity, 0);
  const order = await prisma.order.create({ data: { buyerId: user.id, total } });
  await prisma.orderItem.createMany({
    data: items.map((item) => ({
      orderId: order.id,
      productId: item.productId,
      quantity: item.quantity,
      unitPrice: products.find((p) => p.id === item.productId).price,
    })),
  });
  for (const item of items) {
    await prisma.product.update({ where: { id: item.productId }, data: { stock: { decrement: item.quantity } } });
  }
  return NextResponse.json(order, { status: 201 });
}
