/*
  Warnings:

  - Made the column `name` on table `User` required, but there are 3 existing NULL values.

*/
-- AlterTable
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
