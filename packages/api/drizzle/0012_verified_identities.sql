CREATE TABLE "address_salts" (
	"day" date PRIMARY KEY NOT NULL,
	"salt" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "identity_secret" text;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "identity_verification" text DEFAULT 'required' NOT NULL;--> statement-breakpoint
ALTER TABLE "respondents" ADD COLUMN "verified" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "responses" ADD COLUMN "identity" text DEFAULT 'anonymous' NOT NULL;--> statement-breakpoint
ALTER TABLE "responses" ADD COLUMN "claimed_respondent" jsonb;--> statement-breakpoint
ALTER TABLE "responses" ADD COLUMN "client_hash" text;--> statement-breakpoint
ALTER TABLE "responses" ADD COLUMN "quarantined" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "responses_client_budget_idx" ON "responses" USING btree ("project_id","survey_id","client_hash","received_at") WHERE "responses"."client_hash" is not null;--> statement-breakpoint
CREATE INDEX "responses_quarantine_idx" ON "responses" USING btree ("project_id","received_at") WHERE "responses"."quarantined";--> statement-breakpoint
-- The demo project keeps accepting unsigned identities; every other project requires signatures.
UPDATE "projects" SET "identity_verification" = 'off' WHERE "is_demo";--> statement-breakpoint
-- Identities stored before signatures existed were never verified.
UPDATE "responses" SET "identity" = 'unverified' FROM "respondents" WHERE "respondents"."project_id" = "responses"."project_id" AND "respondents"."id" = "responses"."respondent_id" AND ("respondents"."external_id" IS NOT NULL OR "respondents"."email" IS NOT NULL);
