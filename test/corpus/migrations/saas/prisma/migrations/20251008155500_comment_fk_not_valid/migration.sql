-- Custom: re-point comments at the new author column without a long lock
ALTER TABLE "Comment" ADD COLUMN     "userId" TEXT;

ALTER TABLE "Comment" ADD CONSTRAINT "Comment_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;
