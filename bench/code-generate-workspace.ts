/**
 * Generates a deterministic TypeScript workspace for the code benchmarks: a Prisma schema and
 * thousands of files of about 200 lines (Next.js-style route handlers, NestJS-style services and
 * background jobs) that query it, with loops everywhere and an N+1 query in some of them. The
 * generator knows where every N+1 query is, so a benchmark can check that the analysis it times
 * really found them.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GeneratedSite {
  /** Path relative to the workspace root, with `/` separators. */
  path: string;
  /** 0-based line and character of the reported expression (the query's callee, or the helper call). */
  line: number;
  character: number;
  /** The reported text, e.g. `prisma.user.findFirst` or `loadOwner1`. */
  text: string;
}

export interface GeneratedFile {
  path: string;
  text: string;
  kind: FileKind;
  /** The N+1 sites of this file, as `n-plus-one` is expected to report them. */
  nPlusOne: GeneratedSite[];
}

export interface GeneratedWorkspace {
  schemaPath: string;
  schema: string;
  files: GeneratedFile[];
  stats: WorkspaceStats;
}

export interface WorkspaceStats {
  files: number;
  lines: number;
  bytes: number;
  /** Prisma Client calls written by the generator (every `<client>.<model>.<operation>(` call). */
  queryCalls: number;
  /** `for`/`while` statements and array-callback loops (`map`, `forEach`, …) written by the generator. */
  loops: number;
  nPlusOneSites: number;
  filesWithNPlusOne: number;
}

export type FileKind = 'route' | 'service' | 'job';

/** mulberry32: small, fast and deterministic, so that every run benchmarks the same files. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const WORKSPACE_SCHEMA = `// Generated for the Prisma Lens code benchmark: a project tracker with a shop.
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

model User {
  id            Int            @id @default(autoincrement())
  email         String         @unique
  name          String?
  teamId        Int?
  team          Team?          @relation(fields: [teamId], references: [id])
  createdAt     DateTime       @default(now())
  orders        Order[]
  tasks         Task[]
  comments      Comment[]
  notifications Notification[]
  memberships   Membership[]

  @@index([teamId])
}

model Team {
  id          Int          @id @default(autoincrement())
  name        String
  slug        String       @unique
  users       User[]
  projects    Project[]
  memberships Membership[]
}

model Membership {
  id     Int    @id @default(autoincrement())
  userId Int
  teamId Int
  role   String
  user   User   @relation(fields: [userId], references: [id])
  team   Team   @relation(fields: [teamId], references: [id])

  @@unique([userId, teamId])
  @@index([teamId])
}

model Project {
  id     Int    @id @default(autoincrement())
  name   String
  status String
  teamId Int
  team   Team   @relation(fields: [teamId], references: [id])
  tasks  Task[]

  @@index([teamId])
}

model Task {
  id         Int       @id @default(autoincrement())
  title      String
  status     String
  dueAt      DateTime?
  projectId  Int
  assigneeId Int?
  project    Project   @relation(fields: [projectId], references: [id])
  assignee   User?     @relation(fields: [assigneeId], references: [id])
  comments   Comment[]

  @@index([projectId])
  @@index([assigneeId])
}

model Comment {
  id        Int      @id @default(autoincrement())
  body      String
  createdAt DateTime @default(now())
  taskId    Int
  authorId  Int
  task      Task     @relation(fields: [taskId], references: [id])
  author    User     @relation(fields: [authorId], references: [id])

  @@index([taskId])
  @@index([authorId])
}

model Product {
  id         Int         @id @default(autoincrement())
  sku        String      @unique
  name       String
  priceCents Int
  stock      Int
  items      OrderItem[]
}

model Order {
  id         Int         @id @default(autoincrement())
  status     String
  totalCents Int
  createdAt  DateTime    @default(now())
  customerId Int
  customer   User        @relation(fields: [customerId], references: [id])
  items      OrderItem[]
  invoices   Invoice[]

  @@index([customerId])
}

model OrderItem {
  id         Int     @id @default(autoincrement())
  quantity   Int
  priceCents Int
  orderId    Int
  productId  Int
  order      Order   @relation(fields: [orderId], references: [id])
  product    Product @relation(fields: [productId], references: [id])

  @@index([orderId])
  @@index([productId])
}

model Invoice {
  id          Int       @id @default(autoincrement())
  number      String    @unique
  amountCents Int
  status      String
  orderId     Int
  order       Order     @relation(fields: [orderId], references: [id])
  payments    Payment[]

  @@index([orderId])
}

model Payment {
  id          Int     @id @default(autoincrement())
  amountCents Int
  provider    String
  externalId  String  @unique
  invoiceId   Int
  invoice     Invoice @relation(fields: [invoiceId], references: [id])

  @@index([invoiceId])
}

model Notification {
  id     Int       @id @default(autoincrement())
  kind   String
  readAt DateTime?
  userId Int
  user   User      @relation(fields: [userId], references: [id])

  @@index([userId])
}

model AuditLog {
  id        Int      @id @default(autoincrement())
  action    String
  entity    String
  entityId  Int
  actorId   Int?
  createdAt DateTime @default(now())

  @@index([entity, entityId])
}
`;

/** A one-to-many relation of the schema, as the templates use it. */
interface Relation {
  parent: string;
  child: string;
  /** The child's foreign key. */
  fk: string;
  /** The parent's list field. */
  list: string;
  /** A string field of the child, for `select` and `data`. */
  label: string;
}

