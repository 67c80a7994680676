-- Custom: a named constraint for the ORM-independent reporting tool
ALTER TABLE "User" ADD CONSTRAINT "User_email_unique" UNIQUE ("email");
