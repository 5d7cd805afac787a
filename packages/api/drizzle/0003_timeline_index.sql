DROP INDEX "responses_submitted_idx";--> statement-breakpoint
CREATE INDEX "responses_timeline_idx" ON "responses" USING btree ("project_id","submitted_at","id");