const RELATIONS: Relation[] = [
  { parent: 'user', child: 'order', fk: 'customerId', list: 'orders', label: 'status' },
  { parent: 'user', child: 'task', fk: 'assigneeId', list: 'tasks', label: 'title' },
  { parent: 'user', child: 'comment', fk: 'authorId', list: 'comments', label: 'body' },
  { parent: 'user', child: 'notification', fk: 'userId', list: 'notifications', label: 'kind' },
  { parent: 'team', child: 'project', fk: 'teamId', list: 'projects', label: 'name' },
  { parent: 'team', child: 'membership', fk: 'teamId', list: 'memberships', label: 'role' },
  { parent: 'project', child: 'task', fk: 'projectId', list: 'tasks', label: 'title' },
  { parent: 'task', child: 'comment', fk: 'taskId', list: 'comments', label: 'body' },
  { parent: 'order', child: 'orderItem', fk: 'orderId', list: 'items', label: 'quantity' },
  { parent: 'order', child: 'invoice', fk: 'orderId', list: 'invoices', label: 'number' },
  { parent: 'invoice', child: 'payment', fk: 'invoiceId', list: 'payments', label: 'provider' },
  { parent: 'product', child: 'orderItem', fk: 'productId', list: 'items', label: 'priceCents' },
];

const DOMAINS = ['billing', 'teams', 'projects', 'tasks', 'orders', 'catalog', 'invoices', 'payments', 'notifications', 'reports', 'accounts', 'audit'];

const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);

/** One generated function (or method): its lines and where, within them, the N+1 sites are. */
interface Piece {
  lines: string[];
  sites: { line: number; text: string }[];
}

/** What a template needs to know about the file it writes into. */
interface Scope {
  /** The client expression: `prisma`, `db` or `this.prisma`. */
  client: string;
  kind: FileKind;
  /** A unique suffix for names within the file. */
  id: number;
  rng: () => number;
}

/** `export async function name(params): Promise<T> {` in modules, `async name(params): Promise<T> {` in classes. */
function open(scope: Scope, name: string, params: string, returns: string): string {
  return scope.kind === 'service' ? `async ${name}(${params}): Promise<${returns}> {` : `export async function ${name}(${params}): Promise<${returns}> {`;
}

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Builds a piece from lines in which `@@` marks each N+1 site's first character (the marker is removed). */
function piece(lines: string[], siteTexts: string[] = []): Piece {
  const sites: Piece['sites'] = [];
  const clean = lines.map((line, index) => {
    if (!line.includes('@@')) return line;
    sites.push({ line: index, text: siteTexts[sites.length]! });
    return line.replace('@@', '');
  });
  if (sites.length !== siteTexts.length) throw new Error(`template marks ${sites.length} sites for ${siteTexts.length} texts`);
  return { lines: clean, sites };
}

type Template = (scope: Scope) => Piece;

// ——— N+1 templates: each reports exactly the sites marked with @@. ———

