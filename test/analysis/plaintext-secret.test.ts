/** Marker tests for plaintext-secret: secret fields written as received, and hashed, encrypted or non-secret writes. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/plaintext-secret';
import { check } from '../support/fixture';

const SCHEMA = `//- prisma/schema.prisma
model User {
  id             Int     @id
  email          String  @unique
  password       String
  passwordHash   String?
  resetToken     String?
  apiKey         String?
  passwordHint   String?
  clientSecret   String?
}
model Account {
  id                Int     @id
  refresh_token     String?
  access_token      String?
  sessionToken      String?
}
model Setting {
  id     Int    @id
  secret Boolean
}`;

describe('plaintext-secret', () => {
  it('flags secret fields written as received', () => {
    check(rule, `
${SCHEMA}
//- src/users.ts
export async function signUp(email: string, password: string, input: Input) {
  await prisma.user.create({ data: { email, password } });
//                                          ^^^^^^^^ warning: Anyone who reads the database can use "User.password": "prisma.user.create" stores "password" there as it is.
  await prisma.user.update({ where: { email }, data: { password: input.password } });
//                                                     ^^^^^^^^ warning: "User.password": "prisma.user.update" stores "input.password" there
  const token = crypto.randomBytes(32).toString('hex');
  await prisma.user.update({ where: { email }, data: { resetToken: token } });
//                                                     ^^^^^^^^^^ warning: "User.resetToken"
  await prisma.user.upsert({ where: { email }, create: { email, password, apiKey: input.key }, update: {} });
//                                                              ^^^^^^^^ warning: "User.password"
//                                                                        ^^^^^^ warning: "User.apiKey"
  await prisma.user.createMany({ data: [{ email, password: 'changeme', clientSecret: input.secret }] });
//                                               ^^^^^^^^ warning: "'changeme'"
//                                                                     ^^^^^^^^^^^^ warning: "User.clientSecret"
}
`);
  });

  it('leaves alone hashed and encrypted values, protected names, issued tokens, clears and non-String fields', () => {
    check(rule, `
${SCHEMA}
//- src/users.ts
export async function signUp(email: string, password: string, input: Input) {
  await prisma.user.create({ data: { email, password: await bcrypt.hash(password, 12) } });
  const hashed = await argon2.hash(input.password);
  await prisma.user.update({ where: { email }, data: { password: hashed } });
  await prisma.user.update({ where: { email }, data: { passwordHash: input.password } });
  await prisma.user.update({ where: { email }, data: { resetToken: createHash('sha256').update(token).digest('hex') } });
  await prisma.user.update({ where: { email }, data: { resetToken: null, apiKey: undefined } });
  await prisma.user.update({ where: { email }, data: { apiKey: encrypt(input.key) } });
  await prisma.user.update({ where: { email }, data: { passwordHint: input.hint } });
  await prisma.account.create({ data: { refresh_token: tokens.refresh, access_token: tokens.access, sessionToken: input.session } });
  await prisma.setting.create({ data: { secret: true } });
  await prisma.user.findFirst({ where: { password } });
}
`);
    check(rule, `
${SCHEMA}
//- src/db.ts
export const db = prisma.$extends({
  query: { user: { async create({ args, query }) { args.data.password = await hashPassword(args.data.password); return query(args); } } },
});
await db.user.create({ data: { email, password } });
`);
  });

  const KEYS = `//- prisma/schema.prisma
model ApiKey {
  id               Int    @id
  hashedSecretKey  String
  displaySecretKey String
  secretKey        String?
}
model OAuthApp {
  id                  Int    @id
  partialClientSecret String
  clientSecret        String?
}
model MobilePushToken {
  id    Int    @id
  token String
}
model Premium {
  id                   Int    @id
  appleAppAccountToken String?
  idempotencyToken     String?
}
model User {
  id       Int    @id
  email    String @unique
  password String
}`;

  it('leaves alone masked display copies, identifying tokens and values hashed earlier in the function', () => {
    check(rule, `
${KEYS}
//- src/keys.ts
export async function createKey(secretKey: string, input: { email: string; password: string }) {
  const displaySk = getDisplaySecretKey(secretKey);
  await prisma.apiKey.create({ data: { hashedSecretKey: await hash(secretKey), displaySecretKey: displaySk } });
  await prisma.oAuthApp.update({ where: { id: 1 }, data: { partialClientSecret: \`app_secret_****\${secretKey.slice(-8)}\` } });
  await prisma.mobilePushToken.upsert({ where: { id: 1 }, create: { token: input.email }, update: { token: input.email } });
  await prisma.premium.update({ where: { id: 1 }, data: { appleAppAccountToken: state.appAccountToken, idempotencyToken: input.email } });
  input.password = await bcrypt.hash(input.password, 12);
  await prisma.user.create({ data: { email: input.email, password: input.password } });
}
`);
  });

  it('still flags the secret beside its display copy, and a value hashed only after the write', () => {
    check(rule, `
${KEYS}
//- src/keys.ts
export async function createKey(secretKey: string, input: { email: string; password: string }) {
  await prisma.apiKey.create({ data: { hashedSecretKey: await hash(secretKey), displaySecretKey: getDisplaySecretKey(secretKey), secretKey } });
//                                                                                                                               ^^^^^^^^^ warning: "ApiKey.secretKey": "prisma.apiKey.create" stores "secretKey" there
  await prisma.oAuthApp.update({ where: { id: 1 }, data: { clientSecret: secretKey } });
//                                                         ^^^^^^^^^^^^ warning: "OAuthApp.clientSecret"
  await prisma.user.create({ data: { email: input.email, password: input.password } });
//                                                       ^^^^^^^^ warning: "User.password"
  input.password = await bcrypt.hash(input.password, 12);
}
`);
  });
});
