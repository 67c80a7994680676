-- Custom: keep the data, rename the column
ALTER TABLE "Project" RENAME COLUMN "archived" TO "isArchived";
