/** Marker tests for prisma-client-per-call: clients created per call or iteration, and the singletons that are fine. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/prisma-client-per-call';
import { check } from '../support/fixture';

describe('prisma-client-per-call', () => {
  it('flags clients created in handlers, functions, methods, loops and per-call factories', () => {
    check(rule, `
//- src/routes.ts
import { PrismaClient } from '@prisma/client';
export async function GET() {
  const prisma = new PrismaClient();
//               ^^^^^^^^^^^^^^^^ warning: a "PrismaClient" is created on every call of "GET"
  return Response.json(await prisma.user.findMany({ take: 10 }));
}
app.get('/users', async (req, res) => {
  const db = new PrismaClient({ log: ['query'] });
//           ^^^^^^^^^^^^^^^^ warning: on every call of the function around it
  res.json(await db.user.findMany());
});
class UserService {
  async load(id: number) {
    const client = new PrismaClient();
//                 ^^^^^^^^^^^^^^^^ warning: on every call of "load"
    return client.user.findUnique({ where: { id } });
  }
}
for (const tenant of tenants) {
  const client = new PrismaClient({ datasourceUrl: tenant.url });
//               ^^^^^^^^^^^^^^^^ warning: in every iteration of a loop
  await client.user.count();
}
function makeClient() {
  return new PrismaClient();
//       ^^^^^^^^^^^^^^^^ warning: by "makeClient()" on every call of "handle"
}
export async function handle() {
  const prisma = makeClient();
  return prisma.post.findMany();
}
`);
  });

  it('leaves alone module-level clients, singletons, the globalThis pattern, scripts and test hooks', () => {
    check(rule, `
//- src/db.ts
import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
const createPrismaClient = () => new PrismaClient({ log: ['error'] });
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };
export const db = globalForPrisma.prisma ?? createPrismaClient();
let client: PrismaClient | undefined;
export function getClient() {
  if (!client) client = new PrismaClient();
  return client;
}
export function getLazy() {
  globalThis.lazy ??= new PrismaClient();
  return globalThis.lazy;
}
async function main() {
  const seedClient = new PrismaClient();
  await seedClient.user.create({ data: {} });
}
main();
let testClient: PrismaClient;
beforeAll(() => {
  testClient = new PrismaClient();
});
class PrismaService extends PrismaClient {
  constructor() {
    super();
  }
}
class Holder {
  constructor() {
    this.client = new PrismaClient();
  }
}
const cache = new Map();
`);
  });

  it('leaves alone short-lived clients closed in the same function, outer caches and data migrations', () => {
    check(rule, `
//- src/maintenance.ts
import { PrismaClient } from '@prisma/client';
export async function dropTenantDatabase(adminUrl: string, name: string) {
  const admin = new PrismaClient({ datasourceUrl: adminUrl });
  try {
    await admin.$executeRawUnsafe('DROP DATABASE IF EXISTS tenant');
  } finally {
    await admin.$disconnect();
  }
}
export async function copyToReplica(url: string) {
  const replica = new PrismaClient({ datasources: { db: { url } } });
  await replica.user.count().finally(() => replica.$disconnect());
}
export const fixtures = {
  prisma14: async ({ uri }: { uri: string }, use: (client: PrismaClient) => Promise<void>) => {
    const prisma = new PrismaClient({ datasources: { db: { url: uri } } });
    try {
      await use(prisma);
    } finally {
      await prisma.$disconnect();
    }
  },
};
const tenantClients = new Map<string, PrismaClient>();
export function clientFor(url: string) {
  const existing = tenantClients.get(url);
  if (existing) return existing;
  const created = new PrismaClient({ datasourceUrl: url });
  tenantClients.set(url, created);
  return created;
}
//- prisma/migrations/20240101000000_backfill/migration.ts
import { PrismaClient } from './client';
export default async () => {
  const client = new PrismaClient();
  await client.$transaction(async (tx) => tx.asset.findMany());
};
`);
  });

  it('still flags per-call clients that are not closed, closed on another client, or outside a migration', () => {
    check(rule, `
//- src/routes.ts
import { PrismaClient } from '@prisma/client';
export async function GET(request: Request) {
  const reports = new PrismaClient({ datasourceUrl: process.env.REPORTS_URL });
//                ^^^^^^^^^^^^^^^^ warning: a "PrismaClient" is created on every call of "GET"
  try {
    return Response.json(await reports.report.findMany({ take: 10 }));
  } finally {
    await prisma.$disconnect();
  }
}
export default async function handler() {
  const db = new PrismaClient();
//           ^^^^^^^^^^^^^^^^ warning: on every call of "handler"
  return db.user.count();
}
`);
  });
});
