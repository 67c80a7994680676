// @ts-nocheck
// Admin endpoints: user list and audit trail.
import { NextResponse, type NextRequest } from 'next/server';
import { prisma } from '@/lib/prisma';

export async function GET(request: NextRequest) {
  const role = request.nextUrl.searchParams.get('role');
  const users = await prisma.user.findMany({ where: role ? { role } : {}, select: { id: true, email: true, role: true } });
  const categories = await prisma.category.findMany({ orderBy: { name: 'asc' } });
  const audit = await prisma.auditLog.findMany({ where: { subject: 'user' }, orderBy: { createdAt: 'desc' }, take: 100 });
  return NextResponse.json({ users, categories, audit });
}
