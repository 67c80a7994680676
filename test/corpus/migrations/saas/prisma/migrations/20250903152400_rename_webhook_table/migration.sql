-- Custom
ALTER TABLE "WebhookDelivery" RENAME TO "WebhookAttempt";
