// Account settings: a user deletes their account, and their posts go with it.
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function deleteAccount(userId: number) {
  await prisma.user.delete({ where: { id: userId } });
}
