-- DropIndex
DROP INDEX CONCURRENTLY "Notification_userId_readAt_idx";
