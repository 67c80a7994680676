/**
 * changing-column-type with the migration history: the old type, declared by earlier migrations,
 * tells a change PostgreSQL makes in its catalog alone from one that rewrites the table.
 */
import { before, describe, it } from 'node:test';
import changingColumnType from '../../../server/src/analysis/rules/changing-column-type';
import { check } from '../../support/fixture';
import { parserReady } from './support';

before(parserReady);

describe('changing-column-type: the old type from the history', () => {
  it('is quiet on changes PostgreSQL makes in its catalog alone, the old types declared by the history', () => {
    check(changingColumnType, `
//- prisma/migrations/20250101000000_init/migration.sql
CREATE TABLE "Tenant" ("id" TEXT NOT NULL, "slug" VARCHAR(64) NOT NULL, "bio" VARCHAR(1000), "notes" TEXT, "price" DECIMAL(10,2), "seenAt" TIMESTAMP(3), "code" VARCHAR(32));
//- prisma/migrations/20250201000000_change/migration.sql
ALTER TABLE "Tenant" ALTER COLUMN "slug" SET DATA TYPE VARCHAR(256);
                   --~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: a longer limit
ALTER TABLE "Tenant" ALTER COLUMN "bio" SET DATA TYPE TEXT;
                   --~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: VARCHAR to TEXT is binary-coercible
ALTER TABLE "Tenant" ALTER COLUMN "notes" SET DATA TYPE VARCHAR;
                   --~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: TEXT to VARCHAR without a limit
ALTER TABLE "Tenant" ALTER COLUMN "price" SET DATA TYPE DECIMAL(14,2);
                   --~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: a wider precision, the same scale
ALTER TABLE "Tenant" ALTER COLUMN "seenAt" SET DATA TYPE TIMESTAMP(6);
                   --~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: a finer precision
ALTER TABLE "Tenant" ALTER COLUMN "code" SET DATA TYPE VARCHAR;
                   --~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: the limit removed
`);
  });

  it('reports the changes that rewrite the table or check every row', () => {
    check(changingColumnType, `
//- prisma/migrations/20250101000000_init/migration.sql
CREATE TABLE "Tenant" ("id" TEXT NOT NULL, "slug" VARCHAR(64) NOT NULL, "bio" VARCHAR(1000), "notes" TEXT, "price" DECIMAL(10,2), "seenAt" TIMESTAMP(3), "code" VARCHAR(32));
//- prisma/migrations/20250201000000_change/migration.sql
ALTER TABLE "Tenant" ALTER COLUMN "slug" SET DATA TYPE VARCHAR(16);
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Tenant" wait while changing "slug" to VARCHAR(16)
ALTER TABLE "Tenant" ALTER COLUMN "code" SET DATA TYPE INTEGER USING "code"::integer;
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Tenant" wait while changing "code" to INTEGER
ALTER TABLE "Tenant" ALTER COLUMN "notes" SET DATA TYPE VARCHAR(100);
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Tenant" wait while changing "notes" to VARCHAR(100)
ALTER TABLE "Tenant" ALTER COLUMN "price" SET DATA TYPE DECIMAL(12,4);
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Tenant" wait while changing "price" to DECIMAL(12,4)
ALTER TABLE "Tenant" ALTER COLUMN "seenAt" SET DATA TYPE TIMESTAMPTZ(3);
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Tenant" wait while changing "seenAt" to TIMESTAMPTZ(3)
`);
  });

  it('reports VARCHAR to INTEGER, and a longer VARCHAR converted with USING', () => {
    check(changingColumnType, `
//- prisma/migrations/20250101000000_init/migration.sql
CREATE TABLE "Tenant" ("id" TEXT NOT NULL, "slug" VARCHAR(64) NOT NULL, "code" VARCHAR(32), "label" VARCHAR(40));
//- prisma/migrations/20250201000000_change/migration.sql
ALTER TABLE "Tenant" ALTER COLUMN "code" SET DATA TYPE INTEGER;
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Tenant" wait while changing "code" to INTEGER
ALTER TABLE "Tenant" ALTER COLUMN "slug" SET DATA TYPE VARCHAR(256) USING lower("slug");
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Tenant" wait while changing "slug" to VARCHAR(256)
`);
  });

  it('follows the history through renames and takes its latest declaration', () => {
    check(changingColumnType, `
//- prisma/migrations/20250101000000_init/migration.sql
CREATE TABLE "Team" ("id" TEXT NOT NULL, "name" VARCHAR(64) NOT NULL, "motto" VARCHAR(64));
//- prisma/migrations/20250115000000_rename/migration.sql
ALTER TABLE "Team" RENAME COLUMN "name" TO "title";
ALTER TABLE "Team" RENAME TO "Squad";
ALTER TABLE "Squad" ALTER COLUMN "motto" SET DATA TYPE TEXT;
//- prisma/migrations/20250201000000_change/migration.sql
ALTER TABLE "Squad" ALTER COLUMN "title" SET DATA TYPE VARCHAR(128);
                  --~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~ ok: declared VARCHAR(64) as "Team"."name"
ALTER TABLE "Squad" ALTER COLUMN "motto" SET DATA TYPE VARCHAR(128);
                  --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Squad" wait while changing "motto" to VARCHAR(128)
`);
  });

  it('reports a longer VARCHAR when no earlier migration declares the column', () => {
    check(changingColumnType, `
//- prisma/migrations/20250101000000_init/migration.sql
CREATE TABLE "Other" ("id" TEXT NOT NULL, "slug" VARCHAR(64) NOT NULL);
//- prisma/migrations/20250201000000_change/migration.sql
ALTER TABLE "Tenant" ALTER COLUMN "slug" SET DATA TYPE VARCHAR(256);
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: may rewrite it and all its indexes
`);
  });
});
