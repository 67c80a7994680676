-- Backfill the owner from the first OWNER membership
UPDATE "Organization" o SET "ownerId" = m."userId"
FROM "Membership" m
WHERE m."organizationId" = o."id" AND m."role" = 'OWNER' AND o."ownerId" IS NULL;
