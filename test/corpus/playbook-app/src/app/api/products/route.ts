// @ts-nocheck
// GET /api/products: the public catalogue, searchable and paginated.
import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/prisma';

const PAGE_SIZE = 24;

export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const page = Number(params.get('page') ?? '1');
  const category = params.get('category');
  const products = await prisma.product.findMany({
    where: { status: 'active', ...(category ? { category: { slug: category } } : {}) },
    orderBy: { createdAt: 'desc' },
    skip: (page - 1) * PAGE_SIZE,
    take: PAGE_SIZE,
  });
  return NextResponse.json(products);
}

export async function POST(request: NextRequest) {
  const body = await request.json();
  const product = await prisma.product.create({
    data: { storeId: body.storeId, title: body.title, price: body.price, stock: body.stock ?? 0 },
  });
  return NextResponse.json(product, { status: 201 });
}
