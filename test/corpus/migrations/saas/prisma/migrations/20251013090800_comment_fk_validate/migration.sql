ALTER TABLE "Comment" VALIDATE CONSTRAINT "Comment_userId_fkey";
