-- CreateIndex
CREATE INDEX "Task_assigneeId_idx" ON "Task"("assigneeId");
