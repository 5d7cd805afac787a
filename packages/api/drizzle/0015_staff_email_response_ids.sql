ALTER TABLE "staff_emails" ADD COLUMN "response_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
CREATE INDEX "staff_emails_response_ids_idx" ON "staff_emails" USING gin ("response_ids");--> statement-breakpoint
-- Emails queued before this column name their response in the dedupe key (assigned:<id>:…, opened:<id>:…).
UPDATE "staff_emails" SET "response_ids" = ARRAY[substring("dedupe_key" from '^(?:assigned|opened):([0-9a-f-]{36}):')::uuid] WHERE "dedupe_key" ~ '^(assigned|opened):[0-9a-f-]{36}:';
