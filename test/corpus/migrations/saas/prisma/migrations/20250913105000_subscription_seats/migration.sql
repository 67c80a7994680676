-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "seats" INTEGER NOT NULL DEFAULT 1;
