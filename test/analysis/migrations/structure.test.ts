/** Marker tests for renames, drops, type changes, indexes and constraints; fixes; Prisma's initial migration. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyzeMigration } from '../../../server/src/analysis/analyze';
import { rules } from '../../../server/src/analysis/rules/index';
import addingForeignKeyConstraint from '../../../server/src/analysis/rules/adding-foreign-key-constraint';
import banConcurrentInTransaction from '../../../server/src/analysis/rules/ban-concurrent-index-creation-in-transaction';
import banDropColumn from '../../../server/src/analysis/rules/ban-drop-column';
import banDropDatabase from '../../../server/src/analysis/rules/ban-drop-database';
import banDropTable from '../../../server/src/analysis/rules/ban-drop-table';
import changingColumnType from '../../../server/src/analysis/rules/changing-column-type';
import constraintMissingNotValid from '../../../server/src/analysis/rules/constraint-missing-not-valid';
import disallowedUniqueConstraint from '../../../server/src/analysis/rules/disallowed-unique-constraint';
import renamingColumn from '../../../server/src/analysis/rules/renaming-column';
import renamingTable from '../../../server/src/analysis/rules/renaming-table';
import requireConcurrentIndexCreation from '../../../server/src/analysis/rules/require-concurrent-index-creation';
import requireConcurrentIndexDeletion from '../../../server/src/analysis/rules/require-concurrent-index-deletion';
import { isMigrationRule } from '../../../server/src/analysis/rules/types';
import { check, checkFix, findingsOf, parseFixture } from '../../support/fixture';
import { MIGRATION, parserReady, withMigrationContext } from './support';

before(parserReady);
const migrationRules = rules.filter(isMigrationRule);

describe('renaming-column and renaming-table', () => {
  it('flags renames of existing columns and tables', () => {
    check([renamingColumn, renamingTable], `
${MIGRATION}
  ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: still name "name", renamed to "fullName"
  ALTER TABLE "Post" RENAME TO "Article";
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: still name "Post", renamed to "Article"
`);
  });

  it('is quiet for renames of a table created in the migration and for renamed indexes and constraints', () => {
    check([renamingColumn, renamingTable], `
${MIGRATION}
CREATE TABLE "Draft" ("id" INTEGER NOT NULL, "name" TEXT);
ALTER TABLE "Draft" RENAME COLUMN "name" TO "title";
ALTER TABLE "Draft" RENAME TO "Sketch";
ALTER INDEX "Post_a_idx" RENAME TO "Post_b_idx";
ALTER TABLE "Post" RENAME CONSTRAINT "Post_pkey" TO "Post_id_pkey";
`);
  });
});

describe('ban-drop-column and ban-drop-table', () => {
  it('flags drops of existing columns and tables, each table of a multi-table DROP', () => {
    check([banDropColumn, banDropTable], `
${MIGRATION}
-- AlterTable
ALTER TABLE "User" DROP COLUMN "legacyId",
                 --^^^^^^^^^^^^^^^^^^^^^^ warning: Deletes the data of "legacyId" in "User"
ADD COLUMN "x" TEXT;
DROP TABLE "Comment",
         --^^^^^^^^^ warning: Deletes all rows of "Comment"
  "Like";
--^^^^^^ warning: Deletes all rows of "Like"
`);
  });

  it('is quiet for drops of what the migration created, and for DROP INDEX / DROP TYPE', () => {
    check([banDropColumn, banDropTable], `
${MIGRATION}
CREATE TABLE "Tmp" ("id" INTEGER, "x" TEXT);
ALTER TABLE "Tmp" DROP COLUMN "x";
DROP TABLE "Tmp";
DROP INDEX "Post_authorId_idx";
DROP TYPE "Role";
ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
`);
  });
});

describe('changing-column-type', () => {
  it('flags a type change on an existing table, naming the new type', () => {
    check(changingColumnType, `
${MIGRATION}
ALTER TABLE "Order" ALTER COLUMN "total" SET DATA TYPE DECIMAL(12,2),
                  --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Order" wait while changing "total" to DECIMAL(12,2)
ALTER COLUMN "note" SET DEFAULT 'x';
`);
  });

  it('is quiet on a new table and for SET DEFAULT', () => {
    check(changingColumnType, `
${MIGRATION}
CREATE TABLE "Cart" ("id" INTEGER, "total" INTEGER);
ALTER TABLE "Cart" ALTER COLUMN "total" SET DATA TYPE BIGINT;
ALTER TABLE "Order" ALTER COLUMN "note" SET DEFAULT 'x';
`);
  });
});

describe('require-concurrent-index-creation / -deletion', () => {
  it('flags CREATE INDEX and DROP INDEX on existing tables and advises a migration of their own', () => {
    const findings = check([requireConcurrentIndexCreation, requireConcurrentIndexDeletion], `
${MIGRATION}
-- CreateIndex
  CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Inserts, updates and deletes on "Post" wait until "Post_authorId_idx" is built
  DROP INDEX "Post_slug_idx";
--^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: queues while dropping "Post_slug_idx" waits for an exclusive lock
`);
    assert.ok(findings.every((finding) => finding.help.includes('a migration of its own') && (finding.fixes ?? []).length === 0));
  });

  it('is quiet for indexes on tables the migration created (Prisma initial migrations), CONCURRENTLY, and dropping an index it created', () => {
    check([requireConcurrentIndexCreation, requireConcurrentIndexDeletion], `
${MIGRATION}
CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL);
CREATE UNIQUE INDEX "Tag_name_key" ON "Tag"("name");
DROP INDEX "Tag_name_key";
`);
    check(requireConcurrentIndexCreation, `
${MIGRATION}
CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");
`);
  });

  it('offers CONCURRENTLY as an unsafe fix when the statement is alone in its migration', () => {
    checkFix(requireConcurrentIndexCreation, `
${MIGRATION}
-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
`, `
-- CreateIndex
CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User"("email");
`);
    checkFix(requireConcurrentIndexDeletion, `
${MIGRATION}
DROP INDEX "User_email_key";
`, `
DROP INDEX CONCURRENTLY "User_email_key";
`);
    const { files } = parseFixture(`
${MIGRATION}
CREATE INDEX "a" ON "Post"("x");
`);
    assert.equal(findingsOf(requireConcurrentIndexCreation, files)[0]!.fixes![0]!.applicability, 'unsafe');
    withMigrationContext({ editable: false }, () => assert.deepEqual(findingsOf(requireConcurrentIndexCreation, files)[0]!.fixes, []));
  });
});

describe('ban-concurrent-index-creation-in-transaction', () => {
  it('flags CONCURRENTLY next to other statements: Prisma runs the file as one transaction', () => {
    check(banConcurrentInTransaction, `
${MIGRATION}
ALTER TABLE "Post" ADD COLUMN "slug" TEXT;
  CREATE INDEX CONCURRENTLY "Post_slug_idx" ON "Post"("slug");
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: This migration fails: its 2 statements run as one transaction
`);
  });

  it('is quiet when the concurrent statement is alone, comments around it included', () => {
    check(banConcurrentInTransaction, `
${MIGRATION}
-- Build the index without blocking writes; Prisma runs a one-statement file outside a transaction.
CREATE INDEX CONCURRENTLY "Post_slug_idx" ON "Post"("slug"); -- trailing comment
`);
  });
});

describe('adding-foreign-key-constraint and constraint-missing-not-valid', () => {
  it('flags a validated foreign key on an existing table and offers NOT VALID', () => {
    check(addingForeignKeyConstraint, `
${MIGRATION}
-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
                     --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Writes to "Post" and "User" wait while adding "Post_authorId_fkey"
`);
    checkFix(addingForeignKeyConstraint, `
${MIGRATION}
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
`, `
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
`);
  });

  it('is quiet for foreign keys on tables the migration created, even to existing tables, and for NOT VALID', () => {
    check(addingForeignKeyConstraint, `
${MIGRATION}
CREATE TABLE "Comment" ("id" SERIAL NOT NULL, "postId" INTEGER NOT NULL);
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") NOT VALID;
`);
  });

  it('flags CHECK constraints without NOT VALID, and validating in the same migration', () => {
    check(constraintMissingNotValid, `
${MIGRATION}
ALTER TABLE "Order" ADD CONSTRAINT "Order_total_positive" CHECK ("total" >= 0);
                      --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Order" wait while adding "Order_total_positive" checks every row
ALTER TABLE "Order" ADD CONSTRAINT "Order_qty_positive" CHECK ("qty" > 0) NOT VALID;
ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_qty_positive";
                  --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: until validating "Order_qty_positive" ends: it gains nothing here
`);
  });

  it('is quiet for a VALIDATE of a constraint added by an earlier migration, and for foreign keys', () => {
    check(constraintMissingNotValid, `
${MIGRATION}
ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_qty_positive";
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");
`);
  });
});

describe('disallowed-unique-constraint and ban-drop-database', () => {
  it('flags ADD CONSTRAINT UNIQUE and DROP DATABASE', () => {
    check([disallowedUniqueConstraint, banDropDatabase], `
${MIGRATION}
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE ("email");
                     --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "User" wait while adding "User_email_key" builds its index
  DROP DATABASE "shop";
--^^^^^^^^^^^^^^^^^^^^ error: Deletes every table and row of database "shop"
`);
  });

  it('is quiet for UNIQUE USING INDEX and for a unique constraint on a new table', () => {
    check(disallowedUniqueConstraint, `
${MIGRATION}
ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";
CREATE TABLE "Tag" ("id" INTEGER, "name" TEXT);
ALTER TABLE "Tag" ADD CONSTRAINT "Tag_name_key" UNIQUE ("name");
`);
  });
});

describe('all migration rules together', () => {
  it("report nothing on Prisma's initial migration: tables, enums, indexes and foreign keys created together", () => {
    check(migrationRules, `
${MIGRATION}
-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',
    "publicId" UUID NOT NULL DEFAULT gen_random_uuid(),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" TEXT NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "authorId" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`);
  });

  it('keeps spans exact after non-ASCII comments (libpg-query counts UTF-8 bytes)', () => {
    check(migrationRules, `
${MIGRATION}
-- Ünïcödé: 日本語のコメント 😀 — the parser reports byte offsets
/* 🚀 multi-byte */ ALTER TABLE "Café" ADD COLUMN "naïve" TEXT NOT NULL;
                                                --^^^^^^^^^^^^^^^^^^^^^ error: Migration fails if "Café" has any rows: required column "naïve" is added without a default
