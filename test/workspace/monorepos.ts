/**
 * Monorepos laid out the usual ways, as real files: a package-root schema with migrations beside
 * it, a prisma.config.ts with a schema folder and a custom migrations path and client output, an
 * app importing each through workspace packages, a path alias, a relative import of a generated
 * client, and a package re-exporting another's client.
 */
import { tempProject } from './tempProject';

export type WorkspaceKind = 'npm' | 'pnpm';

/** `@acme/db`: a schema at the package root (bracket-less `@@index(teamId)`), migrations beside it. */
const DB_SCHEMA = `generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Team {
  id    Int    @id
  users User[]
}

model User {
  id     Int    @id
  email  String
  teamId Int
  team   Team   @relation(fields: [teamId], references: [id], onDelete: Cascade)

  @@index(teamId)
}
`;

/** `@acme/billing`: a multi-file schema whose client goes to `packages/billing/generated`. */
const BILLING_MAIN = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
  output   = "../../generated"
}
`;

const BILLING_MODELS = `model Account {
  id       Int       @id
  invoices Invoice[]
}

model Invoice {
  id        Int     @id
  number    String
  accountId Int
  account   Account @relation(fields: [accountId], references: [id], onDelete: Cascade)

  @@index(fields: accountId)
}
`;

/** Relative paths of the app's code files, with the line (1-based) of their query and the model it reads. */
export const APP_QUERIES = {
  /** Imports `@acme/db` (the package's `main`). */
  'apps/web/src/users.ts': { line: 4, model: 'User', schema: 'packages/db/schema.prisma' },
  /** Imports `@acme/billing` (its `exports`), whose entry imports the generated client by relative path. */
  'apps/web/src/invoices.ts': { line: 4, model: 'Invoice', schema: 'packages/billing/prisma/schema' },
  /** Imports `@/lib/db`, a tsconfig path alias to a file that re-exports `@acme/db`. */
  'apps/web/src/teams.ts': { line: 4, model: 'User', schema: 'packages/db/schema.prisma' },
  /** Imports the custom `output` of the billing generator by relative path. */
  'apps/web/src/reports.ts': { line: 5, model: 'Invoice', schema: 'packages/billing/prisma/schema' },
  /** Imports `@acme/api`, a package that re-exports `@acme/db` (two hops). */
  'apps/web/src/members.ts': { line: 4, model: 'User', schema: 'packages/db/schema.prisma' },
} as const;

export function acmeFiles(kind: WorkspaceKind): Record<string, string> {
  const workspaces = ['apps/*', 'packages/*'];
  return {
    'package.json': JSON.stringify({ name: 'acme', private: true, ...(kind === 'npm' ? { workspaces } : {}), devDependencies: { prisma: '6.0.0' } }),
    ...(kind === 'pnpm' ? { 'pnpm-workspace.yaml': `packages:\n  - 'apps/*'\n  - "packages/*" # every package\n` } : {}),
    'tsconfig.base.json': `{\n  // Shared options\n  "compilerOptions": { "strict": true, },\n}\n`,

    'packages/db/package.json': JSON.stringify({ name: '@acme/db', main: 'index.ts' }),
    'packages/db/schema.prisma': DB_SCHEMA,
    'packages/db/migrations/20240101000000_init/migration.sql': 'ALTER TABLE "User" ADD COLUMN "age" INTEGER NOT NULL;\n',
    'packages/db/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    'packages/db/index.ts': `import { PrismaClient } from '@prisma/client';\n\nexport const db = new PrismaClient();\n`,

    'packages/billing/package.json': JSON.stringify({ name: '@acme/billing', exports: { '.': { types: './src/index.ts', default: './dist/index.js' } } }),
    'packages/billing/prisma.config.ts': `import path from 'node:path';\nimport { defineConfig } from 'prisma/config';\n\nexport default defineConfig({\n  schema: path.join('prisma', 'schema'),\n  migrations: { path: 'sql-migrations' },\n});\n`,
    'packages/billing/prisma/schema/main.prisma': BILLING_MAIN,
    'packages/billing/prisma/schema/billing.prisma': BILLING_MODELS,
    'packages/billing/sql-migrations/20240101000000_init/migration.sql': 'CREATE INDEX "Invoice_number_idx" ON "Invoice"("number");\n',
    'packages/billing/src/index.ts': `import { PrismaClient } from '../generated';\n\nexport const billingDb = new PrismaClient();\n`,

    'packages/api/package.json': JSON.stringify({ name: '@acme/api', main: 'src/index.ts' }),
    'packages/api/src/index.ts': `export { db } from '@acme/db';\n`,

    'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { '@acme/db': 'workspace:*', '@acme/billing': 'workspace:*', '@acme/api': 'workspace:*' } }),
    'apps/web/tsconfig.json': `{\n  "extends": "../../tsconfig.base.json",\n  /* the app's own aliases */\n  "compilerOptions": {\n    "paths": { "@/*": ["./src/*"] },\n  },\n}\n`,
    'apps/web/src/lib/db.ts': `export { db } from '@acme/db';\n`,
    'apps/web/src/users.ts': `import { db } from '@acme/db';\n\nexport async function byEmail(email: string) {\n  return db.user.findMany({ where: { email } });\n}\n`,
    'apps/web/src/invoices.ts': `import { billingDb } from '@acme/billing';\n\nexport async function byNumber(number: string) {\n  return billingDb.invoice.findMany({ where: { number } });\n}\n`,
    'apps/web/src/teams.ts': `import { db } from '@/lib/db';\n\nexport async function teammates(email: string) {\n  return db.user.findMany({ where: { email } });\n}\n`,
    'apps/web/src/reports.ts': `import { PrismaClient } from '../../../packages/billing/generated';\n\nconst billing = new PrismaClient();\nexport async function invoice(number: string) {\n  return billing.invoice.findFirst({ where: { number } });\n}\n`,
    'apps/web/src/members.ts': `import { db } from '@acme/api';\n\nexport async function members(email: string) {\n  return db.user.findMany({ where: { email } });\n}\n`,
  };
}