const forOfFindFirst: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `latest${pascal(relation.child)}Per${pascal(relation.parent)}${scope.id}`;
  const callee = `${scope.client}.${relation.child}.findFirst`;
  return piece(
    [
      `/** The latest ${relation.child} of each ${relation.parent}, for the overview page. */`,
      open(scope, name, `${relation.parent}Ids: number[]`, `Map<number, unknown>`),
      `  const latest = new Map<number, unknown>();`,
      `  for (const ${relation.parent}Id of ${relation.parent}Ids) {`,
      `    const row = await @@${callee}({`,
      `      where: { ${relation.fk}: ${relation.parent}Id },`,
      `      orderBy: { id: 'desc' },`,
      `    });`,
      `    if (row) latest.set(${relation.parent}Id, row);`,
      `  }`,
      `  return latest;`,
      `}`,
    ],
    [callee],
  );
};

const promiseAllMapCount: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `count${pascal(relation.list)}${scope.id}`;
  const callee = `${scope.client}.${relation.child}.count`;
  return piece(
    [
      `/** How many ${relation.list} each ${relation.parent} has, shown as badges. */`,
      open(scope, name, `${relation.parent}s: { id: number; name?: string | null }[]`, `{ id: number; count: number }[]`),
      `  return Promise.all(`,
      `    ${relation.parent}s.map(async (${relation.parent}) => ({`,
      `      id: ${relation.parent}.id,`,
      `      count: await @@${callee}({ where: { ${relation.fk}: ${relation.parent}.id } }),`,
      `    })),`,
      `  );`,
      `}`,
    ],
    [callee],
  );
};

const forEachCreate: Template = (scope) => {
  const name = `recordEvents${scope.id}`;
  const callee = `${scope.client}.auditLog.create`;
  return piece(
    [
      `/** Writes one audit entry per changed entity. */`,
      open(scope, name, `actorId: number, changes: { entity: string; entityId: number; action: string }[]`, `void`),
      `  const writes: Promise<unknown>[] = [];`,
      `  changes.forEach((change) => {`,
      `    writes.push(`,
      `      @@${callee}({`,
      `        data: { actorId, entity: change.entity, entityId: change.entityId, action: change.action },`,
      `      }),`,
      `    );`,
      `  });`,
      `  await Promise.all(writes);`,
      `}`,
    ],
    [callee],
  );
};

const helperPerIteration: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const helper = `load${pascal(relation.parent)}Summary${scope.id}`;
  const name = `summarize${pascal(relation.parent)}s${scope.id}`;
  return piece(
    [
      `async function ${helper}(id: number) {`,
      `  const parent = await ${scope.client}.${relation.parent}.findUnique({ where: { id } });`,
      `  const ${relation.list} = await ${scope.client}.${relation.child}.findMany({ where: { ${relation.fk}: id }, take: 5 });`,
      `  return { parent, ${relation.list} };`,
      `}`,
      ``,
      `/** Summaries for the digest e-mail. */`,
      open(scope, name, `ids: number[]`, `unknown[]`),
      `  const summaries: unknown[] = [];`,
      `  for (const id of ids) {`,
      `    summaries.push(await @@${helper}(id));`,
      `  }`,
      `  return summaries;`,
      `}`,
    ],
    [helper],
  );
};

const indexLoopUpdate: Template = (scope) => {
  const name = `restock${scope.id}`;
  const callee = `${scope.client}.product.update`;
  return piece(
    [
      `/** Applies a delivery note: one stock change per line. */`,
      open(scope, name, `lines: { productId: number; quantity: number }[]`, `number`),
      `  let updated = 0;`,
      `  for (let i = 0; i < lines.length; i++) {`,
      `    const line = lines[i]!;`,
      `    if (line.quantity <= 0) continue;`,
      `    await @@${callee}({ where: { id: line.productId }, data: { stock: { increment: line.quantity } } });`,
      `    updated += 1;`,
      `  }`,
      `  return updated;`,
      `}`,
    ],
    [callee],
  );
};

const nestedLoops: Template = (scope) => {
  const name = `commentAuthors${scope.id}`;
  const callee = `${scope.client}.user.findUnique`;
  return piece(
    [
      `/** The authors of every comment of every task of a project. */`,
      open(scope, name, `projectId: number`, `Set<string>`),
      `  const tasks = await ${scope.client}.task.findMany({ where: { projectId }, include: { comments: true } });`,
      `  const authors = new Set<string>();`,
      `  for (const task of tasks) {`,
      `    for (const comment of task.comments) {`,
      `      const author = await @@${callee}({ where: { id: comment.authorId } });`,
      `      if (author?.name) authors.add(author.name);`,
      `    }`,
      `  }`,
      `  return authors;`,
      `}`,
    ],
    [callee],
  );
};

