/**
 * Marker tests for migration shapes found in real projects: type changes written over several
 * lines, Prisma's enum swap, a backfill between ADD COLUMN and SET NOT NULL, and a column renamed
 * after it was added in the same migration.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import addingFieldWithDefault from '../../../server/src/analysis/rules/adding-field-with-default';
import addingNotNullableField from '../../../server/src/analysis/rules/adding-not-nullable-field';
import addingRequiredField from '../../../server/src/analysis/rules/adding-required-field';
import changingColumnType from '../../../server/src/analysis/rules/changing-column-type';
import dataChangeInMigration from '../../../server/src/analysis/rules/data-change-in-migration';
import renamingColumn from '../../../server/src/analysis/rules/renaming-column';
import { check } from '../../support/fixture';
import { MIGRATION, parserReady } from './support';

before(parserReady);

describe('changing-column-type written over several lines', () => {
  it('names the type when USING is on the next line, or the type itself is', () => {
    check(changingColumnType, `
${MIGRATION}
ALTER TABLE "Order" ALTER COLUMN "total" TYPE INTEGER
                  --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Order" wait while changing "total" to INTEGER
  USING "total"::integer;
ALTER TABLE "Invoice"
  ALTER COLUMN "amount" SET DATA TYPE
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Invoice" wait while changing "amount" to DECIMAL(12, 2)
    DECIMAL(12, 2);
`);
  });

  it('gives each ALTER COLUMN of one statement its own type and line, comments left out', () => {
    check(changingColumnType, `
${MIGRATION}
ALTER TABLE "Task"
  -- widen the type of the counters
  ALTER COLUMN "estimate" SET DATA TYPE BIGINT,
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Task" wait while changing "estimate" to BIGINT
  ALTER COLUMN "spent" TYPE DECIMAL(12, 2) USING ("spent"::numeric),
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Task" wait while changing "spent" to DECIMAL(12, 2)
  ALTER COLUMN "title" TYPE VARCHAR(200), -- was TEXT, type shortened
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Task" wait while changing "title" to VARCHAR(200)
  ALTER COLUMN "note" SET DEFAULT '';
`);
  });

  it('points at the TYPE clause when the statement alters the same column twice', () => {
    check(changingColumnType, `
${MIGRATION}
ALTER TABLE "User"
  ALTER COLUMN "lastSeen" DROP DEFAULT,
  ALTER COLUMN "lastSeen"
--^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "User" wait while changing "lastSeen" to TIMESTAMPTZ(3)
    TYPE TIMESTAMPTZ(3) USING "lastSeen" AT TIME ZONE 'UTC';
`);
  });
});

describe('changing-column-type on the enum swap Prisma generates when a value is removed', () => {
  it('says the swap rewrites each table and fails on rows holding the value, and advises keeping it', () => {
    const findings = check(changingColumnType, `
${MIGRATION}
-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
                 --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "User" wait while removing a value from enum "Role" rewrites it; it fails if a row holds that value.
ALTER TABLE "Invite" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
                   --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Invite" wait while removing a value from enum "Role"
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT 'USER';
COMMIT;
`);
    assert.ok(findings.every((finding) => finding.help.startsWith('Keep the value in "Role"')));
  });

  it('recognises the older shape (rename the old enum first) with schema-qualified names over several lines', () => {
    check(changingColumnType, `
${MIGRATION}
ALTER TYPE "public"."Status" RENAME TO "Status_old";
CREATE TYPE "public"."Status" AS ENUM ('DRAFT', 'LIVE');
ALTER TABLE "public"."Post"
  ALTER COLUMN "status" TYPE "public"."Status"
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Post" wait while removing a value from enum "Status"
  USING "status"::text::"public"."Status";
DROP TYPE "public"."Status_old";
`);
  });

  it('treats a conversion to a new enum without a swap as an ordinary type change', () => {
    check(changingColumnType, `
${MIGRATION}
CREATE TYPE "Priority" AS ENUM ('LOW', 'HIGH');
ALTER TABLE "Task" ALTER COLUMN "priority" TYPE "Priority" USING ("priority"::"Priority");
                 --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Task" wait while changing "priority" to "Priority"
`);
  });
});

describe('backfill then SET NOT NULL in one migration', () => {
  const rules = [dataChangeInMigration, addingNotNullableField, addingRequiredField, addingFieldWithDefault];

  it('advises ADD COLUMN … NOT NULL DEFAULT …: the migration is one transaction, so the CHECK steps gain nothing', () => {
    const findings = check(rules, `
${MIGRATION}
-- AlterTable
ALTER TABLE "Project" ADD COLUMN "color" TEXT;
-- Custom backfill
  UPDATE "Project" SET "color" = '#3366ff';
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Project" wait until the migration commits: UPDATE of every row runs under the exclusive lock ADD COLUMN took
-- AlterTable
ALTER TABLE "Project" ALTER COLUMN "color" SET NOT NULL;
                    --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Project" wait while SET NOT NULL on "color"
ALTER TABLE "Task" ADD COLUMN "slug" TEXT;
  UPDATE "Task" SET "slug" = "id"::text;
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Task" wait until the migration commits: UPDATE of every row runs under the exclusive lock ADD COLUMN took
ALTER TABLE "Task" ALTER COLUMN "slug" DROP DEFAULT,
  ALTER COLUMN "slug" SET NOT NULL;
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Task" wait while SET NOT NULL on "slug"
`);
    const help = (start: string) => findings.find((finding) => finding.message.startsWith(start))!.help;
    assert.match(help('Reads and writes on "Project" wait until the migration commits'), /ADD COLUMN "color" … DEFAULT '#3366ff'/);
    assert.match(help('Reads and writes on "Project" wait while SET NOT NULL on "color"'), /"color" is added earlier in this migration, which runs as one transaction: .*ADD COLUMN "color" … NOT NULL DEFAULT …/);
    assert.doesNotMatch(help('Reads and writes on "Project" wait while SET NOT NULL on "color"'), /VALIDATE CONSTRAINT/);
    assert.match(help('Reads and writes on "Task" wait while SET NOT NULL on "slug"'), /If each row needs its own value, add it nullable here, backfill it in batches after the deploy/);
  });

  it('keeps the CHECK … NOT VALID advice for a column an earlier migration added', () => {
    const [finding] = check(rules, `
${MIGRATION}
UPDATE "User" SET "name" = '' WHERE "name" IS NULL;
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
                 --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "User" wait while SET NOT NULL on "name"
`);
    assert.match(finding!.help, /NOT VALID.*VALIDATE CONSTRAINT/);
  });

  it('is quiet for ADD COLUMN … NOT NULL DEFAULT in one statement', () => {
    check(rules, `
${MIGRATION}
ALTER TABLE "Project" ADD COLUMN "color" TEXT NOT NULL DEFAULT '#3366ff';
`);
  });
});

describe('renaming-column after the column was added in the same migration', () => {
  it('is quiet: no running application knows the column yet, renamed once or twice', () => {
    check(renamingColumn, `
${MIGRATION}
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
ALTER TABLE "User" RENAME COLUMN "nick" TO "nickname";
ALTER TABLE "User" RENAME COLUMN "nickname" TO "handle";
ALTER TABLE "public"."Post" ADD COLUMN "subtitle" TEXT;
ALTER TABLE "Post" RENAME "subtitle" TO "teaser";
`);
  });

  it('flags a column that existed before, one added to another table, or added after the rename', () => {
    check(renamingColumn, `
${MIGRATION}
ALTER TABLE "User" ADD COLUMN "nick" TEXT;
  ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: still name "name", renamed to "fullName"
  ALTER TABLE "Post" RENAME COLUMN "nick" TO "author";
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: still name "nick", renamed to "author"
  ALTER TABLE "Team" RENAME COLUMN "label" TO "title";
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: still name "label", renamed to "title"
ALTER TABLE "Team" ADD COLUMN "label" TEXT;
ALTER TABLE "public"."Post" ADD COLUMN "subtitle" TEXT;
  ALTER TABLE "audit"."Post" RENAME COLUMN "subtitle" TO "teaser";
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: still name "subtitle", renamed to "teaser"
`);
  });
});
