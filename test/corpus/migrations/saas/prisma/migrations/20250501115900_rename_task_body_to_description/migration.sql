/*
  Warnings:

  - You are about to drop the column `body` on the `Task` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "Task" DROP COLUMN "body",
ADD COLUMN     "description" TEXT;