// ——— Templates that query without N+1, or loop without querying. ———

const includeThenLoop: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `${relation.parent}Report${scope.id}`;
  return piece([
    `/** One query with the ${relation.list} included, then plain loops over the result. */`,
    open(scope, name, `ids: number[]`, `{ id: number; size: number }[]`),
    `  const rows = await ${scope.client}.${relation.parent}.findMany({`,
    `    where: { id: { in: ids } },`,
    `    include: { ${relation.list}: true },`,
    `  });`,
    `  const report: { id: number; size: number }[] = [];`,
    `  for (const row of rows) {`,
    `    let size = 0;`,
    `    for (const child of row.${relation.list}) {`,
    `      if (child.${relation.label} !== null) size += 1;`,
    `    }`,
    `    report.push({ id: row.id, size });`,
    `  }`,
    `  return report.sort((a, b) => b.size - a.size);`,
    `}`,
  ]);
};

const mapLookup: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `attach${pascal(relation.parent)}${scope.id}`;
  return piece([
    `/** Loads every ${relation.parent} at once and joins them in memory. */`,
    open(scope, name, `rows: { ${relation.fk}: number | null }[]`, `unknown[]`),
    `  const ids = [...new Set(rows.flatMap((row) => (row.${relation.fk} === null ? [] : [row.${relation.fk}])))];`,
    `  const parents = await ${scope.client}.${relation.parent}.findMany({ where: { id: { in: ids } } });`,
    `  const byId = new Map(parents.map((parent) => [parent.id, parent]));`,
    `  return rows.map((row) => ({`,
    `    ...row,`,
    `    ${relation.parent}: row.${relation.fk} === null ? null : (byId.get(row.${relation.fk}) ?? null),`,
    `  }));`,
    `}`,
  ]);
};

const cursorPagination: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `export${pascal(relation.child)}s${scope.id}`;
  return piece([
    `/** Streams every ${relation.child} to the exporter, one page per query. */`,
    open(scope, name, `write: (rows: unknown[]) => Promise<void>`, `number`),
    `  let cursor: number | undefined;`,
    `  let total = 0;`,
    `  while (true) {`,
    `    const page = await ${scope.client}.${relation.child}.findMany({`,
    `      take: 500,`,
    `      ...(cursor === undefined ? {} : { skip: 1, cursor: { id: cursor } }),`,
    `      orderBy: { id: 'asc' },`,
    `    });`,
    `    if (page.length === 0) break;`,
    `    await write(page);`,
    `    total += page.length;`,
    `    cursor = page[page.length - 1]!.id;`,
    `  }`,
    `  return total;`,
    `}`,
  ]);
};

const batchedFindUnique: Template = (scope) => {
  const name = `usersById${scope.id}`;
  return piece([
    `/** Prisma Client batches these findUnique calls into one query (same tick, same where shape). */`,
    open(scope, name, `ids: number[]`, `unknown[]`),
    `  return Promise.all(ids.map((id) => ${scope.client}.user.findUnique({ where: { id } })));`,
    `}`,
  ]);
};

const transactionArray: Template = (scope) => {
  const name = `closeTasks${scope.id}`;
  return piece([
    `/** Every update in one \`$transaction([...])\`: one round trip. */`,
    open(scope, name, `taskIds: number[]`, `void`),
    `  const closing = taskIds.map((id) => ${scope.client}.task.update({ where: { id }, data: { status: 'done' } }));`,
    `  await ${scope.client}.$transaction(closing);`,
    `}`,
  ]);
};

const webhookLoop: Template = (scope) => {
  const name = `notifySubscribers${scope.id}`;
  return piece([
    `/** Calls each subscriber's webhook in turn: awaits in a loop, but no database query. */`,
    open(scope, name, `event: string, urls: string[]`, `number`),
    `  let delivered = 0;`,
    `  for (const url of urls) {`,
    `    const response = await fetch(url, { method: 'POST', body: JSON.stringify({ event }) });`,
    `    if (response.ok) delivered += 1;`,
    `  }`,
    `  return delivered;`,
    `}`,
  ]);
};

