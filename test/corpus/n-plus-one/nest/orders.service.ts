// @ts-nocheck
// src/orders/orders.service.ts: order placement, totals and fulfilment.
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

interface CartLine {
  sku: string;
  quantity: number;
}

@Injectable()
export class OrdersService {
  constructor(private readonly prisma: PrismaService) {}

  async place(userId: number, lines: CartLine[]) {
    return this.prisma.$transaction(async (tx) => {
      const order = await tx.order.create({ data: { userId } });
                        //~~~~~~~~~~~~~~~ ok: one insert
      let total = 0;
      for (const line of lines) {
        const product = await tx.product.findUnique({ where: { sku: line.sku } });
                            //^^^^^^^^^^^^^^^^^^^^^ warning: tx.product.findUnique
        if (!product || product.stock < line.quantity) throw new BadRequestException(`out of stock: ${line.sku}`);
        await tx.product.update({ where: { id: product.id }, data: { stock: { decrement: line.quantity } } });
            //^^^^^^^^^^^^^^^^^ warning: tx.product.update
        await tx.orderItem.create({ data: { orderId: order.id, productId: product.id, quantity: line.quantity, price: product.price } });
            //^^^^^^^^^^^^^^^^^^^ warning: tx.orderItem.create
        total += product.price * line.quantity;
      }
      return tx.order.update({ where: { id: order.id }, data: { total } });
           //~~~~~~~~~~~~~~~ ok: after the loop
    });
  }

  async findForUser(userId: number) {
    const orders = await this.prisma.order.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
    return Promise.all(orders.map((order) => this.withItems(order)));
                                           //^^^^^^^^^^^^^^ warning: this.withItems
  }

  private async withItems(order: { id: number }) {
    const items = await this.prisma.orderItem.findMany({ where: { orderId: order.id }, include: { product: true } });
    return { ...order, items };
  }

  async totals(orderIds: number[]) {
    const sums = await this.prisma.orderItem.groupBy({ by: ['orderId'], where: { orderId: { in: orderIds } }, _sum: { price: true } });
                     //~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one groupBy for all orders
    return new Map(sums.map((sum) => [sum.orderId, sum._sum.price ?? 0]));
  }

  async get(id: number) {
    const order = await this.prisma.order.findUnique({ where: { id }, include: { items: { include: { product: true } } } });
                      //~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: one query with include
    if (!order) throw new NotFoundException();
    return order;
  }

  async cancelStale(before: Date) {
    const stale = await this.prisma.order.findMany({ where: { status: 'pending', createdAt: { lt: before } }, include: { items: true } });
    for (const order of stale) {
      for (const item of order.items) {
        await this.prisma.product.update({ where: { id: item.productId }, data: { stock: { increment: item.quantity } } });
            //^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.prisma.product.update
      }
      await this.prisma.order.update({ where: { id: order.id }, data: { status: 'cancelled' } });
          //^^^^^^^^^^^^^^^^^^^^^^^^ warning: this.prisma.order.update
    }
  }
}
