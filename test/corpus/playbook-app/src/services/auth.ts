// @ts-nocheck
// Sign-up, sign-in, password reset and API keys.
import argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';
import { prisma } from '../lib/prisma';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export async function signUp(email: string, password: string) {
  const passwordHash = await argon2.hash(password);
  return prisma.user.create({ data: { email, passwordHash } });
}

export async function signIn(email: string, password: string) {
  const user = await prisma.user.findUnique({ where: { email } });
  if (!user || !(await argon2.verify(user.passwordHash, password))) return null;
  const sessionToken = randomBytes(32).toString('hex');
  await prisma.session.create({ data: { sessionToken, userId: user.id, expires: new Date(Date.now() + 30 * 864e5) } });
  return sessionToken;
}

export async function requestPasswordReset(email: string) {
  const token = randomBytes(32).toString('hex');
  await prisma.user.update({ where: { email }, data: { resetToken: token } });
  return token;
}

export async function resetPassword(token: string, password: string) {
  const user = await prisma.user.findFirst({ where: { resetToken: token } });
  if (!user) return false;
  await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await argon2.hash(password), resetToken: null } });
  return true;
}

export async function createApiKey(userId: string, name: string) {
  const key = `mk_${randomBytes(24).toString('hex')}`;
  await prisma.apiKey.create({ data: { userId, name, key: sha256(key) } });
  return key;
}

export async function userForApiKey(key: string) {
  const apiKey = await prisma.apiKey.findUnique({ where: { key: sha256(key) }, include: { user: true } });
  return apiKey?.user ?? null;
}