const retryLoop: Template = (scope) => {
  const name = `markPaid${scope.id}`;
  return piece([
    `/** Retries a serialization failure up to three times. */`,
    open(scope, name, `invoiceId: number`, `unknown`),
    `  for (let attempt = 1; ; attempt++) {`,
    `    try {`,
    `      return await ${scope.client}.invoice.update({ where: { id: invoiceId }, data: { status: 'paid' } });`,
    `    } catch (error) {`,
    `      if (attempt >= 3) throw error;`,
    `      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));`,
    `    }`,
    `  }`,
    `}`,
  ]);
};

const chunkedDelete: Template = (scope) => {
  const name = `purgeNotifications${scope.id}`;
  return piece([
    `/** Deletes in chunks of 1,000 ids: one statement per chunk, by design. */`,
    open(scope, name, `ids: number[]`, `number`),
    `  let deleted = 0;`,
    `  for (let start = 0; start < ids.length; start += 1000) {`,
    `    const chunk = ids.slice(start, start + 1000);`,
    `    const result = await ${scope.client}.notification.deleteMany({ where: { id: { in: chunk } } });`,
    `    deleted += result.count;`,
    `  }`,
    `  return deleted;`,
    `}`,
  ]);
};

const createManyAfterLoop: Template = (scope) => {
  const name = `notifyAll${scope.id}`;
  return piece([
    `/** Builds the rows in a loop, then writes them with one createMany. */`,
    open(scope, name, `userIds: number[], kind: string`, `number`),
    `  const data: { userId: number; kind: string }[] = [];`,
    `  for (const userId of userIds) {`,
    `    if (userId > 0) data.push({ userId, kind });`,
    `  }`,
    `  const created = await ${scope.client}.notification.createMany({ data, skipDuplicates: true });`,
    `  return created.count;`,
    `}`,
  ]);
};

const singleQueryHandler: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `get${pascal(relation.parent)}${scope.id}`;
  return piece([
    `/** One ${relation.parent} with a page of its ${relation.list}. */`,
    open(scope, name, `id: number`, `unknown`),
    `  if (!Number.isInteger(id) || id <= 0) throw new Error(\`invalid id: \${id}\`);`,
    `  const row = await ${scope.client}.${relation.parent}.findUnique({`,
    `    where: { id },`,
    `    include: { ${relation.list}: { take: 20, orderBy: { id: 'desc' } } },`,
    `  });`,
    `  if (!row) throw new Error('not found');`,
    `  return row;`,
    `}`,
  ]);
};

const repositoryFind: Template = (scope) => {
  const name = `pickDefaults${scope.id}`;
  return piece([
    `/** An in-memory list with a findMany method: not Prisma. */`,
    open(scope, name, `settings: { findMany: (key: string) => Promise<string[]> }, keys: string[]`, `string[]`),
    `  const values: string[] = [];`,
    `  for (const key of keys) {`,
    `    values.push(...(await settings.findMany(key)));`,
    `  }`,
    `  return values;`,
    `}`,
  ]);
};

/** Plain code: a sync function with loops, no queries. */
const pureTransform: Template = (scope) => {
  const name = `groupByStatus${scope.id}`;
  const body = [
    `/** Groups rows by status and totals their amounts. */`,
    scope.kind === 'service' ? `${name}(rows: { status: string; amountCents: number }[]): Record<string, number> {` : `export function ${name}(rows: { status: string; amountCents: number }[]): Record<string, number> {`,
    `  const totals: Record<string, number> = {};`,
    `  for (const row of rows) {`,
    `    totals[row.status] = (totals[row.status] ?? 0) + row.amountCents;`,
    `  }`,
    `  for (const key of Object.keys(totals)) {`,
    `    if (totals[key] === 0) delete totals[key];`,
    `  }`,
    `  return totals;`,
    `}`,
  ];
  return piece(body);
};

