-- Custom
UPDATE "Task" SET "sortOrder" = "id";

CREATE INDEX CONCURRENTLY "Task_projectId_sortOrder_idx" ON "Task"("projectId", "sortOrder");
