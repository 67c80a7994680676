-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "minutesTotal" INTEGER NOT NULL DEFAULT 0;