const pureValidate: Template = (scope) => {
  const name = `validateInput${scope.id}`;
  return piece([
    `/** Validates a request body by hand; returns the problems found. */`,
    scope.kind === 'service' ? `${name}(body: Record<string, unknown>): string[] {` : `export function ${name}(body: Record<string, unknown>): string[] {`,
    `  const problems: string[] = [];`,
    `  const required = ['name', 'email', 'teamId'];`,
    `  for (const key of required) {`,
    `    if (body[key] === undefined || body[key] === null) problems.push(\`\${key} is required\`);`,
    `  }`,
    `  if (typeof body.email === 'string' && !body.email.includes('@')) problems.push('email is invalid');`,
    `  const tags = Array.isArray(body.tags) ? body.tags : [];`,
    `  tags.filter((tag) => typeof tag !== 'string').forEach((tag) => problems.push(\`tag \${String(tag)} is not text\`));`,
    `  return problems;`,
    `}`,
  ]);
};

interface Weighted {
  template: Template;
  weight: number;
  /** Helpers need module scope; classes get none. */
  moduleOnly?: boolean;
}

/** About one function in sixty is an N+1: one file in five has one (a few have two), most have none. */
const TEMPLATES: Weighted[] = [
  { template: forOfFindFirst, weight: 0.6 },
  { template: promiseAllMapCount, weight: 0.4 },
  { template: forEachCreate, weight: 0.2 },
  { template: helperPerIteration, weight: 0.25, moduleOnly: true },
  { template: indexLoopUpdate, weight: 0.2 },
  { template: nestedLoops, weight: 0.2 },
  { template: includeThenLoop, weight: 10 },
  { template: mapLookup, weight: 10 },
  { template: cursorPagination, weight: 6 },
  { template: batchedFindUnique, weight: 5 },
  { template: transactionArray, weight: 4 },
  { template: webhookLoop, weight: 5 },
  { template: retryLoop, weight: 4 },
  { template: chunkedDelete, weight: 4 },
  { template: createManyAfterLoop, weight: 5 },
  { template: singleQueryHandler, weight: 12 },
  { template: repositoryFind, weight: 3 },
  { template: pureTransform, weight: 12 },
  { template: pureValidate, weight: 12 },
];

function chooseTemplate(rng: () => number, kind: FileKind): Template {
  const candidates = TEMPLATES.filter((entry) => kind !== 'service' || !entry.moduleOnly);
  const total = candidates.reduce((sum, entry) => sum + entry.weight, 0);
  let roll = rng() * total;
  for (const entry of candidates) {
    roll -= entry.weight;
    if (roll < 0) return entry.template;
  }
  return candidates[candidates.length - 1]!.template;
}

const TARGET_LINES = 200;

function header(kind: FileKind, domain: string, index: number): string[] {
  const shared = [
    `// ${domain}: generated module ${index} of the Prisma Lens code benchmark.`,
  ];
  if (kind === 'route') {
    return [
      ...shared,
      `import { NextResponse, type NextRequest } from 'next/server';`,
      `import { prisma } from '@/lib/prisma';`,
      ``,
      `export const dynamic = 'force-dynamic';`,
      ``,
      `export async function GET(request: NextRequest) {`,
      `  const id = Number(request.nextUrl.searchParams.get('id'));`,
      `  const row = await prisma.${pick(random(index), RELATIONS).parent}.findUnique({ where: { id } });`,
      `  return row ? NextResponse.json(row) : NextResponse.json({ error: 'not found' }, { status: 404 });`,
      `}`,
    ];
  }
  if (kind === 'job') {
    return [...shared, `import { db } from '../../lib/db';`, `import { logger } from '../../lib/logger';`, ``, `export const schedule = '*/15 * * * *';`];
  }
  return [
    ...shared,
    `import { Injectable } from '@nestjs/common';`,
    `import { PrismaService } from '../../prisma/prisma.service';`,
  ];
}