/** The acme monorepo in a temp folder (npm/yarn `workspaces` or pnpm-workspace.yaml). */
export function acmeMonorepo(kind: WorkspaceKind): Promise<string> {
  return tempProject(acmeFiles(kind));
}

/**
 * Two projects in one repository: `shop` at the root (its schema at prisma/schema.prisma, so every
 * app folder is inside it) and `@two/ledger` in a package; the app imports the ledger's client.
 */
export function twoProjects(): Promise<string> {
  return tempProject({
    'package.json': JSON.stringify({ name: 'shop', private: true, workspaces: ['apps/*', 'packages/*'] }),
    'prisma/schema.prisma': `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Category {\n  id       Int       @id\n  products Product[]\n}\n\nmodel Product {\n  id         Int      @id\n  name       String\n  categoryId Int\n  category   Category @relation(fields: [categoryId], references: [id], onDelete: Cascade)\n\n  @@index([categoryId])\n}\n`,
    'packages/ledger/package.json': JSON.stringify({ name: '@two/ledger', main: 'src/client.ts' }),
    'packages/ledger/prisma/schema.prisma': `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Book {\n  id      Int     @id\n  entries Entry[]\n}\n\nmodel Entry {\n  id     Int    @id\n  amount Int\n  memo   String\n  bookId Int\n  book   Book   @relation(fields: [bookId], references: [id], onDelete: Cascade)\n\n  @@index([bookId])\n}\n`,
    'packages/ledger/src/client.ts': `import { PrismaClient } from '@prisma/client';\n\nexport const ledgerDb = new PrismaClient();\n`,
    'apps/books/package.json': JSON.stringify({ name: 'books' }),
    'apps/books/src/entries.ts': `import { ledgerDb } from '@two/ledger';\n\nexport async function byMemo(memo: string) {\n  return ledgerDb.entry.findMany({ where: { memo } });\n}\n`,
    'apps/books/src/products.ts': `import { PrismaClient } from '@prisma/client';\n\nconst prisma = new PrismaClient();\nexport const byName = (name: string) => prisma.product.findMany({ where: { name } });\n`,
  });
}
