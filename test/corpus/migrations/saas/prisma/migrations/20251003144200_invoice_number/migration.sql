/*
  Warnings:

  - Added the required column `number` to the `Invoice` table without a default value. This is not possible if the table is not empty.

*/
-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "number" SERIAL NOT NULL;