/** One file of about 200 lines. */
function generateFile(index: number): GeneratedFile {
  const rng = random(0x5eed + index * 7919);
  const kind: FileKind = index % 10 < 4 ? 'route' : index % 10 < 7 ? 'service' : 'job';
  const domain = DOMAINS[index % DOMAINS.length]!;
  const folder = Math.floor(index / DOMAINS.length) % 40;
  const path =
    kind === 'route'
      ? `src/app/api/${domain}/r${folder}/m${index}/route.ts`
      : kind === 'service'
        ? `src/services/${domain}/s${folder}/${domain}-${index}.service.ts`
        : `src/jobs/${domain}/j${folder}/${domain}-${index}.job.ts`;
  const client = kind === 'route' ? 'prisma' : kind === 'service' ? 'this.prisma' : 'db';
  const lines = header(kind, domain, index);
  const indent = kind === 'service' ? '  ' : '';
  if (kind === 'service') {
    lines.push(``, `@Injectable()`, `export class ${pascal(domain)}Service${index} {`, `  constructor(private readonly prisma: PrismaService) {}`);
  }
  const sites: GeneratedSite[] = [];
  let id = 1;
  // Stop one template short of the target, so that files end near 200 lines rather than past it.
  while (lines.length < TARGET_LINES - 14) {
    const generated = chooseTemplate(rng, kind)({ client, kind, id: id++, rng });
    lines.push('');
    const start = lines.length;
    for (const line of generated.lines) lines.push(line === '' ? '' : indent + line);
    for (const site of generated.sites) {
      const text = lines[start + site.line]!;
      sites.push({ path, line: start + site.line, character: text.indexOf(site.text), text: site.text });
    }
    if (kind === 'job' && id % 3 === 0) lines.push(``, `logger.debug('${domain} step ${id} registered');`);
  }
  if (kind === 'service') lines.push('}');
  lines.push('');
  return { path, text: lines.join('\n'), kind, nPlusOne: sites };
}

/** The whole workspace in memory: the schema and `fileCount` code files. */
export function generateWorkspace(fileCount: number): GeneratedWorkspace {
  const files = Array.from({ length: fileCount }, (_, index) => generateFile(index));
  const support: GeneratedFile[] = [
    { path: 'src/lib/prisma.ts', kind: 'route', nPlusOne: [], text: `import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n` },
    { path: 'src/lib/db.ts', kind: 'job', nPlusOne: [], text: `export { prisma as db } from './prisma';\n` },
    { path: 'src/lib/logger.ts', kind: 'job', nPlusOne: [], text: `export const logger = { debug: (message: string) => void message };\n` },
    {
      path: 'src/prisma/prisma.service.ts',
      kind: 'service',
      nPlusOne: [],
      text: `import { Injectable } from '@nestjs/common';\nimport { PrismaClient } from '@prisma/client';\n\n@Injectable()\nexport class PrismaService extends PrismaClient {}\n`,
    },
  ];
  const all = [...support, ...files];
  const stats: WorkspaceStats = {
    files: all.length,
    lines: all.reduce((sum, file) => sum + file.text.split('\n').length - 1, 0),
    bytes: all.reduce((sum, file) => sum + Buffer.byteLength(file.text), 0),
    queryCalls: all.reduce((sum, file) => sum + (file.text.match(/\b(?:prisma|db|this\.prisma)\.[a-z][A-Za-z]*\.[a-zA-Z]+\(/g)?.length ?? 0), 0),
    loops: all.reduce((sum, file) => sum + (file.text.match(/\b(?:for|while) \(|\.(?:map|forEach|flatMap|filter|reduce)\(/g)?.length ?? 0), 0),
    nPlusOneSites: all.reduce((sum, file) => sum + file.nPlusOne.length, 0),
    filesWithNPlusOne: all.filter((file) => file.nPlusOne.length > 0).length,
  };
  return { schemaPath: 'prisma/schema.prisma', schema: WORKSPACE_SCHEMA, files: all, stats };
}

/** Writes the workspace under `root` (emptied first): package.json, the schema and the code files. */
export function writeWorkspace(root: string, workspace: GeneratedWorkspace): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const write = (path: string, text: string) => {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  };
  write('package.json', `${JSON.stringify({ name: 'generated-bench-workspace', private: true, dependencies: { '@prisma/client': '7.10.0', next: '15.0.0', '@nestjs/common': '11.0.0' } }, null, 2)}\n`);
  write('.gitignore', 'node_modules\n.next\ndist\n');
  write(workspace.schemaPath, workspace.schema);
  for (const file of workspace.files) write(file.path, file.text);
}

if (require.main === module) {
  const count = Number(process.argv[2] ?? 5000);
  const root = process.argv[3];
  const workspace = generateWorkspace(count);
  if (root) writeWorkspace(root, workspace);
  console.log(JSON.stringify(workspace.stats, null, 2));
}
