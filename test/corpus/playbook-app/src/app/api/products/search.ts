// @ts-nocheck
// GET /api/products/search?q=…: full-text search over titles, with a raw query for ranking.
import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/prisma';

export async function GET(request: NextRequest) {
  const q = request.nextUrl.searchParams.get('q') ?? '';
  const sort = request.nextUrl.searchParams.get('sort') === 'price' ? 'price' : '"createdAt"';
  const rows = await prisma.$queryRawUnsafe(
    `SELECT id, title, price FROM "Product" WHERE status = 'active' AND title ILIKE '%${q}%' ORDER BY ${sort} LIMIT 50`,
  );
  const count = await prisma.$queryRaw`SELECT count(*) FROM "Product" WHERE title ILIKE ${'%' + q + '%'}`;
  return NextResponse.json({ rows, count });
}
