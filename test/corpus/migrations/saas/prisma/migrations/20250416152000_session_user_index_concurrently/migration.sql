-- CreateIndex
CREATE INDEX CONCURRENTLY "Session_userId_expiresAt_idx" ON "Session"("userId", "expiresAt");
