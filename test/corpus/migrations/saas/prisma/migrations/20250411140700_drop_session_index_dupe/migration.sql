-- DropIndex
DROP INDEX "Session_userId_idx";
