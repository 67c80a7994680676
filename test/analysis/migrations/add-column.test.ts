/** Marker tests for the ADD COLUMN / SET NOT NULL rules, with the safe cases Prisma migrations rely on. */
import { before, describe, it } from 'node:test';
import addingFieldWithDefault from '../../../server/src/analysis/rules/adding-field-with-default';
import addingNotNullableField from '../../../server/src/analysis/rules/adding-not-nullable-field';
import addingRequiredField from '../../../server/src/analysis/rules/adding-required-field';
import { check } from '../../support/fixture';
import { MIGRATION, parserReady, withMigrationContext } from './support';

before(parserReady);

describe('adding-required-field', () => {
  it('flags a NOT NULL column without a default on an existing table', () => {
    check(addingRequiredField, `
${MIGRATION}
-- AlterTable
ALTER TABLE "Post" ADD COLUMN     "title" TEXT NOT NULL,
                                --^^^^^^^^^^^^^^^^^^^^^ error: Migration fails if "Post" has any rows: required column "title" is added without a default
ADD COLUMN     "views" INTEGER NOT NULL DEFAULT 0;
`);
  });

  it('is quiet for a default, a nullable column, an identity, and a table created earlier in the migration', () => {
    check(addingRequiredField, `
${MIGRATION}
ALTER TABLE "Post" ADD COLUMN "views" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Post" ADD COLUMN "subtitle" TEXT;
ALTER TABLE "Post" ADD COLUMN "seq" INTEGER GENERATED ALWAYS AS IDENTITY NOT NULL;
ALTER TABLE "Post" ADD COLUMN "n" SERIAL NOT NULL;
CREATE TABLE "Tag" ("id" SERIAL NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Tag" ADD COLUMN "name" TEXT NOT NULL;
`);
  });

  it('is quiet for a table an undeployed migration created, and flags it once listed as deployed', () => {
    const fixture = `
${MIGRATION}
ALTER TABLE "Tag" ADD COLUMN "name" TEXT NOT NULL;
`;
    withMigrationContext({ newTables: ['"Tag"'] }, () => check(addingRequiredField, fixture));
    withMigrationContext({ newTables: ['tag'] }, () =>
      check(addingRequiredField, `
${MIGRATION}
ALTER TABLE "Tag" ADD COLUMN "name" TEXT NOT NULL;
                           --^^^^^^^^^^^^^^^^^^^^ error: "Tag" has any rows
`),
    );
  });

  it('does not count a table created after the statement, nor one created in another schema', () => {
    check(addingRequiredField, `
${MIGRATION}
ALTER TABLE "Tag" ADD COLUMN "name" TEXT NOT NULL;
                           --^^^^^^^^^^^^^^^^^^^^ error: without a default
CREATE TABLE "audit"."Post" ("id" INTEGER NOT NULL);
CREATE TABLE "Tag" ("id" INTEGER NOT NULL);
ALTER TABLE "public"."Post" ADD COLUMN "title" TEXT NOT NULL;
                                     --^^^^^^^^^^^^^^^^^^^^^ error: "Post" has any rows
`);
  });
});

describe('adding-field-with-default', () => {
  it('flags volatile defaults, serial and identity columns', () => {
    check(addingFieldWithDefault, `
${MIGRATION}
ALTER TABLE "Post" ADD COLUMN "publicId" UUID NOT NULL DEFAULT gen_random_uuid();
                            --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "gen_random_uuid()" is volatile
ALTER TABLE "Post" ADD COLUMN "n" SERIAL NOT NULL;
                            --^^^^^^^^^^^^^^^^^^^ warning: "SERIAL" takes each row's value from a sequence
ALTER TABLE "Post" ADD COLUMN "seq" INTEGER GENERATED ALWAYS AS IDENTITY;
                            --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: an identity column numbers each existing row
ALTER TABLE "Post" ADD COLUMN "score" DOUBLE PRECISION DEFAULT my_score();
                            --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "my_score()" is not known to be stable
`);
  });

  it('is quiet for constants, casts, now() and CURRENT_TIMESTAMP on PostgreSQL 11+, and on new tables', () => {
    check(addingFieldWithDefault, `
${MIGRATION}
ALTER TABLE "Post" ADD COLUMN "status" "Status" NOT NULL DEFAULT 'DRAFT',
ADD COLUMN "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN "seenAt" TIMESTAMPTZ DEFAULT now(),
ADD COLUMN "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "meta" JSONB NOT NULL DEFAULT '{}'::jsonb,
ADD COLUMN "ratio" DOUBLE PRECISION NOT NULL DEFAULT -1.5;
CREATE TABLE "Tag" ("id" INTEGER NOT NULL);
ALTER TABLE "Tag" ADD COLUMN "publicId" UUID NOT NULL DEFAULT gen_random_uuid();
`);
  });

  it('flags any default before PostgreSQL 11', () => {
    withMigrationContext({ postgresVersion: 10 }, () =>
      check(addingFieldWithDefault, `
${MIGRATION}
ALTER TABLE "Post" ADD COLUMN "views" INTEGER NOT NULL DEFAULT 0;
                            --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: before PostgreSQL 11 (this project targets 10)
`),
    );
  });
});

describe('adding-not-nullable-field', () => {
  it('flags SET NOT NULL on an existing table, pointing at the column', () => {
    check(addingNotNullableField, `
${MIGRATION}
-- AlterTable
ALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL,
                 --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Post" wait while SET NOT NULL on "title" scans every row
ALTER COLUMN "body" DROP NOT NULL;
`);
  });

  it('is quiet on a table created in the migration and for DROP NOT NULL', () => {
    check(addingNotNullableField, `
${MIGRATION}
CREATE TABLE "Draft" ("id" INTEGER, "title" TEXT);
ALTER TABLE "Draft" ALTER COLUMN "title" SET NOT NULL;
ALTER TABLE "Post" ALTER COLUMN "title" DROP NOT NULL;
`);
  });

  it('is quiet after a validated CHECK (column IS NOT NULL) proves the column on PostgreSQL 12+', () => {
    check(addingNotNullableField, `
${MIGRATION}
ALTER TABLE "Post" ADD CONSTRAINT "title_present" CHECK ("title" IS NOT NULL) NOT VALID;
ALTER TABLE "Post" VALIDATE CONSTRAINT "title_present";
ALTER TABLE "Post" ALTER COLUMN "title" SET NOT NULL;
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_body_not_null";
ALTER TABLE "Post" ALTER COLUMN "body" SET NOT NULL;
`);
  });

  it('still flags a column the validated check does not prove, or a check validated after SET NOT NULL', () => {
    check(addingNotNullableField, `
${MIGRATION}
ALTER TABLE "Post" ADD CONSTRAINT "title_present" CHECK ("title" IS NOT NULL) NOT VALID;
ALTER TABLE "Post" VALIDATE CONSTRAINT "title_present";
ALTER TABLE "Post" ALTER COLUMN "body" SET NOT NULL;
                 --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Post" wait while SET NOT NULL on "body" scans every row
ALTER TABLE "Post" ALTER COLUMN "slug" SET NOT NULL;
                 --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Post" wait while SET NOT NULL on "slug" scans every row
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_slug_not_null";
ALTER TABLE "Post" ADD CONSTRAINT "other" CHECK ("summary" <> '') NOT VALID;
ALTER TABLE "Post" VALIDATE CONSTRAINT "other";
ALTER TABLE "Post" ALTER COLUMN "summary" SET NOT NULL;
                 --^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Post" wait while SET NOT NULL on "summary" scans every row
`);
  });
});
