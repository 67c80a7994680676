-- CreateIndex
CREATE INDEX "Comment_taskId_idx" ON "Comment"("taskId");
