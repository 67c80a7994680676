/**
 * Generates a deterministic TypeScript workspace for the code benchmarks: a Prisma schema and
 * thousands of files of about 200 lines (Next.js-style route handlers, NestJS-style services and
 * background jobs) that query it, with loops everywhere and an N+1 query in some of them. The
 * generator knows where every N+1 query is, so a benchmark can check that the analysis it times
 * really found them.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chooseTemplate, DOMAINS, pascal, pick, RELATIONS } from './code-templates';

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
