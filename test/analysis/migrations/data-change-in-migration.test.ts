/** Marker tests for data-change-in-migration: UPDATE and DELETE of every row of an existing table inside a migration. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import dataChangeInMigration from '../../../server/src/analysis/rules/data-change-in-migration';
import { check } from '../../support/fixture';
import { MIGRATION, parserReady, withMigrationContext } from './support';

before(parserReady);

describe('data-change-in-migration', () => {
  it('flags UPDATE and DELETE without a WHERE, or with one that is always true, schema-qualified and quoted names included', () => {
    const findings = check(dataChangeInMigration, `
${MIGRATION}
-- Custom
  UPDATE "Task" SET "sortOrder" = "id";
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Writes to "Task" wait until the migration commits: UPDATE of every row locks each one.
  UPDATE "public"."User" SET "plan" = 'free', "seats" = 1 WHERE true;
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Writes to "User" wait until the migration commits: UPDATE of every row locks
  DELETE FROM "audit"."Log" WHERE 1 = 1;
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Writes to "audit"."Log" wait until the migration commits: DELETE of every row locks each one
  DELETE FROM "Session";
--^^^^^^^^^^^^^^^^^^^^^ warning: "Session" wait until the migration commits: DELETE of every row
  delete from session_token;
--^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "session_token" wait until the migration commits: DELETE of every row
  UPDATE "Order" SET "total" = 0 WHERE NOT false AND 'a' = 'a';
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "Order" wait until the migration commits: UPDATE of every row
`);
    assert.match(findings[0]!.help, /update the rows of "Task" in a script run after the deploy, in batches by primary-key range/);
    assert.match(findings.find((finding) => finding.message.startsWith('Writes to "Session" wait'))!.help, /delete the rows of "Session" in a script/);
  });

  it('flags a join that only matches rows of another table (UPDATE … FROM, DELETE … USING)', () => {
    check(dataChangeInMigration, `
${MIGRATION}
  UPDATE "Organization" o SET "ownerId" = m."userId"
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "Organization" wait until the migration commits: UPDATE of every row
  FROM "Membership" m
  WHERE m."organizationId" = o."id";
  DELETE FROM "Like" USING "Post" WHERE "Post"."id" = "Like"."postId";
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "Like" wait until the migration commits: DELETE of every row
`);
  });

  it('flags the backfill of a column added earlier in the migration, WHERE "column" IS NULL included, and says the table is locked', () => {
    const findings = check(dataChangeInMigration, `
${MIGRATION}
ALTER TABLE "User" ADD COLUMN "plan" TEXT;
  UPDATE "User" SET "plan" = 'free';
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "User" wait until the migration commits: UPDATE of every row runs under the exclusive lock ADD COLUMN took.
ALTER TABLE "Post" ADD COLUMN "slug" TEXT, ADD COLUMN "views" INTEGER DEFAULT 0;
  UPDATE "Post" p SET "slug" = p."id"::text WHERE p."slug" IS NULL;
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: Reads and writes on "Post" wait until the migration commits: UPDATE of every row runs under the exclusive lock ADD COLUMN took
`);
    assert.match(findings[0]!.help, /ADD COLUMN "plan" … DEFAULT 'free'/, 'a constant belongs in the default');
    assert.match(findings[1]!.help, /in batches by primary-key range/, 'a value per row is batched');
  });

  it('advises batches, not a default, before PostgreSQL 11 (a default rewrites the table there)', () => {
    withMigrationContext({ postgresVersion: 10 }, () => {
      const [finding] = check(dataChangeInMigration, `
${MIGRATION}
ALTER TABLE "User" ADD COLUMN "plan" TEXT;
  UPDATE "User" SET "plan" = 'free';
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: runs under the exclusive lock ADD COLUMN took
`);
      assert.match(finding!.help, /in batches/);
    });
  });

  it('is quiet for a WHERE that limits the rows, and for IS NULL on a column the migration did not add or added with a default', () => {
    check(dataChangeInMigration, `
${MIGRATION}
UPDATE "User" SET "plan" = 'free' WHERE "id" = 1;
UPDATE "User" SET "plan" = 'free' WHERE "status" = 'x';
DELETE FROM "Session" WHERE "expiresAt" < now();
UPDATE "Organization" o SET "ownerId" = m."userId"
FROM "Membership" m
WHERE m."organizationId" = o."id" AND m."role" = 'OWNER' AND o."ownerId" IS NULL;
UPDATE "Project" SET "color" = '#3366ff' WHERE "color" IS NULL;
ALTER TABLE "Post" ADD COLUMN "slug" TEXT, ADD COLUMN "views" INTEGER DEFAULT 0;
UPDATE "Post" SET "views" = 1 WHERE "views" IS NULL;
UPDATE "Post" SET "slug" = 'x' WHERE "slug" IS NULL AND "published" = true;
UPDATE "Post" SET "slug" = 'x' WHERE "title" IS NULL;
`);
  });

  it('is quiet on tables created earlier in the migration or by an undeployed one, and flags them once deployed', () => {
    check(dataChangeInMigration, `
${MIGRATION}
CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT);
INSERT INTO "Tag" ("name") SELECT DISTINCT "tag" FROM "Post";
UPDATE "Tag" SET "name" = lower("name");
DELETE FROM "Tag";
`);
    const fixture = `
${MIGRATION}
UPDATE "Label" SET "color" = 'red';
`;
    withMigrationContext({ newTables: ['"Label"'] }, () => check(dataChangeInMigration, fixture));
    check(dataChangeInMigration, `
${MIGRATION}
  UPDATE "Label" SET "color" = 'red';
--^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: "Label" wait until the migration commits: UPDATE of every row
  CREATE TABLE "Label" ("id" INTEGER, "color" TEXT);
`);
  });

  it('is quiet for DO blocks and function bodies (PL/pgSQL, not read), TRUNCATE and INSERT … SELECT', () => {
    check(dataChangeInMigration, `
${MIGRATION}
DO $$
BEGIN
  UPDATE "User" SET "plan" = 'free';
END
$$;
CREATE FUNCTION purge_sessions() RETURNS void AS $$
  DELETE FROM "Session";
$$ LANGUAGE sql;
CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $body$
BEGIN
  UPDATE "Post" SET "updatedAt" = now();
  RETURN NEW;
END;
$body$ LANGUAGE plpgsql;
TRUNCATE "Session";
INSERT INTO "Archive" ("id") SELECT "id" FROM "Post";
`);
  });
});
