-- Custom backfill before requiring the column
UPDATE "Project" SET "color" = '#3366ff' WHERE "color" IS NULL;

-- AlterTable
ALTER TABLE "Project" ALTER COLUMN "color" SET NOT NULL,
ALTER COLUMN "color" SET DEFAULT '#3366ff';
