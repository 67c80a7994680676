-- CreateIndex
CREATE INDEX CONCURRENTLY "Notification_userId_createdAt_idx" ON "Notification"("userId", "createdAt");
