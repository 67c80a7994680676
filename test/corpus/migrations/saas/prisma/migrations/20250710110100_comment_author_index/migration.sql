-- CreateIndex
CREATE INDEX "Comment_authorId_idx" ON "Comment"("authorId");
