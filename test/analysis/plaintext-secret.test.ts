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

  const CLIENTS = `//- prisma/schema.prisma
model OAuthClient {
  id                      Int     @id
  name                    String
  clientSecret            String
  apiKey                  String?
  tokenEndpointAuthMethod String?
  tokenUrl                String?
}`;

  it('leaves alone a parameter that every caller in the file encrypts or hashes, or whose name says it is', () => {
    check(rule, `
${CLIENTS}
//- src/clients.ts
export async function insertClient(data: { name: string; clientSecret: string }) {
  return prisma.oAuthClient.create({ data: { name: data.name, clientSecret: data.clientSecret } });
}
export async function registerClient(name: string, secret: string) {
  return insertClient({ name, clientSecret: encrypt(secret) });
}
export async function rotateClient(name: string) {
  const fresh = randomBytes(32).toString('hex');
  const input = { name, clientSecret: await hashSecret(fresh) };
  await insertClient(input);
}
async function storeSecret(id: number, secret: string) {
  await prisma.oAuthClient.update({ where: { id }, data: { clientSecret: secret } });
}
async function forward(input: { name: string; clientSecret: string }) {
  return insertClient(input);
}
export async function resetSecret(id: number, secret: string) {
  await storeSecret(id, fixedEncryption(secret));
  await forward({ name: 'rotated', clientSecret: sealBox(secret) });
}
class ClientRepository {
  async save({ name, clientSecret }: { name: string; clientSecret: string }) {
    return prisma.oAuthClient.create({ data: { name, clientSecret } });
  }
  async register(name: string, secret: string) {
    return this.save({ name, clientSecret: await this.cipher.encrypt(secret) });
  }
}
export async function saveEncrypted(name: string, encryptedSecret: string, { tokenDigest: digest }: { tokenDigest: string }) {
  await prisma.oAuthClient.create({ data: { name, clientSecret: encryptedSecret } });
  await prisma.oAuthClient.create({ data: { name, clientSecret: digest } });
}
`);
  });

  it('still flags a parameter some caller passes as received, or whose callers are out of sight', () => {
    check(rule, `
${CLIENTS}
//- src/clients.ts
export async function insertClient(data: { name: string; clientSecret: string }) {
  return prisma.oAuthClient.create({ data: { name: data.name, clientSecret: data.clientSecret } });
//                                                            ^^^^^^^^^^^^ warning: "OAuthClient.clientSecret": "prisma.oAuthClient.create" stores "data.clientSecret" there
}
export async function registerClient(name: string, secret: string) {
  await insertClient({ name, clientSecret: encrypt(secret) });
  await insertClient({ name, clientSecret: secret });
}
async function storeSecret(secret: string) {
  await prisma.oAuthClient.create({ data: { name: 'imported', clientSecret: secret } });
//                                                            ^^^^^^^^^^^^ warning: "OAuthClient.clientSecret"
}
export const importAll = (secrets: string[]) => secrets.map(storeSecret);
//- src/repository.ts
export async function saveClient(name: string, secret: string) {
  return prisma.oAuthClient.create({ data: { name, clientSecret: secret } });
//                                                 ^^^^^^^^^^^^ warning: "OAuthClient.clientSecret": "prisma.oAuthClient.create" stores "secret" there
}
`);
  });

  /** The head of a NestJS repository and of the service in front of it, each in a file of its own: their methods follow. */
  const REPOSITORY = `//- src/oauth/oauth.repository.ts
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
@Injectable()
export class OAuthRepository {
  constructor(private readonly prisma: PrismaService) {}`;
  const SERVICE = `//- src/oauth/oauth.service.ts
import { Injectable } from '@nestjs/common';
import { OAuthRepository } from './oauth.repository';
@Injectable()
export class OAuthService {
  constructor(private readonly repository: OAuthRepository) {}`;

  it('leaves alone a parameter every call from other files passes hashed or encrypted (a service in front of a repository)', () => {
    check(rule, `
${CLIENTS}
${REPOSITORY}
  createApp(data: { name: string; clientSecret?: string }) {
    return this.prisma.oAuthClient.create({ data: { name: data.name, clientSecret: data.clientSecret } });
  }
  updateSecret(id: number, secret: string) {
    return this.prisma.oAuthClient.update({ where: { id }, data: { clientSecret: secret } });
  }
}
${SERVICE}
  async register(name: string, clientSecret?: string) {
    return this.repository.createApp({ name, clientSecret: clientSecret && AuthService.fixedEncryption(clientSecret) });
  }
  async rotate(id: number) {
    const encrypted = encrypt(randomSecret());
    await this.repository.updateSecret(id, encrypted);
  }
}
`);
  });

  it('still flags a parameter one call from another file passes as received, or that no call records', () => {
    check(rule, `
${CLIENTS}
${REPOSITORY}
  createApp(data: { name: string; clientSecret?: string }) {
    return this.prisma.oAuthClient.create({ data: { name: data.name, clientSecret: data.clientSecret } });
//                                                                   ^^^^^^^^^^^^ warning: stores "data.clientSecret" there
  }
  createWithKey(data: { name: string; clientSecret: string; apiKey: string }) {
    return this.prisma.oAuthClient.create({ data: { name: data.name, clientSecret: data.clientSecret, apiKey: data.apiKey } });
//                                                                                                    ^^^^^^ warning: stores "data.apiKey" there
  }
  updateSecret(id: number, secret: string) {
    return this.prisma.oAuthClient.update({ where: { id }, data: { clientSecret: secret } });
//                                                                 ^^^^^^^^^^^^ warning: stores "secret" there
  }
  importSecret(id: number, secret: string) {
    return this.prisma.oAuthClient.update({ where: { id }, data: { clientSecret: secret } });
//                                                                 ^^^^^^^^^^^^ warning: stores "secret" there
  }
}
${SERVICE}
  async register(name: string, clientSecret: string) {
    await this.repository.createApp({ name, clientSecret: encrypt(clientSecret) });
  }
  async registerRaw(name: string, body: { secret: string }) {
    await this.repository.createApp({ name, clientSecret: body.secret });
  }
  async rotate(id: number, next: string) {
    await this.repository.updateSecret(id, next);
  }
  async withKey(name: string, secret: string, body: { key: string }) {
    await this.repository.createWithKey({ name, clientSecret: encrypt(secret), apiKey: body.key });
  }
}
`);
  });

  it('leaves alone fields that say where or how a token is used, not the token', () => {
    check(rule, `
${CLIENTS}
//- src/clients.ts
export async function configure(id: number, body: { method: string; url: string }) {
  await prisma.oAuthClient.update({ where: { id }, data: { tokenEndpointAuthMethod: body.method, tokenUrl: body.url } });
//                                                        ~~~~~~~~~~~~~~~~~~~~~~~ ok: the name of an authentication method
}
`);
  });

  const PUBLIC = `//- prisma/schema.prisma
model JwtSession {
  id     Int    @id
  userId Int
  token  String
}
model PasskeyChallenge {
  id             Int     @id
  token          String
  challengeToken String?
}
model Certificate {
  id           Int     @id
  qrToken      String
  publicToken  String?
  shareId      String?
  slug         String?
  publicApiKey String?
  shareToken   String?
  token        String?
}`;

  it('leaves alone JWT ids, passkey challenges and nonces, and QR or public-link tokens', () => {
    check(rule, `
${PUBLIC}
//- src/public.ts
export async function issue(user: User, raw: string, decoded: Decoded) {
  const jti = randomUUID();
  const signed = jwt.sign({ sub: user.id, jti }, key);
  await prisma.jwtSession.create({ data: { userId: user.id, token: jti } });
  const payload = jwt.verify(raw, key) as JwtPayload;
  await prisma.jwtSession.create({ data: { userId: user.id, token: payload.jti! } });
  const id = decoded.jwtId;
  await prisma.jwtSession.update({ where: { id: 1 }, data: { token: id } });
  await prisma.jwtSession.create({ data: { userId: user.id, token: tokenId } });
  const options = await generateRegistrationOptions({ rpName, userName: user.email });
  await prisma.passkeyChallenge.create({ data: { token: options.challenge, challengeToken: options.challenge } });
  await prisma.passkeyChallenge.create({ data: { token: nonce } });
  const qrToken = randomUUID();
  await prisma.certificate.create({ data: { qrToken, publicToken: nanoid(), shareId: nanoid(), slug, publicApiKey: input.key, token: qrToken } });
  return signed;
}
`);
  });

  it('still flags the signed JWT, a token beside a challenge, and a share token', () => {
    check(rule, `
${PUBLIC}
//- src/public.ts
export async function issue(user: User) {
  const jti = randomUUID();
  const signed = jwt.sign({ sub: user.id, jti }, key);
  await prisma.jwtSession.create({ data: { userId: user.id, token: signed } });
//                                                          ^^^^^ warning: "JwtSession.token": "prisma.jwtSession.create" stores "signed" there
  await prisma.jwtSession.create({ data: { userId: user.id, token: jwt.sign({ jti }, key) } });
//                                                          ^^^^^ warning: stores "jwt.sign({ jti }, key)" there
  await prisma.passkeyChallenge.create({ data: { token: randomBytes(32).toString('hex') } });
//                                               ^^^^^ warning: "PasskeyChallenge.token"
  await prisma.certificate.create({ data: { qrToken: randomUUID(), shareToken: nanoid(), token: accessCode } });
//                                                                 ^^^^^^^^^^ warning: "Certificate.shareToken"
//                                                                                       ^^^^^ warning: "Certificate.token"
}
`);
  });
});