`);
  });

  it('reports a statement that does not parse and still checks the others', () => {
    const text = ['ALTER TABLE "Post" ADD COLUMN;', "-- 'quote; inside a comment", 'DROP TABLE "Post";', 'SELECT \'unterminated'].join('\n');
    const analysis = analyzeMigration(text, { uri: 'file:///m.sql' });
    assert.deepEqual(analysis.findings.map((finding) => finding.ruleId), ['ban-drop-table']);
    assert.equal(analysis.parseErrors.length, 2);
    assert.match(analysis.parseErrors[0]!.message, /syntax error/);
    assert.equal(text.slice(analysis.findings[0]!.span.start, analysis.findings[0]!.span.end), '"Post"');
  });

  it('never throws on binary or huge input', () => {
    const binary = analyzeMigration('\u0000\u0001\uFFFD;\u0000DROP', {});
    assert.deepEqual(binary.findings, []);
    assert.ok(binary.parseErrors.length >= 1);
    const huge = 'ALTER TABLE "Post" ADD COLUMN "x" TEXT;\n'.repeat(20000) + 'DROP TABLE "Post";\n';
    const analysis = analyzeMigration(huge, {});
    assert.equal(analysis.findings.length, 1);
    assert.equal(analysis.findings[0]!.target.statementIndex, 20000);
  });
});
